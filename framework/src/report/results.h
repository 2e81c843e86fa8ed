// A sweep folder (or a single run folder) read back from disk: sweep.json,
// and per run its summary.json, metrics.csv and where its files are.
//
//   SWEEP_DIR/sweep.json   {"experiment", "axes", "runs": [{"id", "config_id", "assignments"}]}
//   SWEEP_DIR/runs/<id>/   config.toml, metrics.csv, summary.json, weights.bin
//
// A run is finished iff its summary.json exists; an unfinished run is
// "pending". Malformed files throw soma::Error naming the file.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "report/metrics_read.h"
#include "report/model_shape.h"

namespace soma {

struct RunRecord {
    std::string id;         // "activation=relu,hidden=16x16,seed=2"
    std::string config_id;  // the id without its seed part
    Assignments assignments;
    std::filesystem::path dir;

    std::string status = "pending";  // ok | diverged | failed | pending
    std::string error;               // a failed run's message
    int diverged_epoch = 0;
    // From summary.json; NaN where the run has no such number.
    double test_accuracy, best_test_accuracy, validation_accuracy, best_validation_accuracy;
    double train_loss;
    int best_test_epoch = 0, best_validation_epoch = 0, epochs = 0;
    double train_seconds, samples_per_second, parameters;
    std::string network;
    std::vector<std::vector<double>> confusion;  // rows: true label, columns: predicted
    std::vector<EpochRow> metrics;               // empty when metrics.csv is missing
    ModelShape model;

    RunRecord();
    bool finished() const { return status != "pending"; }
    bool has_validation() const;
};

struct SweepRecord {
    std::filesystem::path dir;
    std::string experiment;
    std::vector<std::string> axes;  // axis paths, as in sweep.json
    std::vector<RunRecord> runs;    // sweep.json order
    bool single_run = false;        // dir is a run folder, not a sweep folder
};

// Reads one run folder's files into run (keeping id, config_id, assignments).
void load_run_files(RunRecord& run);

// A sweep folder (has sweep.json) or a run folder (has summary.json or
// metrics.csv), the latter as a sweep of one run.
SweepRecord load_results(const std::filesystem::path& dir);

}  // namespace soma
