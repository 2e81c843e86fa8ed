// Shows training progress: a live bar when the stream is a terminal, one
// plain line per epoch otherwise (logs, CI, pipes).
#pragma once

#include <chrono>
#include <ostream>
#include <string>

#include "train/trainer.h"

namespace soma {

class ProgressPrinter : public TrainObserver {
public:
    ProgressPrinter(std::ostream& out, bool live, std::string label);
    void on_start(const Network& net, int epochs, std::size_t batches) override;
    void on_batch(int epoch, std::size_t done, std::size_t total, double loss) override;
    void on_epoch(const EpochMetrics& m, const RunResult& r, Network& net) override;

private:
    std::ostream& out_;
    bool live_;
    std::string label_;
    int epochs_ = 0;
    std::chrono::steady_clock::time_point last_draw_{};
};

// Fans one set of callbacks out to several observers.
class ObserverList : public TrainObserver {
public:
    void add(TrainObserver* o) { observers_.push_back(o); }
    void on_start(const Network& n, int e, std::size_t b) override { for (auto* o : observers_) o->on_start(n, e, b); }
    void on_batch(int e, std::size_t d, std::size_t t, double l) override { for (auto* o : observers_) o->on_batch(e, d, t, l); }
    void on_epoch(const EpochMetrics& m, const RunResult& r, Network& n) override { for (auto* o : observers_) o->on_epoch(m, r, n); }
    void on_checkpoint(const RunResult& r, TrainingSession& s) override { for (auto* o : observers_) o->on_checkpoint(r, s); }

private:
    std::vector<TrainObserver*> observers_;
};

}  // namespace soma
