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
    const bool val = s.rank_by == "validation";
    const std::string metric = val ? "best validation accuracy" : "final test accuracy";
    if (s.configs.empty() || !std::isfinite(s.configs.front().rank_value)) {
        o << "<div class=\"headline\">No finished run has an accuracy yet.</div>\n";
        return;
    }
    const ConfigSummary& w = s.configs.front();
    const Stat& ws = val ? w.best_validation : w.final_test;
    o << "<div class=\"headline\">";
    if (s.configs.size() == 1) {
        o << "<b>" << xml_escape(w.label) << "</b> reaches " << fmt_percent_stat(ws) << " " << metric;
    } else {
        o << "Best configuration: <span class=\"swatch\" style=\"background:" << config_color(w) << "\"></span><b>"
          << xml_escape(w.label) << "</b> with " << fmt_percent_stat(ws) << " " << metric;
    }
    o << " (mean over " << ws.n << (ws.n == 1 ? " run" : " runs") << ")";
    if (s.configs.size() > 1 && std::isfinite(s.configs[1].rank_value)) {
        const ConfigSummary& r = s.configs[1];
        o << ", " << fmt_fixed(100 * (w.rank_value - r.rank_value), 2) << " points ahead of "
          << xml_escape(r.label) << " (" << fmt_percent(r.rank_value) << ")";
        const ConfigSummary* last = nullptr;
        for (const ConfigSummary& c : s.configs)
            if (std::isfinite(c.rank_value)) last = &c;
        if (last && last != &r)
            o << "; the weakest, " << xml_escape(last->label) << ", reaches " << fmt_percent(last->rank_value);
    }
    o << ".";
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
}

void ranked_table(std::ostringstream& o, const SweepRecord& sweep, const SweepSummary& s) {
    const bool val = s.rank_by == "validation";
    const std::vector<std::string> axes = config_axes(sweep);
    const std::vector<std::string> names = short_axis_names(axes);
    double lo = INFINITY, hi = -INFINITY;
    for (const ConfigSummary& c : s.configs)
        if (std::isfinite(c.rank_value)) lo = std::min(lo, c.rank_value), hi = std::max(hi, c.rank_value);
    const double base = std::isfinite(lo) ? std::max(0.0, lo - std::max(0.02, (hi - lo) * 0.5)) : 0;

    const std::size_t columns = 1 + std::max<std::size_t>(axes.size(), 1) + 1 + (val ? 3 : 2) + 4;
    o << "<table class=\"ranked\">\n<thead><tr><th class=\"num\">#</th>";
    if (axes.empty()) o << "<th>configuration</th>";
    for (const std::string& n : names) o << "<th>" << xml_escape(n) << "</th>";
    o << "<th>runs</th>";
    if (val)
        o << "<th class=\"num\">best val acc &#9660;</th><th class=\"num\">final val acc</th>"
             "<th class=\"num\">final test acc</th>";
    else
        o << "<th class=\"num\">final test acc &#9660;</th><th class=\"num\">best test acc</th>";
    o << "<th class=\"num\">epochs to best</th><th class=\"num\">train s</th><th class=\"num\">samples/s</th>"
         "<th class=\"num\">params</th></tr></thead>\n<tbody>\n";
    for (const ConfigSummary& c : s.configs) {
        o << "<tr" << (c.rank == 1 && std::isfinite(c.rank_value) ? " class=\"winner\"" : "") << " data-config=\""
          << xml_escape(c.config_id) << "\" title=\"" << xml_escape(c.label) << "\">";
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
        const Stat& main = val ? c.best_validation : c.final_test;
        double frac = std::isfinite(c.rank_value) && hi > base ? (c.rank_value - base) / (hi - base) : 0;
        o << "<td class=\"num rankcell\"><span class=\"bar\" style=\"width:" << fmt_fixed(100 * frac, 1)
          << "%\"></span><span class=\"barval\">" << xml_escape(fmt_percent_stat(main)) << "</span></td>";
        if (val)
            o << "<td class=\"num\">" << fmt_percent_stat(c.final_validation) << "</td><td class=\"num\">"
              << fmt_percent_stat(c.final_test) << "</td>";
        else
            o << "<td class=\"num\">" << fmt_percent_stat(c.best_test) << "</td>";
        o << "<td class=\"num\">" << fmt_stat(c.epochs_to_best, 1) << "</td><td class=\"num\">"
          << fmt_stat(c.train_seconds, 1) << "</td><td class=\"num\">" << fmt_count(c.samples_per_second.mean)
          << "</td><td class=\"num\">" << fmt_count(c.parameters.mean) << "</td></tr>\n";
        const std::string errors = config_errors(sweep, c);
        if (!errors.empty())
            o << "<tr class=\"errrow\"><td></td><td colspan=\"" << columns - 1 << "\"><span class=\"err\">failed "
              << xml_escape(errors) << "</span></td></tr>\n";
    }
    o << "</tbody></table>\n";
    o << "<p class=\"note\">Mean ± sample standard deviation over each configuration's runs (ok and diverged; failed "
         "runs have no numbers). &#9660; marks the ranking column; val = validation.</p>\n";
}

