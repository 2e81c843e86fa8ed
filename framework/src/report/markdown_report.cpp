#include "report/markdown_report.h"

#include "report/summary_table.h"
#include "toolkit/format.h"

namespace soma {

namespace {

// A table cell: pipes escaped, newlines flattened.
std::string cell(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == '|') out += "\\|";
        else if (c == '\n' || c == '\r') out += ' ';
        else out += c;
    }
    return out;
}

std::string row(const std::vector<std::string>& cells) {
    std::string out = "|";
    for (const std::string& c : cells) out += " " + cell(c) + " |";
    return out + "\n";
}

std::string rule(const std::vector<bool>& right) {
    std::string out = "|";
    for (bool r : right) out += r ? " ---: |" : " --- |";
    return out + "\n";
}

}  // namespace

std::string report_markdown(const SweepRecord& sweep, const SweepSummary& s) {
    const bool val = s.rank_by == "validation";
    const std::vector<std::string> axes = config_axes(sweep);
    const std::vector<std::string> names = short_axis_names(axes);
    std::string out = "# Sweep report: " + cell(sweep.experiment) + "\n\n";
    out += std::to_string(s.configs.size()) + " configurations, " + std::to_string(sweep.runs.size()) + " runs. ";
    out += val ? "Numbers come from the **validation** split; configurations are ranked by mean best validation "
                 "accuracy (test accuracy for reference).\n\n"
               : "No validation split: numbers come from the **test** split; configurations are ranked by mean "
                 "final test accuracy.\n\n";
    out += "Charts (learning curves, accuracy against hidden-layer size, the best run's confusion matrix and "
           "first-layer weights): [report.html](report.html). Data: [summary.csv](summary.csv), "
           "[summary.json](summary.json).\n\n";

    out += "## Ranked configurations\n\n";
    std::vector<std::string> head = {"#"};
    std::vector<bool> right = {true};
    if (axes.empty()) head.push_back("configuration"), right.push_back(false);
    for (const std::string& n : names) head.push_back(n), right.push_back(false);
    head.push_back("runs"), right.push_back(false);
    if (val) {
        for (const char* h : {"best val acc", "final val acc", "final test acc"}) head.push_back(h), right.push_back(true);
    } else {
        for (const char* h : {"final test acc", "best test acc"}) head.push_back(h), right.push_back(true);
    }
    for (const char* h : {"epochs to best", "train s", "samples/s", "parameters"}) head.push_back(h), right.push_back(true);
    out += row(head) + rule(right);
    for (const ConfigSummary& c : s.configs) {
        std::vector<std::string> r = {std::to_string(c.rank)};
        if (axes.empty()) r.push_back(c.label);
        for (std::size_t i = 0; i < axes.size(); ++i) {
            std::string v = assignment_label(c, axes[i]);
            r.push_back(c.rank == 1 && i == 0 ? "**" + v + "**" : v);
        }
        std::string runs = std::to_string(c.ok) + " ok";
        if (c.diverged) runs += ", " + std::to_string(c.diverged) + " diverged";
        if (c.failed) runs += ", " + std::to_string(c.failed) + " failed";
        if (c.pending) runs += ", " + std::to_string(c.pending) + " pending";
        std::string errors = config_errors(sweep, c);
        if (!errors.empty()) runs += " (" + errors + ")";
        r.push_back(runs);
        if (val) {
            r.push_back(fmt_percent_stat(c.best_validation));
            r.push_back(fmt_percent_stat(c.final_validation));
            r.push_back(fmt_percent_stat(c.final_test));
        } else {
            r.push_back(fmt_percent_stat(c.final_test));
            r.push_back(fmt_percent_stat(c.best_test));
        }
        r.push_back(fmt_stat(c.epochs_to_best, 1));
        r.push_back(fmt_stat(c.train_seconds, 1));
        r.push_back(fmt_count(c.samples_per_second.mean));
        r.push_back(fmt_count(c.parameters.mean));
        out += row(r);
    }
    out += "\nMean ± sample standard deviation over each configuration's runs (ok and diverged; failed runs have no "
           "numbers).\n\n";

    out += "## Runs\n\n";
    out += row({"run", "status", "epochs", val ? "best val acc" : "best test acc", "final test acc", "notes"});
    out += rule({false, false, true, true, true, false});
    for (std::size_t i = 0; i < sweep.runs.size(); ++i) {
        const RunRecord& r = sweep.runs[i];
        std::string id = r.id.empty() ? sweep.experiment : r.id;
        std::string link = sweep.single_run ? "`" + id + "`" : "[`" + id + "`](runs/" + r.id + "/)";
        std::string note;
        if (r.status == RunStatus::failed) note = r.error.empty() ? "failed" : r.error;
        else if (r.status == RunStatus::diverged) note = "diverged at epoch " + std::to_string(r.diverged_epoch);
        else if (r.status == RunStatus::pending) note = "not finished";
        else if (i == s.best_run) note = "**best run**";
        out += row({link, std::string(run_status_names.name(r.status)), r.finished() && !(r.status == RunStatus::failed && r.epochs == 0) ? std::to_string(r.epochs) : "-",
                    fmt_percent(val ? r.best_validation_accuracy : r.best_test_accuracy), fmt_percent(r.test_accuracy),
                    note});
    }
    return out;
}

}  // namespace soma
