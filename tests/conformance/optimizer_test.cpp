// Conformance of every optimizer plugin, with its default parameters, on
// f(w) = sum (w - target)^2 over a decayed tensor ("weights") and an
// undecayed one ("bias", decay = false).
#include <cmath>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "conformance.h"
#include "soma/random.h"

namespace soma::conformance {
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

class OptimizerConformance : public ::testing::TestWithParam<std::string> {
protected:
    std::unique_ptr<Optimizer> make(const Params& params = {}) const {
        return registry().make_optimizer(GetParam(), params);
    }
    const FeatureRecord& feature() const { return registry().feature(Kind::optimizer, GetParam()); }
    bool declares(const std::string& param) const {
        for (const ParamSpec& s : feature().info.params)
            if (s.name == param) return true;
        return false;
    }
};

TEST_P(OptimizerConformance, LowersQuadraticBy90PercentIn200Steps) {
    Problem p;
    auto opt = make();
    opt->setup(p.tensors());
    const double start = p.loss();
    for (int step = 0; step < 200; ++step) {
        p.gradient();
        opt->step(1.f);
    }
    EXPECT_LE(p.loss(), 0.1 * start) << "from " << start;
    for (float v : p.w) EXPECT_TRUE(std::isfinite(v));
}

TEST_P(OptimizerConformance, IsDeterministic) {
    Problem a, b;
    auto oa = make(), ob = make();
    oa->setup(a.tensors());
    ob->setup(b.tensors());
    for (int step = 0; step < 50; ++step) {
        a.gradient();
        b.gradient();
        oa->step(step % 2 ? 1.f : 0.5f);
        ob->step(step % 2 ? 1.f : 0.5f);
    }
    EXPECT_TRUE(same_bits(a.w, b.w));
    EXPECT_TRUE(same_bits(a.b, b.b));
}

// A tensor with decay = false moves exactly as it would with no weight decay
// at all; a decayed one moves differently once weight_decay is set.
TEST_P(OptimizerConformance, RespectsDecayFalse) {
    Params with_decay;
    if (declares("weight_decay")) with_decay.set("weight_decay", 0.1);
    Params without_decay;
    if (declares("weight_decay")) without_decay.set("weight_decay", 0.0);
    Problem a, b;
    auto oa = make(with_decay), ob = make(without_decay);
    oa->setup(a.tensors());
    ob->setup(b.tensors());
    for (int step = 0; step < 20; ++step) {
        a.gradient();
        b.gradient();
        oa->step(1.f);
        ob->step(1.f);
    }
    EXPECT_TRUE(same_bits(a.b, b.b)) << "the decay = false tensor was decayed";
    if (declares("weight_decay")) {
        EXPECT_FALSE(same_bits(a.w, b.w)) << "weight_decay had no effect on weights";
    }
}

TEST_P(OptimizerConformance, ZeroLrFactorLeavesWeightsUnchanged) {
    Problem p;
    auto opt = make();
    opt->setup(p.tensors());
    const std::vector<float> w0 = p.w, b0 = p.b;
    for (int step = 0; step < 3; ++step) {
        p.gradient();
        opt->step(0.f);
    }
    EXPECT_TRUE(same_bits(p.w, w0));
    EXPECT_TRUE(same_bits(p.b, b0));
    p.gradient();
    opt->step(1.f);
    EXPECT_FALSE(same_bits(p.w, w0)) << "a real step after lr_factor = 0 should move";
}

TEST_P(OptimizerConformance, StepAllocatesNothing) {
    Problem p;
    auto opt = make();
    opt->setup(p.tensors());
    p.gradient();
    opt->step(1.f);  // a first step may set up lazily; the steady state may not allocate
    const long long before = allocations();
    for (int step = 0; step < 10; ++step) {
        p.gradient();
        opt->step(1.f);
    }
    EXPECT_EQ(allocations() - before, 0);
}

INSTANTIATE_TEST_SUITE_P(Optimizers, OptimizerConformance, ::testing::ValuesIn(names(Kind::optimizer)), name_of);

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
