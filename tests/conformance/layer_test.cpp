// Conformance of every layer plugin: the checks `soma plugin check` runs
// (framework/src/tooling/check_layer.cpp), one test per check and plugin;
// then what only dropout and batch_norm promise.
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "conformance.h"
#include "tooling/check_parts.h"

namespace soma::conformance {
namespace {

class LayerConformance : public ::testing::TestWithParam<std::string> {
protected:
    tooling::Subject layer() const { return subject(Kind::layer, GetParam()); }
};

TEST_P(LayerConformance, OutputsAndParametersAreConsistent) { EXPECT_CHECK_PASSES(CheckId::shapes, layer()); }

TEST_P(LayerConformance, InferenceIsPerSampleAndRepeatable) { EXPECT_CHECK_PASSES(CheckId::inference, layer()); }

TEST_P(LayerConformance, InputAndParameterGradientsMatchFiniteDifferences) {
    EXPECT_CHECK_PASSES(CheckId::input_gradient, layer());
    EXPECT_CHECK_PASSES(CheckId::parameter_gradients, layer());
}

TEST_P(LayerConformance, NetworkGradientMatchesFiniteDifferences) {
    EXPECT_CHECK_PASSES(CheckId::network_gradient, layer());
}

// What a resumed run relies on: a freshly configured layer given the
// parameters, buffers and state() trains on bit for bit (dropout's masks).
TEST_P(LayerConformance, StateHoldsEverythingTrainingCarries) {
    EXPECT_CHECK_PASSES(CheckId::layer_state, layer());
}

INSTANTIATE_TEST_SUITE_P(Layers, LayerConformance, ::testing::ValuesIn(names(Kind::layer)), name_of);

constexpr int kInputs = 5, kBatch = 4;

using tooling::uniform;

struct Engine {
    dnnl::engine engine{dnnl::engine::kind::cpu, 0};
    dnnl::stream stream{engine};
};

std::unique_ptr<Layer> make_layer(const std::string& name, Params params = {}) {
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


// --- dense: model.bias_init ------------------------------------------------------

// The dense layer's parameters after configure: weights then biases.
std::vector<std::vector<float>> dense_init(BiasInit bias, double scale, int units) {
    Engine e;
    Params p;
    p.set("units", units);
    auto layer = make_layer("dense", p);
    LayerContext ctx = context(e);
    ctx.init.scheme = InitScheme::normal;
    ctx.init.scale = scale;
    ctx.init.bias = bias;
    layer->configure(ctx);
    std::vector<std::vector<float>> out;
    for (const ParamTensor& t : layer->parameters()) out.emplace_back(t.value, t.value + t.size);
    return out;
}

TEST(DenseLayer, BiasesStartAtZeroUnlessAskedAndTheWeightsDoNotChange) {
    const auto zero = dense_init(BiasInit::zero, 1.0, 4000);
    ASSERT_EQ(zero.size(), 2u);
    for (float b : zero[1]) ASSERT_EQ(b, 0.f);
    for (BiasInit scheme : {BiasInit::normal, BiasInit::uniform}) {
        const auto drawn = dense_init(scheme, 1.0, 4000);
        EXPECT_EQ(drawn[0], zero[0]) << "biases are drawn after every weight, so a seed's weights stay the same";
        double sum = 0, squares = 0, largest = 0;
        for (float b : drawn[1]) {
            sum += b;
            squares += double(b) * b;
            largest = std::max(largest, std::abs(double(b)));
        }
        const double n = double(drawn[1].size()), mean = sum / n, sd = std::sqrt(squares / n - mean * mean);
        // 4,000 draws: the mean's standard error is at most 1/sqrt(4000) = 0.016.
        EXPECT_NEAR(mean, 0.0, 0.08);
        if (scheme == BiasInit::normal) {
            EXPECT_NEAR(sd, 1.0, 0.05);  // N(0, 1)
        } else {
            EXPECT_LE(largest, 1.0);  // U(-1, 1): standard deviation 1/sqrt(3)
            EXPECT_NEAR(sd, 1.0 / std::sqrt(3.0), 0.05);
        }
    }
    const auto half = dense_init(BiasInit::normal, 0.5, 4000);
    const auto one = dense_init(BiasInit::normal, 1.0, 4000);
    for (std::size_t i = 0; i < half[1].size(); ++i) ASSERT_FLOAT_EQ(half[1][i] * 2, one[1][i]) << "init_scale scales the biases";
}

}  // namespace
}  // namespace soma::conformance
