// Conformance of every activation plugin: the generic derivative against
// finite differences, finite and NaN behaviour, independence of the array
// length, the oneDNN algorithms it names against its generic path, and a
// whole-network gradient check with the activation fused and not.
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "conformance.h"
#include "nn/loss.h"
#include "nn/network.h"
#include "soma/random.h"

namespace soma::conformance {
namespace {

std::unique_ptr<Activation> make(const std::string& name) { return registry().make_activation(name); }

// The generic path on one array: y = f(x), dx = dy f'(x). x is passed to the
// backward only when the activation says it needs it, as the network does.
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

// Special points first (so short lengths see them), then a grid over [-10, 10].
std::vector<float> test_inputs() {
    std::vector<float> x = {0.f, 1e-3f, -1e-3f, 3.f, -3.f, 20.f, -20.f, 80.f, -80.f, 1e4f, -1e4f, 1.f, -1.f, 0.5f, -0.5f};
    const std::size_t special = x.size();
    while (x.size() < 1000) x.push_back(static_cast<float>(-10.0 + 20.0 * (x.size() - special) / (1000 - special)));
    return x;
}

std::vector<float> random_dy(std::size_t n, std::uint64_t seed) {
    Random r(seed);
    std::vector<float> dy(n);
    for (float& v : dy) v = static_cast<float>(r.uniform(-1.0, 1.0));
    return dy;
}

class ActivationConformance : public ::testing::TestWithParam<std::string> {};

// Central differences of the generic forward against the generic backward.
// h = 1e-3 max(1, |x|). Where the left and right one-sided differences
// disagree the function has a kink (relu at 0, hard_sigmoid at +-3): there the
// derivative must be a subgradient, between the one-sided slopes.
TEST_P(ActivationConformance, GradientMatchesFiniteDifferences) {
    auto act = make(GetParam());
    std::vector<float> points = {0.f, 1e-3f, -1e-3f, 3.f, -3.f, 20.f, -20.f, 80.f, -80.f};
    for (int i = 0; i <= 120; ++i) points.push_back(static_cast<float>(-6.0 + 0.1 * i));
    int kinks = 0;
    for (float x : points) {
        const float h = 1e-3f * std::max(1.f, std::fabs(x));
        const float lo = x - h, hi = x + h;
        const double f_lo = f_at(*act, lo), f_x = f_at(*act, x), f_hi = f_at(*act, hi);
        const double left = (f_x - f_lo) / (static_cast<double>(x) - lo);
        const double right = (f_hi - f_x) / (static_cast<double>(hi) - x);
        const double numeric = (f_hi - f_lo) / (static_cast<double>(hi) - lo);

        std::vector<float> in = {x}, dy = {1.f}, y, dx;
        generic(*act, in, dy, y, dx);
        const double analytic = dx[0];
        ASSERT_TRUE(std::isfinite(analytic)) << "f'(" << x << ")";
        const double tol = 1e-3 + 1e-2 * std::fabs(numeric);
        if (std::fabs(left - right) > 0.02 + 0.02 * std::max(std::fabs(left), std::fabs(right))) {
            ++kinks;
            EXPECT_GE(analytic, std::min(left, right) - tol) << "at the kink x = " << x;
            EXPECT_LE(analytic, std::max(left, right) + tol) << "at the kink x = " << x;
            continue;
        }
        EXPECT_NEAR(analytic, numeric, tol) << "x = " << x << " (one-sided " << left << ", " << right << ")";
    }
    // A handful of kinks is a piecewise function; many would hide a noisy f.
    EXPECT_LE(kinks, 8) << "too many points where f is not differentiable";
}

TEST_P(ActivationConformance, FiniteOutputForFiniteInput) {
    auto act = make(GetParam());
    const std::vector<float> x = {0.f,    -0.f,    1.f,      -1.f,     20.f,    -20.f,    80.f,     -80.f,
                                  1e4f,   -1e4f,   1e30f,    -1e30f,   FLT_MAX, -FLT_MAX, FLT_MIN,  -FLT_MIN,
                                  1e-40f, -1e-40f, 88.8f,    -88.8f,   89.f,    -89.f,    710.f,    -710.f};
    std::vector<float> dy(x.size(), 1.f), y, dx;
    generic(*act, x, dy, y, dx);
    for (std::size_t i = 0; i < x.size(); ++i) {
        EXPECT_TRUE(std::isfinite(y[i])) << "f(" << x[i] << ") = " << y[i];
        EXPECT_TRUE(std::isfinite(dx[i])) << "f'(" << x[i] << ") = " << dx[i];
    }
}

TEST_P(ActivationConformance, NanInputGivesNanOutput) {
    auto act = make(GetParam());
    const float nan = std::numeric_limits<float>::quiet_NaN();
    std::vector<float> x = {nan, 1.f, -nan}, dy = {1.f, 1.f, 1.f}, y, dx;
    generic(*act, x, dy, y, dx);  // the backward must not crash; its value is not specified
    EXPECT_TRUE(std::isnan(y[0])) << "f(NaN) = " << y[0];
    EXPECT_TRUE(std::isnan(y[2])) << "f(-NaN) = " << y[2];
    EXPECT_FALSE(std::isnan(y[1])) << "a NaN leaked into its neighbour";
    EXPECT_FALSE(std::isnan(dx[1])) << "a NaN leaked into its neighbour";
}

// Vectorised loops must not give the tail or short arrays other values.
TEST_P(ActivationConformance, LengthsGiveIdenticalPerElementResults) {
    auto act = make(GetParam());
    const std::vector<float> x = test_inputs();
    const std::vector<float> dy = random_dy(x.size(), 7);
    std::vector<float> y_full, dx_full;
    generic(*act, x, dy, y_full, dx_full);
    for (std::size_t n : {1u, 7u, 33u, 1000u}) {
        std::vector<float> xs(x.begin(), x.begin() + n), dys(dy.begin(), dy.begin() + n), y, dx;
        generic(*act, xs, dys, y, dx);
        for (std::size_t i = 0; i < n; ++i) {
            ASSERT_EQ(std::memcmp(&y[i], &y_full[i], sizeof(float)), 0) << "length " << n << ", f(" << x[i] << ")";
            ASSERT_EQ(std::memcmp(&dx[i], &dx_full[i], sizeof(float)), 0) << "length " << n << ", f'(" << x[i] << ")";
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Activations, ActivationConformance, ::testing::ValuesIn(names(Kind::activation)), name_of);

// --- the oneDNN algorithms an activation names -----------------------------

// Whether the activation names oneDNN algorithms. Called while gtest
// registers tests: a factory that throws is reported by the other suites.
bool has_fused(const std::string& name) {
    try {
        return make(name)->fused().has_value();
    } catch (const std::exception&) {
        return false;
    }
}

std::vector<std::string> fused_names() {
    std::vector<std::string> out;
    for (const std::string& name : names(Kind::activation))
        if (has_fused(name)) out.push_back(name);
    return out;
}

class FusedActivationConformance : public ::testing::TestWithParam<std::string> {};

// 1e-5 relative, and 5e-6 absolute: oneDNN 2.6's jit approximations are
// accurate to about 2e-6 absolute near zero (soft_relu gives -1.9e-6 for
// f(-20) = 2.1e-9).
bool close(float a, float b) {
    return std::fabs(a - b) <= 1e-5f * std::max(std::fabs(a), std::fabs(b)) + 5e-6f;
}

// oneDNN eltwise_forward with `forward` and eltwise_backward with `backward`,
// bound as dense binds them: DST = y always; SRC = y when the backward reads
// the output (a post-op keeps nothing else), x when it reads the input.
TEST_P(FusedActivationConformance, OneDnnMatchesGenericPath) {
    auto act = make(GetParam());
    const FusedEltwise fe = *act->fused();
    const bool reads_output = fe.backward_reads == FusedEltwise::Reads::output;
    if (!reads_output) {
        EXPECT_TRUE(act->needs_input()) << "a backward reading x means the generic one does too";
    }
    Engine e;
    using dnnl::memory;
    for (std::size_t n : {1u, 7u, 33u, 1000u}) {
        std::vector<float> x = test_inputs();
        x.resize(n);
        const std::vector<float> dy = random_dy(n, 3);
        std::vector<float> y_ref, dx_ref;
        generic(*act, x, dy, y_ref, dx_ref);

        std::vector<float> y(n), dx(n);
        std::vector<float> dy_copy = dy;
        const memory::desc md({static_cast<memory::dim>(n)}, memory::data_type::f32, memory::format_tag::a);
        memory x_mem(md, e.engine, x.data()), y_mem(md, e.engine, y.data()), dy_mem(md, e.engine, dy_copy.data()),
            dx_mem(md, e.engine, dx.data());
        dnnl::eltwise_forward::desc fd(dnnl::prop_kind::forward_training, fe.forward, md, fe.alpha, fe.beta);
        dnnl::eltwise_forward(dnnl::eltwise_forward::primitive_desc(fd, e.engine))
            .execute(e.stream, {{DNNL_ARG_SRC, x_mem}, {DNNL_ARG_DST, y_mem}});
        dnnl::eltwise_forward::desc hint_d(dnnl::prop_kind::forward_training, fe.backward, md, fe.alpha, fe.beta);
        dnnl::eltwise_forward::primitive_desc hint_pd(hint_d, e.engine);
        dnnl::eltwise_backward::desc bd(fe.backward, md, md, fe.alpha, fe.beta);
        dnnl::eltwise_backward(dnnl::eltwise_backward::primitive_desc(bd, e.engine, hint_pd))
            .execute(e.stream, {{DNNL_ARG_DST, y_mem},
                                {DNNL_ARG_SRC, reads_output ? y_mem : x_mem},
                                {DNNL_ARG_DIFF_DST, dy_mem},
                                {DNNL_ARG_DIFF_SRC, dx_mem}});
        e.stream.wait();
        for (std::size_t i = 0; i < n; ++i) {
            EXPECT_TRUE(close(y[i], y_ref[i])) << "length " << n << ": f(" << x[i] << ") oneDNN " << y[i]
                                               << ", generic " << y_ref[i];
            EXPECT_TRUE(close(dx[i], dx_ref[i])) << "length " << n << ": dy f'(" << x[i] << ") oneDNN " << dx[i]
                                                 << ", generic " << dx_ref[i];
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Activations, FusedActivationConformance, ::testing::ValuesIn(fused_names()), name_of);

// --- a whole network with the activation ------------------------------------

struct NetworkCase {
    std::string activation;
    bool fusion;  // allow_fusion; only instantiated for activations with a oneDNN path
};

void PrintTo(const NetworkCase& c, std::ostream* os) {
    *os << c.activation << (c.fusion ? " with fusion" : " without fusion");
}

std::vector<NetworkCase> network_cases() {
    std::vector<NetworkCase> out;
    for (const std::string& name : names(Kind::activation)) {
        if (has_fused(name)) out.push_back({name, true});
        out.push_back({name, false});
    }
    return out;
}

std::string network_case_name(const ::testing::TestParamInfo<NetworkCase>& info) {
    return sanitize(info.param.activation) + (info.param.fusion ? "_fused" : "_generic");
}

class ActivationNetwork : public ::testing::TestWithParam<NetworkCase> {};

// A 6-5-3 network (hidden layer with the activation, output logits into
// cross-entropy): every parameter's gradient against central differences.
TEST_P(ActivationNetwork, GradientMatchesFiniteDifferences) {
    const NetworkCase c = GetParam();
    Engine e;
    NetworkOptions o;
    o.inputs = 6;
    o.classes = 3;
    o.max_batch = 4;
    o.seed = 11;
    o.allow_fusion = c.fusion;
    ModelConfig model;
    LayerConfig hidden;
    hidden.units = 5;
    hidden.activation = c.activation;
    model.layers.push_back(hidden);
    model.init = InitScheme::normal;
    model.init_scale = 0.8;  // large enough that the activation's curvature matters
    Network net(registry(), model, o, e.engine, e.stream);
    const std::string description = net.describe();
    const bool fused_stage = description.find("(fused)") != std::string::npos ||
                             description.find("(oneDNN eltwise)") != std::string::npos;
    EXPECT_EQ(fused_stage, c.fusion) << description;

    const int batch = 4;
    Random r(5);
    std::vector<float> x(batch * o.inputs);
    for (float& v : x) v = static_cast<float>(r.uniform(-1.0, 1.0));
    const std::vector<std::int32_t> labels = {0, 2, 1, 2};
    std::vector<float> grad(batch * o.classes);
    const float* out = net.forward(x.data(), batch, true);
    loss_forward_backward(LossKind::cross_entropy, out, labels.data(), batch, o.classes, grad.data());
    net.backward(grad.data(), batch);

    auto loss_now = [&] {
        const float* y = net.forward(x.data(), batch, true);
        return loss_forward_backward(LossKind::cross_entropy, y, labels.data(), batch, o.classes, nullptr).loss_sum /
               batch;
    };
    std::vector<ParamTensor> params = net.parameters();
    std::vector<std::vector<float>> analytic;
    for (const ParamTensor& t : params) analytic.emplace_back(t.grad, t.grad + t.size);
    std::size_t checked = 0;
    for (std::size_t k = 0; k < params.size(); ++k) {
        for (std::size_t i = 0; i < params[k].size; ++i) {
            float& w = params[k].value[i];
            const float saved = w;
            const float h = 2e-3f;
            w = saved + h;
            const double up = loss_now();
            w = saved - h;
            const double down = loss_now();
            w = saved;
            const double numeric = (up - down) / (2.0 * h);
            EXPECT_NEAR(analytic[k][i], numeric, 2e-3 + 2e-2 * std::fabs(numeric))
                << params[k].name << "[" << i << "] in " << description;
            ++checked;
        }
    }
    EXPECT_EQ(checked, 6u * 5 + 5 + 5 * 3 + 3);
}

INSTANTIATE_TEST_SUITE_P(Activations, ActivationNetwork, ::testing::ValuesIn(network_cases()), network_case_name);

}  // namespace
}  // namespace soma::conformance
