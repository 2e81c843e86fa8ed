// Conformance of every optimizer plugin: the checks `soma plugin check` runs
// (framework/src/tooling/check_optimizer.cpp), with its default parameters,
// on f(w) = sum (w - target)^2 over a decayed tensor ("weights") and an
// undecayed one ("bias", decay = false); then the built-in optimizers
// against their formulas.
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "conformance.h"
#include "soma/random.h"

namespace soma::conformance {
namespace {

class OptimizerConformance : public ::testing::TestWithParam<std::string> {
protected:
    tooling::Subject optimizer() const { return subject(Kind::optimizer, GetParam()); }
};

TEST_P(OptimizerConformance, LowersQuadraticBy90PercentIn200Steps) {
    EXPECT_CHECK_PASSES(CheckId::converges, optimizer());
}

TEST_P(OptimizerConformance, IsDeterministic) { EXPECT_CHECK_PASSES(CheckId::deterministic, optimizer()); }

// What a resumed run relies on: a fresh instance given the weights and
// state() steps on bit for bit.
TEST_P(OptimizerConformance, StateHoldsEverythingAStepCarries) {
    EXPECT_CHECK_PASSES(CheckId::optimizer_state, optimizer());
}

TEST_P(OptimizerConformance, RespectsDecayFalse) { EXPECT_CHECK_PASSES(CheckId::decay_false, optimizer()); }

TEST_P(OptimizerConformance, ZeroLrFactorLeavesWeightsUnchanged) {
    EXPECT_CHECK_PASSES(CheckId::zero_lr_factor, optimizer());
}

TEST_P(OptimizerConformance, StepAllocatesNothing) { EXPECT_CHECK_PASSES(CheckId::allocations, optimizer()); }

INSTANTIATE_TEST_SUITE_P(Optimizers, OptimizerConformance, ::testing::ValuesIn(names(Kind::optimizer)), name_of);

// The state check again with the state the defaults leave off (sgd's and
// rmsprop's momentum is 0 by default, so their velocity is not kept) and
// with weight decay in the step.
struct Configured {
    std::string label, name;
    Params params;
};

class OptimizerStateWithParameters : public ::testing::TestWithParam<Configured> {};

TEST_P(OptimizerStateWithParameters, StateHoldsEverythingAStepCarries) {
    tooling::Subject s = subject(Kind::optimizer, GetParam().name);
    s.params = GetParam().params;
    EXPECT_CHECK_PASSES(CheckId::optimizer_state, s);
}

INSTANTIATE_TEST_SUITE_P(
    Optimizers, OptimizerStateWithParameters,
    ::testing::Values(Configured{"sgd_momentum", "sgd", Params({{"momentum", 0.9}, {"weight_decay", 0.01}})},
                      Configured{"sgd_nesterov", "sgd", Params({{"momentum", 0.9}, {"nesterov", 1}})},
                      Configured{"rmsprop_momentum", "rmsprop", Params({{"momentum", 0.5}, {"weight_decay", 0.01}})},
                      Configured{"adamw_decay", "adamw", Params({{"weight_decay", 0.1}})}),
    [](const ::testing::TestParamInfo<Configured>& info) { return info.param.label; });

}  // namespace
}  // namespace soma::conformance

// --- the built-in optimizers against their formulas, in double ----------------

