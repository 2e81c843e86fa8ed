// The training loop: epochs of shuffled mini-batches through a
// TrainingSession, evaluation after each epoch, observers told as it goes.
#include "train/trainer.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <optional>

#include "data/batcher.h"
#include "plugin/registry.h"
#include "soma/random.h"
#include "model/trained_model.h"
#include "train/checkpoint.h"
#include "train/data_parallel.h"
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

// A batch through the session: its size (0 at the end of the epoch), the
// rows this process trained (all of them, or its part of a data-parallel
// batch) and their loss.
struct Step {
    int batch = 0, rows = 0;
    LossResult loss;
};

// One epoch of shuffled mini-batches; stops at the first non-finite loss, and
// checks the parameters once at its end. next_step(lr_factor) takes the next
// batch through the session.
template <class NextStep>
EpochTotals train_epoch(const TrainingSession& session, Batcher& batcher, const TrainingConfig& tc, int epoch, TrainObserver* observer,
                        NextStep&& next_step) {
    using clock = std::chrono::steady_clock;
    const double batches = static_cast<double>(batcher.batches_per_epoch());
    EpochTotals totals;
    batcher.start_epoch(epoch);
    std::size_t done = 0;
    const auto start = clock::now();
    for (;;) {
        const double progress = (epoch - 1) + (static_cast<double>(done) + 1) / batches;
        const Step step = next_step(lr_factor(tc.schedule, progress, tc.epochs));
        if (step.batch == 0) break;
        if (done == 0 && epoch == 1 && trace_startup())
            std::fprintf(stderr, "startup: first training batch done %.1f ms after process start\n",
                         milliseconds_since_start());
        if (!std::isfinite(step.loss.loss_sum)) {
            totals.diverged = true;
            break;
        }
        totals.loss_sum += step.loss.loss_sum;
        totals.correct += step.loss.correct;
        totals.seen += step.rows;
        ++done;
        if (observer) observer->on_batch(epoch, done, batcher.batches_per_epoch(), totals.loss_sum / totals.seen);
    }
    totals.seconds = std::chrono::duration<double>(clock::now() - start).count();
    // Once per epoch: a NaN weight behind relu (fused, NaN -> 0) leaves the loss finite.
    if (!totals.diverged && !session.parameters_finite()) totals.diverged = true;
    return totals;
}

// The epoch's metrics from its training totals and the evaluations of the
// validation and test sets.
EpochMetrics epoch_metrics(int epoch, const EpochTotals& totals, const Evaluation& validation,
                           const Evaluation& test) {
    EpochMetrics m;
    m.epoch = epoch;
    m.seconds = totals.seconds;
    m.train_loss = totals.loss_sum / static_cast<double>(totals.seen);
    m.train_accuracy = static_cast<double>(totals.correct) / static_cast<double>(totals.seen);
    m.samples_per_second = m.seconds > 0 ? static_cast<double>(totals.seen) / m.seconds : 0;
    m.validation_loss = validation.loss;
    m.validation_accuracy = validation.accuracy;
    m.test_loss = test.loss;
    m.test_accuracy = test.accuracy;
    return m;
}

// The epoch's metrics: its training totals, then the validation and test
// sets evaluated (the test set's confusion matrix into result).
EpochMetrics evaluate_epoch(TrainingSession& session, const Dataset& data, int epoch, const EpochTotals& totals,
                            RunResult& result) {
    const Evaluation v = session.evaluate(data.validation);
    const Evaluation t = session.evaluate(data.test, &result.confusion);
    return epoch_metrics(epoch, totals, v, t);
}

// Early stopping: whether `patience` epochs have passed since the selection
// score (epoch_choice.h: the same rule that chooses the epoch) last rose by
// more than min_delta.
bool should_stop(const EarlyStoppingConfig& c, const std::vector<double>& validation_accuracy) {
    if (c.patience <= 0 || validation_accuracy.empty() || std::isnan(validation_accuracy.back())) return false;
    const int epoch = static_cast<int>(validation_accuracy.size());
    return epoch - (choose_epoch(validation_accuracy, c.min_delta).index + 1) >= c.patience;
}

// Rows [first, first + count) of a split, as a split of their own.
Split split_rows(const Split& split, int features, RowRange rows) {
    const auto f = static_cast<std::size_t>(features);
    const auto first = static_cast<std::size_t>(rows.first), count = static_cast<std::size_t>(rows.count);
    Split part;
    part.images.assign(split.images.begin() + static_cast<std::ptrdiff_t>(first * f),
                       split.images.begin() + static_cast<std::ptrdiff_t>((first + count) * f));
    part.labels.assign(split.labels.begin() + static_cast<std::ptrdiff_t>(first),
                       split.labels.begin() + static_cast<std::ptrdiff_t>(first + count));
    return part;
}

