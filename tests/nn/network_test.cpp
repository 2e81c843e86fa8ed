// Network assembly, the fused oneDNN path against the generic path and a
// naive reference, and a finite-difference gradient check of whole networks.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "nn/loss.h"
#include "nn/network.h"
#include "soma/random.h"
#include "support/builtin_plugins.h"

namespace soma {
namespace {

ModelConfig model_of(const std::vector<int>& hidden, const std::string& activation,
                     const std::string& output_activation = "") {
    ModelConfig m;
    for (int units : hidden) {
        LayerConfig l;
        l.units = units;
        l.activation = activation;
        m.layers.push_back(l);
    }
    m.output_activation = output_activation;
    return m;
}

struct Engine {
    dnnl::engine engine{dnnl::engine::kind::cpu, 0};
    dnnl::stream stream{engine};
};

std::vector<float> random_inputs(int n, std::uint64_t seed) {
    Random r(seed);
    std::vector<float> x(n);
    for (float& v : x) v = static_cast<float>(r.uniform(-1.0, 1.0));
    return x;
}

TEST(Network, VideoNetworkHas13002Parameters) {
    Engine e;
    NetworkOptions o;
    o.inputs = 784;
    o.classes = 10;
    Network net(test::builtin_registry(), model_of({16, 16}, "sigmoid"), o, e.engine, e.stream);
    EXPECT_EQ(net.parameter_count(), 13002u);
    EXPECT_EQ(net.describe(),
              "784 -> dense 16 + sigmoid (fused) -> dense 16 + sigmoid (fused) -> dense 10");
}

TEST(Network, SameSeedSameWeightsDifferentSeedDifferent) {
    Engine e;
    NetworkOptions o;
    o.inputs = 20;
    o.classes = 3;
    Network a(test::builtin_registry(), model_of({8}, "relu"), o, e.engine, e.stream);
    Network b(test::builtin_registry(), model_of({8}, "relu"), o, e.engine, e.stream);
    o.seed = 2;
    Network c(test::builtin_registry(), model_of({8}, "relu"), o, e.engine, e.stream);
    auto pa = a.parameters(), pb = b.parameters(), pc = c.parameters();
    EXPECT_EQ(std::vector<float>(pa[0].value, pa[0].value + pa[0].size),
              std::vector<float>(pb[0].value, pb[0].value + pb[0].size));
    EXPECT_NE(std::vector<float>(pa[0].value, pa[0].value + pa[0].size),
              std::vector<float>(pc[0].value, pc[0].value + pc[0].size));
}

struct Case {
    std::string activation;
    LossKind loss;
    bool fused;
};

std::string case_name(const ::testing::TestParamInfo<Case>& info) {
    return info.param.activation + "_" + loss_name(info.param.loss) + (info.param.fused ? "_fused" : "_generic");
}

class NetworkGradient : public ::testing::TestWithParam<Case> {};

// A naive forward pass with plain loops over the network's own weights: the oracle.
std::vector<float> reference_forward(Network& net, const std::vector<float>& x, int batch) {
    std::vector<float> in = x;
    int width = net.inputs();
    for (const Stage& s : net.stages()) {
        std::vector<float> out(static_cast<std::size_t>(batch) * s.outputs);
        if (s.layer) {
            auto p = s.layer->parameters();
            const float* w = p[0].value;
            const float* b = p[1].value;
            for (int n = 0; n < batch; ++n)
                for (int o = 0; o < s.outputs; ++o) {
                    double z = b[o];
                    for (int i = 0; i < width; ++i) z += static_cast<double>(w[o * width + i]) * in[n * width + i];
                    out[n * s.outputs + o] = static_cast<float>(z);
                }
            if (s.fused) s.activation->forward(out.data(), out.data(), out.size());
        } else {
            s.activation->forward(in.data(), out.data(), out.size());
        }
        in = std::move(out);
        width = s.outputs;
    }
    return in;
}

TEST_P(NetworkGradient, MatchesFiniteDifferencesAndReference) {
    const Case c = GetParam();
    Engine e;
    NetworkOptions o;
    o.inputs = 6;
    o.classes = 3;
    o.max_batch = 4;
    o.seed = 11;
    o.allow_fusion = c.fused;
    const std::string out_act = c.loss == LossKind::mse ? "sigmoid" : "";
    ModelConfig model = model_of({5, 4}, c.activation, out_act);
    model.init = InitScheme::normal;
    model.init_scale = 0.8;  // large enough that the activations do something
    Network net(test::builtin_registry(), model, o, e.engine, e.stream);
    bool any_fused = net.describe().find("(fused)") != std::string::npos;
    EXPECT_EQ(any_fused, c.fused) << net.describe();

    const int batch = 4;
    std::vector<float> x = random_inputs(batch * o.inputs, 5);
    std::vector<std::int32_t> labels = {0, 2, 1, 2};
    std::vector<float> grad(batch * o.classes);

    const float* out = net.forward(x.data(), batch, true);
    std::vector<float> expected = reference_forward(net, x, batch);
    for (std::size_t i = 0; i < expected.size(); ++i) EXPECT_NEAR(out[i], expected[i], 1e-5) << "output " << i;

    loss_forward_backward(c.loss, out, labels.data(), batch, o.classes, grad.data());
    net.backward(grad.data(), batch);

    auto loss_now = [&] {
        const float* y = net.forward(x.data(), batch, true);
        return loss_forward_backward(c.loss, y, labels.data(), batch, o.classes, nullptr).loss_sum / batch;
    };
    std::vector<ParamTensor> params = net.parameters();
    std::vector<std::vector<float>> analytic;
    for (const ParamTensor& t : params) analytic.emplace_back(t.grad, t.grad + t.size);
    int checked = 0;
    for (std::size_t k = 0; k < params.size(); ++k) {
        for (std::size_t i = 0; i < params[k].size; ++i) {
            float& w = params[k].value[i];
            const float saved = w;
            const float h = 2e-3f;  // small, so relu kinks are rarely crossed
            w = saved + h;
            const double up = loss_now();
            w = saved - h;
            const double down = loss_now();
            w = saved;
            const double numeric = (up - down) / (2.0 * h);
            EXPECT_NEAR(analytic[k][i], numeric, 2e-3 + 2e-2 * std::abs(numeric))
                << params[k].name << "[" << i << "]";
            ++checked;
        }
    }
    EXPECT_EQ(checked, 6 * 5 + 5 + 5 * 4 + 4 + 4 * 3 + 3);
}

INSTANTIATE_TEST_SUITE_P(
    EachActivationAndLoss, NetworkGradient,
    ::testing::Values(Case{"sigmoid", LossKind::cross_entropy, true}, Case{"sigmoid", LossKind::cross_entropy, false},
                      Case{"sigmoid", LossKind::mse, true}, Case{"sigmoid", LossKind::mse, false},
                      Case{"relu", LossKind::cross_entropy, true}, Case{"relu", LossKind::cross_entropy, false},
                      Case{"relu", LossKind::mse, true}, Case{"relu", LossKind::mse, false}),
    case_name);

TEST(Network, FusedPathEqualsGenericPath) {
    for (const std::string act : {"sigmoid", "relu"}) {
        Engine e;
        NetworkOptions o;
        o.inputs = 30;
        o.classes = 10;
        o.max_batch = 16;
        Network fused(test::builtin_registry(), model_of({16, 16}, act), o, e.engine, e.stream);
        o.allow_fusion = false;
        Network generic(test::builtin_registry(), model_of({16, 16}, act), o, e.engine, e.stream);
        std::vector<float> x = random_inputs(16 * 30, 9);
        std::vector<std::int32_t> labels(16);
        for (int i = 0; i < 16; ++i) labels[i] = i % 10;
        std::vector<float> g1(160), g2(160);
        const float* y1 = fused.forward(x.data(), 16, true);
        const float* y2 = generic.forward(x.data(), 16, true);
        for (int i = 0; i < 160; ++i) ASSERT_NEAR(y1[i], y2[i], 1e-5) << act;
        loss_forward_backward(LossKind::cross_entropy, y1, labels.data(), 16, 10, g1.data());
        loss_forward_backward(LossKind::cross_entropy, y2, labels.data(), 16, 10, g2.data());
        fused.backward(g1.data(), 16);
        generic.backward(g2.data(), 16);
        auto p1 = fused.parameters(), p2 = generic.parameters();
        ASSERT_EQ(p1.size(), p2.size());
        for (std::size_t k = 0; k < p1.size(); ++k)
            for (std::size_t i = 0; i < p1[k].size; ++i)
                ASSERT_NEAR(p1[k].grad[i], p2[k].grad[i], 1e-5) << act << " " << p1[k].name << "[" << i << "]";
    }
}

TEST(Network, BatchSizesCanChangeBetweenCalls) {
    Engine e;
    NetworkOptions o;
    o.inputs = 12;
    o.classes = 4;
    o.max_batch = 8;
    Network net(test::builtin_registry(), model_of({7}, "relu"), o, e.engine, e.stream);
    std::vector<float> x = random_inputs(8 * 12, 3);
    std::vector<float> full(net.forward(x.data(), 8, false), net.forward(x.data(), 8, false) + 32);
    const float* one = net.forward(x.data() + 12 * 5, 1, false);  // sample 5 alone
    for (int k = 0; k < 4; ++k) EXPECT_NEAR(one[k], full[5 * 4 + k], 1e-5);
    EXPECT_THROW(net.forward(x.data(), 9, false), std::exception);
}

}  // namespace
}  // namespace soma
