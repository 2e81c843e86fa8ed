// The chosen epoch: the rule itself, and what the trainer and the run folder
// keep of it (the confusion matrix, the weights, summary.json).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <limits>

#include "model/model_file.h"
#include "train/epoch_choice.h"
#include "train/run_folder.h"
#include "train/trainer.h"
#include "nn/network.h"
#include "train_fixture.h"

namespace soma {
namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

TEST(EpochChoice, ScoresAreTheMeanOfTheEpochAndTheTwoBefore) {
    const std::vector<double> s = selection_scores({0.90, 0.93, 0.96, 0.93, nan, 0.99});
    ASSERT_EQ(s.size(), 6u);
    EXPECT_DOUBLE_EQ(s[0], 0.90);
    EXPECT_DOUBLE_EQ(s[1], (0.90 + 0.93) / 2);
    EXPECT_DOUBLE_EQ(s[2], (0.90 + 0.93 + 0.96) / 3);
    EXPECT_DOUBLE_EQ(s[3], (0.93 + 0.96 + 0.93) / 3);
    EXPECT_DOUBLE_EQ(s[4], (0.96 + 0.93) / 2);  // a missing value is left out
    EXPECT_DOUBLE_EQ(s[5], (0.93 + 0.99) / 2);
    EXPECT_TRUE(std::isnan(selection_scores({nan, nan})[1]));
}

TEST(EpochChoice, OneLuckyEpochDoesNotWin) {
    // Epoch 4 is the single best, but epochs 6..8 are better together: the
    // rule takes the end of the best three-epoch stretch, not the lucky peak.
    const std::vector<double> v = {0.90, 0.92, 0.93, 0.960, 0.93, 0.950, 0.951, 0.952, 0.94};
    const EpochChoice c = choose_epoch(v);
    EXPECT_EQ(c.index, 7);
    EXPECT_NEAR(c.score, (0.950 + 0.951 + 0.952) / 3, 1e-15);
    // Equal scores: the earliest.
    EXPECT_EQ(choose_epoch({0.5, 0.9, 0.9, 0.9, 0.9, 0.9}).index, 3);
    // min_delta: a later epoch must beat the chosen one by more than it.
    EXPECT_EQ(choose_epoch({0.90, 0.90, 0.90, 0.901, 0.901, 0.901}, 0.01).index, 0);
    EXPECT_EQ(choose_epoch({0.90, 0.90, 0.90, 0.901, 0.901, 0.901}).index, 5);
}

TEST(EpochChoice, WithoutValidationTheLastEpochCounts) {
    const EpochChoice c = choose_epoch({nan, nan, nan});
    EXPECT_EQ(c.index, 2);
    EXPECT_TRUE(std::isnan(c.score));
    EXPECT_EQ(choose_epoch({}).index, -1);
}

// Keeps every epoch's parameters and confusion matrix, to check what the run folder kept.
struct Recorder : TrainObserver {
    std::vector<std::vector<float>> weights;  // layer0.weights per epoch
    std::vector<std::vector<int>> confusion;
    void on_epoch(const EpochMetrics&, const RunResult& r, Network& net) override {
        const std::vector<ParamTensor> params = net.parameters();  // a copy: front() of the temporary dangled
        const ParamTensor& t = params.front();
        weights.emplace_back(t.value, t.value + t.size);
        confusion.push_back(r.confusion);
    }
};

struct Both : TrainObserver {
    TrainObserver *a, *b;
    Both(TrainObserver* x, TrainObserver* y) : a(x), b(y) {}
    void on_start(const Network& n, int epochs, std::size_t batches) override {
        a->on_start(n, epochs, batches);
        b->on_start(n, epochs, batches);
    }
    void on_epoch(const EpochMetrics& m, const RunResult& r, Network& n) override {
        a->on_epoch(m, r, n);
        b->on_epoch(m, r, n);
    }
};

TEST(ChosenEpoch, TheRunFolderKeepsItsWeightsConfusionAndTestFigure) {
    // 150 of the 600 training samples held out for validation; a learning
    // rate so large that the curves jump about.
    Dataset data = make_synthetic(600, 200, 5);
    data.validation.images.assign(data.train.images.end() - 150 * 784, data.train.images.end());
    data.validation.labels.assign(data.train.labels.end() - 150, data.train.labels.end());
    data.train.images.resize(450 * 784);
    data.train.labels.resize(450);
    Experiment e = test::synthetic_experiment("sigmoid", {16}, 8);
    e.data.validation = 0.25;
    e.training.optimizer.params.set("learning_rate", 2.0);
    const auto dir = std::filesystem::temp_directory_path() / ("soma_chosen_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    SummaryInfo info;
    info.test_samples = 200;
    info.loss = e.training.loss;
    info.rows = data.rows;
    info.cols = data.cols;
    RunWriter writer(dir, e, info, test::registry(), data_shape(data));
    Recorder recorder;
    Both both(&writer, &recorder);
    const RunResult r = train(e, data, test::registry(), &both);
    const RunSummary s = writer.finish(r);

    std::vector<double> validation;
    for (const EpochMetrics& m : r.epochs) validation.push_back(m.validation_accuracy);
    const EpochChoice c = choose_epoch(validation);
    ASSERT_GE(c.index, 0);
    ASSERT_LT(c.index + 1, static_cast<int>(r.epochs.size()));  // (epoch 5 of 8 here): not the last
    EXPECT_EQ(s.chosen_epoch, c.index + 1);
    EXPECT_EQ(r.chosen_epoch, c.index + 1);
    EXPECT_EQ(s.chosen_validation_accuracy, c.score);
    EXPECT_EQ(s.chosen_test_accuracy, r.epochs[static_cast<std::size_t>(c.index)].test_accuracy);
    EXPECT_EQ(s.test_accuracy, r.epochs.back().test_accuracy);
    EXPECT_EQ(r.chosen_confusion, recorder.confusion[static_cast<std::size_t>(c.index)]);
    // summary.json holds both matrices, each adding up to the test set.
    const RunSummary back = read_run_summary(dir / "summary.json");
    ASSERT_EQ(back.chosen_confusion.size(), 10u);
    double correct = 0;
    for (int t = 0; t < 10; ++t) correct += back.chosen_confusion[t][t];
    EXPECT_NEAR(correct / 200, s.chosen_test_accuracy, 1e-12);

    // model-best.soma is the chosen epoch's state, model-last.soma the last one's.
    EXPECT_EQ(run_model_file(dir, ModelSelection::best), dir / model_best_file);
    const ModelFile best = read_model_file(run_model_file(dir, ModelSelection::best));
    EXPECT_EQ(best.description.epoch, s.chosen_epoch);
    EXPECT_EQ(best.tensors.front().values, recorder.weights[static_cast<std::size_t>(c.index)]);
    EXPECT_EQ(read_model_file(dir / model_last_file).tensors.front().values, recorder.weights.back());
    EXPECT_NE(best.tensors.front().values, recorder.weights.back());

    // A rerun without validation in the same folder: no stale chosen weights;
    // the chosen epoch is the last, whose model is model-last.soma.
    Experiment plain = test::synthetic_experiment("sigmoid", {16}, 2);
    Dataset no_val = make_synthetic(600, 200, 5);
    RunWriter again(dir, plain, info, test::registry(), data_shape(no_val));
    const RunSummary s2 = again.finish(train(plain, no_val, test::registry(), &again));
    EXPECT_FALSE(std::filesystem::exists(dir / model_best_file));
    EXPECT_EQ(s2.chosen_epoch, 2);
    EXPECT_TRUE(std::isnan(s2.chosen_validation_accuracy));
    std::string note;
    EXPECT_EQ(run_model_file(dir, ModelSelection::best, &note), dir / model_last_file);
    EXPECT_NE(note.find("no validation split"), std::string::npos) << note;
    EXPECT_EQ(s2.chosen_confusion, s2.confusion);
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace soma
