#include "report/aggregate.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace soma {

namespace {
constexpr double nan = std::numeric_limits<double>::quiet_NaN();
}

ConfigSummary::ConfigSummary() : rank_value(nan) {}
SweepSummary::SweepSummary() : best_run(static_cast<std::size_t>(-1)) {}

bool sweep_has_validation(const SweepRecord& sweep) {
    for (const RunRecord& r : sweep.runs)
        if (r.has_validation()) return true;
    return false;
}

double run_rank_value(const RunRecord& run, const std::string& rank_by) {
    if (run.status == RunStatus::failed || run.status == RunStatus::pending) return nan;
    return rank_by == "validation" ? run.best_validation_accuracy : run.test_accuracy;
}

SweepSummary summarize(const SweepRecord& sweep) {
    SweepSummary out;
    const bool validation = sweep_has_validation(sweep);
    out.rank_by = validation ? "validation" : "test";

    std::map<std::string, std::size_t> index;
    for (std::size_t i = 0; i < sweep.runs.size(); ++i) {
        const RunRecord& run = sweep.runs[i];
        auto [it, added] = index.emplace(run.config_id, out.configs.size());
        if (added) {
            ConfigSummary c;
            c.config_id = run.config_id;
            c.label = run.config_id.empty() ? sweep.experiment : run.config_id;
            for (const auto& a : run.assignments)
                if (a.first != "training.seed") c.assignments.push_back(a);
            out.configs.push_back(std::move(c));
        }
        out.configs[it->second].runs.push_back(i);
    }

    for (ConfigSummary& c : out.configs) {
        std::vector<double> fv, bv, ft, bt, eb, ts, sps, params;
        for (std::size_t i : c.runs) {
            const RunRecord& r = sweep.runs[i];
            if (r.status == RunStatus::pending) { ++c.pending; continue; }
            ++c.n_runs;
            if (r.status == RunStatus::ok) ++c.ok;
            else if (r.status == RunStatus::diverged) ++c.diverged;
            else { ++c.failed; continue; }
            fv.push_back(r.validation_accuracy);
            bv.push_back(r.best_validation_accuracy);
            ft.push_back(r.test_accuracy);
            bt.push_back(r.best_test_accuracy);
            const bool has = validation ? std::isfinite(r.best_validation_accuracy) : std::isfinite(r.best_test_accuracy);
            eb.push_back(has ? (validation ? r.best_validation_epoch : r.best_test_epoch) : nan);
            ts.push_back(r.train_seconds);
            sps.push_back(r.samples_per_second);
            params.push_back(r.parameters);
        }
        c.final_validation = stat_of(fv);
        c.best_validation = stat_of(bv);
        c.final_test = stat_of(ft);
        c.best_test = stat_of(bt);
        c.epochs_to_best = stat_of(eb);
        c.train_seconds = stat_of(ts);
        c.samples_per_second = stat_of(sps);
        c.parameters = stat_of(params);
        c.rank_value = validation ? c.best_validation.mean : c.final_test.mean;
    }

    std::stable_sort(out.configs.begin(), out.configs.end(), [](const ConfigSummary& a, const ConfigSummary& b) {
        const bool fa = std::isfinite(a.rank_value), fb = std::isfinite(b.rank_value);
        if (fa != fb) return fa;
        return fa && a.rank_value > b.rank_value;
    });
    for (std::size_t i = 0; i < out.configs.size(); ++i) out.configs[i].rank = static_cast<int>(i) + 1;

    if (!out.configs.empty()) {
        double best = -std::numeric_limits<double>::infinity();
        for (std::size_t i : out.configs.front().runs) {
            double v = run_rank_value(sweep.runs[i], out.rank_by);
            // A run that did not diverge beats one that did at the same score.
            if (std::isfinite(v) && (v > best || (v == best && sweep.runs[i].status == RunStatus::ok &&
                                                  sweep.runs[out.best_run].status != RunStatus::ok))) {
                best = v;
                out.best_run = i;
            }
        }
    }
    return out;
}

double metric_value(const EpochRow& row, CurveMetric metric) {
    switch (metric) {
        case CurveMetric::validation_accuracy: return row.validation_accuracy;
        case CurveMetric::test_accuracy: return row.test_accuracy;
        case CurveMetric::train_loss: return row.train_loss;
        case CurveMetric::train_accuracy: return row.train_accuracy;
        case CurveMetric::test_loss: return row.test_loss;
        case CurveMetric::validation_loss: return row.validation_loss;
    }
    return nan;
}

Curve run_curve(const RunRecord& run, CurveMetric metric) {
    Curve c;
    for (const EpochRow& row : run.metrics) {
        double v = metric_value(row, metric);
        if (!std::isfinite(v)) continue;
        c.epoch.push_back(row.epoch);
        c.mean.push_back(v);
        c.min.push_back(v);
        c.max.push_back(v);
    }
    return c;
}

Curve config_curve(const SweepRecord& sweep, const ConfigSummary& config, CurveMetric metric, bool skip_diverged) {
    std::map<int, std::vector<double>> by_epoch;
    for (std::size_t i : config.runs) {
        const RunRecord& r = sweep.runs[i];
        if (r.status == RunStatus::failed || (skip_diverged && r.status == RunStatus::diverged)) continue;
        for (const EpochRow& row : r.metrics) {
            double v = metric_value(row, metric);
            if (std::isfinite(v)) by_epoch[row.epoch].push_back(v);
        }
    }
    Curve c;
    for (const auto& [epoch, values] : by_epoch) {
        c.epoch.push_back(epoch);
        c.mean.push_back(stat_of(values).mean);
        c.min.push_back(*std::min_element(values.begin(), values.end()));
        c.max.push_back(*std::max_element(values.begin(), values.end()));
    }
    return c;
}

}  // namespace soma
