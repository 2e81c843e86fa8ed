#include "report/report_charts.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <tuple>

#include "report/summary_table.h"
#include "toolkit/format.h"

namespace soma {

namespace {

ChartSeries curve_series(const ConfigSummary& c, const Curve& curve) {
    ChartSeries s;
    s.name = c.label;
    s.color = config_color(c);
    s.x = curve.epoch;
    s.y = curve.mean;
    s.lo = curve.lo;
    s.hi = curve.hi;
    s.emphasis = c.rank == 1;
    return s;
}

std::string seeds_text(const SweepRecord& sweep) {
    for (const std::string& a : sweep.axes)
        if (a == "training.seed") return "mean over seeds, band = its 95% interval";
    return "one run per configuration";
}

void add_curves(LineChart& chart, const SweepRecord& sweep, const SweepSummary& summary, CurveMetric metric) {
    for (const ConfigSummary& c : summary.configs)
        chart.series.push_back(curve_series(c, config_curve(sweep, c, metric, true)));
    for (const ConfigSummary& c : summary.configs)
        for (std::size_t i : c.runs) {
            const RunRecord& r = sweep.runs[i];
            if (r.status != RunStatus::diverged) continue;
            Curve curve = run_curve(r, metric);
            ChartSeries s;
            s.name = c.label + " " + run_short_name(r) + " (diverged)";
            s.color = config_color(c);
            s.x = curve.epoch;
            s.y = curve.mean;
            s.dashed = true;
            s.sets_range = false;
            chart.series.push_back(std::move(s));
        }
}

}  // namespace

std::string config_color(const ConfigSummary& config) {
    return palette_color(static_cast<std::size_t>(std::max(config.rank, 1) - 1));
}

LineChart accuracy_curves(const SweepRecord& sweep, const SweepSummary& summary) {
    const bool val = summary.rank_by == "validation";
    LineChart chart;
    chart.id = "curve-accuracy";
    chart.title = std::string(val ? "Validation" : "Test") + " accuracy per epoch (" + seeds_text(sweep) + ")";
    chart.x.label = "epoch";
    chart.x.integer = true;
    chart.y.label = val ? "validation accuracy" : "test accuracy";
    chart.y.percent = true;
    chart.y.say_start = true;
    chart.legend_title = "configuration (by rank)";
    add_curves(chart, sweep, summary, val ? CurveMetric::validation_accuracy : CurveMetric::test_accuracy);
    return chart;
}

LineChart loss_curves(const SweepRecord& sweep, const SweepSummary& summary) {
    LineChart chart;
    chart.id = "curve-loss";
    chart.title = "Training loss per epoch (" + seeds_text(sweep) + ")";
    chart.x.label = "epoch";
    chart.x.integer = true;
    chart.y.label = "training loss";
    chart.y.say_start = true;
    chart.legend_title = "configuration (by rank)";
    add_curves(chart, sweep, summary, CurveMetric::train_loss);
    return chart;
}

namespace {

// Each configuration's model shape: from its first run with a known one (null when none has).
std::vector<const ModelShape*> config_shapes(const SweepRecord& sweep, const SweepSummary& summary) {
    std::vector<const ModelShape*> shapes;
    for (const ConfigSummary& c : summary.configs) {
        const ModelShape* shape = nullptr;
        for (std::size_t i : c.runs)
            if (sweep.runs[i].model.known) { shape = &sweep.runs[i].model; break; }
        shapes.push_back(shape);
    }
    return shapes;
}

std::string depth_text(std::size_t layers) {
    return std::to_string(layers) + (layers == 1 ? " hidden layer" : " hidden layers");
}

// A configuration's line: the values of the axes other than model.hidden
// (the activation, usually) and its depth, so that 16 and 16x16 are two lines.
std::string size_line_name(const SweepRecord& sweep, const ConfigSummary& c, const ModelShape& shape) {
    std::vector<std::string> others;
    for (const std::string& a : config_axes(sweep))
        if (a != "model.hidden") others.push_back(a);
    const std::vector<std::string> short_names = short_axis_names(others);
    std::string key;
    for (std::size_t i = 0; i < others.size(); ++i)
        key += (key.empty() ? "" : ", ") +
               (others.size() == 1 && others[0] == "model.activation" ? "" : short_names[i] + "=") +
               assignment_label(c, others[i]);
    if (key.empty() && !shape.activation.empty()) key = shape.activation;
    return (key.empty() ? "" : key + ", ") + depth_text(shape.hidden.size());
}

}  // namespace

bool hidden_size_chart(const SweepRecord& sweep, const SweepSummary& summary, LineChart& chart, std::string& note) {
    const std::vector<const ModelShape*> shapes = config_shapes(sweep, summary);
    std::set<std::string> distinct;
    for (const ModelShape* shape : shapes)
        if (shape) distinct.insert(shape->hidden_label());
    if (distinct.size() < 2) {
        note = "The sweep does not vary the hidden-layer sizes, so there is no accuracy-against-size chart.";
        return false;
    }
    // Points per line, each a configuration at its parameter count.
    std::map<std::string, std::vector<std::size_t>> lines;
    std::vector<double> sizes;
    for (std::size_t k = 0; k < summary.configs.size(); ++k) {
        const ConfigSummary& c = summary.configs[k];
        if (!shapes[k] || !(c.parameters.mean > 0) || !std::isfinite(c.rank_value)) continue;
        lines[size_line_name(sweep, c, *shapes[k])].push_back(k);
        sizes.push_back(c.parameters.mean);
    }

    const bool val = summary.rank_by == "validation";
    chart = LineChart{};
    chart.id = "hidden-size";
    chart.title = std::string(val ? "Validation" : "Test") + " accuracy against model size";
    chart.y.label = val ? "validation accuracy" : "test accuracy";
    chart.y.percent = true;
    chart.y.say_start = true;
    chart.x.label = "parameters (weights and biases, log scale)";
    chart.x.log = true;
    chart.x.ticks = log_ticks(sizes);
    chart.legend_title = "line";
    std::size_t index = 0;
    for (auto& [name, configs] : lines) {
        std::sort(configs.begin(), configs.end(), [&](std::size_t a, std::size_t b) {
            return summary.configs[a].parameters.mean < summary.configs[b].parameters.mean;
        });
        ChartSeries s;
        s.name = name;
        s.color = palette_color(index++);
        s.error_bars = true;
        for (std::size_t k : configs) {
            const ConfigSummary& c = summary.configs[k];
            const Stat figure = stat_of(c.ranked.values);
            s.x.push_back(c.parameters.mean);
            s.y.push_back(figure.mean);
            s.lo.push_back(figure.lo());
            s.hi.push_back(figure.hi());
            if (c.rank == 1) s.emphasis = true;
        }
        chart.series.push_back(std::move(s));
    }
    note = "Each point is a configuration at its number of weights and biases: the mean " + rank_measure(summary) +
           " over its runs, the bar its 95% interval. One line per " +
           (lines.size() > 1 ? std::string("setting and depth (one and two hidden layers are separate lines)")
                             : std::string("depth")) +
           ".";
    return true;
}

}  // namespace soma
