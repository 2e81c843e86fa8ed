#include "report/aggregate.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "toolkit/format.h"
#include "toolkit/verdict.h"

namespace soma {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

// Runs pair across configurations when the same seed cut the same split of
// the same data (the split and the batch order follow training.seed).
std::string split_key(const RunRecord& r) {
    return r.dataset + " " + std::to_string(r.train_samples) + "/" + std::to_string(r.validation_samples) + "/" +
           std::to_string(r.test_samples);
}

// The names sentences use: the axis value when the sweep varies one axis
// ("relu"), else the configuration's label.
std::vector<std::string> sentence_names(const SweepSummary& s) {
    bool one_axis = true;
    for (const ConfigSummary& c : s.configs) one_axis = one_axis && c.assignments.size() == 1;
    std::vector<std::string> names;
    for (const ConfigSummary& c : s.configs)
        names.push_back(one_axis ? toml_value_label(c.assignments.front().second) : c.label);
    return names;
}

VerdictWords verdict_words(const SweepSummary& s) {
    VerdictWords w;
    w.names = sentence_names(s);
    for (const ConfigSummary& c : s.configs) w.counts.push_back(stat_of(c.ranked.values).n);
    w.measure = rank_measure(s);
    w.noun = "configuration";
    return w;
}

}  // namespace

ConfigSummary::ConfigSummary() : rank_value(nan) {}
SweepSummary::SweepSummary() : best_run(static_cast<std::size_t>(-1)) {}

bool sweep_has_validation(const SweepRecord& sweep) {
    for (const RunRecord& r : sweep.runs)
        if (r.has_validation()) return true;
    return false;
}

double run_rank_value(const RunRecord& run, const std::string& rank_by) {
    if (run.status == RunStatus::failed || run.status == RunStatus::pending) return nan;
    return rank_by == "validation" ? run.chosen_validation_accuracy : run.chosen_test_accuracy;
}

std::string rank_measure(const SweepSummary& s) {
    return s.rank_by == "validation" ? "validation accuracy" : "test accuracy";
}

SweepSummary summarize(const SweepRecord& sweep) {
    SweepSummary out;
    out.rank_by = sweep_has_validation(sweep) ? "validation" : "test";

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
        std::vector<double> val, test, fv, ft, epoch, ts, sps, params;
        bool mixed_splits = false;
        for (std::size_t i : c.runs) {
            const RunRecord& r = sweep.runs[i];
            if (r.status == RunStatus::pending) { ++c.pending; continue; }
            ++c.n_runs;
            if (r.status == RunStatus::ok) ++c.ok;
            else if (r.status == RunStatus::diverged) ++c.diverged;
            else { ++c.failed; continue; }
            val.push_back(r.chosen_validation_accuracy);
            test.push_back(r.chosen_test_accuracy);
            fv.push_back(r.validation_accuracy);
            ft.push_back(r.test_accuracy);
            epoch.push_back(r.chosen_epoch > 0 ? r.chosen_epoch : nan);
            ts.push_back(r.train_seconds);
            sps.push_back(r.samples_per_second);
            params.push_back(r.parameters);
            if (c.ranked.split.empty()) c.ranked.split = split_key(r);
            mixed_splits = mixed_splits || c.ranked.split != split_key(r);
            for (auto [sample, v] : {std::pair{&c.ranked, run_rank_value(r, out.rank_by)},
                                     std::pair{&c.test_figures, r.chosen_test_accuracy}})
                if (std::isfinite(v)) sample->values.push_back(v), sample->seeds.push_back(r.seed);
        }
        // Runs that saw different data are never paired.
        c.ranked.split = mixed_splits ? std::string() : c.ranked.split;
        c.test_figures.split = c.ranked.split;
        c.validation = stat_of(val);
        c.test = stat_of(test);
        c.final_validation = stat_of(fv);
        c.final_test = stat_of(ft);
        c.chosen_epoch = stat_of(epoch);
        c.train_seconds = stat_of(ts);
        c.samples_per_second = stat_of(sps);
        c.parameters = stat_of(params);
        c.rank_value = stat_of(c.ranked.values).mean;
    }

    std::stable_sort(out.configs.begin(), out.configs.end(), [](const ConfigSummary& a, const ConfigSummary& b) {
        const bool fa = std::isfinite(a.rank_value), fb = std::isfinite(b.rank_value);
        if (fa != fb) return fa;
        return fa && a.rank_value > b.rank_value;
    });
    for (std::size_t i = 0; i < out.configs.size(); ++i) out.configs[i].rank = static_cast<int>(i) + 1;

    std::vector<SeededSample> groups;
    for (const ConfigSummary& c : out.configs) groups.push_back(c.ranked);
    out.verdict = compare_with_leader(groups, 0);

    // The best run: the best ranking figure of any run; a run that did not
    // diverge beats one that did at the same figure.
    double best = -std::numeric_limits<double>::infinity();
    for (std::size_t i = 0; i < sweep.runs.size(); ++i) {
        const double v = run_rank_value(sweep.runs[i], out.rank_by);
        if (!std::isfinite(v)) continue;
        const bool better_status = out.best_run < sweep.runs.size() && sweep.runs[i].status == RunStatus::ok &&
                                   sweep.runs[out.best_run].status != RunStatus::ok;
        if (v > best || (v == best && better_status)) best = v, out.best_run = i;
    }
    return out;
}

