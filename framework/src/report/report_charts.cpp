#include "report/report_charts.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <tuple>

#include "report/format.h"
#include "report/summary_table.h"

namespace soma {

namespace {

ChartSeries curve_series(const ConfigSummary& c, const Curve& curve) {
    ChartSeries s;
    s.name = c.label;
    s.color = config_color(c);
    s.x = curve.epoch;
    s.y = curve.mean;
    s.lo = curve.min;
    s.hi = curve.max;
    s.emphasis = c.rank == 1;
    return s;
}

std::string seeds_text(const SweepRecord& sweep) {
    for (const std::string& a : sweep.axes)
        if (a == "training.seed") return "mean over seeds, band = min..max";
    return "one run per configuration";
}

// A run's name within its configuration: "seed=4", or its id.
std::string run_name(const RunRecord& r) {
    for (const auto& [path, text] : r.assignments)
        if (path == "training.seed") return "seed=" + toml_value_label(text);
    return r.id;
}

void add_curves(LineChart& chart, const SweepRecord& sweep, const SweepSummary& summary, CurveMetric metric) {
    for (const ConfigSummary& c : summary.configs)
        chart.series.push_back(curve_series(c, config_curve(sweep, c, metric, true)));
    for (const ConfigSummary& c : summary.configs)
        for (std::size_t i : c.runs) {
            const RunRecord& r = sweep.runs[i];
            if (r.status != "diverged") continue;
            Curve curve = run_curve(r, metric);
            ChartSeries s;
            s.name = c.label + " " + run_name(r) + " (diverged)";
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
    chart.legend_title = "configuration (by rank)";
    add_curves(chart, sweep, summary, CurveMetric::train_loss);
    return chart;
}

bool hidden_size_chart(const SweepRecord& sweep, const SweepSummary& summary, LineChart& chart, std::string& note) {
    // Each configuration's model shape: from its first run with a known one.
    std::vector<const ModelShape*> shapes;
    std::set<std::string> distinct;
    for (const ConfigSummary& c : summary.configs) {
        const ModelShape* shape = nullptr;
        for (std::size_t i : c.runs)
            if (sweep.runs[i].model.known) { shape = &sweep.runs[i].model; break; }
        shapes.push_back(shape);
        if (shape) distinct.insert(shape->hidden_label());
    }
    if (distinct.size() < 2) {
        note = "The sweep does not vary the hidden-layer sizes, so there is no accuracy-against-size chart.";
        return false;
    }

    // One line per setting of the other axes (usually the activation).
    const std::vector<std::string> axes = config_axes(sweep);
    std::vector<std::string> others;
    for (const std::string& a : axes)
        if (a != "model.hidden") others.push_back(a);
    const std::vector<std::string> short_names = short_axis_names(others);

    struct Point { const ConfigSummary* config; const ModelShape* shape; };
    std::vector<std::string> series_order;
    std::map<std::string, std::vector<Point>> series;
    for (std::size_t k = 0; k < summary.configs.size(); ++k) {
        const ConfigSummary& c = summary.configs[k];
        if (!shapes[k]) continue;
        std::string key;
        if (others.size() == 1 && others[0] == "model.activation") {
            key = assignment_label(c, others[0]);
        } else {
            for (std::size_t i = 0; i < others.size(); ++i)
                key += (key.empty() ? "" : ",") + short_names[i] + "=" + assignment_label(c, others[i]);
        }
        if (key.empty()) key = shapes[k]->activation.empty() ? sweep.experiment : shapes[k]->activation;
        if (!series.count(key)) series_order.push_back(key);
        series[key].push_back({&c, shapes[k]});
    }
    std::sort(series_order.begin(), series_order.end());

    // Categories when a line has two configurations with the same total.
    bool categorical = false;
    for (const auto& [key, points] : series) {
        std::set<int> totals;
        for (const Point& p : points)
            if (!totals.insert(p.shape->total_units()).second) categorical = true;
    }
    std::vector<std::tuple<int, std::size_t, std::string>> specs;  // total, depth, label
    std::set<double> totals;
    for (const auto& [key, points] : series)
        for (const Point& p : points) {
            auto spec = std::make_tuple(p.shape->total_units(), p.shape->hidden.size(), p.shape->hidden_label());
            if (std::find(specs.begin(), specs.end(), spec) == specs.end()) specs.push_back(spec);
            totals.insert(p.shape->total_units());
        }
    std::sort(specs.begin(), specs.end());
    if (!categorical && totals.count(0)) categorical = true;  // no hidden layer: not on a log axis

    const bool val = summary.rank_by == "validation";
    chart = LineChart{};
    chart.id = "hidden-size";
    chart.title = std::string(val ? "Best validation" : "Final test") + " accuracy against hidden-layer size";
    chart.y.label = val ? "best validation accuracy" : "final test accuracy";
    chart.y.percent = true;
    chart.legend_title = others.empty() ? "model" : (others.size() == 1 ? short_names[0] : "setting");
    if (categorical) {
        chart.x.label = "hidden layers (units per layer)";
        for (const auto& s : specs) chart.x.categories.push_back(std::get<2>(s));
    } else {
        chart.x.label = "total hidden units (log scale)";
        chart.x.log = true;
        chart.x.ticks.assign(totals.begin(), totals.end());
    }
    for (std::size_t si = 0; si < series_order.size(); ++si) {
        std::vector<Point> points = series[series_order[si]];
        auto x_of = [&](const Point& p) {
            if (!categorical) return static_cast<double>(p.shape->total_units());
            auto spec = std::make_tuple(p.shape->total_units(), p.shape->hidden.size(), p.shape->hidden_label());
            return static_cast<double>(std::find(specs.begin(), specs.end(), spec) - specs.begin());
        };
        std::sort(points.begin(), points.end(), [&](const Point& a, const Point& b) { return x_of(a) < x_of(b); });
        ChartSeries s;
        s.name = series_order[si];
        s.color = palette_color(si);
        for (const Point& p : points) {
            double lo = INFINITY, hi = -INFINITY;
            for (std::size_t i : p.config->runs) {
                double v = run_rank_value(sweep.runs[i], summary.rank_by);
                if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
            }
            s.x.push_back(x_of(p));
            s.y.push_back(p.config->rank_value);
            s.lo.push_back(std::isfinite(lo) ? lo : NAN);
            s.hi.push_back(std::isfinite(hi) ? hi : NAN);
            if (p.config->rank == 1) s.emphasis = true;
        }
        chart.series.push_back(std::move(s));
    }
    note = "Each point is a configuration's mean over its seeds; the band spans the runs' min..max.";
    return true;
}

}  // namespace soma
