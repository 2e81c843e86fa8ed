// A sweep folder (or a single run folder) read back from disk: sweep.json,
// and per run its summary.json, metrics.csv and where its files are.
//
//   SWEEP_DIR/sweep.json   {"experiment", "axes", "runs": [{"id", "config_id", "assignments"}]}
//   SWEEP_DIR/runs/<id>/   config.toml, metrics.csv, summary.json, model-*.soma
//
// A run is finished iff its summary.json exists; an unfinished run is
// pending. Malformed files, and summaries whose numbers cannot be a run's,
// throw soma::Error naming the file (and the line:column or the key).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "report/metrics_read.h"
#include "report/model_shape.h"
#include "train/run_summary.h"

namespace soma {

// A run as the report sees it: its summary.json (status pending and every
// number NaN while there is none), its metrics.csv and its model's shape.
struct RunRecord : RunSummary {
    std::string id;         // "activation=relu,hidden=16x16,seed=2"
    std::string config_id;  // the id without its seed part
    Assignments assignments;
    std::filesystem::path dir;

    std::vector<EpochRow> metrics;  // empty when metrics.csv is missing
    ModelShape model;

    bool finished() const { return status != RunStatus::pending; }
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
