// The activation checks of check_plugin(): the conformance suite's checks
// (tests/conformance/activation_test.cpp) as report lines, plus a timing.
#include <algorithm>
#include <cfloat>
#include <omp.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>
#include <sstream>
#include <unordered_map>

#include <oneapi/dnnl/dnnl.hpp>
#include <oneapi/dnnl/dnnl_debug.h>

#include "soma/random.h"
#include "tooling/checks.h"

namespace soma::tooling {
namespace {

// The generic path on one array: y = f(x), dx = dy f'(x); x reaches the
// backward only when the activation says it needs it, as in the network.
void generic(const Activation& act, const std::vector<float>& x, const std::vector<float>& dy, std::vector<float>& y,
             std::vector<float>& dx) {
    y.assign(x.size(), 0.f);
    dx.assign(x.size(), 0.f);
    act.forward(x.data(), y.data(), x.size());
    act.backward(act.needs_input() ? x.data() : nullptr, y.data(), dy.data(), dx.data(), x.size());
}

float f_at(const Activation& act, float x) {
    float y = 0.f;
    act.forward(&x, &y, 1);
    return y;
}

float df_at(const Activation& act, float x) {
    std::vector<float> in = {x}, dy = {1.f}, y, dx;
    generic(act, in, dy, y, dx);
    return dx[0];
}

// Special points first (so short lengths see them), then a grid over [-10, 10].
std::vector<float> test_inputs() {
    std::vector<float> x = {0.f, 1e-3f, -1e-3f, 3.f, -3.f, 20.f, -20.f, 80.f, -80.f, 1e4f, -1e4f, 1.f, -1.f, 0.5f, -0.5f};
    const std::size_t special = x.size();
    while (x.size() < 1000) x.push_back(static_cast<float>(-10.0 + 20.0 * (x.size() - special) / (1000 - special)));
    return x;
}

std::vector<float> random_values(std::size_t n, std::uint64_t seed, double lo, double hi) {
    Random r(seed);
    std::vector<float> v(n);
    for (float& e : v) e = static_cast<float>(r.uniform(lo, hi));
    return v;
}

// Central differences against the generic backward, h = 1e-3 max(1, |x|).
// Where the one-sided differences disagree f has a kink (relu at 0): there
// f' must lie between them (a subgradient). More than 8 kinks fails.
CheckResult derivative(const Activation& act) {
    std::vector<float> points = {0.f, 1e-3f, -1e-3f, 3.f, -3.f, 10.f, -10.f, 20.f, -20.f, 40.f, -40.f, 80.f, -80.f};
    for (int i = 0; i <= 120; ++i) points.push_back(static_cast<float>(-6.0 + 0.1 * i));
    int kinks = 0, bad = 0;
    double worst = 0;
    std::string first_bad;
    for (float x : points) {
        const float h = 1e-3f * std::max(1.f, std::fabs(x));
        const float lo = x - h, hi = x + h;
        const double f_lo = f_at(act, lo), f_x = f_at(act, x), f_hi = f_at(act, hi);
        const double left = (f_x - f_lo) / (static_cast<double>(x) - lo);
        const double right = (f_hi - f_x) / (static_cast<double>(hi) - x);
        const double numeric = (f_hi - f_lo) / (static_cast<double>(hi) - lo);
        const double analytic = df_at(act, x);
        const double tol = 1e-3 + 1e-2 * std::fabs(numeric);
        bool ok;
        if (!std::isfinite(analytic)) {
            ok = false;
        } else if (std::fabs(left - right) > 0.02 + 0.02 * std::max(std::fabs(left), std::fabs(right))) {
            ++kinks;
            ok = analytic >= std::min(left, right) - tol && analytic <= std::max(left, right) + tol;
        } else {
            ok = std::fabs(analytic - numeric) <= tol;
            worst = std::max(worst, std::fabs(analytic - numeric));
        }
        if (!ok && bad++ == 0)
            first_bad = "f'(" + num(x) + ") = " + num(analytic) + ", finite differences give " + num(numeric) +
                        (std::fabs(left - right) > 0.02 + 0.02 * std::max(std::fabs(left), std::fabs(right))
                             ? " (a kink: one-sided " + num(left) + ", " + num(right) + ")"
                             : "");
    }
    const std::string range = std::to_string(points.size()) + " points in [-80, 80]";
    if (bad) return {"", false, first_bad + "; wrong at " + std::to_string(bad) + " of " + range};
    if (kinks > 8)
        return {"", false, std::to_string(kinks) + " points where f is not differentiable (at most 8): is f noisy?"};
    return {"", true,
            range + ", max |error| " + num(worst) + (kinks ? ", " + std::to_string(kinks) + " kink(s)" : "")};
}

CheckResult finite_values(const Activation& act) {
    const std::vector<float> x = {0.f,   -0.f,   1.f,     -1.f,     20.f,    -20.f,   80.f,  -80.f,
                                  1e4f,  -1e4f,  1e30f,   -1e30f,   FLT_MAX, -FLT_MAX, FLT_MIN, -FLT_MIN,
                                  1e-40f, -1e-40f, 88.8f, -88.8f,   89.f,    -89.f,   710.f, -710.f};
    std::vector<float> dy(x.size(), 1.f), y, dx;
    generic(act, x, dy, y, dx);
    std::vector<std::pair<float, std::string>> bad;  // |x| first: the smallest input that fails leads
    for (std::size_t i = 0; i < x.size(); ++i) {
        if (!std::isfinite(y[i])) bad.emplace_back(std::fabs(x[i]), "f(" + num(x[i]) + ") = " + num(y[i]));
        if (!std::isfinite(dx[i])) bad.emplace_back(std::fabs(x[i]), "f'(" + num(x[i]) + ") = " + num(dx[i]));
    }
    if (bad.empty()) return {"", true, "f and f' finite at " + std::to_string(x.size()) + " inputs from -FLT_MAX to FLT_MAX"};
    std::stable_sort(bad.begin(), bad.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::string d;
    for (std::size_t i = 0; i < bad.size() && i < 4; ++i) d += (i ? ", " : "") + bad[i].second;
    if (bad.size() > 4) d += ", ... (" + std::to_string(bad.size()) + " in all)";
    return {"", false, d};
}

CheckResult nan_values(const Activation& act) {
    const float nan = std::numeric_limits<float>::quiet_NaN();
    std::vector<float> x = {nan, 1.f, -nan}, dy = {1.f, 1.f, 1.f}, y, dx;
    generic(act, x, dy, y, dx);  // the backward must not crash; its value at NaN is not specified
    if (!std::isnan(y[0])) return {"", false, "f(NaN) = " + num(y[0]) + ", expected NaN"};
    if (!std::isnan(y[2])) return {"", false, "f(-NaN) = " + num(y[2]) + ", expected NaN"};
    if (std::isnan(y[1]) || std::isnan(dx[1])) return {"", false, "a NaN input leaked into its neighbour"};
    return {"", true, "f(NaN) is NaN, its neighbours unaffected"};
}

// Vectorised loops must not give a tail or a short array other values.
CheckResult lengths(const Activation& act) {
    const std::vector<float> x = test_inputs();
    const std::vector<float> dy = random_values(x.size(), 7, -1.0, 1.0);
    std::vector<float> y_full, dx_full;
    generic(act, x, dy, y_full, dx_full);
    const std::vector<std::size_t> sizes = {1, 2, 3, 5, 7, 8, 15, 16, 17, 31, 33, 63, 64, 65, 127, 999, 1000};
    for (std::size_t n : sizes) {
        // Also shifted by one element: another alignment of the same values.
        for (std::size_t shift : {0u, 1u}) {
            if (n + shift > x.size()) continue;
            std::vector<float> xs(x.begin() + shift, x.begin() + shift + n), dys(dy.begin() + shift, dy.begin() + shift + n);
            std::vector<float> y, dx;
            generic(act, xs, dys, y, dx);
            for (std::size_t i = 0; i < n; ++i) {
                const std::size_t k = i + shift;
                if (std::memcmp(&y[i], &y_full[k], sizeof(float)) != 0)
                    return {"", false, "length " + std::to_string(n) + ": f(" + num(x[k]) + ") = " + num(y[i]) +
                                           ", in an array of 1000 " + num(y_full[k])};
                if (std::memcmp(&dx[i], &dx_full[k], sizeof(float)) != 0)
                    return {"", false, "length " + std::to_string(n) + ": dy f'(" + num(x[k]) + ") = " + num(dx[i]) +
                                           ", in an array of 1000 " + num(dx_full[k])};
            }
        }
    }
    return {"", true, "bit-identical per element at lengths 1, 2, 3, 5, 7, ..., 65, 127, 999, 1000"};
}

// 1e-5 relative, 5e-6 absolute: oneDNN 2.6's jit approximations are
// accurate to about 2e-6 absolute near zero.
bool close(float a, float b) {
    if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
    return std::fabs(a - b) <= 1e-5f * std::max(std::fabs(a), std::fabs(b)) + 5e-6f;
}

const char* algorithm_name(dnnl::algorithm a) { return dnnl_alg_kind2str(static_cast<dnnl_alg_kind_t>(a)); }

// oneDNN eltwise_forward with `forward` and eltwise_backward with `backward`,
// bound as the dense layer binds them: DST = y always; SRC = y when the
// backward reads the output (the *_use_dst_for_bwd algorithms: a post-op
// keeps nothing else), x when it reads the input.
CheckResult onednn(const Activation& act) {
    const std::optional<FusedEltwise> maybe = act.fused();
    if (!maybe) return {"", true, "no oneDNN algorithm: the network runs the generic path"};
    const FusedEltwise fe = *maybe;
    const bool reads_output = fe.backward_reads == FusedEltwise::Reads::output;
    const std::string algorithms = std::string(algorithm_name(fe.forward)) + " / " + algorithm_name(fe.backward);
    if (!reads_output && !act.needs_input())
        return {"", false, algorithms + " reads the input x, but needs_input() is false (uses_input)"};
    dnnl::engine engine(dnnl::engine::kind::cpu, 0);
    dnnl::stream stream(engine);
    using dnnl::memory;
    for (std::size_t n : {1u, 7u, 33u, 1000u}) {
        std::vector<float> x = test_inputs();
        x.resize(n);
        std::vector<float> dy = random_values(n, 3, -1.0, 1.0);
        std::vector<float> y_ref, dx_ref;
        generic(act, x, dy, y_ref, dx_ref);

        std::vector<float> y(n), dx(n);
        const memory::desc md({static_cast<memory::dim>(n)}, memory::data_type::f32, memory::format_tag::a);
        memory x_mem(md, engine, x.data()), y_mem(md, engine, y.data()), dy_mem(md, engine, dy.data()),
            dx_mem(md, engine, dx.data());
        dnnl::eltwise_forward::desc fd(dnnl::prop_kind::forward_training, fe.forward, md, fe.alpha, fe.beta);
        dnnl::eltwise_forward(dnnl::eltwise_forward::primitive_desc(fd, engine))
            .execute(stream, {{DNNL_ARG_SRC, x_mem}, {DNNL_ARG_DST, y_mem}});
        dnnl::eltwise_forward::desc hint_d(dnnl::prop_kind::forward_training, fe.backward, md, fe.alpha, fe.beta);
        dnnl::eltwise_forward::primitive_desc hint_pd(hint_d, engine);
        dnnl::eltwise_backward::desc bd(fe.backward, md, md, fe.alpha, fe.beta);
        dnnl::eltwise_backward(dnnl::eltwise_backward::primitive_desc(bd, engine, hint_pd))
            .execute(stream, {{DNNL_ARG_DST, y_mem},
                              {DNNL_ARG_SRC, reads_output ? y_mem : x_mem},
                              {DNNL_ARG_DIFF_DST, dy_mem},
                              {DNNL_ARG_DIFF_SRC, dx_mem}});
        stream.wait();
        for (std::size_t i = 0; i < n; ++i) {
            if (!close(y[i], y_ref[i]))
                return {"", false, algorithms + ": f(" + num(x[i]) + ") oneDNN " + num(y[i]) + ", generic " +
                                       num(y_ref[i])};
            if (!close(dx[i], dx_ref[i]))
                return {"", false, algorithms + ": dy f'(" + num(x[i]) + ") oneDNN " + num(dx[i]) + ", generic " +
                                       num(dx_ref[i]) + " (dy = " + num(dy[i]) + ")"};
        }
    }
    return {"", true, algorithms + " (backward reads " + (reads_output ? "y" : "x") + ") agrees with the generic path"};
}

// The best of 7 rounds of `run(reps)` (at least a millisecond each), in
// nanoseconds per element of `n`.
double best_time(const std::function<void(int)>& run, std::size_t n) {
    using clock = std::chrono::steady_clock;
    auto round = [&](int reps) {
        const auto start = clock::now();
        run(reps);
        return std::chrono::duration<double, std::nano>(clock::now() - start).count();
    };
    int reps = 1;
    while (round(reps) < 1e6 && reps < (1 << 20)) reps *= 2;
    double best = std::numeric_limits<double>::infinity();
    for (int i = 0; i < 7; ++i) best = std::min(best, round(reps));
    return best / (static_cast<double>(reps) * n);
}

constexpr std::size_t kTimed = 4096;

// One generic forward + backward, ns per element.
double time_generic(const Activation& act) {
    const std::vector<float> x = random_values(kTimed, 11, -5.0, 5.0);
    const std::vector<float> dy = random_values(kTimed, 12, -1.0, 1.0);
    std::vector<float> y(kTimed), dx(kTimed);
    const float* xin = act.needs_input() ? x.data() : nullptr;
    return best_time(
        [&](int reps) {
            for (int r = 0; r < reps; ++r) {
                act.forward(x.data(), y.data(), kTimed);
                act.backward(xin, y.data(), dy.data(), dx.data(), kTimed);
            }
        },
        kTimed);
}

// One oneDNN eltwise forward + backward as the dense layer runs them, ns per element.
double time_onednn(const FusedEltwise& fe) {
    using dnnl::memory;
    std::vector<float> x = random_values(kTimed, 11, -5.0, 5.0), dy = random_values(kTimed, 12, -1.0, 1.0);
    std::vector<float> y(kTimed), dx(kTimed);
    dnnl::engine engine(dnnl::engine::kind::cpu, 0);
    dnnl::stream stream(engine);
    const memory::desc md({static_cast<memory::dim>(kTimed)}, memory::data_type::f32, memory::format_tag::a);
    memory x_mem(md, engine, x.data()), y_mem(md, engine, y.data()), dy_mem(md, engine, dy.data()),
        dx_mem(md, engine, dx.data());
    dnnl::eltwise_forward::desc fd(dnnl::prop_kind::forward_training, fe.forward, md, fe.alpha, fe.beta);
    dnnl::eltwise_forward forward(dnnl::eltwise_forward::primitive_desc(fd, engine));
    dnnl::eltwise_forward::desc hint_d(dnnl::prop_kind::forward_training, fe.backward, md, fe.alpha, fe.beta);
    dnnl::eltwise_forward::primitive_desc hint_pd(hint_d, engine);
    dnnl::eltwise_backward::desc bd(fe.backward, md, md, fe.alpha, fe.beta);
    dnnl::eltwise_backward backward(dnnl::eltwise_backward::primitive_desc(bd, engine, hint_pd));
    const bool reads_output = fe.backward_reads == FusedEltwise::Reads::output;
    const std::unordered_map<int, memory> forward_args = {{DNNL_ARG_SRC, x_mem}, {DNNL_ARG_DST, y_mem}};
    const std::unordered_map<int, memory> backward_args = {{DNNL_ARG_DST, y_mem},
                                                           {DNNL_ARG_SRC, reads_output ? y_mem : x_mem},
                                                           {DNNL_ARG_DIFF_DST, dy_mem},
                                                           {DNNL_ARG_DIFF_SRC, dx_mem}};
    return best_time(
        [&](int reps) {
            for (int r = 0; r < reps; ++r) {
                forward.execute(stream, forward_args);
                backward.execute(stream, backward_args);
            }
            stream.wait();
        },
        kTimed);
}

std::string ns(double v) {
    std::ostringstream s;
    s.precision(3);
    s << v;
    return s.str();
}

// The activation as the network runs it (oneDNN when it names an algorithm:
// dense fuses it or runs it beside the inner product; else the generic path)
// against relu as the network runs it (oneDNN eltwise_relu). Informative;
// fails only beyond 50x.
CheckResult timing(const Activation& act, Support& support) {
    // One thread: a second OpenMP thread on a busy 2-core machine turns a
    // microsecond primitive into milliseconds of waiting, which is not the
    // plugin's speed. Restored when the check ends.
    struct OneThread {
        int saved = omp_get_max_threads();
        OneThread() { omp_set_num_threads(1); }
        ~OneThread() { omp_set_num_threads(saved); }
    } one_thread;
    const std::optional<FusedEltwise> fe = act.fused();
    const double generic_ns = time_generic(act);
    double used_ns = generic_ns;
    std::string d;
    if (fe) {
        used_ns = time_onednn(*fe);
        d = "oneDNN " + ns(used_ns) + " ns/element forward+backward, as dense runs it (generic path " +
            ns(generic_ns) + ")";
    } else {
        d = "generic " + ns(generic_ns) + " ns/element forward+backward";
    }
    const Registry* baseline = support.find(Kind::activation, "relu");
    if (!baseline) return {"", true, d + "; no built-in relu found to compare with"};
    const std::unique_ptr<Activation> relu = baseline->make_activation("relu");
    const std::optional<FusedEltwise> relu_fe = relu->fused();
    const double relu_ns = relu_fe ? time_onednn(*relu_fe) : time_generic(*relu);
    const double ratio = used_ns / relu_ns;
    d += "; relu " + ns(relu_ns) + (relu_fe ? " (oneDNN)" : "") + ": " + ns(ratio) + "x";
    if (ratio > 50) return {"", false, d + ", more than 50x slower"};
    return {"", true, d};
}

}  // namespace

void check_activation(const Registry& registry, const std::string& name, Support& support,
                      std::vector<CheckResult>& out) {
    const std::string label = "activation " + name + ": ";
    std::unique_ptr<Activation> act;
    out.push_back(run_check(label + "make", [&] {
        act = registry.make_activation(name);
        return CheckResult{"", true, std::string("default parameters; backward reads ") +
                                         (act->needs_input() ? "x and y" : "y only")};
    }));
    if (!act) return;
    out.push_back(run_check(label + "derivative", [&] { return derivative(*act); }));
    out.push_back(run_check(label + "finite", [&] { return finite_values(*act); }));
    out.push_back(run_check(label + "NaN", [&] { return nan_values(*act); }));
    out.push_back(run_check(label + "lengths", [&] { return lengths(*act); }));
    out.push_back(run_check(label + "oneDNN", [&] { return onednn(*act); }));
    out.push_back(run_check(label + "speed", [&] { return timing(*act, support); }));
}

}  // namespace soma::tooling
