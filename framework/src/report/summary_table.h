// The ranked per-configuration table in three forms: summary.csv,
// summary.json and aligned text for the terminal.
#pragma once

#include <string>
#include <vector>

#include "report/aggregate.h"

namespace soma {

// The sweep axes other than training.seed (the columns of the table).
std::vector<std::string> config_axes(const SweepRecord& sweep);

// Axis paths shortened as run ids name them (config/sweep_id.h axis_keys):
// {"model.activation", "training.seed"} -> {"activation", "seed"}.
std::vector<std::string> short_axis_names(const std::vector<std::string>& paths);

// An assignment's value in id form ("relu", "16x16"), "" when the
// configuration does not set that axis.
std::string assignment_label(const ConfigSummary& config, const std::string& axis);

// A run's name within its configuration: "seed=4" when the sweep varies the seed, else its id.
std::string run_short_name(const RunRecord& run);

// The failed runs' errors: "seed=3: out of memory; ...".
std::string config_errors(const SweepRecord& sweep, const ConfigSummary& config);

std::string summary_csv_text(const SweepRecord& sweep, const SweepSummary& summary);
std::string summary_json_text(const SweepRecord& sweep, const SweepSummary& summary);
// The terminal's ranking: what the runs are, the verdict (and power, and
// warnings), the table and its legend, fitted to width (0 = unlimited).
std::string ranked_text(const SweepRecord& sweep, const SweepSummary& summary, std::size_t width = 0);
// "sigmoid_vs_relu: 2 configurations, 10 runs; each run counts at its epoch chosen on validation; ..."
std::string ranking_intro(const SweepRecord& sweep, const SweepSummary& summary);
// What the table's columns mean (a few lines, no trailing newline).
std::string table_legend(const SweepSummary& summary);

}  // namespace soma
