// Learning-rate schedules, early stopping and gradient clipping.
#include <gtest/gtest.h>

#include <cmath>

#include "data/batcher.h"
#include "train/schedule.h"
#include "train/session.h"
#include "train/threads.h"
#include "train/trainer.h"
#include "train_fixture.h"
#include "util/error.h"

namespace soma {
namespace {

ScheduleConfig schedule(const std::string& name) {
    ScheduleConfig s;
    s.name = *schedule_names.find(name);
    return s;
}

TEST(Schedule, ConstantIsOne) {
    for (double p : {0.0, 0.5, 3.0, 9.99}) EXPECT_FLOAT_EQ(lr_factor(schedule("constant"), p, 10), 1.f);
}

TEST(Schedule, StepMultipliesByGammaEveryStepEpochs) {
    ScheduleConfig s = schedule("step");
    s.step_epochs = 3;
    s.gamma = 0.5;
    EXPECT_FLOAT_EQ(lr_factor(s, 0.5, 10), 1.f);
    EXPECT_FLOAT_EQ(lr_factor(s, 2.9, 10), 1.f);
    EXPECT_FLOAT_EQ(lr_factor(s, 3.1, 10), 0.5f);
    EXPECT_FLOAT_EQ(lr_factor(s, 6.0, 10), 0.25f);
}

TEST(Schedule, ExponentialDecaysPerEpoch) {
    ScheduleConfig s = schedule("exponential");
    s.gamma = 0.9;
    EXPECT_FLOAT_EQ(lr_factor(s, 0.2, 10), 1.f);
    EXPECT_NEAR(lr_factor(s, 3.5, 10), 0.729f, 1e-6);
}

TEST(Schedule, CosineGoesFromOneToTheFloor) {
    ScheduleConfig s = schedule("cosine");
    s.min_factor = 0.1;
    EXPECT_NEAR(lr_factor(s, 0.0, 10), 1.0, 1e-6);
    EXPECT_NEAR(lr_factor(s, 5.0, 10), 0.55, 1e-6);
    EXPECT_NEAR(lr_factor(s, 10.0, 10), 0.1, 1e-6);
}

TEST(Schedule, LinearWarmupMultipliesAnySchedule) {
    ScheduleConfig s = schedule("step");
    s.warmup_epochs = 2;
    s.step_epochs = 1;
    s.gamma = 0.5;
    EXPECT_NEAR(lr_factor(s, 0.5, 10), 0.25, 1e-6);  // warmup 0.25 x step 1
    EXPECT_NEAR(lr_factor(s, 1.5, 10), 0.375, 1e-6); // 0.75 x 0.5
    EXPECT_NEAR(lr_factor(s, 2.5, 10), 0.25, 1e-6);  // warmup done, 0.5^2
}

// A schedule is an enum now: a name the config does not know never reaches
// training, and a value without a formula is an error, not a factor of 1.
TEST(Schedule, EveryNamedScheduleHasAFormulaAndNoOtherValueDoes) {
    for (const std::string& name : schedule_names.names()) {
        const float f = lr_factor(schedule(name), 4.5, 10);
        EXPECT_TRUE(f > 0 && f <= 1) << name << ": " << f;
    }
    ScheduleConfig s;
    s.name = static_cast<Schedule>(99);
    EXPECT_THROW(lr_factor(s, 1.0, 10), Error);
}

TEST(EarlyStopping, StopsWhenValidationAccuracyStopsImproving) {
    Dataset data = make_synthetic(600, 100, 3);
    // The last 150 training samples double as the validation split.
    const Split& all = data.train;
    data.validation.images.assign(all.images.end() - 150 * 784, all.images.end());
    data.validation.labels.assign(all.labels.end() - 150, all.labels.end());
    Experiment e = test::synthetic_experiment("relu", {16}, 30);
    e.data.validation = 0.25;
    e.training.optimizer.params.set("learning_rate", 0.0);  // nothing improves after epoch 1
    e.training.early_stopping.patience = 2;
    RunResult r = train(e, data, test::registry());
    EXPECT_EQ(r.early_stopped_epoch, 3);
    EXPECT_EQ(r.epochs.size(), 3u);

    e.training.early_stopping.patience = 0;  // off: every epoch runs
    e.training.epochs = 4;
    EXPECT_EQ(train(e, data, test::registry()).epochs.size(), 4u);
}

TEST(GradientClipping, ScalesTheGlobalNormDownToTheLimit) {
    Dataset data = make_synthetic(64, 10, 1);
    Experiment e = test::synthetic_experiment("sigmoid", {16}, 1);
    e.training.clip_norm = 1e-3;
    e.training.optimizer.params.set("momentum", 0.0);
    e.training.optimizer.params.set("learning_rate", 0.0);
    apply_threads(1, e.model, data.features(), data.classes, 32);
    TrainingSession session(test::registry(), e.model, e.training, data.features(), data.classes, 32);
    Batcher batcher(data.train, data.features(), 32, 1, false);
    std::vector<float> x(32 * 784);
    std::vector<std::int32_t> labels(32);
    batcher.next(x.data(), labels.data());
    session.step(x.data(), labels.data(), 32);
    EXPECT_GT(session.last_gradient_norm(), 1e-3);
    double sum = 0;
    for (const ParamTensor& t : session.network().parameters())
        for (std::size_t i = 0; i < t.size; ++i) sum += static_cast<double>(t.grad[i]) * t.grad[i];
    EXPECT_NEAR(std::sqrt(sum), 1e-3, 1e-6);
}

}  // namespace
}  // namespace soma
