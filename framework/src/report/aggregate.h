// The statistics of a sweep: runs grouped into configurations (runs that
// differ only in the seed), each number's mean and sample standard deviation
// over the configuration's runs, the configurations ranked, and per-epoch
// curves (mean, min, max over seeds).
//
// A number is averaged over the runs that have it: ok and diverged runs
// (a diverged run's accuracy is real and counts against its configuration);
// failed and pending runs have none.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "report/results.h"
#include "toolkit/stats.h"

namespace soma {

struct ConfigSummary {
    std::string config_id;
    std::string label;          // config_id, or the experiment name when it is ""
    Assignments assignments;    // the non-seed axis values (TOML text), axis order
    std::vector<std::size_t> runs;  // indices into SweepRecord::runs
    int n_runs = 0;             // finished runs
    int ok = 0, diverged = 0, failed = 0, pending = 0;
    Stat final_validation, best_validation, final_test, best_test;
    Stat epochs_to_best;        // by validation when the sweep has it, else test
    Stat train_seconds, samples_per_second, parameters;
    double rank_value;          // mean best validation, or mean final test accuracy
    int rank = 0;               // 1 = best
    ConfigSummary();
};

struct SweepSummary {
    std::string rank_by;        // "validation" or "test"
    std::vector<ConfigSummary> configs;  // ranked; configurations without numbers last
    std::size_t best_run;       // index into runs: the best run of the best configuration, or npos
    SweepSummary();
};

// True when any run of the sweep has validation numbers.
bool sweep_has_validation(const SweepRecord& sweep);

SweepSummary summarize(const SweepRecord& sweep);

// The per-run number a configuration is ranked by.
double run_rank_value(const RunRecord& run, const std::string& rank_by);

struct Curve {
    std::vector<double> epoch, mean, min, max;
};

enum class CurveMetric { validation_accuracy, test_accuracy, train_loss, train_accuracy, test_loss, validation_loss };

double metric_value(const EpochRow& row, CurveMetric metric);

// Per epoch over the configuration's runs with a finite value at that
// epoch (failed runs have none); skip_diverged leaves out diverged runs.
Curve config_curve(const SweepRecord& sweep, const ConfigSummary& config, CurveMetric metric,
                   bool skip_diverged = false);

// One run's finite values (min = max = mean).
Curve run_curve(const RunRecord& run, CurveMetric metric);

}  // namespace soma
