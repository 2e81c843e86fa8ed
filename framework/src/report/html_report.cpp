#include "report/html_report.h"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "report/confusion.h"
#include "report/neuron_images.h"
#include "report/report_charts.h"
#include "report/summary_table.h"
#include "toolkit/format.h"
#include "toolkit/html_page.h"
#include "toolkit/png.h"
#include "train/epoch_choice.h"
#include "train/run_folder.h"

namespace soma {

namespace {


std::string chip(RunStatus status, int count = -1) {
    const std::string name(run_status_names.name(status));
    return "<span class=\"chip " + name + "\">" + (count >= 0 ? std::to_string(count) + " " : "") + name + "</span>";
}

std::string status_chips(const ConfigSummary& c) {
    std::string s;
    if (c.ok) s += chip(RunStatus::ok, c.ok);
    if (c.diverged) s += chip(RunStatus::diverged, c.diverged);
    if (c.failed) s += chip(RunStatus::failed, c.failed);
    if (c.pending) s += chip(RunStatus::pending, c.pending);
    return s.empty() ? "-" : s;
}

void headline(std::ostringstream& o, const SweepRecord& sweep, const SweepSummary& s) {
    o << "<div class=\"headline\">" << xml_escape(sweep_headline(s));
    const std::string power = sweep_power_note(s);
    if (!power.empty()) o << "<br><span class=\"note\">" << xml_escape(power) << "</span>";
    int diverged = 0, failed = 0, pending = 0;
    for (const RunRecord& r : sweep.runs) {
        diverged += r.status == RunStatus::diverged;
        failed += r.status == RunStatus::failed;
        pending += r.status == RunStatus::pending;
    }
    if (diverged || failed || pending) {
        o << "<br>";
        if (diverged) o << chip(RunStatus::diverged, diverged) << " ";
        if (failed) o << chip(RunStatus::failed, failed) << " ";
        if (pending) o << chip(RunStatus::pending, pending) << " ";
        o << "<span class=\"note\">see the tables below.</span>";
    }
    o << "</div>\n";
    for (const std::string& w : ranking_warnings(s)) o << "<div class=\"warn\">" << xml_escape(w) << "</div>\n";
}

// A statistic's cell: mean ± half-width of the 95% interval, and its sd and n below.
std::string stat_cell(const Stat& s, bool percent, int decimals) {
    std::string out = percent ? fmt_percent_stat(s, decimals) : fmt_stat(s, decimals);
    if (s.n > 0)
        out += "<br><span class=\"sd\">sd " + fmt_fixed(percent ? 100 * s.std : s.std, decimals) + " · n " +
               std::to_string(s.n) + "</span>";
    return out;
}

void ranked_table(std::ostringstream& o, const SweepRecord& sweep, const SweepSummary& s) {
    const bool val = s.rank_by == "validation";
    const std::vector<std::string> axes = config_axes(sweep);
    const std::vector<std::string> names = short_axis_names(axes);
    double lo = INFINITY, hi = -INFINITY;
    for (const ConfigSummary& c : s.configs)
        if (std::isfinite(c.rank_value)) lo = std::min(lo, c.rank_value), hi = std::max(hi, c.rank_value);
    const double base = std::isfinite(lo) ? std::max(0.0, lo - std::max(0.02, (hi - lo) * 0.5)) : 0;

    const std::size_t columns = 1 + std::max<std::size_t>(axes.size(), 1) + 1 + (val ? 4 : 1) + 4;
    o << "<table class=\"ranked\">\n<thead><tr><th class=\"num\">#</th>";
    if (axes.empty()) o << "<th>configuration</th>";
    for (const std::string& n : names) o << "<th>" << xml_escape(n) << "</th>";
    o << "<th>runs</th>";
    if (val)
        o << "<th class=\"num\">val acc &#9660;</th><th class=\"num\">test acc<br>(chosen epoch)</th>"
             "<th class=\"num\">final test acc</th><th class=\"num\">chosen epoch</th>";
    else
        o << "<th class=\"num\">test acc &#9660;<br>(last epoch)</th>";
    o << "<th>vs #1</th><th class=\"num\">train s</th><th class=\"num\">samples/s</th><th class=\"num\">params</th>"
         "</tr></thead>\n<tbody>\n";
    for (std::size_t k = 0; k < s.configs.size(); ++k) {
        const ConfigSummary& c = s.configs[k];
        o << "<tr" << (c.rank == 1 && std::isfinite(c.rank_value) && s.verdict.leader_ahead ? " class=\"winner\"" : "")
          << " data-config=\"" << xml_escape(c.config_id) << "\" title=\"" << xml_escape(c.label) << "\">";
        o << "<td class=\"num\">" << c.rank << "</td>";
        if (axes.empty())
            o << "<td><span class=\"swatch\" style=\"background:" << config_color(c) << "\"></span>"
              << xml_escape(c.label) << "</td>";
        for (std::size_t i = 0; i < axes.size(); ++i) {
            o << "<td>";
            if (i == 0) o << "<span class=\"swatch\" style=\"background:" << config_color(c) << "\"></span>";
            o << xml_escape(assignment_label(c, axes[i])) << "</td>";
        }
        o << "<td>" << status_chips(c) << "</td>";
        const Stat& main = val ? c.validation : c.test;
        double frac = std::isfinite(c.rank_value) && hi > base ? (c.rank_value - base) / (hi - base) : 0;
        o << "<td class=\"num rankcell\"><span class=\"bar\" style=\"width:" << fmt_fixed(100 * frac, 1)
          << "%\"></span><span class=\"barval\">" << stat_cell(main, true, 2) << "</span></td>";
        if (val)
            o << "<td class=\"num\">" << stat_cell(c.test, true, 2) << "</td><td class=\"num\">"
              << stat_cell(c.final_test, true, 2) << "</td><td class=\"num\">" << stat_cell(c.chosen_epoch, false, 1)
              << "</td>";
        o << "<td>" << xml_escape(versus_leader(s, k)) << "</td><td class=\"num\">" << stat_cell(c.train_seconds, false, 1)
          << "</td><td class=\"num\">" << fmt_count(c.samples_per_second.mean) << "</td><td class=\"num\">"
          << fmt_count(c.parameters.mean) << "</td></tr>\n";
        const std::string errors = config_errors(sweep, c);
        if (!errors.empty())
            o << "<tr class=\"errrow\"><td></td><td colspan=\"" << columns - 1 << "\"><span class=\"err\">failed "
              << xml_escape(errors) << "</span></td></tr>\n";
    }
    o << "</tbody></table>\n";
    o << "<p class=\"note\">" << xml_escape(table_legend(s))
      << " Over each configuration's ok and diverged runs (failed runs have no numbers). &#9660; marks the ranking "
         "column; the leader's row is highlighted only when it is significantly ahead of every other.</p>\n";
}

// The first hidden layer of the weights at the chosen epoch, as pictures.
void neuron_pictures(std::ostringstream& o, const RunRecord& r) {
    std::error_code ec;
    std::filesystem::path weights = chosen_weights_path(r.dir, r);
    std::string which = "at epoch " + std::to_string(r.chosen_epoch) + ", the chosen one";
    if (weights.empty() && std::filesystem::exists(r.dir / last_weights_file, ec)) {
        weights = r.dir / last_weights_file;
        which = "at the last epoch (" + std::to_string(r.epochs) + "): the run kept no weights of its chosen epoch";
    }
    if (weights.empty()) {
        o << "<p class=\"note\">The run saved no weights (output.save_weights = false).</p>\n";
        return;
    }
    LayerImages layer = first_layer_images(read_weights(weights));
    if (layer.images.empty()) {
        o << "<p class=\"note\">No pictures: " << xml_escape(layer.note) << ".</p>\n";
        return;
    }
    o << "<p class=\"note\">The weights " << xml_escape(which) << " (<code>" << xml_escape(weights.filename().string())
      << "</code>). Each square is one neuron's " << layer.side * layer.side
      << " incoming weights laid out like the input image: <span class=\"key\"></span> red negative, "
         "blue positive, brighter = stronger (scaled per neuron)";
    if (static_cast<int>(layer.images.size()) < layer.units)
        o << "; the first " << layer.images.size() << " of " << layer.units << " neurons";
    o << ".</p>\n<div class=\"neurons\">\n";
    for (const NeuronImage& n : layer.images)
        o << "<figure><img src=\"" << png_data_uri(n.png) << "\" width=\"" << layer.side << "\" height=\""
          << layer.side << "\" alt=\"neuron " << n.neuron << " weights\" title=\"neuron " << n.neuron
          << ", max |w| = " << fmt_fixed(n.max_abs, 4) << "\"><figcaption>" << n.neuron << "</figcaption></figure>\n";
    o << "</div>\n";
}

void best_run_section(std::ostringstream& o, const SweepRecord& sweep, const SweepSummary& s) {
    o << "<h2>Best run</h2>\n";
    if (s.best_run >= sweep.runs.size()) {
        o << "<p class=\"note\">No run has finished with an accuracy.</p>\n";
        return;
    }
    const RunRecord& r = sweep.runs[s.best_run];
    const bool val = s.rank_by == "validation";
    o << "<p><code>" << xml_escape(r.id.empty() ? sweep.experiment : r.id) << "</code>, the run with the best "
      << (val ? "validation" : "test") << " accuracy at its chosen epoch: ";
    if (val)
        o << "validation accuracy " << fmt_percent(r.chosen_validation_accuracy) << " at epoch " << r.chosen_epoch
          << " (chosen on validation), <b>test accuracy " << fmt_percent(r.chosen_test_accuracy) << "</b> there; ";
    else
        o << "test accuracy " << fmt_percent(r.chosen_test_accuracy) << " at the last epoch; ";
    o << "final test accuracy " << fmt_percent(r.test_accuracy) << " after " << r.epochs << " epochs";
    if (!r.network.empty()) o << "; network <code>" << xml_escape(r.network) << "</code>";
    o << ". One run's figures carry its seed's luck; the table above is the evidence.</p>\n<div class=\"figrow\">\n";

    const bool chosen = !r.chosen_confusion.empty();
    o << "<div><h3>Confusion matrix (test set, epoch "
      << (chosen ? std::to_string(r.chosen_epoch) + ", the chosen one" : std::to_string(r.epochs) + ", the last")
      << ")</h3>\n";
    const auto& matrix = chosen ? r.chosen_confusion : r.confusion;
    if (matrix.empty()) o << "<p class=\"note\">The summary has no confusion matrix.</p>\n";
    else
        o << confusion_svg(matrix)
          << "<p class=\"note\">Rows: true label; columns: predicted. Blue: correct, orange: mistakes (darker = "
             "more)."
          << (chosen ? "" : " The summary kept no matrix for the chosen epoch.") << "</p>\n";
    o << "</div>\n";

    o << "<div><h3>What the first hidden layer looks for</h3>\n";
    neuron_pictures(o, r);
    o << "</div>\n</div>\n";
}

void run_list(std::ostringstream& o, const SweepRecord& sweep, const SweepSummary& s) {
    const bool val = s.rank_by == "validation";
    o << "<h2>All runs</h2>\n<table class=\"runs\">\n<thead><tr><th>run</th><th>status</th><th class=\"num\">epochs</th>";
    if (val) o << "<th class=\"num\">chosen epoch</th><th class=\"num\">validation acc</th>";
    o << "<th class=\"num\">test acc" << (val ? " (chosen)" : "") << "</th><th class=\"num\">final test acc</th>"
      << "<th class=\"num\">train s</th><th>notes</th></tr></thead>\n<tbody>\n";
    for (const RunRecord& r : sweep.runs) {
        const std::string name = xml_escape(r.id.empty() ? sweep.experiment : r.id);
        const bool has_epochs = r.finished() && !(r.status == RunStatus::failed && r.epochs == 0);
        o << "<tr><td class=\"mono\">"
          << (sweep.single_run || r.id.empty() ? name : "<a href=\"runs/" + xml_escape(r.id) + "/\">" + name + "</a>")
          << "</td><td>" << chip(r.status) << "</td><td class=\"num\">"
          << (has_epochs ? std::to_string(r.epochs) : "-") << "</td>";
        if (val)
            o << "<td class=\"num\">" << (has_epochs && r.chosen_epoch > 0 ? std::to_string(r.chosen_epoch) : "-")
              << "</td><td class=\"num\">" << fmt_percent(r.chosen_validation_accuracy) << "</td>";
        o << "<td class=\"num\">" << fmt_percent(r.chosen_test_accuracy) << "</td><td class=\"num\">"
          << fmt_percent(r.test_accuracy) << "</td><td class=\"num\">" << fmt_fixed(r.train_seconds, 1) << "</td><td>";
        if (r.status == RunStatus::failed) o << "<span class=\"err\">" << xml_escape(r.error.empty() ? "failed" : r.error) << "</span>";
        else if (r.status == RunStatus::diverged) o << "diverged at epoch " << r.diverged_epoch;
        else if (r.status == RunStatus::pending) o << "not finished (no summary.json)";
        else if (s.best_run < sweep.runs.size() && &r == &sweep.runs[s.best_run]) o << "best run";
        o << "</td></tr>\n";
    }
    o << "</tbody></table>\n";
}

}  // namespace

std::string report_html(const SweepRecord& sweep, const SweepSummary& s) {
    const bool val = s.rank_by == "validation";
    std::ostringstream o;
    o << html_page_start("soma report: " + sweep.experiment);
    o << "<h1>Sweep report: " << xml_escape(sweep.experiment) << "</h1>\n";
    int finished = 0;
    for (const RunRecord& r : sweep.runs) finished += r.finished();
    o << "<p class=\"meta\">" << s.configs.size() << (s.configs.size() == 1 ? " configuration, " : " configurations, ")
      << sweep.runs.size() << (sweep.runs.size() == 1 ? " run" : " runs") << " (" << finished << " finished)";
    if (!sweep.axes.empty()) {
        o << "; axes: ";
        for (std::size_t i = 0; i < sweep.axes.size(); ++i) o << (i ? ", " : "") << "<code>" << xml_escape(sweep.axes[i]) << "</code>";
    }
    o << ".<br>";
    if (val)
        o << "Each run counts at its epoch <b>chosen on the validation split</b> (" << xml_escape(epoch_rule_text)
          << "). Configurations are ranked, and tested against the leader, on the <b>validation accuracy</b> there; "
             "the test set chooses nothing, and its accuracy at the chosen epoch is the estimate for new data.";
    else
        o << "The sweep has no validation split: each run counts at its last epoch and configurations are ranked "
             "by <b>test accuracy</b>.";
    o << "</p>\n";

    headline(o, sweep, s);

    o << "<h2>Ranked configurations</h2>\n";
    ranked_table(o, sweep, s);

    o << "<h2>Learning curves</h2>\n";
    o << render_svg(accuracy_curves(sweep, s));
    o << render_svg(loss_curves(sweep, s));
    bool any_diverged = false;
    for (const RunRecord& r : sweep.runs) any_diverged |= r.status == RunStatus::diverged;
    o << "<p class=\"note\">One line per configuration (the leader drawn thicker): the mean over its runs; the "
         "shaded band is the 95% interval of that mean at each epoch.";
    if (any_diverged)
        o << " Diverged runs are not in the means: each is drawn dashed on its own and does not set the axis "
             "range, so where it blows up it leaves the chart; its NaN epochs are left out.";
    o << "</p>\n";

    o << "<h2>Accuracy against hidden-layer size</h2>\n";
    LineChart hidden;
    std::string hidden_note;
    if (hidden_size_chart(sweep, s, hidden, hidden_note)) o << render_svg(hidden);
    o << "<p class=\"note\">" << xml_escape(hidden_note) << "</p>\n";

    best_run_section(o, sweep, s);
    run_list(o, sweep, s);

    o << "<footer>Generated by soma from <code>" << xml_escape(sweep.dir.string())
      << "</code>. Also here: summary.csv, summary.json, report.md.</footer>\n";
    o << html_page_end();
    return o.str();
}

}  // namespace soma
