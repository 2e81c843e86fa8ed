// The optimizer check of check_plugin(), after
// tests/conformance/optimizer_test.cpp: with its default parameters, from a
// fixed start, 200 steps on f = sum (w - target)^2 over a decayed tensor
// ("weights") and an undecayed one ("bias") must lower f by at least 90%.
#include <cmath>

#include "tooling/checks.h"

namespace soma::tooling {
namespace {

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
    void gradient() {  // d/dw (w - t)^2 = 2 (w - t)
        for (std::size_t i = 0; i < w.size(); ++i) w_grad[i] = 2.f * (w[i] - w_target[i]);
        for (std::size_t i = 0; i < b.size(); ++i) b_grad[i] = 2.f * (b[i] - b_target[i]);
    }
};

CheckResult converges(Optimizer& opt) {
    Problem p;
    opt.setup(p.tensors());
    const double start = p.loss();
    for (int step = 0; step < 200; ++step) {
        p.gradient();
        opt.step(1.f);
    }
    const double end = p.loss();
    const std::string moved = "sum (w - t)^2 from " + num(start) + " to " + num(end) + " in 200 steps";
    if (!std::isfinite(end)) return {"", false, moved + ": the weights are no longer finite"};
    if (end > 0.1 * start) {
        if (end > start) return {"", false, moved + ": it diverges"};
        return {"", false, moved + ": lowered by " + num(100.0 * (1.0 - end / start)) + "%, needs >= 90%"};
    }
    return {"", true, moved + " (-" + num(100.0 * (1.0 - end / start)) + "%)"};
}

}  // namespace

void check_optimizer(const Registry& registry, const std::string& name, std::vector<CheckResult>& out) {
    const std::string label = "optimizer " + name + ": ";
    std::unique_ptr<Optimizer> opt;
    out.push_back(run_check(label + "make", [&] {
        opt = registry.make_optimizer(name);
        return CheckResult{"", true, "default parameters"};
    }));
    if (!opt) return;
    out.push_back(run_check(label + "converges", [&] { return converges(*opt); }));
}

}  // namespace soma::tooling
