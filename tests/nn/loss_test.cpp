// Losses and their gradients against finite differences and hand values.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "nn/loss.h"

namespace soma {
namespace {

double loss_of(LossKind kind, const std::vector<float>& z, const std::vector<std::int32_t>& labels, int classes) {
    const int batch = static_cast<int>(labels.size());
    return loss_forward_backward(kind, z.data(), labels.data(), batch, classes, nullptr).loss_sum / batch;
}

class LossTest : public ::testing::TestWithParam<LossKind> {};

TEST_P(LossTest, GradientMatchesFiniteDifferences) {
    const int classes = 4;
    std::vector<float> z = {0.3f, -1.2f, 2.0f, 0.1f, 5.0f, 4.9f, -3.f, 0.f};
    std::vector<std::int32_t> labels = {2, 1};
    std::vector<float> grad(z.size());
    loss_forward_backward(GetParam(), z.data(), labels.data(), 2, classes, grad.data());
    for (std::size_t i = 0; i < z.size(); ++i) {
        const float h = 1e-3f;
        auto zp = z, zm = z;
        zp[i] += h;
        zm[i] -= h;
        const double numeric = (loss_of(GetParam(), zp, labels, classes) - loss_of(GetParam(), zm, labels, classes)) / (2 * h);
        EXPECT_NEAR(grad[i], numeric, 2e-3) << "output " << i;
    }
}

INSTANTIATE_TEST_SUITE_P(Losses, LossTest, ::testing::Values(LossKind::cross_entropy, LossKind::mse),
                         [](const auto& info) { return std::string(loss_name(info.param)); });

TEST(Loss, CrossEntropyValuesAndAccuracy) {
    // Uniform logits: loss = log(classes), argmax ties pick class 0.
    std::vector<float> z(10, 0.f);
    std::vector<std::int32_t> label = {0};
    LossResult r = loss_forward_backward(LossKind::cross_entropy, z.data(), label.data(), 1, 10, nullptr);
    EXPECT_NEAR(r.loss_sum, std::log(10.0), 1e-6);
    EXPECT_EQ(r.correct, 1);
}

TEST(Loss, CrossEntropyIsStableForHugeLogits) {
    std::vector<float> z = {1000.f, -1000.f, 0.f};
    std::vector<std::int32_t> label = {1};
    std::vector<float> g(3);
    LossResult r = loss_forward_backward(LossKind::cross_entropy, z.data(), label.data(), 1, 3, g.data());
    EXPECT_NEAR(r.loss_sum, 2000.0, 1e-3);
    EXPECT_NEAR(g[0], 1.f, 1e-6);
    EXPECT_NEAR(g[1], -1.f, 1e-6);
}

TEST(Loss, MseIsHalfSquaredDistanceToOneHot) {
    std::vector<float> a = {0.5f, 0.25f};
    std::vector<std::int32_t> label = {1};
    LossResult r = loss_forward_backward(LossKind::mse, a.data(), label.data(), 1, 2, nullptr);
    EXPECT_NEAR(r.loss_sum, 0.5 * (0.25 + 0.5625), 1e-7);
    EXPECT_EQ(r.correct, 0);
}

TEST(Loss, UnknownLossNamesTheChoices) {
    try {
        parse_loss("crossentropy");
        FAIL();
    } catch (const std::exception& e) {
        EXPECT_NE(std::string(e.what()).find("cross_entropy"), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace soma
