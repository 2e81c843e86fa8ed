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

// "95.10 ± 0.25% (sd 0.20, n 5)": the mean, its 95% interval, sd and n.
std::string stat_text(const Stat& s, bool percent, int decimals) {
    std::string out = percent ? fmt_percent_stat(s, decimals) : fmt_stat(s, decimals);
    if (s.n > 1) out += " (sd " + fmt_fixed(percent ? 100 * s.std : s.std, decimals) + ", n " + std::to_string(s.n) + ")";
    return out;
}

}  // namespace

std::string report_markdown(const SweepRecord& sweep, const SweepSummary& s) {
    const bool val = s.rank_by == "validation";
    const std::vector<std::string> axes = config_axes(sweep);
    const std::vector<std::string> names = short_axis_names(axes);
    std::string out = "# Sweep report: " + cell(sweep.experiment) + "\n\n";
    out += ranking_intro(sweep, s) + ".\n\n";
    out += "**Verdict:** " + sweep_headline(s) + "\n\n";
    const std::string power = sweep_power_note(s);
    if (!power.empty()) out += power + "\n\n";
    for (const std::string& w : ranking_warnings(s)) out += "> **Warning:** " + w + "\n\n";
    out += "Charts (learning curves, accuracy against model size, the best run's confusion matrix and first-layer "
           "weights): [report.html](report.html). Data: [summary.csv](summary.csv), [summary.json](summary.json).\n\n";

    out += "## Ranked configurations\n\n";
    std::vector<std::string> head = {"#"};
    std::vector<bool> right = {true};
    if (axes.empty()) head.push_back("configuration"), right.push_back(false);
    for (const std::string& n : names) head.push_back(n), right.push_back(false);
    head.push_back("runs"), right.push_back(false);
    if (val) {
        for (const char* h : {"val acc", "test acc (chosen epoch)", "final test acc", "chosen epoch"})
            head.push_back(h), right.push_back(true);
    } else {
        head.push_back("test acc (last epoch)"), right.push_back(true);
    }
    head.push_back("vs #1"), right.push_back(false);
    for (const char* h : {"train s", "samples/s", "parameters"}) head.push_back(h), right.push_back(true);
    out += row(head) + rule(right);
    for (std::size_t k = 0; k < s.configs.size(); ++k) {
        const ConfigSummary& c = s.configs[k];
        std::vector<std::string> r = {std::to_string(c.rank)};
        if (axes.empty()) r.push_back(c.label);
        for (std::size_t i = 0; i < axes.size(); ++i) {
            std::string v = assignment_label(c, axes[i]);
            r.push_back(c.rank == 1 && i == 0 && s.verdict.leader_ahead ? "**" + v + "**" : v);
        }
        std::string runs = std::to_string(c.ok) + " ok";
        if (c.diverged) runs += ", " + std::to_string(c.diverged) + " diverged";
        if (c.failed) runs += ", " + std::to_string(c.failed) + " failed";
        if (c.pending) runs += ", " + std::to_string(c.pending) + " pending";
        std::string errors = config_errors(sweep, c);
        if (!errors.empty()) runs += " (" + errors + ")";
        r.push_back(runs);
        if (val) {
            r.push_back(stat_text(c.validation, true, 2));
            r.push_back(stat_text(c.test, true, 2));
            r.push_back(stat_text(c.final_test, true, 2));
            r.push_back(stat_text(c.chosen_epoch, false, 1));
        } else {
            r.push_back(stat_text(c.test, true, 2));
        }
        r.push_back(versus_leader(s, k));
        r.push_back(stat_text(c.train_seconds, false, 1));
        r.push_back(fmt_count(c.samples_per_second.mean));
        r.push_back(fmt_count(c.parameters.mean));
        out += row(r);
    }
    out += "\n" + table_legend(s) + " Over each configuration's ok and diverged runs (failed runs have no numbers).\n\n";

    out += "## Runs\n\n";
    if (val) {
        out += row({"run", "status", "epochs", "chosen epoch", "val acc", "test acc (chosen)", "final test acc", "notes"});
        out += rule({false, false, true, true, true, true, true, false});
    } else {
        out += row({"run", "status", "epochs", "test acc", "notes"});
        out += rule({false, false, true, true, false});
    }
    for (std::size_t i = 0; i < sweep.runs.size(); ++i) {
        const RunRecord& r = sweep.runs[i];
        std::string id = r.id.empty() ? sweep.experiment : r.id;
        std::string link = sweep.single_run ? "`" + id + "`" : "[`" + id + "`](runs/" + r.id + "/)";
        std::string note;
        if (r.status == RunStatus::failed) note = r.error.empty() ? "failed" : r.error;
        else if (r.status == RunStatus::diverged) note = "diverged at epoch " + std::to_string(r.diverged_epoch);
        else if (r.status == RunStatus::pending) note = "not finished";
        else if (i == s.best_run) note = "**best run**";
        const bool has_epochs = r.finished() && !(r.status == RunStatus::failed && r.epochs == 0);
        std::vector<std::string> cells = {link, std::string(run_status_names.name(r.status)),
                                          has_epochs ? std::to_string(r.epochs) : "-"};
        if (val)
            cells.insert(cells.end(), {has_epochs && r.chosen_epoch > 0 ? std::to_string(r.chosen_epoch) : "-",
                                       fmt_percent(r.chosen_validation_accuracy), fmt_percent(r.chosen_test_accuracy),
                                       fmt_percent(r.test_accuracy)});
        else
            cells.push_back(fmt_percent(r.chosen_test_accuracy));
        cells.push_back(note);
        out += row(cells);
    }
    return out;
}

}  // namespace soma
