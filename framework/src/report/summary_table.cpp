#include "report/summary_table.h"

#include <cmath>

#include "config/schema.h"
#include "config/sweep_id.h"
#include "toolkit/format.h"
#include "toolkit/json.h"
#include "toolkit/text_table.h"
#include "toolkit/verdict.h"
#include "train/epoch_choice.h"

namespace soma {

namespace {

struct StatColumn {
    const char* name;
    Stat ConfigSummary::*stat;
};

const StatColumn stat_columns[] = {
    {"validation_accuracy", &ConfigSummary::validation},
    {"test_accuracy", &ConfigSummary::test},
    {"final_validation_accuracy", &ConfigSummary::final_validation},
    {"final_test_accuracy", &ConfigSummary::final_test},
    {"chosen_epoch", &ConfigSummary::chosen_epoch},
    {"train_seconds", &ConfigSummary::train_seconds},
    {"samples_per_second", &ConfigSummary::samples_per_second},
    {"parameters", &ConfigSummary::parameters},
};

// The configuration's comparison with the leader, or null for the leader and
// configurations without numbers.
const LeaderComparison* comparison_of(const SweepSummary& summary, std::size_t config) {
    for (const LeaderComparison& c : summary.verdict.others)
        if (c.group == config) return &c;
    return nullptr;
}

// "leader", "tied", "behind", "untested"; "" without numbers (and for the CSV header).
std::string verdict_word(const SweepSummary& summary, std::size_t config) {
    if (config >= summary.configs.size() || !std::isfinite(summary.configs[config].rank_value)) return "";
    const std::string cell = versus_leader(summary, config);
    return cell.substr(0, cell.find(' '));
}

// One ranked configuration, as a row of summary.csv and an entry of
// summary.json's "configs": the same fields in the same order, defined here
// once. JSON nests the axis values, the status counts, each statistic
// ({mean, std, n, ci95_low, ci95_high}) and the test against the leader, and
// lists the runs; CSV flattens them (the axis paths, ok..pending,
// NAME_mean, NAME_std, ..., vs_leader_p) and joins the failed runs' errors.
template <class Row>
void config_row(Row& row, const SweepRecord& sweep, const SweepSummary& summary, const std::vector<std::string>& axes,
                const ConfigSummary& c, std::size_t index) {
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
    const LeaderComparison* vs = comparison_of(summary, index);
    const TTest t = vs ? vs->test : TTest{};
    row.begin("vs_leader");
    row.value("verdict", verdict_word(summary, index));
    row.value("test", !t.tested() ? std::string() : t.paired ? std::string("paired") : std::string("welch"));
    row.value("difference", t.difference);
    row.value("ci95_low", t.ci_lo);
    row.value("ci95_high", t.ci_hi);
    row.value("p", t.p);
    row.value("p_holm", vs ? vs->p_holm : std::nan(""));
    row.end();
    row.runs(sweep, c);
}

class CsvRow {
public:
    std::vector<std::string> names, cells;

