// The activation checks (checks.h): the generic path against finite
// differences, extreme and NaN inputs and every array length; oneDNN's
// algorithms as dense runs them against the generic path; whole networks
// with and without fusion; the speed against relu.
#include <algorithm>
#include <cfloat>
#include <chrono>
#include <cmath>
#include <cstring>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <sstream>
#include <unordered_map>

#include <omp.h>
#include <oneapi/dnnl/dnnl.hpp>
#include <oneapi/dnnl/dnnl_debug.h>

#include "tooling/check_parts.h"

namespace soma::tooling {
namespace {

using Reads = FusedEltwise::Reads;
constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();

std::unique_ptr<Activation> make(const Subject& s) { return s.registry.make_activation(s.name, s.params); }

// The generic path on arrays: y = f(x), dx = dy f'(x); x reaches the
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

// Where the derivative is compared with finite differences.
std::vector<float> derivative_points() {
    std::vector<float> points = {0.f, 1e-3f, -1e-3f, 3.f, -3.f, 10.f, -10.f, 20.f, -20.f, 40.f, -40.f, 80.f, -80.f};
    for (int i = 0; i <= 120; ++i) points.push_back(static_cast<float>(-6.0 + 0.1 * i));
    return points;
}

// Finite inputs from 0 to +-FLT_MAX: subnormals, and where e^x overflows in
// float (88.7) and double (709.8).
const std::vector<float> kExtremes = {0.f,    -0.f,    1.f,   -1.f,   20.f,    -20.f,    80.f,    -80.f,
                                      1e4f,   -1e4f,   1e30f, -1e30f, FLT_MAX, -FLT_MAX, FLT_MIN, -FLT_MIN,
                                      1e-40f, -1e-40f, 88.8f, -88.8f, 89.f,    -89.f,    710.f,   -710.f};

// The oneDNN path must be finite and agree with the generic one up to this
// |x|. Beyond it oneDNN's own algorithms overflow (eltwise_gelu_tanh's and
// eltwise_mish's backward give NaN or inf from 1e30), which no plugin can
// change: the check names it instead of failing.
constexpr float kOneDnnRange = 1e4f;
const std::string kOneDnnRangeText = "1e4";

const char* algorithm_name(dnnl::algorithm a) { return dnnl_alg_kind2str(static_cast<dnnl_alg_kind_t>(a)); }

std::string algorithms(const FusedEltwise& fe) {
    return std::string(algorithm_name(fe.forward)) + " / " + algorithm_name(fe.backward);
}

// --- oneDNN's path ------------------------------------------------------------

// An activation's oneDNN algorithms over arrays of n, bound as dense binds
// them: the forward fused into an inner product as a post-op when the
// backward reads the output (dense's fused path: one input of 1 and weights
// x give exactly x before the post-op), else eltwise_forward beside it; the
// backward eltwise_backward with DST = y and SRC = y or x (`src`).
class OneDnnPath {
public:
    OneDnnPath(const FusedEltwise& fe, std::size_t n, bool post_op, Reads src) : post_op_(post_op) {
        using dnnl::memory;
        const auto len = static_cast<memory::dim>(n);
        const memory::desc md({len}, memory::data_type::f32, memory::format_tag::a);
        for (memory* m : {&x_, &y_, &dy_, &dx_}) *m = memory(md, engine_, DNNL_MEMORY_NONE);
        if (post_op) {
            const memory::desc one_md({1, 1}, memory::data_type::f32, memory::format_tag::ab);
            const memory::desc w_md({len, 1}, memory::data_type::f32, memory::format_tag::ab);
            const memory::desc out_md({1, len}, memory::data_type::f32, memory::format_tag::ab);
            dnnl::post_ops ops;
            ops.append_eltwise(1.f, fe.forward, fe.alpha, fe.beta);
            dnnl::primitive_attr attr;
            attr.set_post_ops(ops);
            forward_ = dnnl::inner_product_forward(dnnl::inner_product_forward::primitive_desc(
                dnnl::inner_product_forward::desc(dnnl::prop_kind::forward_training, one_md, w_md, out_md), attr,
                engine_));
            one_ = memory(one_md, engine_, &one_value_);
            weights_ = memory(w_md, engine_, DNNL_MEMORY_NONE);
            out_ = memory(out_md, engine_, DNNL_MEMORY_NONE);
            forward_args_ = {{DNNL_ARG_SRC, one_}, {DNNL_ARG_WEIGHTS, weights_}, {DNNL_ARG_DST, out_}};
        } else {
            forward_ = dnnl::eltwise_forward(dnnl::eltwise_forward::primitive_desc(
                dnnl::eltwise_forward::desc(dnnl::prop_kind::forward_training, fe.forward, md, fe.alpha, fe.beta),
                engine_));
            forward_args_ = {{DNNL_ARG_SRC, x_}, {DNNL_ARG_DST, y_}};
        }
        // The backward's hint is the forward of the algorithm it uses.
        const dnnl::eltwise_forward::primitive_desc hint(
            dnnl::eltwise_forward::desc(dnnl::prop_kind::forward_training, fe.backward, md, fe.alpha, fe.beta),
            engine_);
        backward_ = dnnl::eltwise_backward(dnnl::eltwise_backward::primitive_desc(
            dnnl::eltwise_backward::desc(fe.backward, md, md, fe.alpha, fe.beta), engine_, hint));
        backward_args_ = {{DNNL_ARG_DST, y_},
                          {DNNL_ARG_SRC, src == Reads::output ? y_ : x_},
                          {DNNL_ARG_DIFF_DST, dy_},
                          {DNNL_ARG_DIFF_SRC, dx_}};
    }