// A data-parallel run's side of each epoch: its part of the evaluated
// splits, the sums over the ranks, the parameter check.
class SharedEpochs {
public:
    SharedEpochs(RankGroup& group, const Dataset& data) : group_(group) {
        for (const Split* s : {&data.validation, &data.test})
            if (s->size() > static_cast<std::size_t>(std::numeric_limits<int>::max()))
                throw Error("data-parallel training: a split of more than 2^31 samples");
        auto part = [&](const Split& s) {
            return split_rows(s, data.features(), part_of_batch(static_cast<int>(s.size()), group.rank(), group.size()));
        };
        validation_ = part(data.validation);
        test_ = part(data.test);
    }

    // The epoch's training totals over every rank.
    EpochTotals sum(EpochTotals totals) {
        double sums[3] = {totals.loss_sum, static_cast<double>(totals.correct), static_cast<double>(totals.seen)};
        group_.sum(sums, 3);
        totals.loss_sum = sums[0];
        totals.correct = static_cast<long>(sums[1]);
        totals.seen = static_cast<long>(sums[2]);
        return totals;
    }

    // Each rank evaluates its part of each split; the sums make the metrics.
    EpochMetrics evaluate(TrainingSession& session, const Dataset& data, int epoch, const EpochTotals& totals,
                          RunResult& result) {
        Evaluation v = session.evaluate(validation_);
        Evaluation t = session.evaluate(test_, &confusion_);
        if (confusion_.empty()) confusion_.assign(static_cast<std::size_t>(data.classes) * data.classes, 0);
        sums_.assign({v.loss_sum, static_cast<double>(v.correct), t.loss_sum, static_cast<double>(t.correct)});
        sums_.insert(sums_.end(), confusion_.begin(), confusion_.end());
        group_.sum(sums_.data(), sums_.size());
        v = whole(sums_[0], sums_[1], data.validation.size());
        t = whole(sums_[2], sums_[3], data.test.size());
        result.confusion.assign(sums_.begin() + 4, sums_.end());
        return epoch_metrics(epoch, totals, v, t);
    }

    // Every rank must hold the same parameters after an epoch.
    void check_parameters(Network& network, int epoch) {
        if (!group_.same_everywhere(parameter_checksum(network)))
            throw Error("data-parallel training: the ranks' parameters differ after epoch " + std::to_string(epoch) +
                        " (their checksums disagree); every rank must apply the same update");
    }

private:
    static Evaluation whole(double loss_sum, double correct, std::size_t samples) {
        Evaluation e;
        const double n = samples ? static_cast<double>(samples) : std::numeric_limits<double>::quiet_NaN();
        e.loss_sum = loss_sum;
        e.correct = static_cast<long>(correct);
        e.loss = loss_sum / n;
        e.accuracy = correct / n;
        return e;
    }

    RankGroup& group_;
    Split validation_, test_;
    std::vector<int> confusion_;
    std::vector<double> sums_;
};


// The run so far from a checkpoint: its network, state and metrics into the
// session and result; returns the validation accuracies of its epochs.
// A checkpoint the plugins loaded now cannot take (another plugin version)
// is refused with the way out.
std::vector<double> resume_from(const Checkpoint& c, TrainingSession& session, RunResult& result) {
    try {
        load_network_tensors(session.network(), c.model, c.source);
        restore_state(c.state, session.state(), c.source);
    } catch (const Error& e) {
        throw Error(std::string(e.what()) + checkpoint_remedy);
    }
    const RunResult& r = c.result;
    result.epochs = r.epochs;
    result.train_seconds = r.train_seconds;
    result.samples_per_second = r.samples_per_second;
    result.confusion = r.confusion;
    result.chosen_epoch = r.chosen_epoch;
    result.chosen_confusion = r.chosen_confusion;
    std::vector<double> validation_accuracy;
    for (const EpochMetrics& m : r.epochs) validation_accuracy.push_back(m.validation_accuracy);
    return validation_accuracy;
}

}  // namespace

