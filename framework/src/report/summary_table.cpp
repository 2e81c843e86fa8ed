#include "report/summary_table.h"

#include <cmath>

#include "report/format.h"
#include "util/json.h"

namespace soma {

namespace {

std::string csv_field(const std::string& s) {
    if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
    std::string out = "\"";
    for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    return out + "\"";
}

struct StatColumn {
    const char* name;
    Stat ConfigSummary::*stat;
};

const StatColumn stat_columns[] = {
    {"final_validation_accuracy", &ConfigSummary::final_validation},
    {"best_validation_accuracy", &ConfigSummary::best_validation},
    {"final_test_accuracy", &ConfigSummary::final_test},
    {"best_test_accuracy", &ConfigSummary::best_test},
    {"epochs_to_best", &ConfigSummary::epochs_to_best},
    {"train_seconds", &ConfigSummary::train_seconds},
    {"samples_per_second", &ConfigSummary::samples_per_second},
    {"parameters", &ConfigSummary::parameters},
};

// A run's name within its configuration: its seed when the sweep varies it.
std::string run_short_name(const RunRecord& run) {
    for (const auto& [path, text] : run.assignments)
        if (path == "training.seed") return "seed=" + toml_value_label(text);
    return run.id.empty() ? "run" : run.id;
}

}  // namespace

std::vector<std::string> config_axes(const SweepRecord& sweep) {
    std::vector<std::string> axes;
    for (const std::string& a : sweep.axes)
        if (a != "training.seed") axes.push_back(a);
    return axes;
}

std::string assignment_label(const ConfigSummary& config, const std::string& axis) {
    for (const auto& [path, text] : config.assignments)
        if (path == axis) return toml_value_label(text);
    return "";
}

std::string config_errors(const SweepRecord& sweep, const ConfigSummary& config) {
    std::string out;
    for (std::size_t i : config.runs) {
        const RunRecord& r = sweep.runs[i];
        if (r.status != "failed") continue;
        out += (out.empty() ? "" : "; ") + run_short_name(r) + ": " + (r.error.empty() ? "failed" : r.error);
    }
    return out;
}

std::string summary_csv_text(const SweepRecord& sweep, const SweepSummary& summary) {
    const std::vector<std::string> axes = config_axes(sweep);
    std::string out = "rank,config_id";
    for (const std::string& a : axes) out += "," + csv_field(a);
    out += ",rank_by,rank_value,n_runs,ok,diverged,failed,pending";
    for (const StatColumn& c : stat_columns) out += std::string(",") + c.name + "_mean," + c.name + "_std";
    out += ",errors\n";
    for (const ConfigSummary& c : summary.configs) {
        out += std::to_string(c.rank) + "," + csv_field(c.config_id);
        for (const std::string& a : axes) out += "," + csv_field(assignment_label(c, a));
        out += "," + summary.rank_by + "," + fmt_exact(c.rank_value) + "," + std::to_string(c.n_runs) + "," +
               std::to_string(c.ok) + "," + std::to_string(c.diverged) + "," + std::to_string(c.failed) + "," +
               std::to_string(c.pending);
        for (const StatColumn& col : stat_columns) {
            const Stat& s = c.*col.stat;
            out += "," + fmt_exact(s.mean) + "," + fmt_exact(s.std);
        }
        out += "," + csv_field(config_errors(sweep, c)) + "\n";
    }
    return out;
}

std::string summary_json_text(const SweepRecord& sweep, const SweepSummary& summary) {
    const std::vector<std::string> axes = config_axes(sweep);
    JsonWriter j;
    j.begin_object();
    j.field("experiment", sweep.experiment);
    j.field("rank_by", summary.rank_by);
    j.field("rank_metric", summary.rank_by == "validation" ? "best_validation_accuracy mean" : "final_test_accuracy mean");
    j.key("axes").begin_array();
    for (const std::string& a : axes) j.value(a);
    j.end_array();
    if (summary.best_run < sweep.runs.size()) j.field("best_run", sweep.runs[summary.best_run].id);
    else j.key("best_run").null();
    j.key("configs").begin_array();
    for (const ConfigSummary& c : summary.configs) {
        j.begin_object();
        j.field("rank", c.rank).field("config_id", c.config_id);
        j.key("assignments").begin_object();
        for (const std::string& a : axes) j.field(a, assignment_label(c, a));
        j.end_object();
        j.field("rank_by", summary.rank_by).field("rank_value", c.rank_value);
        j.field("n_runs", c.n_runs);
        j.key("status").begin_object();
        j.field("ok", c.ok).field("diverged", c.diverged).field("failed", c.failed).field("pending", c.pending);
        j.end_object();
        for (const StatColumn& col : stat_columns) {
            const Stat& s = c.*col.stat;
            j.key(col.name).begin_object();
            j.field("mean", s.mean).field("std", s.std).field("n", s.n);
            j.end_object();
        }
        j.key("runs").begin_array();
        for (std::size_t i : c.runs) {
            const RunRecord& r = sweep.runs[i];
            j.begin_object();
            j.field("id", r.id).field("status", r.status);
            if (!r.error.empty()) j.field("error", r.error);
            j.end_object();
        }
        j.end_array();
        j.end_object();
    }
    j.end_array();
    j.end_object();
    return j.str();
}

std::string ranked_text(const SweepRecord& sweep, const SweepSummary& summary) {
    const bool val = summary.rank_by == "validation";
    std::vector<std::vector<std::string>> rows;
    rows.push_back({"#", "configuration", "runs", val ? "best val acc" : "final test acc",
                    val ? "final test acc" : "best test acc", "epochs to best", "train s", "samples/s", "params"});
    std::string failures;
    for (const ConfigSummary& c : summary.configs) {
        std::string runs = std::to_string(c.ok) + " ok";
        if (c.diverged) runs += ", " + std::to_string(c.diverged) + " diverged";
        if (c.failed) runs += ", " + std::to_string(c.failed) + " failed";
        if (c.pending) runs += ", " + std::to_string(c.pending) + " pending";
        rows.push_back({std::to_string(c.rank), c.label, runs,
                        fmt_percent_stat(val ? c.best_validation : c.final_test),
                        fmt_percent_stat(val ? c.final_test : c.best_test), fmt_stat(c.epochs_to_best, 1),
                        fmt_stat(c.train_seconds, 1), fmt_count(c.samples_per_second.mean),
                        fmt_count(c.parameters.mean)});
        std::string errors = config_errors(sweep, c);
        if (!errors.empty()) failures += "  " + c.label + ": " + errors + "\n";
    }
    std::string out = sweep.experiment + ": " + std::to_string(summary.configs.size()) + " configurations, " +
                      std::to_string(sweep.runs.size()) + " runs; ranked by " +
                      (val ? "mean best validation accuracy" : "mean final test accuracy (no validation split)") +
                      "\n\n";
    out += text_table(rows, {true, false, false, true, true, true, true, true, true});
    if (!failures.empty()) out += "\nfailed runs:\n" + failures;
    return out;
}

}  // namespace soma