namespace soma::conformance {
namespace {

struct Reference {
    std::vector<double> w;
    std::vector<double> s1, s2;  // optimizer state
    bool decay;
};

// Runs `steps` updates with fixed pseudo-random gradients on a decayed and an
// undecayed tensor, with the plugin and with `update` (the formula in double),
// and compares the weights.
template <class Update>
void check_against_formula(const std::string& name, const Params& params, Update update, int steps = 6) {
    std::vector<float> w = {0.3f, -0.2f, 0.1f, 0.5f}, b = {0.05f, -0.4f};
    std::vector<float> gw(w.size()), gb(b.size());
    auto opt = registry().make_optimizer(name, params);
    opt->setup({{"weights", w.data(), gw.data(), w.size(), {4}, true},
                {"bias", b.data(), gb.data(), b.size(), {2}, false}});
    std::vector<Reference> ref = {{std::vector<double>(w.begin(), w.end()), std::vector<double>(w.size()),
                                   std::vector<double>(w.size()), true},
                                  {std::vector<double>(b.begin(), b.end()), std::vector<double>(b.size()),
                                   std::vector<double>(b.size()), false}};
    Random r(99);
    for (int t = 1; t <= steps; ++t) {
        for (float& g : gw) g = static_cast<float>(r.uniform(-1.0, 1.0));
        for (float& g : gb) g = static_cast<float>(r.uniform(-1.0, 1.0));
        const float lr_factor = t == 3 ? 0.5f : 1.f;
        opt->step(lr_factor);
        for (std::size_t i = 0; i < w.size(); ++i) update(ref[0], i, static_cast<double>(gw[i]), t, lr_factor);
        for (std::size_t i = 0; i < b.size(); ++i) update(ref[1], i, static_cast<double>(gb[i]), t, lr_factor);
        for (std::size_t i = 0; i < w.size(); ++i) EXPECT_NEAR(w[i], ref[0].w[i], 1e-5) << "step " << t << " w" << i;
        for (std::size_t i = 0; i < b.size(); ++i) EXPECT_NEAR(b[i], ref[1].w[i], 1e-5) << "step " << t << " b" << i;
    }
}

TEST(OptimizerFormula, AdamWithL2Decay) {
    const double lr = 0.01, b1 = 0.8, b2 = 0.9, eps = 1e-6, wd = 0.1;
    Params p({{"learning_rate", lr}, {"beta1", b1}, {"beta2", b2}, {"epsilon", eps}, {"weight_decay", wd}});
    check_against_formula("adam", p, [&](Reference& s, std::size_t i, double grad, int t, double f) {
        const double g = grad + (s.decay ? wd : 0.0) * s.w[i];
        s.s1[i] = b1 * s.s1[i] + (1 - b1) * g;
        s.s2[i] = b2 * s.s2[i] + (1 - b2) * g * g;
        const double m = s.s1[i] / (1 - std::pow(b1, t)), v = s.s2[i] / (1 - std::pow(b2, t));
        s.w[i] -= lr * f * m / (std::sqrt(v) + eps);
    });
}

TEST(OptimizerFormula, AdamWDecoupledDecay) {
    const double lr = 0.01, b1 = 0.8, b2 = 0.9, eps = 1e-6, wd = 0.1;
    Params p({{"learning_rate", lr}, {"beta1", b1}, {"beta2", b2}, {"epsilon", eps}, {"weight_decay", wd}});
    check_against_formula("adamw", p, [&](Reference& s, std::size_t i, double g, int t, double f) {
        if (s.decay) s.w[i] -= lr * f * wd * s.w[i];
        s.s1[i] = b1 * s.s1[i] + (1 - b1) * g;
        s.s2[i] = b2 * s.s2[i] + (1 - b2) * g * g;
        const double m = s.s1[i] / (1 - std::pow(b1, t)), v = s.s2[i] / (1 - std::pow(b2, t));
        s.w[i] -= lr * f * m / (std::sqrt(v) + eps);
    });
}

TEST(OptimizerFormula, AdamFirstStepMovesEachWeightByTheLearningRate) {
    for (const std::string name : {"adam", "adamw"}) {
        std::vector<float> w = {0.3f, -0.2f, 0.1f}, g = {2.f, -0.001f, 50.f};
        auto opt = registry().make_optimizer(name, Params({{"weight_decay", 0.0}}));
        opt->setup({{"w", w.data(), g.data(), w.size(), {3}, true}});
        opt->step(1.f);
        // Bias correction makes m^ / sqrt(v^) = sign(g) on the first step.
        EXPECT_NEAR(w[0], 0.3f - 0.001f, 1e-6) << name;
        EXPECT_NEAR(w[1], -0.2f + 0.001f, 1e-5) << name;
        EXPECT_NEAR(w[2], 0.1f - 0.001f, 1e-6) << name;
    }
}

TEST(OptimizerFormula, RmsPropWithMomentumAndDecay) {
    for (const double momentum : {0.0, 0.5}) {
        const double lr = 0.01, alpha = 0.9, eps = 1e-6, wd = 0.1;
        Params p({{"learning_rate", lr}, {"alpha", alpha}, {"epsilon", eps}, {"momentum", momentum},
                  {"weight_decay", wd}});
        check_against_formula("rmsprop", p, [&](Reference& s, std::size_t i, double grad, int, double f) {
            const double g = grad + (s.decay ? wd : 0.0) * s.w[i];
            s.s1[i] = alpha * s.s1[i] + (1 - alpha) * g * g;
            s.s2[i] = momentum * s.s2[i] + g / (std::sqrt(s.s1[i]) + eps);
            s.w[i] -= lr * f * s.s2[i];
        });
    }
}

TEST(OptimizerFormula, AdagradWithDecay) {
    const double lr = 0.1, eps = 1e-10, wd = 0.1;
    Params p({{"learning_rate", lr}, {"epsilon", eps}, {"weight_decay", wd}});
    check_against_formula("adagrad", p, [&](Reference& s, std::size_t i, double grad, int, double f) {
        const double g = grad + (s.decay ? wd : 0.0) * s.w[i];
        s.s1[i] += g * g;
        s.w[i] -= lr * f * g / (std::sqrt(s.s1[i]) + eps);
    });
}

}  // namespace
}  // namespace soma::conformance