    // The arrays the next step() reads and writes (n each).
    void bind(const float* x, const float* dy, float* y, float* dx) {
        x_.set_data_handle(const_cast<float*>(x));
        y_.set_data_handle(y);
        dy_.set_data_handle(const_cast<float*>(dy));
        dx_.set_data_handle(dx);
        if (post_op_) {
            weights_.set_data_handle(const_cast<float*>(x));
            out_.set_data_handle(y);
        }
    }
    // y = f(x), then dx = dy f'; wait() before reading them.
    void step() {
        forward_.execute(stream_, forward_args_);
        backward_.execute(stream_, backward_args_);
    }
    void wait() { stream_.wait(); }

    void run(const float* x, const float* dy, float* y, float* dx) {
        bind(x, dy, y, dx);
        step();
        wait();
    }

private:
    dnnl::engine engine_{dnnl::engine::kind::cpu, 0};
    dnnl::stream stream_{engine_};
    bool post_op_;
    float one_value_ = 1.f;
    dnnl::memory x_, y_, dy_, dx_, one_, weights_, out_;
    dnnl::primitive forward_, backward_;
    std::unordered_map<int, dnnl::memory> forward_args_, backward_args_;
};

// oneDNN's path for `fe` as dense runs it, on x and dy.
void onednn(const FusedEltwise& fe, const std::vector<float>& x, const std::vector<float>& dy, std::vector<float>& y,
            std::vector<float>& dx, Reads src) {
    y.assign(x.size(), 0.f);
    dx.assign(x.size(), 0.f);
    OneDnnPath(fe, x.size(), fe.backward_reads == Reads::output, src).run(x.data(), dy.data(), y.data(), dx.data());
}

// --- the checks -----------------------------------------------------------------

// Whether df looked at x at all: with x withheld (NaN) it gives the same bits.
bool df_ignores_x(const Activation& act) {
    const std::vector<float> x = test_inputs(), dy(x.size(), 1.f), withheld(x.size(), kNaN);
    std::vector<float> y, dx;
    generic(act, x, dy, y, dx);
    std::vector<float> dx_without(x.size());
    act.backward(withheld.data(), y.data(), dy.data(), dx_without.data(), x.size());
    return std::memcmp(dx.data(), dx_without.data(), dx.size() * sizeof(float)) == 0;
}

CheckResult made(const Subject& s) {
    const auto act = make(s);
    std::string d = s.params.values().empty() ? "default parameters" : "parameters";
    for (const auto& [key, v] : s.params.values()) d += " " + key + "=" + num(v);
    if (!act->needs_input()) return pass(d + "; backward reads y only");
    d += "; backward reads x and y";
    if (df_ignores_x(*act))
        d += " (declared uses_input = true), but df gave the same f' with x withheld: uses_input = false would let "
             "the network keep only y";
    return pass(d);
}

struct Slopes {
    double left, right, central;
    double jump() const { return right - left; }
    double scale() const { return 0.02 + 0.02 * std::max(std::fabs(left), std::fabs(right)); }
};

// One-sided and central differences of f at x with step h.
Slopes slopes(const Activation& act, float x, float h) {
    const float lo = x - h, hi = x + h;
    const double f_lo = f_at(act, lo), f_x = f_at(act, x), f_hi = f_at(act, hi);
    return {(f_x - f_lo) / (static_cast<double>(x) - lo), (f_hi - f_x) / (static_cast<double>(hi) - x),
            (f_hi - f_lo) / (static_cast<double>(hi) - lo)};
}

// A kink (relu at 0) is a jump in slope that stays as the step shrinks. On a
// smooth f the one-sided slopes differ by about h f''(x), a quarter of that
// at h/4, however large the curvature (sin at 80 is no kink).
bool kink(const Slopes& wide, const Slopes& narrow) {
    const double jump = std::fabs(narrow.jump());
    return jump > narrow.scale() && jump > 0.5 * std::fabs(wide.jump());
}

// Central differences against the generic backward, h = 1e-3 max(1, |x|).
// At a kink f' must lie between the one-sided slopes (a subgradient); more
// than 8 points with kinks fails (a noisy f).
CheckResult derivative(const Subject& s) {
    const auto act = make(s);
    const std::vector<float> points = derivative_points();
    int kink_points = 0, bad = 0;
    double worst = 0;
    std::vector<float> kinks;  // the points at a kink; points within 2h are one kink
    std::string first_bad;
    for (float x : points) {
        const float h = 1e-3f * std::max(1.f, std::fabs(x));
        const Slopes wide = slopes(*act, x, h), narrow = slopes(*act, x, h / 4);
        // A kink near x but not at it bends the wide central difference: the
        // narrow one then stays on one side of it.
        const double numeric = std::fabs(wide.jump()) > wide.scale() ? narrow.central : wide.central;
        const double analytic = df_at(*act, x);
        const double tol = 1e-3 + 1e-2 * std::fabs(numeric);
        const bool at_kink = kink(wide, narrow);
        bool ok;
        if (!std::isfinite(analytic)) {
            ok = false;
        } else if (at_kink) {
            ++kink_points;
            kinks.push_back(x);
            ok = analytic >= std::min(narrow.left, narrow.right) - tol &&
                 analytic <= std::max(narrow.left, narrow.right) + tol;
        } else {
            ok = std::fabs(analytic - numeric) <= tol;
            worst = std::max(worst, std::fabs(analytic - numeric));
        }
        if (ok || bad++ != 0) continue;
        first_bad = "f'(" + num(x) + ") = " + num(analytic) + ", finite differences give " +
                    num(numeric) +
                    (at_kink ? " (a kink: one-sided " + num(narrow.left) + ", " + num(narrow.right) + ")" : "");
        if (std::isnan(analytic) && !act->needs_input() && std::isfinite(numeric))
            first_bad += ": df reads x, but the activation declares that backward reads only y (uses_input = "
                         "false), so df gets NaN for x; that declaration is the likely cause (set uses_input = true, "
                         "or write f' with y alone)";
    }
    std::sort(kinks.begin(), kinks.end());
    kinks.erase(std::unique(kinks.begin(), kinks.end(),
                            [](float a, float b) { return std::fabs(a - b) <= 2e-3f * std::max(1.f, std::fabs(a)); }),
                kinks.end());
    const Numbers numbers = {{"points", points.size()}, {"wrong", bad}, {"max_error", worst},
                             {"kinks", kinks.size()}};
    const std::string range = std::to_string(points.size()) + " points in [-80, 80]";
    if (bad)
        return fail(first_bad + "; wrong at " + std::to_string(bad) + " of " + range +
                        (act->needs_input() || first_bad.find("uses_input") != std::string::npos
                             ? ""
                             : " (backward reads only y, uses_input = false: if df reads x, set it true)"),
                    numbers);
    if (kink_points > 8)
        return fail(std::to_string(kink_points) + " points where f is not differentiable (at most 8): is f noisy?",
                    numbers);
    std::string where;
    for (float k : kinks) where += (where.empty() ? "" : ", ") + num(k);
    return pass(range + ", max |error| " + num(worst) +
                    (kinks.empty() ? "" : ", kink" + std::string(kinks.size() > 1 ? "s" : "") + " at " + where +
                                              " (f' between the one-sided slopes)"),
                numbers);
}

// The values at x that are not finite, smallest |x| first
// ("f(88.8) = inf, ..."), at most four.
std::string non_finite(const std::vector<float>& x, const std::vector<float>& y, const std::vector<float>& dx,
                       const std::string& prefix, std::size_t& count) {
    std::vector<std::pair<float, std::string>> bad;
    for (std::size_t i = 0; i < x.size(); ++i) {
        if (!std::isfinite(y[i])) bad.emplace_back(std::fabs(x[i]), prefix + "f(" + num(x[i]) + ") = " + num(y[i]));
        if (!std::isfinite(dx[i]))
            bad.emplace_back(std::fabs(x[i]), prefix + "f'(" + num(x[i]) + ") = " + num(dx[i]));
    }
    count = bad.size();
    std::stable_sort(bad.begin(), bad.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::string d;
    for (std::size_t i = 0; i < bad.size() && i < 4; ++i) d += (i ? ", " : "") + bad[i].second;
    if (bad.size() > 4) d += ", ... (" + std::to_string(bad.size()) + " in all)";
    return d;
}

// f and f' finite for finite x: the generic path everywhere, oneDNN's up to
// kOneDnnRange (beyond, its own limits are named).
CheckResult finite(const Subject& s) {
    const auto act = make(s);
    std::vector<float> dy(kExtremes.size(), 1.f), y, dx;
    generic(*act, kExtremes, dy, y, dx);
    std::size_t count = 0;
    const std::string bad = non_finite(kExtremes, y, dx, "", count);
    if (count) return fail(bad, {{"non_finite", count}});
    std::string d = "f and f' finite at " + std::to_string(kExtremes.size()) + " inputs from -FLT_MAX to FLT_MAX";
    const std::optional<FusedEltwise> fe = act->fused();
    if (!fe) return pass(d, {{"non_finite", 0}});
    std::vector<float> in_range, beyond;
    for (float v : kExtremes) (std::fabs(v) <= kOneDnnRange ? in_range : beyond).push_back(v);
    const std::string label = "oneDNN's " + std::string(algorithm_name(fe->forward)) + " ";
    std::vector<float> dy_in(in_range.size(), 1.f), dy_out(beyond.size(), 1.f);
    onednn(*fe, in_range, dy_in, y, dx, fe->backward_reads);
    const std::string bad_onednn = non_finite(in_range, y, dx, label, count);
    if (count) return fail(bad_onednn, {{"non_finite", count}});
    onednn(*fe, beyond, dy_out, y, dx, fe->backward_reads);
    const std::string limits = non_finite(beyond, y, dx, "", count);
    d += "; oneDNN's path up to |x| = " + kOneDnnRangeText +
         (count ? " (beyond, " + label + "gives " + limits + ": oneDNN's own limits)" : " and beyond");
    return pass(d, {{"non_finite", 0}});
}

// NaN in gives NaN out, the same on both paths; 0 is accepted only where
// oneDNN's own algorithm gives it (its relu is max(x, 0) with IEEE 754's
// maxNum rule), and then the generic path must give 0 too. Neighbours of a
// NaN are unaffected. The backward's value at NaN is not specified.
CheckResult nan_values(const Subject& s) {
    const auto act = make(s);
    const std::vector<float> x = {kNaN, 1.f, -kNaN}, dy = {1.f, 1.f, 1.f};
    std::vector<float> y, dx;
    generic(*act, x, dy, y, dx);
    // (A NaN at 1 that 1 alone gives too is the derivative check's to report.)
    if (std::isnan(y[1]) || (std::isnan(dx[1]) && !std::isnan(df_at(*act, 1.f))))
        return fail("a NaN input leaked into its neighbour");
    const std::optional<FusedEltwise> fe = act->fused();
    if (!fe) {
        if (!std::isnan(y[0])) return fail("f(NaN) = " + num(y[0]) + ", expected NaN");
        if (!std::isnan(y[2])) return fail("f(-NaN) = " + num(y[2]) + ", expected NaN");
        return pass("f(NaN) is NaN, its neighbours unaffected");
    }
    std::vector<float> y_o, dx_o;
    onednn(*fe, x, dy, y_o, dx_o, fe->backward_reads);
    const std::string path = "oneDNN's " + std::string(algorithm_name(fe->forward)) +
                             (fe->backward_reads == Reads::output ? " (fused into dense)" : " (beside dense)");
    if (std::isnan(y_o[1]) || std::isnan(dx_o[1])) return fail("on " + path + " a NaN input leaked into its neighbour");
    for (std::size_t i : {0u, 2u}) {
        const std::string at = i == 0 ? "f(NaN)" : "f(-NaN)";
        const bool same = (std::isnan(y[i]) && std::isnan(y_o[i])) || (y[i] == 0.f && y_o[i] == 0.f);
        if (!same) {
            std::string d = at + " = " + num(y[i]) + " on the generic path, " + num(y_o[i]) + " on " + path +
                            ": the network would compute other values fused and not";
            if (y_o[i] == 0.f && std::isnan(y[i]))
                d += "; oneDNN's relu is max(x, 0) with IEEE 754's maxNum rule (NaN -> 0), so f must give 0 for NaN "
                     "too (x > 0 ? x : 0)";
            else if (!std::isnan(y_o[i]))
                d += "; NaN must give NaN (or 0 where oneDNN's own rule is max(x, 0))";
            return fail(d);
        }
    }
    if (std::isnan(y[0])) return pass("f(NaN) is NaN on the generic path and " + path + ", neighbours unaffected");
    return pass("f(NaN) = 0 on the generic path and " + path +
                ", as oneDNN's relu gives it (max(x, 0) with IEEE 754's maxNum rule): a NaN stops here");
}

// Vectorised loops must not give a tail or a short array other values.
CheckResult lengths(const Subject& s) {
    const auto act = make(s);
    const std::vector<float> x = test_inputs();
    const std::vector<float> dy = uniform(x.size(), 7);
    std::vector<float> y_full, dx_full;
    generic(*act, x, dy, y_full, dx_full);
    const std::vector<std::size_t> sizes = {1, 2, 3, 5, 7, 8, 15, 16, 17, 31, 33, 63, 64, 65, 127, 999, 1000};
    for (std::size_t n : sizes) {
        // Also shifted by one element: another alignment of the same values.
        for (std::size_t shift : {0u, 1u}) {
            if (n + shift > x.size()) continue;
            std::vector<float> xs(x.begin() + shift, x.begin() + shift + n), dys(dy.begin() + shift, dy.begin() + shift + n);
            std::vector<float> y, dx;
            generic(*act, xs, dys, y, dx);
            for (std::size_t i = 0; i < n; ++i) {
                const std::size_t k = i + shift;
                if (std::memcmp(&y[i], &y_full[k], sizeof(float)) != 0)
                    return fail("length " + std::to_string(n) + ": f(" + num(x[k]) + ") = " + num(y[i]) +
                                ", in an array of 1000 " + num(y_full[k]));
                if (std::memcmp(&dx[i], &dx_full[k], sizeof(float)) != 0)
                    return fail("length " + std::to_string(n) + ": dy f'(" + num(x[k]) + ") = " + num(dx[i]) +
                                ", in an array of 1000 " + num(dx_full[k]));
            }
        }
    }
    return pass("bit-identical per element at lengths 1, 2, 3, 5, 7, ..., 65, 127, 999, 1000",
                {{"lengths", sizes.size()}});
}

// 1e-5 relative, 5e-6 absolute: oneDNN 2.6's jit approximations are
// accurate to about 2e-6 absolute near zero (soft_relu gives -1.9e-6 for
// f(-20) = 2.1e-9).
bool close(float a, float b) {
    if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b);
    return std::fabs(a - b) <= 1e-5f * std::max(std::fabs(a), std::fabs(b)) + 5e-6f;
}

// The first input where oneDNN (SRC bound as `src`) and the generic path
// differ, as a message; empty when they agree at every input and length.
std::string disagreement(const Activation& act, const FusedEltwise& fe, const std::vector<float>& inputs, Reads src,
                         double& worst) {
    for (std::size_t n : {std::size_t{1}, std::size_t{7}, std::size_t{33}, inputs.size()}) {
        const std::vector<float> x(inputs.begin(), inputs.begin() + n), dy = uniform(n, 3);
        std::vector<float> y_ref, dx_ref, y, dx;
        generic(act, x, dy, y_ref, dx_ref);
        onednn(fe, x, dy, y, dx, src);
        for (std::size_t i = 0; i < n; ++i) {
            if (!close(y[i], y_ref[i]))
                return "f(" + num(x[i]) + ") oneDNN " + num(y[i]) + ", generic " + num(y_ref[i]);
            if (!close(dx[i], dx_ref[i]))
                return "dy f'(" + num(x[i]) + ") oneDNN " + num(dx[i]) + ", generic " + num(dx_ref[i]) +
                       " (dy = " + num(dy[i]) + ")";
            worst = std::max({worst, static_cast<double>(std::fabs(y[i] - y_ref[i])),
                              static_cast<double>(std::fabs(dx[i] - dx_ref[i]))});
        }
    }
    return "";
}

// oneDNN's path as dense runs it against the generic path, at the test
// inputs, the derivative's points and the extremes up to kOneDnnRange.
CheckResult onednn_agrees(const Subject& s) {
    const auto act = make(s);
    const std::optional<FusedEltwise> maybe = act->fused();
    if (!maybe) return pass("no oneDNN algorithm: the network runs the generic path");
    const FusedEltwise fe = *maybe;
    const bool reads_output = fe.backward_reads == Reads::output;
    const std::string names = algorithms(fe);
    if (!reads_output && !act->needs_input())
        return fail(names + " reads the input x (backward_reads = Reads::input), but the generic backward does not "
                            "(uses_input = false): one of the two declarations is wrong");
    std::vector<float> inputs = test_inputs();
    for (float v : derivative_points()) inputs.push_back(v);
    for (float v : kExtremes)
        if (std::fabs(v) <= kOneDnnRange) inputs.push_back(v);
    double worst = 0;
    const std::string bad = disagreement(*act, fe, inputs, fe.backward_reads, worst);
    const Numbers numbers = {{"inputs", inputs.size()}, {"max_difference", worst}};
    if (!bad.empty()) {
        double ignored = 0;
        if (reads_output && disagreement(*act, fe, inputs, Reads::input, ignored).empty())
            return fail(names + ": " + bad + "; backward_reads = Reads::output is the likely cause: " +
                            algorithm_name(fe.backward) + " reads x (given x, it agrees with the generic path)",
                        numbers);
        return fail(names + ": " + bad, numbers);
    }
    std::string d = names + " (backward reads " + (reads_output ? "y" : "x") + ") agrees with the generic path at " +
                    std::to_string(inputs.size()) + " inputs up to |x| = " + kOneDnnRangeText;
    double ignored = 0;
    if (!reads_output && disagreement(*act, fe, inputs, Reads::output, ignored).empty())
        d += "; its backward gives the same from y alone: backward_reads = Reads::output would let dense fuse it";
    return pass(d, numbers);
}

// A 6-5-3 network (the hidden layer with the activation, its output logits
// into cross-entropy), with the activation fused into dense (oneDNN) or run
// as its own stage (generic): every parameter's gradient.
CheckResult network(const Subject& s, bool fusion) {
    if (!s.registry.has(Kind::layer, "dense"))
        return fail("needs the built-in dense layer, found in no plugin folder");
    NetworkOptions o;
    o.inputs = 6;
    o.classes = 3;
    o.max_batch = 4;
    o.seed = 11;
    o.allow_fusion = fusion;
    ModelConfig model;
    LayerConfig hidden;
    hidden.units = 5;
    hidden.activation = s.name;
    hidden.activation_params = s.params;
    model.layers.push_back(hidden);
    model.init = InitScheme::normal;
    model.init_scale = 0.8;  // large enough that the activation's curvature matters
    dnnl::engine engine(dnnl::engine::kind::cpu, 0);
    const std::string description = Network(s.registry, model, o, engine, dnnl::stream(engine)).describe();
    const bool onednn_stage = description.find("(fused)") != std::string::npos ||
                              description.find("(oneDNN eltwise)") != std::string::npos;
    if (onednn_stage != fusion)
        return fail("expected the activation " + std::string(fusion ? "on oneDNN's path" : "as its own stage") +
                    ", the network is " + description);
    CheckResult r = network_gradient(s.registry, model, o, 5);
    constexpr std::size_t kParameters = 6 * 5 + 5 + 5 * 3 + 3;
    if (r.passed && r.number("parameters") != kParameters)
        return fail(num(r.number("parameters")) + " parameters in " + description + ", expected " +
                        std::to_string(kParameters),
                    r.numbers);
    r.detail += " in " + description;
    return r;
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
    const std::vector<float> x = uniform(kTimed, 11, -5.0, 5.0), dy = uniform(kTimed, 12);
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

// One oneDNN eltwise forward + backward, ns per element.
double time_onednn(const FusedEltwise& fe) {
    const std::vector<float> x = uniform(kTimed, 11, -5.0, 5.0), dy = uniform(kTimed, 12);
    std::vector<float> y(kTimed), dx(kTimed);
    OneDnnPath path(fe, kTimed, false, fe.backward_reads);
    path.bind(x.data(), dy.data(), y.data(), dx.data());
    return best_time(
        [&](int reps) {
            for (int r = 0; r < reps; ++r) path.step();
            path.wait();
        },
        kTimed);
}

std::string ns(double v) {
    std::ostringstream s;
    s.precision(3);
    s << v;
    return s.str();
}

// The activation as the network runs it (oneDNN when it names an algorithm,
// else the generic path) against relu as the network runs it. Informative;
// fails only beyond 50x.
CheckResult speed(const Subject& s) {
    // One thread: a second OpenMP thread on a busy 2-core machine turns a
    // microsecond primitive into milliseconds of waiting, which is not the
    // plugin's speed. Restored when the check ends.
    struct OneThread {
        int saved = omp_get_max_threads();
        OneThread() { omp_set_num_threads(1); }
        ~OneThread() { omp_set_num_threads(saved); }
    } one_thread;
    const auto act = make(s);
    const std::optional<FusedEltwise> fe = act->fused();
    const double generic_ns = time_generic(*act);
    double used_ns = generic_ns;
    std::string d;
    if (fe) {
        used_ns = time_onednn(*fe);
        d = "oneDNN " + ns(used_ns) + " ns/element forward+backward, as dense runs it (generic path " +
            ns(generic_ns) + ")";
    } else {
        d = "generic " + ns(generic_ns) + " ns/element forward+backward";
    }
    if (!s.registry.has(Kind::activation, "relu"))
        return pass(d + "; no built-in relu found to compare with", {{"ns_per_element", used_ns}});
    const std::unique_ptr<Activation> relu = s.registry.make_activation("relu");
    const std::optional<FusedEltwise> relu_fe = relu->fused();
    const double relu_ns = relu_fe ? time_onednn(*relu_fe) : time_generic(*relu);
    const double ratio = used_ns / relu_ns;
    d += "; relu " + ns(relu_ns) + (relu_fe ? " (oneDNN)" : "") + ": " + ns(ratio) + "x";
    const Numbers numbers = {{"ns_per_element", used_ns}, {"relu_ns_per_element", relu_ns}, {"ratio", ratio}};
    if (ratio > 50) return fail(d + ", more than 50x slower", numbers);
    return pass(d, numbers);
}

}  // namespace

bool names_onednn(const Subject& subject) { return make(subject)->fused().has_value(); }

CheckResult activation_check(CheckId id, const Subject& s) {
    switch (id) {
        case CheckId::activation_make: return made(s);
        case CheckId::derivative: return derivative(s);
        case CheckId::finite: return finite(s);
        case CheckId::nan: return nan_values(s);
        case CheckId::lengths: return lengths(s);
        case CheckId::onednn: return onednn_agrees(s);
        case CheckId::network_generic: return network(s, false);
        case CheckId::network_onednn: return network(s, true);
        case CheckId::speed: return speed(s);
        default: return fail("not an activation check");
    }
}

}  // namespace soma::tooling