    void value(const std::string& name, const std::string& v) { add(name, csv_field(v)); }
    void value(const std::string& name, int v) { add(name, std::to_string(v)); }
    void value(const std::string& name, double v) { add(name, fmt_exact(v)); }
    void begin(const char* name) { prefix_ = std::string(name) == "vs_leader" ? "vs_leader_" : ""; }
    void end() { prefix_.clear(); }
    void stat(const std::string& name, const Stat& s) {
        value(name + "_mean", s.mean);
        value(name + "_std", s.std);
        value(name + "_n", s.n);
        value(name + "_ci95_low", s.lo());
        value(name + "_ci95_high", s.hi());
    }
    void runs(const SweepRecord& sweep, const ConfigSummary& c) { value("errors", config_errors(sweep, c)); }

private:
    void add(const std::string& name, std::string cell) {
        names.push_back(csv_field(prefix_ + name));
        cells.push_back(std::move(cell));
    }
    std::string prefix_;  // the vs_leader columns are named so; other groups are flat
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
        value("ci95_low", s.lo());
        value("ci95_high", s.hi());
        end();
    }
    void runs(const SweepRecord& sweep, const ConfigSummary& c) {
        Json list = Json::array();
        for (std::size_t i : c.runs) {
            const RunRecord& r = sweep.runs[i];
            Json run = {{"id", r.id}, {"status", run_status_names.name(r.status)}};
            if (r.chosen_epoch > 0) run["chosen_epoch"] = r.chosen_epoch;
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

std::string runs_cell(const ConfigSummary& c) {
    std::string runs = std::to_string(c.ok) + " ok";
    if (c.diverged) runs += ", " + std::to_string(c.diverged) + " diverged";
    if (c.failed) runs += ", " + std::to_string(c.failed) + " failed";
    if (c.pending) runs += ", " + std::to_string(c.pending) + " pending";
    return runs;
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
    config_row(header, sweep, summary, axes, ConfigSummary{}, static_cast<std::size_t>(-1));
    std::string out = csv_line(header.names);
    for (std::size_t i = 0; i < summary.configs.size(); ++i) {
        CsvRow row;
        config_row(row, sweep, summary, axes, summary.configs[i], i);
        out += csv_line(row.cells);
    }
    return out;
}

std::string summary_json_text(const SweepRecord& sweep, const SweepSummary& summary) {
    const std::vector<std::string> axes = config_axes(sweep);
    const LeaderVerdict& v = summary.verdict;
    Json j = Json::object();
    j["experiment"] = sweep.experiment;
    j["rank_by"] = summary.rank_by;
    j["rank_metric"] = summary.rank_by == "validation"
                           ? "validation_accuracy: each run's validation accuracy at its chosen epoch, averaged with "
                             "the 2 epochs before it"
                           : "test_accuracy at each run's last epoch (no validation split)";
    j["epoch_rule"] = epoch_rule_text;
    j["intervals"] = "ci95_low..ci95_high: the 95% t-interval of the mean over the runs (n)";
    j["axes"] = axes;
    Json verdict = Json::object();
    verdict["headline"] = sweep_headline(summary);
    const std::string power = sweep_power_note(summary);
    verdict["power"] = power.empty() ? Json() : Json(power);
    verdict["warnings"] = ranking_warnings(summary);
    verdict["leader"] = v.leader < summary.configs.size() ? Json(summary.configs[v.leader].config_id) : Json();
    verdict["leader_significantly_ahead"] = v.leader_ahead;
    verdict["alpha"] = v.alpha;
    verdict["tests"] = v.others.empty() ? Json() : Json(tests_used(v) + ", Holm-adjusted over the comparisons with the leader");
    verdict["seeds_for_80_percent_power"] = v.seeds_for_80_power > 0 ? Json(v.seeds_for_80_power) : Json();
    j["verdict"] = std::move(verdict);
    j["best_run"] = summary.best_run < sweep.runs.size() ? Json(sweep.runs[summary.best_run].id) : Json();
    Json configs = Json::array();
    for (std::size_t i = 0; i < summary.configs.size(); ++i) {
        JsonRow row;
        config_row(row, sweep, summary, axes, summary.configs[i], i);
        configs.push_back(std::move(row.json));
    }
    j["configs"] = std::move(configs);
    return json_text(j);
}

std::string ranking_intro(const SweepRecord& sweep, const SweepSummary& summary) {
    const bool val = summary.rank_by == "validation";
    std::string out = sweep.experiment + ": " + std::to_string(summary.configs.size()) +
                      (summary.configs.size() == 1 ? " configuration, " : " configurations, ") +
                      std::to_string(sweep.runs.size()) + (sweep.runs.size() == 1 ? " run" : " runs") + "; ";
    out += val ? "each run counts at its epoch chosen on validation; ranked by validation accuracy there"
               : "no validation split: each run counts at its last epoch; ranked by test accuracy";
    return out;
}

std::string ranked_text(const SweepRecord& sweep, const SweepSummary& summary, std::size_t width) {
    const bool val = summary.rank_by == "validation";
    TextTable t;
    // The figures' cells ("94.77 ± 0.44%") may wrap at their spaces, so
    // that the table fits a terminal of 100 columns.
    t.columns = {{"#", true}, {"configuration", false, true}, {"runs", false, true}};
    if (val)
        t.columns.insert(t.columns.end(), {{"val acc", true, true},
                                           {"sd", true},
                                           {"test acc", true, true},
                                           {"sd", true},
                                           {"final test acc", true, true},
                                           {"epoch", true, true}});
    else
        t.columns.insert(t.columns.end(), {{"test acc", true, true}, {"sd", true}});
    t.columns.insert(t.columns.end(), {{"train s", true, true}, {"params", true}, {"vs #1", false, true}});
    std::string failures;
    for (std::size_t i = 0; i < summary.configs.size(); ++i) {
        const ConfigSummary& c = summary.configs[i];
        std::vector<std::string> r = {std::to_string(c.rank), c.label, runs_cell(c)};
        if (val)
            r.insert(r.end(), {fmt_percent_stat(c.validation), fmt_fixed(100 * c.validation.std, 2),
                               fmt_percent_stat(c.test), fmt_fixed(100 * c.test.std, 2), fmt_percent_stat(c.final_test),
                               fmt_stat(c.chosen_epoch, 1)});
        else
            r.insert(r.end(), {fmt_percent_stat(c.test), fmt_fixed(100 * c.test.std, 2)});
        r.insert(r.end(), {fmt_stat(c.train_seconds, 1), fmt_count(c.parameters.mean), versus_leader(summary, i)});
        t.rows.push_back(std::move(r));
        std::string errors = config_errors(sweep, c);
        if (!errors.empty()) failures += "  " + c.label + ": " + errors + "\n";
    }
    auto wrapped = [&](const std::string& prefix, const std::string& text) {
        std::string lines;
        for (const std::string& line : wrap_text(prefix + text, width)) lines += line + "\n";
        return lines;
    };
    std::string out = wrapped("", ranking_intro(sweep, summary)) + "\n";
    out += wrapped("verdict: ", sweep_headline(summary));
    const std::string power = sweep_power_note(summary);
    if (!power.empty()) out += wrapped("power: ", power);
    for (const std::string& w : ranking_warnings(summary)) out += wrapped("warning: ", w);
    out += "\n" + render_text_table(t, width);
    out += "\n" + wrapped("", table_legend(summary));
    if (!failures.empty()) out += "\nfailed runs:\n" + failures;
    return out;
}

std::string table_legend(const SweepSummary& summary) {
    std::string out;
    if (summary.rank_by == "validation")
        out += "val acc: validation accuracy at each run's chosen epoch, averaged with the 2 epochs before it; test "
               "acc: test accuracy at that epoch; final: the last epoch.\n";
    else
        out += "test acc: test accuracy at each run's last epoch.\n";
    out += "mean ± half-width of its 95% t-interval over the runs; sd: standard deviation over seeds. vs #1: ";
    out += summary.verdict.others.empty() ? std::string("no other configuration to compare")
                                           : tests_used(summary.verdict) +
                                                 " against the leader, p Holm-adjusted; tied = not distinguishable at "
                                                 "the 5% level.";
    return out;
}

}  // namespace soma
