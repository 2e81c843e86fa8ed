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

struct SizePoint {
    const ConfigSummary* config;
    const ModelShape* shape;
};

// One line per setting of the other axes (usually the activation), in name order.
struct SizeLines {
    std::vector<std::string> others, short_names;  // the other axes, and their short names
    std::vector<std::string> order;
    std::map<std::string, std::vector<SizePoint>> points;
};

SizeLines size_lines(const SweepRecord& sweep, const SweepSummary& summary,
                     const std::vector<const ModelShape*>& shapes) {
    SizeLines lines;
    for (const std::string& a : config_axes(sweep))
        if (a != "model.hidden") lines.others.push_back(a);
    lines.short_names = short_axis_names(lines.others);
    const std::vector<std::string>& others = lines.others;
    for (std::size_t k = 0; k < summary.configs.size(); ++k) {
        const ConfigSummary& c = summary.configs[k];
        if (!shapes[k]) continue;
        std::string key;
        if (others.size() == 1 && others[0] == "model.activation") {
            key = assignment_label(c, others[0]);
        } else {
            for (std::size_t i = 0; i < others.size(); ++i)
                key += (key.empty() ? "" : ",") + lines.short_names[i] + "=" + assignment_label(c, others[i]);
        }
        if (key.empty()) key = shapes[k]->activation.empty() ? sweep.experiment : shapes[k]->activation;
        if (!lines.points.count(key)) lines.order.push_back(key);
        lines.points[key].push_back({&c, shapes[k]});
    }
    std::sort(lines.order.begin(), lines.order.end());
    return lines;
}

// The x axis: total hidden units on a log scale, or the hidden specs as
// categories when a line has two configurations with the same total (or a
// model has no hidden layer, which a log axis cannot show).
struct SizeAxis {
    bool categorical = false;
    std::vector<std::tuple<int, std::size_t, std::string>> specs;  // total, depth, label; sorted
    std::set<double> totals;

    double x_of(const SizePoint& p) const {
        if (!categorical) return static_cast<double>(p.shape->total_units());
        auto spec = std::make_tuple(p.shape->total_units(), p.shape->hidden.size(), p.shape->hidden_label());
        return static_cast<double>(std::find(specs.begin(), specs.end(), spec) - specs.begin());
    }
};

SizeAxis size_axis(const SizeLines& lines) {
    SizeAxis axis;
    for (const auto& [key, points] : lines.points) {
        std::set<int> totals;
        for (const SizePoint& p : points)
            if (!totals.insert(p.shape->total_units()).second) axis.categorical = true;
    }
    for (const auto& [key, points] : lines.points)
        for (const SizePoint& p : points) {
            auto spec = std::make_tuple(p.shape->total_units(), p.shape->hidden.size(), p.shape->hidden_label());
            if (std::find(axis.specs.begin(), axis.specs.end(), spec) == axis.specs.end()) axis.specs.push_back(spec);
            axis.totals.insert(p.shape->total_units());
        }
    std::sort(axis.specs.begin(), axis.specs.end());
    if (!axis.categorical && axis.totals.count(0)) axis.categorical = true;
    return axis;
}

// A line's points in x order: each configuration's mean, with its runs' min..max as the band.
ChartSeries size_series(const std::string& name, std::size_t index, std::vector<SizePoint> points,
                        const SizeAxis& axis, const SweepRecord& sweep, const SweepSummary& summary) {
    std::sort(points.begin(), points.end(),
              [&](const SizePoint& a, const SizePoint& b) { return axis.x_of(a) < axis.x_of(b); });
    ChartSeries s;
    s.name = name;
    s.color = palette_color(index);
    for (const SizePoint& p : points) {
        double lo = INFINITY, hi = -INFINITY;
        for (std::size_t i : p.config->runs) {
            double v = run_rank_value(sweep.runs[i], summary.rank_by);
            if (std::isfinite(v)) lo = std::min(lo, v), hi = std::max(hi, v);
        }
        s.x.push_back(axis.x_of(p));
        s.y.push_back(p.config->rank_value);
        s.lo.push_back(std::isfinite(lo) ? lo : NAN);
        s.hi.push_back(std::isfinite(hi) ? hi : NAN);
        if (p.config->rank == 1) s.emphasis = true;
    }
    return s;
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
    const SizeLines lines = size_lines(sweep, summary, shapes);
    const SizeAxis axis = size_axis(lines);

    const bool val = summary.rank_by == "validation";
    chart = LineChart{};
    chart.id = "hidden-size";
    chart.title = std::string(val ? "Best validation" : "Final test") + " accuracy against hidden-layer size";
    chart.y.label = val ? "best validation accuracy" : "final test accuracy";
    chart.y.percent = true;
    chart.legend_title = lines.others.empty() ? "model" : (lines.others.size() == 1 ? lines.short_names[0] : "setting");
    if (axis.categorical) {
        chart.x.label = "hidden layers (units per layer)";
        for (const auto& s : axis.specs) chart.x.categories.push_back(std::get<2>(s));
    } else {
        chart.x.label = "total hidden units (log scale)";
        chart.x.log = true;
        chart.x.ticks.assign(axis.totals.begin(), axis.totals.end());
    }
    for (std::size_t i = 0; i < lines.order.size(); ++i)
        chart.series.push_back(size_series(lines.order[i], i, lines.points.at(lines.order[i]), axis, sweep, summary));
    note = "Each point is a configuration's mean over its seeds; the band spans the runs' min..max.";
    return true;
}

}  // namespace soma
