// The training loop: epochs of shuffled mini-batches through a
// TrainingSession, evaluation after each epoch, observers told as it goes.
#include "train/trainer.h"

#include <chrono>
#include <cmath>
#include <cstdio>

#include "data/batcher.h"
#include "plugin/registry.h"
#include "soma/random.h"
#include "train/epoch_choice.h"
#include "train/resources.h"
#include "train/schedule.h"
#include "train/session.h"
#include "train/threads.h"
#include "util/error.h"
#include "util/startup.h"

namespace soma {

namespace {

// The batches of one epoch, through the session.
struct EpochTotals {
    double loss_sum = 0;
    long correct = 0, seen = 0;
    bool diverged = false;  // the loss or a parameter became NaN or infinite
    double seconds = 0;     // training time (evaluation excluded)
};

// One epoch of shuffled mini-batches; stops at the first non-finite loss, and
// checks the parameters once at its end.
EpochTotals train_epoch(TrainingSession& session, Batcher& batcher, const TrainingConfig& tc, int epoch,
                        std::vector<float>& x, std::vector<std::int32_t>& labels, TrainObserver* observer) {
    using clock = std::chrono::steady_clock;
    const double batches = static_cast<double>(batcher.batches_per_epoch());
    EpochTotals totals;
    batcher.start_epoch(epoch);
    std::size_t done = 0;
    const auto start = clock::now();
    while (int b = batcher.next(x.data(), labels.data())) {
        const double progress = (epoch - 1) + (static_cast<double>(done) + 1) / batches;
        LossResult r = session.step(x.data(), labels.data(), b, lr_factor(tc.schedule, progress, tc.epochs));
        if (done == 0 && epoch == 1 && trace_startup())
            std::fprintf(stderr, "startup: first training batch done %.1f ms after process start\n",
                         milliseconds_since_start());
        if (!std::isfinite(r.loss_sum)) {
            totals.diverged = true;
            break;
        }
        totals.loss_sum += r.loss_sum;
        totals.correct += r.correct;
        totals.seen += b;
        ++done;
        if (observer) observer->on_batch(epoch, done, batcher.batches_per_epoch(), totals.loss_sum / totals.seen);
    }
    totals.seconds = std::chrono::duration<double>(clock::now() - start).count();
    // Once per epoch: a NaN weight behind relu (fused, NaN -> 0) leaves the loss finite.
    if (!totals.diverged && !session.parameters_finite()) totals.diverged = true;
    return totals;
}

// The epoch's metrics: its training totals, then the validation and test
// sets evaluated (the test set's confusion matrix into result).
EpochMetrics evaluate_epoch(TrainingSession& session, const Dataset& data, int epoch, const EpochTotals& totals,
                            RunResult& result) {
    EpochMetrics m;
    m.epoch = epoch;
    m.seconds = totals.seconds;
    m.train_loss = totals.loss_sum / static_cast<double>(totals.seen);
    m.train_accuracy = static_cast<double>(totals.correct) / static_cast<double>(totals.seen);
    m.samples_per_second = m.seconds > 0 ? static_cast<double>(totals.seen) / m.seconds : 0;

    const Evaluation v = session.evaluate(data.validation);
    m.validation_loss = v.loss;
    m.validation_accuracy = v.accuracy;
    const Evaluation t = session.evaluate(data.test, &result.confusion);
    m.test_loss = t.loss;
    m.test_accuracy = t.accuracy;
    return m;
}

// Early stopping: whether `patience` epochs have passed since the selection
// score (epoch_choice.h: the same rule that chooses the epoch) last rose by
// more than min_delta.
bool should_stop(const EarlyStoppingConfig& c, const std::vector<double>& validation_accuracy) {
    if (c.patience <= 0 || validation_accuracy.empty() || std::isnan(validation_accuracy.back())) return false;
    const int epoch = static_cast<int>(validation_accuracy.size());
    return epoch - (choose_epoch(validation_accuracy, c.min_delta).index + 1) >= c.patience;
}

}  // namespace

RunResult train(const Experiment& experiment, const Dataset& data, const Registry& registry,
                TrainObserver* observer) {
    const TrainingConfig& tc = experiment.training;
    RunResult result;
    result.threads = apply_threads(tc.threads, experiment.model, data.features(), data.classes, tc.batch_size);
    result.classes = data.classes;
    if (data.train.size() == 0) throw Error("dataset '" + data.name + "' has no training samples");

    const double data_bytes = static_cast<double>(data.train.images.size() + data.train.labels.size() +
                                                  data.validation.images.size() + data.validation.labels.size() +
                                                  data.test.images.size() + data.test.labels.size());
    check_memory(experiment, data.features(), data.classes, data_bytes);
    TrainingSession session(registry, experiment.model, tc, data.features(), data.classes, tc.batch_size);
    result.parameters = session.parameters();
    result.network = session.network().describe();

    const std::size_t rows = static_cast<std::size_t>(tc.batch_size);
    std::vector<float> x(rows * data.features());
    std::vector<std::int32_t> labels(rows);
    Batcher batcher(data.train, data.features(), tc.batch_size, derive_seed(tc.seed, 77), /*shuffle=*/true);
    if (observer) observer->on_start(session.network(), tc.epochs, batcher.batches_per_epoch());

    std::vector<double> validation_accuracy;  // per epoch, for the chosen epoch and early stopping
    for (int epoch = 1; epoch <= tc.epochs; ++epoch) {
        const EpochTotals totals = train_epoch(session, batcher, tc, epoch, x, labels, observer);
        if (totals.diverged) {
            result.status = RunStatus::diverged;
            result.diverged_epoch = epoch;
            break;
        }
        const EpochMetrics m = evaluate_epoch(session, data, epoch, totals, result);
        result.epochs.push_back(m);
        result.train_seconds += m.seconds;
        const double trained = static_cast<double>(result.epochs.size() * data.train.size());
        result.samples_per_second = result.train_seconds > 0 ? trained / result.train_seconds : 0;
        validation_accuracy.push_back(m.validation_accuracy);
        result.chosen_epoch = choose_epoch(validation_accuracy).index + 1;
        if (result.chosen_epoch == epoch) result.chosen_confusion = result.confusion;
        if (observer) observer->on_epoch(m, result, session.network());

        if (should_stop(tc.early_stopping, validation_accuracy)) {
            result.early_stopped_epoch = epoch;
            break;
        }
    }
    return result;
}

}  // namespace soma
