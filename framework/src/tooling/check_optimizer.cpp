// The optimizer checks (checks.h), with the subject's parameters (defaults
// unless given), on f(w) = sum (w - target)^2 over a decayed tensor
// ("weights") and an undecayed one ("bias", decay = false).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>

#include "tooling/check_parts.h"

namespace soma::tooling {
namespace {

// Two tensors with their targets; the gradient of f is 2 (w - target).
struct Problem {
    std::vector<float> w{0.10f, -0.05f, 0.32f, 0.07f, -0.21f, 0.15f, 0.02f, -0.12f, 0.25f, -0.30f};
    std::vector<float> b{0.05f, -0.10f, 0.20f};
    std::vector<float> w_target{0.02f, 0.05f, 0.40f, -0.03f, -0.11f, 0.05f, -0.08f, -0.02f, 0.35f, -0.40f};
    std::vector<float> b_target{-0.05f, 0.00f, 0.10f};
    std::vector<float> w_grad = std::vector<float>(10, 0.f), b_grad = std::vector<float>(3, 0.f);

    std::vector<ParamTensor> tensors() {
        return {{"weights", w.data(), w_grad.data(), w.size(), {2, 5}, true},
                {"bias", b.data(), b_grad.data(), b.size(), {3}, false}};
    }
    double loss() const {
        double f = 0;
        for (std::size_t i = 0; i < w.size(); ++i) f += (w[i] - w_target[i]) * (w[i] - w_target[i]);
        for (std::size_t i = 0; i < b.size(); ++i) f += (b[i] - b_target[i]) * (b[i] - b_target[i]);
        return f;
    }
    void gradient() {
        for (std::size_t i = 0; i < w.size(); ++i) w_grad[i] = 2.f * (w[i] - w_target[i]);
        for (std::size_t i = 0; i < b.size(); ++i) b_grad[i] = 2.f * (b[i] - b_target[i]);
    }
};

bool same_bits(const std::vector<float>& a, const std::vector<float>& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0;
}

std::unique_ptr<Optimizer> make(const Subject& s, const Params& params) {
    return s.registry.make_optimizer(s.name, params);
}

bool declares(const Subject& s, const std::string& param) {
    for (const ParamSpec& spec : s.registry.feature(Kind::optimizer, s.name).info.params)
        if (spec.name == param) return true;
    return false;
}

// `steps` steps on the problem, lr_factor(step) each.
template <class Factor>
void descend(Optimizer& opt, Problem& p, int steps, Factor lr_factor) {
    for (int step = 0; step < steps; ++step) {
        p.gradient();
        opt.step(lr_factor(step));
    }
}

// 200 steps lower f by at least 90%, the weights staying finite.
CheckResult converges(const Subject& s) {
    Problem p;
    const auto opt = make(s, s.params);
    opt->setup(p.tensors());
    const double start = p.loss();
    descend(*opt, p, 200, [](int) { return 1.f; });
    const double end = p.loss();
    const std::string moved = "sum (w - t)^2 from " + num(start) + " to " + num(end) + " in 200 steps";
    const Numbers numbers = {{"start", start}, {"end", end}};
    bool finite = std::isfinite(end);
    for (float v : p.w) finite = finite && std::isfinite(v);
    if (!finite) return fail(moved + ": the weights are no longer finite", numbers);
    if (end > 0.1 * start) {
        if (end > start) return fail(moved + ": it diverges", numbers);
        return fail(moved + ": lowered by " + num(100.0 * (1.0 - end / start)) + "%, needs >= 90%", numbers);
    }
    return pass(moved + " (-" + num(100.0 * (1.0 - end / start)) + "%)", numbers);
}

// Two optimizers given the same steps end with the same bits.
CheckResult deterministic(const Subject& s) {
    Problem a, b;
    const auto oa = make(s, s.params), ob = make(s, s.params);
    oa->setup(a.tensors());
    ob->setup(b.tensors());
    const auto factor = [](int step) { return step % 2 ? 1.f : 0.5f; };
    descend(*oa, a, 50, factor);
    descend(*ob, b, 50, factor);
    if (!same_bits(a.w, b.w) || !same_bits(a.b, b.b))
        return fail("two runs of the same 50 steps end with different weights");
    return pass("the same 50 steps give the same bits twice");
}

// What a resumed run relies on (soma/state.h): after 7 steps, a fresh
// instance set up on its own tensors gets the weights and state() of the
// first; then both take 10 more steps with the same gradients and must end
// every step with the same bits. state() must give the same blocks (names,
// order, sizes) on every call, with unique names.
CheckResult state(const Subject& s) {
    constexpr int kBefore = 7, kAfter = 10;
    const std::string cause = ": step() keeps state that state() does not return (momentum, a step count, ...)";
    Problem a, b;
    const auto oa = make(s, s.params), ob = make(s, s.params);
    oa->setup(a.tensors());
    const std::vector<StateBlock> at_setup = oa->state();
    if (std::string problem = state_names_problem(at_setup); !problem.empty()) return fail(problem);
    const auto factor = [](int step) { return step % 2 ? 1.f : 0.5f; };
    descend(*oa, a, kBefore, factor);
    const std::vector<StateBlock> trained = oa->state();
    const std::string after = "after " + std::to_string(kBefore) + " steps";
    if (std::string d = state_layout_difference(at_setup, "after setup()", trained, after); !d.empty())
        return fail(d);
    ob->setup(b.tensors());
    const std::vector<StateBlock> fresh = ob->state();
    if (std::string d = state_layout_difference(trained, after, fresh, "in a fresh instance after setup()");
        !d.empty())
        return fail(d);
    std::copy(a.w.begin(), a.w.end(), b.w.begin());
    std::copy(a.b.begin(), a.b.end(), b.b.begin());
    copy_state(trained, fresh);
    const std::string copied = std::to_string(kBefore) + " steps, then the weights and state() (" +
                               state_summary(trained) + ") copied into a fresh instance";
    for (int step = 0; step < kAfter; ++step) {
        a.gradient();
        std::copy(a.w_grad.begin(), a.w_grad.end(), b.w_grad.begin());
        std::copy(a.b_grad.begin(), a.b_grad.end(), b.b_grad.begin());
        oa->step(factor(kBefore + step));
        ob->step(factor(kBefore + step));
        std::string d = first_difference("weights", a.w.data(), b.w.data(), a.w.size());
        if (d.empty()) d = first_difference("bias", a.b.data(), b.b.data(), a.b.size());
        if (!d.empty())
            return fail(copied + ": step " + std::to_string(step + 1) + " of the next " + std::to_string(kAfter) +
                            ": " + d + cause,
                        {{"blocks", double(trained.size())}, {"bytes", double(state_bytes(trained))}});
    }
    if (std::string d = state_layout_difference(trained, after, oa->state(),
                                                "after " + std::to_string(kBefore + kAfter) + " steps");
        !d.empty())
        return fail(d);
    return pass(copied + ": the next " + std::to_string(kAfter) + " steps agree bit for bit",
                {{"blocks", double(trained.size())}, {"bytes", double(state_bytes(trained))}});
}

// A tensor with decay = false moves exactly as it would with no weight decay
// at all; a decayed one moves differently once weight_decay is set.
CheckResult decay_false(const Subject& s) {
    const bool has_decay = declares(s, "weight_decay");
    Params with_decay = s.params, without_decay = s.params;
    if (has_decay) {
        with_decay.set("weight_decay", 0.1);
        without_decay.set("weight_decay", 0.0);
    }
    Problem a, b;
    const auto oa = make(s, with_decay), ob = make(s, without_decay);
    oa->setup(a.tensors());
    ob->setup(b.tensors());
    descend(*oa, a, 20, [](int) { return 1.f; });
    descend(*ob, b, 20, [](int) { return 1.f; });
    if (!same_bits(a.b, b.b)) return fail("the decay = false tensor was decayed");
    if (!has_decay) return pass("no weight_decay parameter; the decay = false tensor moves as without decay");
    if (same_bits(a.w, b.w)) return fail("weight_decay = 0.1 had no effect on the decayed tensor");
    return pass("weight_decay = 0.1 moves the decayed tensor only");
}

// lr_factor = 0 leaves every weight as it was; a real step after it moves.
CheckResult zero_lr_factor(const Subject& s) {
    Problem p;
    const auto opt = make(s, s.params);
    opt->setup(p.tensors());
    const std::vector<float> w0 = p.w, b0 = p.b;
    descend(*opt, p, 3, [](int) { return 0.f; });
    if (!same_bits(p.w, w0) || !same_bits(p.b, b0)) return fail("3 steps with lr_factor = 0 changed the weights");
    descend(*opt, p, 1, [](int) { return 1.f; });
    if (same_bits(p.w, w0)) return fail("a step with lr_factor = 1 after lr_factor = 0 did not move the weights");
    return pass("3 steps with lr_factor = 0 change nothing; the next one moves");
}

// After a first step (which may set up lazily), ten steps allocate nothing.
CheckResult allocations(const Subject& s) {
    if (!s.allocations) return fail("no allocation counter: this program cannot count operator new calls");
    Problem p;
    const auto opt = make(s, s.params);
    opt->setup(p.tensors());
    descend(*opt, p, 1, [](int) { return 1.f; });
    const long long before = s.allocations();
    descend(*opt, p, 10, [](int) { return 1.f; });
    const long long count = s.allocations() - before;
    if (count) return fail(std::to_string(count) + " allocations in 10 steps", {{"allocations", count}});
    return pass("no allocation in 10 steps", {{"allocations", 0}});
}

}  // namespace

CheckResult optimizer_check(CheckId id, const Subject& s) {
    switch (id) {
        case CheckId::optimizer_make: make(s, s.params); return pass("default parameters");
        case CheckId::converges: return converges(s);
        case CheckId::deterministic: return deterministic(s);
        case CheckId::optimizer_state: return state(s);
        case CheckId::decay_false: return decay_false(s);
        case CheckId::zero_lr_factor: return zero_lr_factor(s);
        case CheckId::allocations: return allocations(s);
        default: return fail("not an optimizer check");
    }
}

}  // namespace soma::tooling
