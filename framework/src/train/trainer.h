// The trainer: epochs of shuffled mini-batches through forward, loss,
// backward and the optimizer step; the test (and validation) set evaluated
// after every epoch.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "config/experiment.h"
#include "data/dataset.h"
#include "train/run_status.h"

namespace soma {

class Registry;
class Network;
class TrainingSession;
struct Checkpoint;

struct EpochMetrics {
    int epoch = 0;
    double train_loss = 0, train_accuracy = 0;  // running over the epoch's batches
    double validation_loss = 0, validation_accuracy = 0;  // NaN when no validation split
    double test_loss = 0, test_accuracy = 0;
    double seconds = 0;             // training time of the epoch (evaluation excluded)
    double samples_per_second = 0;  // training samples / seconds
};

struct RunResult {
    std::vector<EpochMetrics> epochs;
    RunStatus status = RunStatus::ok;  // ok | diverged
    int diverged_epoch = 0;     // when status == diverged
    int early_stopped_epoch = 0;  // the epoch after which early stopping ended training (0 = it did not)
    std::size_t parameters = 0;
    std::string network;        // Network::describe()
    int threads = 0;            // per process
    int ranks = 0;              // data-parallel: the processes training it (0: one, not data-parallel)
    double sum_seconds = 0;     // data-parallel: of train_seconds, this process's time in the gradient sums
    double train_seconds = 0;
    double samples_per_second = 0;
    std::vector<int> confusion;  // [classes * classes], row = true label, test set, last epoch
    int chosen_epoch = 0;        // train/epoch_choice.h, among the epochs so far (1-based; 0 = none yet)
    std::vector<int> chosen_confusion;  // the confusion matrix at chosen_epoch
    int classes = 0;
};

class TrainObserver {
public:
    virtual ~TrainObserver() = default;
    virtual void on_start(const Network&, int /*epochs*/, std::size_t /*batches_per_epoch*/) {}
    virtual void on_batch(int /*epoch*/, std::size_t /*done*/, std::size_t /*total*/, double /*loss*/) {}
    // The network is passed so weights can be saved with each epoch.
    virtual void on_epoch(const EpochMetrics&, const RunResult&, Network&) {}
    // Right after on_epoch, with the session whose state a checkpoint saves
    // (train/checkpoint.h). Not called in data-parallel training.
    virtual void on_checkpoint(const RunResult&, TrainingSession&) {}
};

struct DataParallel;

// Trains the experiment's model on the dataset. The registry must outlive
// the call. Deterministic for the same seed and thread count.
//
// With `parallel` (train/data_parallel.h), this is one rank of a
// data-parallel run: every rank calls it with the same experiment and data;
// each trains its part of every batch and evaluates its part of each split,
// and every rank returns the whole run's metrics (train seconds its own).
// Stopping on request throws TrainingStopped on every rank; a parameter
// mismatch between ranks after an epoch throws soma::Error.
//
// With `resume` (train/checkpoint.h; the caller checked that it is of this
// experiment and data), training continues after the checkpoint's last
// epoch: its parameters, buffers and optimizer and layer state loaded, its
// metrics the run's first epochs, its thread count used unless the
// experiment sets one. The result is the one an unbroken run gives, bit for
// bit (seconds aside). Not with `parallel`.
RunResult train(const Experiment& experiment, const Dataset& data, const Registry& registry,
                TrainObserver* observer = nullptr, const DataParallel* parallel = nullptr,
                const Checkpoint* resume = nullptr);

}  // namespace soma