RunResult train(const Experiment& experiment, const Dataset& data, const Registry& registry, TrainObserver* observer,
                const DataParallel* parallel, const Checkpoint* resume) {
    if (parallel && resume) throw Error("a data-parallel run cannot resume from a checkpoint");
    const TrainingConfig& tc = experiment.training;
    RankGroup* group = parallel ? parallel->group : nullptr;
    const int rank = group ? group->rank() : 0, ranks = group ? group->size() : 1;
    // A process steps on its part of each batch: the largest part sizes its buffers.
    const int part_rows = part_of_batch(tc.batch_size, 0, ranks).count;
    RunResult result;
    // A resumed run keeps the threads it had (the same threads give the same metrics).
    const int threads = resume && tc.threads <= 0 ? resume->result.threads : tc.threads;
    result.threads = apply_threads(threads, experiment.model, data.features(), data.classes, part_rows);
    result.classes = data.classes;
    if (data.train.size() == 0) throw Error("dataset '" + data.name + "' has no training samples");
    if (group) check_data_parallel_model(registry, experiment, data.features(), data.classes);

    const double data_bytes = static_cast<double>(data.train.images.size() + data.train.labels.size() +
                                                  data.validation.images.size() + data.validation.labels.size() +
                                                  data.test.images.size() + data.test.labels.size());
    check_memory(experiment, data.features(), data.classes, data_bytes);
    TrainingSession session(registry, experiment.model, tc, data.features(), data.classes, part_rows);
    result.parameters = session.parameters();
    result.network = session.network().describe();
    std::optional<SharedEpochs> shared;
    if (group) {
        session.share_gradients(*group);
        shared.emplace(*group, data);
        result.ranks = ranks;
    }

    std::vector<float> x(static_cast<std::size_t>(part_rows) * data.features());
    std::vector<std::int32_t> labels(static_cast<std::size_t>(part_rows));
    Batcher batcher(data.train, data.features(), tc.batch_size, derive_seed(tc.seed, 77), /*shuffle=*/true);
    if (observer) observer->on_start(session.network(), tc.epochs, batcher.batches_per_epoch());
    auto whole_batch = [&](float lr) {
        Step s;
        s.batch = s.rows = batcher.next(x.data(), labels.data());
        if (s.batch) s.loss = session.step(x.data(), labels.data(), s.batch, lr);
        return s;
    };
    auto part_of_each_batch = [&](float lr) {
        Step s;
        s.batch = batcher.next_part(x.data(), labels.data(), rank, ranks, s.rows);
        if (s.batch == 0) return s;
        bool stop = false;
        s.loss = session.step_part(x.data(), labels.data(), s.rows, s.batch, lr, parallel->stop && parallel->stop(), stop);
        if (stop) throw TrainingStopped("training stopped on request");
        return s;
    };

    // Per epoch, for the chosen epoch and early stopping.
    std::vector<double> validation_accuracy = resume ? resume_from(*resume, session, result) : std::vector<double>{};
    int first_epoch = static_cast<int>(result.epochs.size()) + 1;
    if (resume && should_stop(tc.early_stopping, validation_accuracy)) {  // it ended there, unrecorded
        result.early_stopped_epoch = first_epoch - 1;
        first_epoch = tc.epochs + 1;
    }
    for (int epoch = first_epoch; epoch <= tc.epochs; ++epoch) {
        EpochTotals totals = group ? train_epoch(session, batcher, tc, epoch, observer, part_of_each_batch)
                                   : train_epoch(session, batcher, tc, epoch, observer, whole_batch);
        if (totals.diverged) {
            result.status = RunStatus::diverged;
            result.diverged_epoch = epoch;
            break;
        }
        if (shared) totals = shared->sum(totals);
        const EpochMetrics m = shared ? shared->evaluate(session, data, epoch, totals, result)
                                      : evaluate_epoch(session, data, epoch, totals, result);
        if (shared) shared->check_parameters(session.network(), epoch);
        result.epochs.push_back(m);
        result.train_seconds += m.seconds;
        result.sum_seconds = session.sum_seconds();
        const double trained = static_cast<double>(result.epochs.size() * data.train.size());
        result.samples_per_second = result.train_seconds > 0 ? trained / result.train_seconds : 0;
        validation_accuracy.push_back(m.validation_accuracy);
        result.chosen_epoch = choose_epoch(validation_accuracy).index + 1;
        if (result.chosen_epoch == epoch) result.chosen_confusion = result.confusion;
        if (observer) observer->on_epoch(m, result, session.network());
        if (observer && !group) observer->on_checkpoint(result, session);

        if (should_stop(tc.early_stopping, validation_accuracy)) {
            result.early_stopped_epoch = epoch;
            break;
        }
    }
    return result;
}

}  // namespace soma