void best_run_section(std::ostringstream& o, const SweepRecord& sweep, const SweepSummary& s) {
    o << "<h2>Best run</h2>\n";
    if (s.best_run >= sweep.runs.size()) {
        o << "<p class=\"note\">No run has finished with an accuracy.</p>\n";
        return;
    }
    const RunRecord& r = sweep.runs[s.best_run];
    const bool val = s.rank_by == "validation";
    o << "<p><code>" << xml_escape(r.id.empty() ? sweep.experiment : r.id) << "</code>: ";
    if (val)
        o << "best validation accuracy " << fmt_percent(r.best_validation_accuracy) << " at epoch "
          << r.best_validation_epoch << ", ";
    o << "final test accuracy " << fmt_percent(r.test_accuracy) << " after " << r.epochs << " epochs";
    if (!r.network.empty()) o << "; network <code>" << xml_escape(r.network) << "</code>";
    o << ".</p>\n<div class=\"figrow\">\n";

    o << "<div><h3>Confusion matrix (test set, last epoch)</h3>\n";
    if (r.confusion.empty()) o << "<p class=\"note\">The summary has no confusion matrix.</p>\n";
    else
        o << confusion_svg(r.confusion)
          << "<p class=\"note\">Rows: true label; columns: predicted. Blue: correct, orange: mistakes (darker = "
             "more).</p>\n";
    o << "</div>\n";

    o << "<div><h3>What the first hidden layer looks for</h3>\n";
    LayerImages layer;
    try {
        layer = first_layer_images(read_model_file(run_model_file(r.dir, ModelSelection::last)).tensors);
    } catch (const std::exception& e) {
        layer.note = e.what();
    }
    {
        if (layer.images.empty()) {
            o << "<p class=\"note\">No pictures: " << xml_escape(layer.note) << ".</p>\n";
        } else {
            o << "<p class=\"note\">Each square is one neuron's " << layer.side * layer.side
              << " incoming weights laid out like the input image: <span class=\"key\"></span> red negative, "
                 "blue positive, brighter = stronger (scaled per neuron)";
            if (static_cast<int>(layer.images.size()) < layer.units)
                o << "; the first " << layer.images.size() << " of " << layer.units << " neurons";
            o << ".</p>\n<div class=\"neurons\">\n";
            for (const NeuronImage& n : layer.images)
                o << "<figure><img src=\"" << png_data_uri(n.png) << "\" width=\"" << layer.side << "\" height=\""
                  << layer.side << "\" alt=\"neuron " << n.neuron << " weights\" title=\"neuron " << n.neuron
                  << ", max |w| = " << fmt_fixed(n.max_abs, 4) << "\"><figcaption>" << n.neuron
                  << "</figcaption></figure>\n";
            o << "</div>\n";
        }
    }
    o << "</div>\n</div>\n";
}

void run_list(std::ostringstream& o, const SweepRecord& sweep, const SweepSummary& s) {
    const bool val = s.rank_by == "validation";
    o << "<h2>All runs</h2>\n<table class=\"runs\">\n<thead><tr><th>run</th><th>status</th><th class=\"num\">epochs</th>";
    if (val) o << "<th class=\"num\">best validation acc</th>";
    o << "<th class=\"num\">final test acc</th><th class=\"num\">train s</th><th>notes</th></tr></thead>\n<tbody>\n";
    for (const RunRecord& r : sweep.runs) {
        const std::string name = xml_escape(r.id.empty() ? sweep.experiment : r.id);
        o << "<tr><td class=\"mono\">"
          << (sweep.single_run || r.id.empty() ? name : "<a href=\"runs/" + xml_escape(r.id) + "/\">" + name + "</a>")
          << "</td><td>"
          << chip(r.status) << "</td><td class=\"num\">"
          << (r.finished() && !(r.status == RunStatus::failed && r.epochs == 0) ? std::to_string(r.epochs) : "-") << "</td>";
        if (val) o << "<td class=\"num\">" << fmt_percent(r.best_validation_accuracy) << "</td>";
        o << "<td class=\"num\">" << fmt_percent(r.test_accuracy) << "</td><td class=\"num\">"
          << fmt_fixed(r.train_seconds, 1) << "</td><td>";
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
        o << "Numbers come from the <b>validation</b> split (held out from training); configurations are ranked by "
             "mean <b>best validation accuracy</b>. Test accuracy is shown for reference only.";
    else
        o << "The sweep has no validation split: numbers come from the <b>test</b> split and configurations are "
             "ranked by mean <b>final test accuracy</b>.";
    o << "</p>\n";

    headline(o, sweep, s);

    o << "<h2>Ranked configurations</h2>\n";
    ranked_table(o, sweep, s);

    o << "<h2>Learning curves</h2>\n";
    o << render_svg(accuracy_curves(sweep, s));
    o << render_svg(loss_curves(sweep, s));
    bool any_diverged = false;
    for (const RunRecord& r : sweep.runs) any_diverged |= r.status == RunStatus::diverged;
    o << "<p class=\"note\">One line per configuration (the best drawn thicker); the shaded band spans the runs' "
         "min..max at each epoch.";
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
