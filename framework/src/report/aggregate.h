// The statistics of a sweep: runs grouped into configurations (runs that
// differ only in the seed), each number's mean, standard deviation and 95%
// t-interval over the configuration's runs, the configurations ranked, every
// one tested against the leader, and per-epoch curves.
//
// Each run counts at its chosen epoch (train/epoch_choice.h), chosen on the
// validation split. Configurations are ranked, and tested against the
// leader, on the validation figure there (the mean validation accuracy of
// that epoch and the 2 before it): everything that is chosen is chosen on
// validation. The test set decides nothing; its accuracy at the chosen epoch
// is reported beside as the estimate of accuracy on new data. Without a
// validation split the chosen epoch is the last and the ranking falls back
// to its test accuracy, which the report says.
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
    Stat validation;            // the validation figure at the chosen epoch (the ranking figure)
    Stat test;                  // test accuracy at the chosen epoch: the test figure
    Stat final_validation, final_test;  // the last epoch's
    Stat chosen_epoch;
    Stat train_seconds, samples_per_second, parameters;
    SeededSample ranked;        // each run's ranking figure with its seed and data split
    SeededSample test_figures;  // each run's test figure, the same way
    double rank_value;          // the mean ranking figure
    int rank = 0;               // 1 = best
    ConfigSummary();
};

struct SweepSummary {
    std::string rank_by;        // "validation" or "test"
    std::vector<ConfigSummary> configs;  // ranked; configurations without numbers last
    // Every configuration against the leader (configs[0]): indices into configs.
    LeaderVerdict verdict;
    std::size_t best_run;       // index into runs: the run with the best ranking figure, or npos
    SweepSummary();
};

// True when any run of the sweep has validation numbers.
bool sweep_has_validation(const SweepRecord& sweep);

SweepSummary summarize(const SweepRecord& sweep);

// The per-run number configurations are ranked by: the chosen epoch's
// validation figure, or (rank_by "test") its test accuracy.
double run_rank_value(const RunRecord& run, const std::string& rank_by);

// The ranking figure in words: "validation accuracy" / "test accuracy".
std::string rank_measure(const SweepSummary& summary);

// The seeds behind the ranking: the fewest runs with a ranking figure of any
// configuration that has one (0 when none has).
int fewest_seeds(const SweepSummary& summary);

// The warnings a ranking must carry: fewer than 3 seeds per configuration,
// no validation split. One sentence each; empty when there is nothing to say.
std::vector<std::string> ranking_warnings(const SweepSummary& summary);

// The verdict's sentences for this sweep: the headline, and the power
// estimate when the leader is not significantly ahead ("" when none).
std::string sweep_headline(const SweepSummary& summary);
std::string sweep_power_note(const SweepSummary& summary);

// A configuration's cell against the leader: "leader", "tied (p 0.43)", "behind (p 0.003)".
std::string versus_leader(const SweepSummary& summary, std::size_t config);

struct Curve {
    std::vector<double> epoch, mean, lo, hi;  // lo..hi: the 95% interval of the mean (NaN for one run)
};

enum class CurveMetric { validation_accuracy, test_accuracy, train_loss, train_accuracy, test_loss, validation_loss };

double metric_value(const EpochRow& row, CurveMetric metric);

// Per epoch over the configuration's runs with a finite value at that
// epoch (failed runs have none); skip_diverged leaves out diverged runs.
Curve config_curve(const SweepRecord& sweep, const ConfigSummary& config, CurveMetric metric,
                   bool skip_diverged = false);

// One run's finite values (no interval).
Curve run_curve(const RunRecord& run, CurveMetric metric);

}  // namespace soma
