#include "report/summary_table.h"

#include <cmath>

#include "config/schema.h"
#include "config/sweep_id.h"
#include "toolkit/format.h"
#include "toolkit/json.h"
#include "toolkit/text_table.h"

namespace soma {

namespace {

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

// One ranked configuration, as a row of summary.csv and an entry of
// summary.json's "configs": the same fields in the same order, defined here
// once. JSON nests the axis values, the status counts and each statistic
// ({mean, std, n}) and lists the runs; CSV flattens them (the axis paths,
// ok..pending, NAME_mean and NAME_std) and joins the failed runs' errors.
template <class Row>
void config_row(Row& row, const SweepRecord& sweep, const SweepSummary& summary, const std::vector<std::string>& axes,
                const ConfigSummary& c) {
    row.value("rank", c.rank);
    row.value("config_id", c.config_id);
    row.begin("assignments");
    for (const std::string& a : axes) row.value(a, assignment_label(c, a));
    row.end();
    row.value("rank_by", summary.rank_by);
    row.value("rank_value", c.rank_value);
    row.value("n_runs", c.n_runs);
    row.begin("status");
    row.value("ok", c.ok);
    row.value("diverged", c.diverged);
    row.value("failed", c.failed);
    row.value("pending", c.pending);
    row.end();
    for (const StatColumn& col : stat_columns) row.stat(col.name, c.*col.stat);
    row.runs(sweep, c);
}

class CsvRow {
public:
    std::vector<std::string> names, cells;

    void value(const std::string& name, const std::string& v) { add(name, csv_field(v)); }
    void value(const std::string& name, int v) { add(name, std::to_string(v)); }
    void value(const std::string& name, double v) { add(name, fmt_exact(v)); }
    void begin(const char*) {}
    void end() {}
    void stat(const std::string& name, const Stat& s) {
        value(name + "_mean", s.mean);
        value(name + "_std", s.std);
    }
    void runs(const SweepRecord& sweep, const ConfigSummary& c) { value("errors", config_errors(sweep, c)); }

private:
    void add(const std::string& name, std::string cell) {
        names.push_back(csv_field(name));
        cells.push_back(std::move(cell));
    }
};

class JsonRow {
public:
    Json json = Json::object();

    template <class T>
    void value(const std::string& name, const T& v) {
        (*open_.back())[name] = v;
    }
    void value(const std::string& name, double v) { (*open_.back())[name] = std::isfinite(v) ? Json(v) : Json(); }
    void begin(const char* name) { open_.push_back(&((*open_.back())[name] = Json::object())); }
    void end() { open_.pop_back(); }
    void stat(const std::string& name, const Stat& s) {
        begin(name.c_str());
        value("mean", s.mean);
        value("std", s.std);
        value("n", s.n);
        end();
    }
    void runs(const SweepRecord& sweep, const ConfigSummary& c) {
        Json list = Json::array();
        for (std::size_t i : c.runs) {
            const RunRecord& r = sweep.runs[i];
            Json run = {{"id", r.id}, {"status", run_status_names.name(r.status)}};
            if (!r.error.empty()) run["error"] = r.error;
            list.push_back(std::move(run));
        }
        json["runs"] = std::move(list);
    }

private:
    std::vector<Json*> open_{&json};
};

std::string csv_line(const std::vector<std::string>& cells) {
    std::string out;
    for (std::size_t i = 0; i < cells.size(); ++i) out += (i ? "," : "") + cells[i];
    return out + "\n";
}

}  // namespace

std::vector<std::string> config_axes(const SweepRecord& sweep) {
    std::vector<std::string> axes;
    for (const std::string& a : sweep.axes)
        if (a != "training.seed") axes.push_back(a);
    return axes;
}

std::vector<std::string> short_axis_names(const std::vector<std::string>& paths) {
    std::vector<std::vector<std::string>> split;
    for (const std::string& p : paths) split.push_back(split_dotted(p));
    return axis_keys(split);
}

std::string assignment_label(const ConfigSummary& config, const std::string& axis) {
    for (const auto& [path, text] : config.assignments)
        if (path == axis) return toml_value_label(text);
    return "";
}

std::string run_short_name(const RunRecord& run) {
    for (const auto& [path, text] : run.assignments)
        if (path == "training.seed") return "seed=" + toml_value_label(text);
    return run.id.empty() ? "run" : run.id;
}

std::string config_errors(const SweepRecord& sweep, const ConfigSummary& config) {
    std::string out;
    for (std::size_t i : config.runs) {
        const RunRecord& r = sweep.runs[i];
        if (r.status != RunStatus::failed) continue;
        out += (out.empty() ? "" : "; ") + run_short_name(r) + ": " + (r.error.empty() ? "failed" : r.error);
    }
    return out;
}

std::string summary_csv_text(const SweepRecord& sweep, const SweepSummary& summary) {
    const std::vector<std::string> axes = config_axes(sweep);
    CsvRow header;
    config_row(header, sweep, summary, axes, ConfigSummary{});
    std::string out = csv_line(header.names);
    for (const ConfigSummary& c : summary.configs) {
        CsvRow row;
        config_row(row, sweep, summary, axes, c);
        out += csv_line(row.cells);
    }
    return out;
}

std::string summary_json_text(const SweepRecord& sweep, const SweepSummary& summary) {
    const std::vector<std::string> axes = config_axes(sweep);
    Json j = Json::object();
    j["experiment"] = sweep.experiment;
    j["rank_by"] = summary.rank_by;
    j["rank_metric"] = summary.rank_by == "validation" ? "best_validation_accuracy mean" : "final_test_accuracy mean";
    j["axes"] = axes;
    j["best_run"] = summary.best_run < sweep.runs.size() ? Json(sweep.runs[summary.best_run].id) : Json();
    Json configs = Json::array();
    for (const ConfigSummary& c : summary.configs) {
        JsonRow row;
        config_row(row, sweep, summary, axes, c);
        configs.push_back(std::move(row.json));
    }
    j["configs"] = std::move(configs);
    return json_text(j);
}

std::string ranked_text(const SweepRecord& sweep, const SweepSummary& summary, std::size_t width) {
    const bool val = summary.rank_by == "validation";
    TextTable t;
    t.columns = {{"#", true},
                 {"configuration", false, true},
                 {"runs", false, true},
                 {val ? "best val acc" : "final test acc", true},
                 {val ? "final test acc" : "best test acc", true},
                 {"epochs to best", true},
                 {"train s", true},
                 {"samples/s", true},
                 {"params", true}};
    std::string failures;
    for (const ConfigSummary& c : summary.configs) {
        std::string runs = std::to_string(c.ok) + " ok";
        if (c.diverged) runs += ", " + std::to_string(c.diverged) + " diverged";
        if (c.failed) runs += ", " + std::to_string(c.failed) + " failed";
        if (c.pending) runs += ", " + std::to_string(c.pending) + " pending";
        t.rows.push_back({std::to_string(c.rank), c.label, runs,
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
    out += render_text_table(t, width);
    if (!failures.empty()) out += "\nfailed runs:\n" + failures;
    return out;
}

}  // namespace soma
