// Reports on finished runs: `soma report SWEEP_DIR` writes summary.csv,
// summary.json, report.md and a self-contained report.html into the sweep
// folder; the ranked table for the terminal; `soma compare A B`.
//
// Sweep folder layout (written by the sweep runner):
//   SWEEP_DIR/sweep.json    {"experiment", "axes", "runs": [{"id", "config_id", "assignments"}]}
//   SWEEP_DIR/runs/<id>/    config.toml, metrics.csv, summary.json, model-last.soma, model-best.soma, log.txt
// A run is finished iff its summary.json exists. A run folder on its own is
// reported as a sweep of one run. Malformed files throw soma::Error naming
// the file (and line:column for JSON and CSV).
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

#include "report/compare.h"  // compare_text, compare_json
#include "util/error.h"      // soma::Error, thrown on malformed input

namespace soma {

struct ReportPaths {
    std::filesystem::path summary_csv, summary_json, markdown, html;
};

// Reads everything from disk and writes the four files atomically (for a
// run folder into its report/ subfolder, beside the run's own summary.json).
ReportPaths write_report(const std::filesystem::path& sweep_dir);

// The runs of a sweep folder without results yet (pending: no summary.json;
// shards or ranks still running, or stopped), in sweep.json order:
// "3 of 12 runs have no results yet: a, b, c" (at most 20 named); "" when
// every run has its results.
std::string missing_runs_text(const std::filesystem::path& sweep_dir);

// The configurations ranked, as aligned text fitted to width (0 = unlimited).
std::string ranked_table_text(const std::filesystem::path& sweep_dir, std::size_t width = 0);
// The same ranking as JSON: summary.json's text.
std::string ranked_table_json(const std::filesystem::path& sweep_dir);

}  // namespace soma