int fewest_seeds(const SweepSummary& s) {
    std::vector<int> counts;
    for (const ConfigSummary& c : s.configs) counts.push_back(stat_of(c.ranked.values).n);
    return fewest_values(counts);
}

std::vector<std::string> ranking_warnings(const SweepSummary& s) {
    std::vector<std::string> out;
    const int fewest = fewest_seeds(s);
    int most = 0;
    for (const ConfigSummary& c : s.configs) most = std::max(most, stat_of(c.ranked.values).n);
    if (fewest > 0 && fewest < 3 && s.configs.size() > 1)
        out.push_back("Only " + std::to_string(fewest) + (fewest == 1 ? " run" : " runs") +
                      (fewest == most ? " per configuration" : " for some configuration") +
                      ": with fewer than 3 seeds per configuration a ranking is no evidence (sweep "
                      "\"training.seed\" = [1, 2, 3, 4, 5]).");
    if (s.rank_by == "test" && fewest > 0)
        out.push_back("No validation split: the epochs are the last ones and the ranking uses the test set, so its "
                      "accuracies are no longer an unbiased estimate for new data (set data.validation = 0.1).");
    return out;
}

std::string sweep_headline(const SweepSummary& s) {
    if (s.configs.empty() || !std::isfinite(s.configs.front().rank_value)) return "No finished run has an accuracy yet.";
    const VerdictWords w = verdict_words(s);
    const ConfigSummary& lead = s.configs.front();
    auto test_of = [](const ConfigSummary& c) {
        return fmt_percent_stat(c.test) + (c.test.n > 1 ? "" : " (one run)");
    };
    if (s.verdict.others.empty()) {
        std::string out = lead.label + ": " + rank_measure(s) + " " + fmt_percent_stat(stat_of(lead.ranked.values));
        if (s.rank_by == "validation") out += ", test accuracy at the chosen epoch " + fmt_percent_stat(lead.test);
        const int n = stat_of(lead.ranked.values).n;
        return out + (n > 1 ? " (mean ± 95% interval over " + std::to_string(n) + " runs)." : " (one run).");
    }
    std::string out = verdict_headline(s.verdict, w);
    if (s.rank_by == "validation") {
        out += " Test accuracy at the chosen epoch: " + w.names[0] + " " + test_of(lead);
        if (s.configs.size() == 2 && std::isfinite(s.configs[1].rank_value))
            out += ", " + w.names[1] + " " + test_of(s.configs[1]);
        out += ".";
    }
    return out;
}

std::string sweep_power_note(const SweepSummary& s) { return power_sentence(s.verdict, verdict_words(s)); }

std::string versus_leader(const SweepSummary& s, std::size_t config) {
    if (!std::isfinite(s.configs[config].rank_value)) return "-";
    return versus_leader_cell(s.verdict, config);
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
        c.lo.push_back(nan);
        c.hi.push_back(nan);
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
        const Stat s = stat_of(values);
        c.epoch.push_back(epoch);
        c.mean.push_back(s.mean);
        c.lo.push_back(s.lo());
        c.hi.push_back(s.hi());
    }
    return c;
}

}  // namespace soma
