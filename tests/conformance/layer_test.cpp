// Conformance of every layer plugin, then what only dropout and batch_norm
// promise. A layer is checked alone (input and parameter gradients against
// finite differences, each evaluation on a freshly configured layer so that
// a random layer draws the same mask) and inside a network dense 6->5 (tanh),
// the layer, dense 3 (each evaluation on a freshly built network, for the
// same reason). The dense before the layer receives the layer's input
// gradient, so its weight gradients check that too.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "conformance.h"
#include "nn/loss.h"
#include "nn/network.h"
#include "soma/random.h"

namespace soma::conformance {
namespace {

constexpr int kInputs = 5, kBatch = 4, kUnits = 4;

std::vector<float> uniform(std::size_t n, std::uint64_t seed, double lo = -1.0, double hi = 1.0) {
    Random r(seed);
    std::vector<float> v(n);
    for (float& x : v) x = static_cast<float>(r.uniform(lo, hi));
    return v;
}

// A layer as the network would make it: "units" set only when declared.
std::unique_ptr<Layer> make_layer(const std::string& name, Params params = {}) {
    for (const ParamSpec& s : registry().feature(Kind::layer, name).info.params)
        if (s.name == "units") params.set("units", kUnits);
    return registry().make_layer(name, params);
}

LayerContext context(const Engine& e, std::uint64_t seed = 42) {
    LayerContext ctx;
    ctx.engine = e.engine;
    ctx.stream = e.stream;
    ctx.inputs = kInputs;
    ctx.max_batch = kBatch;
    ctx.seed = seed;
    ctx.init.seed = 7;
    return ctx;
}

// configure() resets the layer: parameters and random streams start over.
// The parameters are then moved off their initial values (batch_norm's
// scale 1, shift 0 would hide mistakes).
void prepare(Layer& layer, const LayerContext& ctx) {
    layer.configure(ctx);
    std::uint64_t seed = 100;
    for (const ParamTensor& t : layer.parameters()) {
        const std::vector<float> delta = uniform(t.size, seed++, -0.3, 0.3);
        for (std::size_t i = 0; i < t.size; ++i) t.value[i] += delta[i];
    }
}

class LayerConformance : public ::testing::TestWithParam<std::string> {};

TEST_P(LayerConformance, OutputsAndParametersAreConsistent) {
    Engine e;
    auto layer = make_layer(GetParam());
    layer->configure(context(e));
    EXPECT_GE(layer->outputs(), 1);
    if (layer->can_fuse()) SUCCEED() << GetParam() << " accepts a fused activation";
    for (const ParamTensor& t : layer->parameters()) {
        EXPECT_FALSE(t.name.empty());
        ASSERT_NE(t.value, nullptr) << t.name;
        ASSERT_NE(t.grad, nullptr) << t.name;
        std::size_t product = 1;
        for (int d : t.shape) product *= static_cast<std::size_t>(d);
        EXPECT_EQ(product, t.size) << t.name;
        for (std::size_t i = 0; i < t.size; ++i) ASSERT_TRUE(std::isfinite(t.value[i])) << t.name << "[" << i << "]";
    }
}

// Every batch size up to max_batch works in both modes; inference treats each
// sample on its own (a row alone gives what it gives inside a batch) and is
// repeatable.
TEST_P(LayerConformance, InferenceIsPerSampleAndRepeatable) {
    Engine e;
    auto layer = make_layer(GetParam());
    prepare(*layer, context(e));
    const int out = layer->outputs();
    const std::vector<float> x = uniform(kBatch * kInputs, 3);
    for (int batch = 1; batch <= kBatch; ++batch) {
        const float* y = layer->forward(x.data(), batch, true);
        for (int i = 0; i < batch * out; ++i) ASSERT_TRUE(std::isfinite(y[i])) << "training, batch " << batch;
    }
    const float* y = layer->forward(x.data(), kBatch, false);
    const std::vector<float> full(y, y + kBatch * out);
    y = layer->forward(x.data(), kBatch, false);
    EXPECT_EQ(std::vector<float>(y, y + kBatch * out), full) << "inference is not repeatable";
    for (int n = 0; n < kBatch; ++n) {
        y = layer->forward(x.data() + n * kInputs, 1, false);
        for (int k = 0; k < out; ++k) EXPECT_NEAR(y[k], full[n * out + k], 1e-5) << "sample " << n;
    }
    EXPECT_THROW(layer->forward(x.data(), kBatch + 1, false), std::exception);
}

// L = sum_i r_i y_i for fixed r, so dL/dy = r; dx and the parameter
// gradients from backward against central differences of L.
TEST_P(LayerConformance, InputAndParameterGradientsMatchFiniteDifferences) {
    Engine e;
    const LayerContext ctx = context(e);
    auto layer = make_layer(GetParam());
    prepare(*layer, ctx);
    const int out = layer->outputs();
    std::vector<float> x = uniform(kBatch * kInputs, 5);
    const std::vector<float> r = uniform(kBatch * out, 6);

    layer->forward(x.data(), kBatch, true);
    std::vector<float> dx(x.size());
    layer->backward(x.data(), r.data(), dx.data(), kBatch);
    std::vector<std::vector<float>> analytic;
    for (const ParamTensor& t : layer->parameters()) analytic.emplace_back(t.grad, t.grad + t.size);

    // The loss after a fresh prepare() with one value nudged.
    auto loss = [&](float* (*where)(Layer&, std::vector<float>&, std::size_t, std::size_t), std::size_t k,
                    std::size_t i, float delta) {
        prepare(*layer, ctx);
        std::vector<float> xs = x;
        float* v = where(*layer, xs, k, i);
        *v += delta;
        const float* ys = layer->forward(xs.data(), kBatch, true);
        double sum = 0;
        for (int j = 0; j < kBatch * out; ++j) sum += static_cast<double>(r[j]) * ys[j];
        return sum;
    };
    auto input_slot = [](Layer&, std::vector<float>& xs, std::size_t, std::size_t i) { return &xs[i]; };
    auto param_slot = [](Layer& l, std::vector<float>&, std::size_t k, std::size_t i) {
        return &l.parameters()[k].value[i];
    };
    // Without dx (the network's first layer) the parameter gradients are the same.
    prepare(*layer, ctx);
    layer->forward(x.data(), kBatch, true);
    layer->backward(x.data(), r.data(), nullptr, kBatch);
    for (std::size_t k = 0; k < analytic.size(); ++k) {
        const ParamTensor t = layer->parameters()[k];
        EXPECT_EQ(std::vector<float>(t.grad, t.grad + t.size), analytic[k]) << t.name << " with dx = null";
    }

    const float h = 1e-3f;
    for (std::size_t i = 0; i < x.size(); ++i) {
        const double numeric = (loss(input_slot, 0, i, h) - loss(input_slot, 0, i, -h)) / (2.0 * h);
        EXPECT_NEAR(dx[i], numeric, 2e-3 + 2e-2 * std::fabs(numeric)) << "dx[" << i << "]";
    }
    for (std::size_t k = 0; k < analytic.size(); ++k)
        for (std::size_t i = 0; i < analytic[k].size(); ++i) {
            const double numeric = (loss(param_slot, k, i, h) - loss(param_slot, k, i, -h)) / (2.0 * h);
            EXPECT_NEAR(analytic[k][i], numeric, 2e-3 + 2e-2 * std::fabs(numeric))
                << layer->parameters()[k].name << "[" << i << "]";
        }
}

// dense 6->5 (tanh), the layer, dense 3 into cross-entropy: every parameter's
// gradient against central differences, each on a freshly built network.
TEST_P(LayerConformance, NetworkGradientMatchesFiniteDifferences) {
    Engine e;
    NetworkOptions o;
    o.inputs = 6;
    o.classes = 3;
    o.max_batch = kBatch;
    o.seed = 13;
    ModelConfig model;
    LayerConfig first;
    first.units = 5;
    first.activation = "tanh";
    LayerConfig tested;
    tested.type = GetParam();
    tested.units = kUnits;
    model.layers = {first, tested};
    model.init = InitScheme::normal;
    model.init_scale = 0.8;
    auto build = [&] { return std::make_unique<Network>(registry(), model, o, e.engine, e.stream); };

    const std::vector<float> x = uniform(kBatch * o.inputs, 9);
    const std::vector<std::int32_t> labels = {0, 2, 1, 2};
    auto net = build();
    std::vector<float> grad(kBatch * o.classes);
    const float* out = net->forward(x.data(), kBatch, true);
    loss_forward_backward(LossKind::cross_entropy, out, labels.data(), kBatch, o.classes, grad.data());
    net->backward(grad.data(), kBatch);
    std::vector<ParamTensor> params = net->parameters();
    ASSERT_GE(params.size(), 4u);

    auto loss = [&](std::size_t k, std::size_t i, float delta) {
        auto fresh = build();
        fresh->parameters()[k].value[i] += delta;
        const float* y = fresh->forward(x.data(), kBatch, true);
        return loss_forward_backward(LossKind::cross_entropy, y, labels.data(), kBatch, o.classes, nullptr).loss_sum /
               kBatch;
    };
    const float h = 2e-3f;
    for (std::size_t k = 0; k < params.size(); ++k)
        for (std::size_t i = 0; i < params[k].size; ++i) {
            const double numeric = (loss(k, i, h) - loss(k, i, -h)) / (2.0 * h);
            EXPECT_NEAR(params[k].grad[i], numeric, 2e-3 + 2e-2 * std::fabs(numeric))
                << params[k].name << "[" << i << "] in " << net->describe();
        }
}

INSTANTIATE_TEST_SUITE_P(Layers, LayerConformance, ::testing::ValuesIn(names(Kind::layer)), name_of);

// --- dropout ------------------------------------------------------------------

std::vector<float> dropout_forward(Layer& layer, const std::vector<float>& x, int batch, bool training) {
    const float* y = layer.forward(x.data(), batch, training);
    return std::vector<float>(y, y + x.size());
}

TEST(DropoutLayer, BackwardIsMaskTimesDy) {
    Engine e;
    auto layer = make_layer("dropout");
    layer->configure(context(e));
    const std::vector<float> ones(kBatch * kInputs, 1.f);
    const std::vector<float> mask = dropout_forward(*layer, ones, kBatch, true);  // y = m * 1 = m
    const std::vector<float> dy = uniform(ones.size(), 4);
    std::vector<float> dx(ones.size());
    layer->backward(ones.data(), dy.data(), dx.data(), kBatch);
    for (std::size_t i = 0; i < dx.size(); ++i) {
        EXPECT_TRUE(mask[i] == 0.f || mask[i] == 2.f) << "rate 0.5 keeps with scale 2, mask " << mask[i];
        EXPECT_EQ(dx[i], mask[i] * dy[i]) << i;
    }
}

TEST(DropoutLayer, InferenceIsIdentity) {
    Engine e;
    auto layer = make_layer("dropout");
    layer->configure(context(e));
    const std::vector<float> x = uniform(kBatch * kInputs, 8);
    EXPECT_EQ(dropout_forward(*layer, x, kBatch, false), x);
    std::vector<float> dx(x.size());
    layer->backward(x.data(), x.data(), dx.data(), kBatch);
    EXPECT_EQ(dx, x) << "after an inference forward the backward is the identity too";
}

TEST(DropoutLayer, KeptFractionIsOneMinusRate) {
    for (double rate : {0.1, 0.5, 0.8}) {
        Engine e;
        Params p;
        p.set("rate", rate);
        auto layer = make_layer("dropout", p);
        LayerContext ctx = context(e);
        ctx.inputs = 1000;
        ctx.max_batch = 10;
        layer->configure(ctx);
        const std::vector<float> ones(10000, 1.f);
        const std::vector<float> y = dropout_forward(*layer, ones, 10, true);
        int kept = 0;
        double sum = 0;
        for (float v : y) {
            kept += v != 0.f;
            sum += v;
        }
        // 10k Bernoulli draws: the standard deviation of the fraction is <= 0.005.
        EXPECT_NEAR(kept / 10000.0, 1.0 - rate, 0.02) << "rate " << rate;
        EXPECT_NEAR(sum / 10000.0, 1.0, 0.05) << "inverted dropout keeps the mean, rate " << rate;
    }
}

TEST(DropoutLayer, MaskIsDeterministicForASeedAndAdvancesEveryCall) {
    Engine e;
    auto a = make_layer("dropout"), b = make_layer("dropout"), c = make_layer("dropout");
    a->configure(context(e, 1));
    b->configure(context(e, 1));
    c->configure(context(e, 2));
    const std::vector<float> ones(kBatch * kInputs, 1.f);
    const std::vector<float> a1 = dropout_forward(*a, ones, kBatch, true), a2 = dropout_forward(*a, ones, kBatch, true);
    const std::vector<float> b1 = dropout_forward(*b, ones, kBatch, true), b2 = dropout_forward(*b, ones, kBatch, true);
    const std::vector<float> c1 = dropout_forward(*c, ones, kBatch, true);
    EXPECT_EQ(a1, b1);
    EXPECT_EQ(a2, b2);
    EXPECT_NE(a1, a2) << "the mask must change from one step to the next";
    EXPECT_NE(a1, c1) << "another seed, another mask";
    a->configure(context(e, 1));
    EXPECT_EQ(dropout_forward(*a, ones, kBatch, true), a1) << "configure() restarts the stream";
}

// --- batch_norm -----------------------------------------------------------------

TEST(BatchNormLayer, TrainingNormalizesTheBatch) {
    Engine e;
    auto layer = make_layer("batch_norm");
    layer->configure(context(e));
    const std::vector<float> x = uniform(kBatch * kInputs, 12, -3.0, 5.0);
    const float* y = layer->forward(x.data(), kBatch, true);
    for (int c = 0; c < kInputs; ++c) {
        double mean = 0, sq = 0;
        for (int n = 0; n < kBatch; ++n) mean += y[n * kInputs + c];
        mean /= kBatch;
        for (int n = 0; n < kBatch; ++n) sq += (y[n * kInputs + c] - mean) * (y[n * kInputs + c] - mean);
        EXPECT_NEAR(mean, 0.0, 1e-5) << "feature " << c;
        EXPECT_NEAR(sq / kBatch, 1.0, 1e-3) << "feature " << c;  // var / (var + 1e-5)
    }
}

// After a few training batches, inference uses running statistics updated as
// r = (1 - momentum) r + momentum * batch statistic (variance unbiased),
// starting from mean 0 and variance 1.
TEST(BatchNormLayer, InferenceUsesRunningStatistics) {
    Engine e;
    Params p;
    p.set("momentum", 0.3);
    auto layer = make_layer("batch_norm", p);
    layer->configure(context(e));
    std::vector<ParamTensor> params = layer->parameters();
    ASSERT_EQ(params.size(), 2u);
    EXPECT_EQ(params[0].name, "scale");
    EXPECT_EQ(params[1].name, "shift");
    EXPECT_FALSE(params[0].decay);
    EXPECT_FALSE(params[1].decay);
    for (int c = 0; c < kInputs; ++c) {
        params[0].value[c] = 1.5f + 0.1f * c;
        params[1].value[c] = -0.5f + 0.2f * c;
    }
    std::vector<double> running_mean(kInputs, 0.0), running_var(kInputs, 1.0);
    for (int step = 0; step < 3; ++step) {
        const std::vector<float> x = uniform(kBatch * kInputs, 20 + step, -2.0 + step, 4.0 + step);
        layer->forward(x.data(), kBatch, true);
        for (int c = 0; c < kInputs; ++c) {
            double mean = 0, sq = 0;
            for (int n = 0; n < kBatch; ++n) mean += x[n * kInputs + c];
            mean /= kBatch;
            for (int n = 0; n < kBatch; ++n) sq += (x[n * kInputs + c] - mean) * (x[n * kInputs + c] - mean);
            running_mean[c] = 0.7 * running_mean[c] + 0.3 * mean;
            running_var[c] = 0.7 * running_var[c] + 0.3 * sq / (kBatch - 1);
        }
    }
    const std::vector<float> x = uniform(kBatch * kInputs, 30, -2.0, 2.0);
    const float* y = layer->forward(x.data(), kBatch, false);
    for (int n = 0; n < kBatch; ++n)
        for (int c = 0; c < kInputs; ++c) {
            const double expected = params[0].value[c] * (x[n * kInputs + c] - running_mean[c]) /
                                        std::sqrt(running_var[c] + 1e-5) +
                                    params[1].value[c];
            EXPECT_NEAR(y[n * kInputs + c], expected, 1e-4) << "sample " << n << ", feature " << c;
        }
}

}  // namespace
}  // namespace soma::conformance
