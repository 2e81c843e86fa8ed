// The built-in activations' generic paths against their textbook formulas.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "support/builtin_plugins.h"

namespace soma {
namespace {

const std::vector<float> kInputs = {-80.f, -10.f, -2.5f, -1.f, -1e-3f, 0.f, 1e-3f, 0.5f, 1.f, 3.f, 10.f, 80.f};

TEST(ActivationFormula, SigmoidForwardAndBackward) {
    auto act = test::builtin_registry().make_activation("sigmoid");
    std::vector<float> y(kInputs.size()), dy(kInputs.size(), 1.f), dx(kInputs.size());
    act->forward(kInputs.data(), y.data(), y.size());
    act->backward(kInputs.data(), y.data(), dy.data(), dx.data(), y.size());
    for (std::size_t i = 0; i < kInputs.size(); ++i) {
        const double s = 1.0 / (1.0 + std::exp(-static_cast<double>(kInputs[i])));
        EXPECT_NEAR(y[i], s, 1e-6) << "x = " << kInputs[i];
        EXPECT_NEAR(dx[i], s * (1 - s), 1e-6) << "x = " << kInputs[i];
        EXPECT_TRUE(std::isfinite(y[i]));
    }
    EXPECT_FALSE(act->needs_input());
    ASSERT_TRUE(act->fused().has_value());
    EXPECT_EQ(act->fused()->backward, dnnl::algorithm::eltwise_logistic_use_dst_for_bwd);
}

TEST(ActivationFormula, ReluForwardAndBackward) {
    auto act = test::builtin_registry().make_activation("relu");
    std::vector<float> y(kInputs.size()), dy(kInputs.size(), 2.f), dx(kInputs.size());
    act->forward(kInputs.data(), y.data(), y.size());
    act->backward(kInputs.data(), y.data(), dy.data(), dx.data(), y.size());
    for (std::size_t i = 0; i < kInputs.size(); ++i) {
        EXPECT_EQ(y[i], std::max(0.f, kInputs[i]));
        EXPECT_EQ(dx[i], kInputs[i] > 0 ? 2.f : 0.f) << "x = " << kInputs[i];
    }
    ASSERT_TRUE(act->fused().has_value());
    EXPECT_EQ(act->fused()->backward, dnnl::algorithm::eltwise_relu_use_dst_for_bwd);
}

TEST(ActivationFormula, UnknownActivationListsTheKnownOnes) {
    try {
        test::builtin_registry().make_activation("sigmod");
        FAIL() << "expected an error";
    } catch (const std::exception& e) {
        std::string msg = e.what();
        EXPECT_NE(msg.find("'sigmoid'"), std::string::npos) << msg;
        EXPECT_NE(msg.find("relu"), std::string::npos) << msg;
    }
}

}  // namespace
}  // namespace soma
