// The training loop: epochs of shuffled mini-batches through a
// TrainingSession, evaluation after each epoch, observers told as it goes.
#include "train/trainer.h"

#include <chrono>
#include <cmath>
#include <cstdio>

#include "data/batcher.h"
#include "plugin/registry.h"
#include "soma/random.h"
#include "train/resources.h"
#include "train/schedule.h"
#include "train/session.h"
#include "train/threads.h"
#include "util/error.h"
#include "util/startup.h"

namespace soma {

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

    using clock = std::chrono::steady_clock;
    const double batches = static_cast<double>(batcher.batches_per_epoch());
    double best_validation = -1;
    int epochs_without_improvement = 0;
    for (int epoch = 1; epoch <= tc.epochs; ++epoch) {
        EpochMetrics m;
        m.epoch = epoch;
        batcher.start_epoch(epoch);
        double loss_sum = 0;
        long correct = 0, seen = 0;
        std::size_t done = 0;
        bool diverged = false;
        const auto start = clock::now();
        while (int b = batcher.next(x.data(), labels.data())) {
            const double progress = (epoch - 1) + (static_cast<double>(done) + 1) / batches;
            LossResult r = session.step(x.data(), labels.data(), b, lr_factor(tc.schedule, progress, tc.epochs));
            if (done == 0 && epoch == 1 && trace_startup())
                std::fprintf(stderr, "startup: first training batch done %.1f ms after process start\n",
                             milliseconds_since_start());
            if (!std::isfinite(r.loss_sum)) {
                diverged = true;
                break;
            }
            loss_sum += r.loss_sum;
            correct += r.correct;
            seen += b;
            ++done;
            if (observer) observer->on_batch(epoch, done, batcher.batches_per_epoch(), loss_sum / seen);
        }
        m.seconds = std::chrono::duration<double>(clock::now() - start).count();
        if (!diverged && !session.parameters_finite()) diverged = true;  // a NaN the loss did not show
        if (diverged) {
            result.status = RunStatus::diverged;
            result.diverged_epoch = epoch;
            break;
        }
        m.train_loss = loss_sum / static_cast<double>(seen);
        m.train_accuracy = static_cast<double>(correct) / static_cast<double>(seen);
        m.samples_per_second = m.seconds > 0 ? static_cast<double>(seen) / m.seconds : 0;

        const Evaluation v = session.evaluate(data.validation);
        m.validation_loss = v.loss;
        m.validation_accuracy = v.accuracy;
        const Evaluation t = session.evaluate(data.test, &result.confusion);
        m.test_loss = t.loss;
        m.test_accuracy = t.accuracy;

        result.epochs.push_back(m);
        result.train_seconds += m.seconds;
        const double trained = static_cast<double>(result.epochs.size() * data.train.size());
        result.samples_per_second = result.train_seconds > 0 ? trained / result.train_seconds : 0;
        if (observer) observer->on_epoch(m, result, session.network());

        if (tc.early_stopping.patience > 0 && !std::isnan(m.validation_accuracy)) {
            if (m.validation_accuracy > best_validation + tc.early_stopping.min_delta) {
                best_validation = m.validation_accuracy;
                epochs_without_improvement = 0;
            } else if (++epochs_without_improvement >= tc.early_stopping.patience) {
                result.early_stopped_epoch = epoch;
                break;
            }
        }
    }
    return result;
}

}  // namespace soma
