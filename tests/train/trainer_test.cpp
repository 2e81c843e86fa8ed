// The trainer end to end on synthetic data: it learns, it is reproducible,
// it stops on divergence.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "nn/network.h"
#include "train/trainer.h"
#include "train_fixture.h"

namespace soma {
namespace {

TEST(Trainer, LearnsSyntheticDigitsWithEachActivation) {
    Dataset data = make_synthetic(2000, 500, 7);
    for (const std::string act : {"sigmoid", "relu"}) {
        RunResult r = train(test::synthetic_experiment(act, {32}, 4), data, test::registry());
        ASSERT_EQ(r.status, RunStatus::ok);
        ASSERT_EQ(r.epochs.size(), 4u);
        EXPECT_GT(r.epochs.back().test_accuracy, 0.5) << act;  // chance is 0.1
        EXPECT_LT(r.epochs.back().train_loss, r.epochs.front().train_loss) << act;
        EXPECT_EQ(r.parameters, 784u * 32 + 32 + 32 * 10 + 10);
        long confusion_total = 0;
        for (int c : r.confusion) confusion_total += c;
        EXPECT_EQ(confusion_total, 500);
    }
}

TEST(Trainer, SameSeedAndThreadsGiveTheSameMetrics) {
    Dataset data = make_synthetic(600, 200, 3);
    for (int threads : {1, 2}) {
        Experiment e = test::synthetic_experiment("relu", {16, 16}, 2);
        e.training.threads = threads;
        RunResult a = train(e, data, test::registry());
        RunResult b = train(e, data, test::registry());
        ASSERT_EQ(a.epochs.size(), b.epochs.size());
        for (std::size_t i = 0; i < a.epochs.size(); ++i) {
            EXPECT_EQ(a.epochs[i].train_loss, b.epochs[i].train_loss) << "threads " << threads;
            EXPECT_EQ(a.epochs[i].test_loss, b.epochs[i].test_loss) << "threads " << threads;
            EXPECT_EQ(a.epochs[i].test_accuracy, b.epochs[i].test_accuracy);
        }
        e.training.seed = 2;
        RunResult c = train(e, data, test::registry());
        EXPECT_NE(a.epochs.back().train_loss, c.epochs.back().train_loss);
    }
}

TEST(Trainer, DivergenceStopsTheRunAndNamesTheEpoch) {
    Dataset data = make_synthetic(600, 100, 3);
    // Unbounded relu features and outputs under a quadratic loss blow up fast.
    Experiment e = test::synthetic_experiment("relu", {64}, 5);
    e.training.loss = "mse";
    e.training.optimizer.params.set("learning_rate", 1e6);
    e.training.optimizer.params.set("momentum", 0.0);
    RunResult r = train(e, data, test::registry());
    EXPECT_EQ(r.status, RunStatus::diverged);
    EXPECT_GE(r.diverged_epoch, 1);
    EXPECT_LT(r.epochs.size(), 5u);
}

// Puts a NaN into the first layer's weights after the first epoch.
class InjectNan : public TrainObserver {
public:
    void on_epoch(const EpochMetrics& m, const RunResult&, Network& net) override {
        if (m.epoch == 1) net.parameters().front().value[3] = std::numeric_limits<float>::quiet_NaN();
    }
};

// A NaN weight behind a fused relu left the loss finite (oneDNN's relu turns
// NaN into 0): the run ended "ok" with a dead unit.
TEST(Trainer, ANonFiniteWeightIsDivergenceEvenWhenTheLossStaysFinite) {
    Dataset data = make_synthetic(600, 100, 3);
    Experiment e = test::synthetic_experiment("relu", {16}, 3);
    InjectNan inject;
    RunResult r = train(e, data, test::registry(), &inject);
    EXPECT_EQ(r.status, RunStatus::diverged);
    EXPECT_EQ(r.diverged_epoch, 2);
    ASSERT_EQ(r.epochs.size(), 1u);
}

TEST(Trainer, MseWithSigmoidOutputsLearnsLikeTheVideo) {
    Dataset data = make_synthetic(2000, 500, 7);
    Experiment e = test::synthetic_experiment("sigmoid", {16, 16}, 6);
    e.training.loss = "mse";
    e.model.output_activation = "sigmoid";
    e.training.optimizer.params.set("learning_rate", 3.0);
    e.training.optimizer.params.set("momentum", 0.0);
    RunResult r = train(e, data, test::registry());
    ASSERT_EQ(r.status, RunStatus::ok);
    EXPECT_GT(r.epochs.back().test_accuracy, 0.3);
    EXPECT_NE(r.network.find("sigmoid (fused) -> dense 10 + sigmoid (fused)"), std::string::npos) << r.network;
}

}  // namespace
}  // namespace soma
