#include "report/compare.h"

#include <cmath>
#include <functional>
#include <map>
#include <sstream>

#include "config/document.h"
#include "config/toml_text.h"
#include "report/aggregate.h"
#include "toolkit/format.h"
#include "toolkit/stats.h"

namespace soma {

namespace fs = std::filesystem;

namespace {

std::string signed_fixed(double v, int decimals) {
    std::string s = fmt_fixed(v, decimals);
    return v > 0 || (v == 0 && !std::signbit(v)) ? "+" + s : s;
}

// B - A of two accuracies, in percentage points.
std::string diff_points(double a, double b) {
    if (!std::isfinite(a) || !std::isfinite(b)) return "";
    return signed_fixed(100 * (b - a), 2) + " pp";
}

// B - A of two plain numbers, with the relative change.
std::string diff_number(double a, double b, int decimals) {
    if (!std::isfinite(a) || !std::isfinite(b)) return "";
    if (a == b) return "=";
    std::string s = decimals == 0 ? (b >= a ? "+" : "-") + fmt_count(std::fabs(b - a)) : signed_fixed(b - a, decimals);
    if (a != 0) s += " (" + signed_fixed(100 * (b - a) / std::fabs(a), 1) + "%)";
    return s;
}

std::string describe(const fs::path& p, const SweepRecord& r, const SweepSummary& s) {
    if (r.single_run) return p.string() + "  (run folder, experiment " + r.experiment + ")";
    return p.string() + "  (sweep " + r.experiment + ": " + std::to_string(s.configs.size()) + " configurations, " +
           std::to_string(r.runs.size()) + " runs)";
}

// config.toml flattened to dotted keys and TOML value text as soma writes it
// ("relu", [16, 16], 0.1); empty when the file does not exist. A file that
// does not parse is an error naming file:line:column.
std::map<std::string, std::string> flat_config(const fs::path& file) {
    std::map<std::string, std::string> out;
    std::error_code ec;
    if (!fs::exists(file, ec)) return out;
    const Node root = read_toml_file(file);
    std::function<void(const Node&, const std::string&)> walk = [&](const Node& n, const std::string& key) {
        if (n.is_table()) {
            for (const auto& [k, v] : n.entries) walk(v, key.empty() ? k : key + "." + k);
            return;
        }
        if (n.type == Node::Type::array && !n.items.empty() && n.items.front().is_table()) {
            for (std::size_t i = 0; i < n.items.size(); ++i) walk(n.items[i], key + "[" + std::to_string(i) + "]");
            return;
        }
        out[key] = toml_text(n);
    };
    walk(root, "");
    return out;
}

std::string compare_runs(const RunRecord& a, const RunRecord& b) {
    std::vector<std::vector<std::string>> rows = {{"", "A", "B", "B - A"}};
    auto text = [&](const std::string& name, const std::string& x, const std::string& y) {
        rows.push_back({name, x.empty() ? "-" : x, y.empty() ? "-" : y, x == y ? "" : "differs"});
    };
    auto acc = [&](const std::string& name, double x, double y, int ex = -1, int ey = -1) {
        std::string sx = fmt_percent(x), sy = fmt_percent(y);
        if (ex > 0 && std::isfinite(x)) sx += " (epoch " + std::to_string(ex) + ")";
        if (ey > 0 && std::isfinite(y)) sy += " (epoch " + std::to_string(ey) + ")";
        rows.push_back({name, sx, sy, diff_points(x, y)});
    };
    auto number = [&](const std::string& name, double x, double y, int decimals) {
        rows.push_back({name, decimals == 0 ? fmt_count(x) : fmt_fixed(x, decimals),
                        decimals == 0 ? fmt_count(y) : fmt_fixed(y, decimals), diff_number(x, y, decimals)});
    };
    text("status", std::string(run_status_names.name(a.status)), std::string(run_status_names.name(b.status)));
    if (!a.error.empty() || !b.error.empty()) text("error", a.error, b.error);
    text("network", a.network, b.network);
    number("parameters", a.parameters, b.parameters, 0);
    number("epochs", a.epochs, b.epochs, 0);
    acc("test accuracy at the chosen epoch", a.chosen_test_accuracy, b.chosen_test_accuracy, a.chosen_epoch,
        b.chosen_epoch);
    if (a.has_validation() || b.has_validation())
        acc("validation accuracy there (3-epoch mean)", a.chosen_validation_accuracy, b.chosen_validation_accuracy);
    acc("final test accuracy", a.test_accuracy, b.test_accuracy);
    acc("best test accuracy", a.best_test_accuracy, b.best_test_accuracy, a.best_test_epoch, b.best_test_epoch);
    if (a.has_validation() || b.has_validation()) {
        acc("final validation accuracy", a.validation_accuracy, b.validation_accuracy);
        acc("best validation accuracy", a.best_validation_accuracy, b.best_validation_accuracy,
            a.best_validation_epoch, b.best_validation_epoch);
    }
    number("final training loss", a.train_loss, b.train_loss, 4);
    number("train seconds", a.train_seconds, b.train_seconds, 1);
    number("samples per second", a.samples_per_second, b.samples_per_second, 0);
    std::string out = text_table(rows, {false, true, true, true});

    auto ca = flat_config(a.dir / "config.toml"), cb = flat_config(b.dir / "config.toml");
    std::vector<std::vector<std::string>> diff = {{"setting", "A", "B"}};
    for (const auto& [k, v] : ca) {
        if (k == "experiment.name" || k == "output.dir" || k == "output.name") continue;
        auto it = cb.find(k);
        if (it == cb.end()) diff.push_back({k, v, "(not set)"});
        else if (it->second != v) diff.push_back({k, v, it->second});
    }
    for (const auto& [k, v] : cb)
        if (!ca.count(k) && k != "experiment.name" && k != "output.dir" && k != "output.name")
            diff.push_back({k, "(not set)", v});
    if (ca.empty() || cb.empty())
        out += "\nsettings: not compared, no " + (ca.empty() ? a.dir : b.dir).string() + "/config.toml\n";
    else if (diff.size() == 1) out += "\nsettings: the same (config.toml)\n";
    else out += "\nsettings that differ (config.toml):\n" + text_table(diff, {false, false, false});
    return out;
}

std::string config_row_runs(const ConfigSummary* c) {
    if (!c) return "-";
    std::string s = std::to_string(c->ok) + " ok";
    if (c->diverged) s += ", " + std::to_string(c->diverged) + " div";
    if (c->failed) s += ", " + std::to_string(c->failed) + " failed";
    return s;
}

// "+0.27 (-0.10 to +0.64)": B - A in points with its 95% interval.
std::string difference_cell(const TTest& t) {
    if (std::isnan(t.difference)) return "-";
    std::string s = signed_fixed(100 * t.difference, 2);
    if (t.tested()) s += " (" + signed_fixed(100 * t.ci_lo, 2) + " to " + signed_fixed(100 * t.ci_hi, 2) + ")";
    return s;
}

// B - A per matched configuration: the test figure (test accuracy at each
// run's chosen epoch) and, when both sides have one, the validation figure,
// each with its interval and Holm-adjusted p over the matched configurations.
std::string compare_sweeps(const SweepSummary& a, const SweepSummary& b) {
    const bool val = a.rank_by == "validation" && b.rank_by == "validation";
    std::map<std::string, const ConfigSummary*> in_b;
    for (const ConfigSummary& c : b.configs) in_b[c.config_id] = &c;
    std::vector<std::pair<const ConfigSummary*, const ConfigSummary*>> pairs;
    std::vector<std::string> only_a, only_b;
    for (const ConfigSummary& c : a.configs) {
        auto it = in_b.find(c.config_id);
        if (it == in_b.end()) only_a.push_back(c.label);
        else pairs.emplace_back(&c, it->second);
    }
    std::map<std::string, bool> in_a;
    for (const ConfigSummary& c : a.configs) in_a[c.config_id] = true;
    for (const ConfigSummary& c : b.configs)
        if (!in_a.count(c.config_id)) only_b.push_back(c.label);

    std::string out;
    if (pairs.empty()) {
        out += "no configuration in common (by config_id); comparing each side's leader:\n\n";
        if (!a.configs.empty() && !b.configs.empty()) pairs.emplace_back(&a.configs.front(), &b.configs.front());
    }
    std::vector<TTest> test_diff, val_diff;
    std::vector<double> test_p, val_p;
    for (const auto& [ca, cb] : pairs) {
        test_diff.push_back(compare_samples(cb->test_figures, ca->test_figures));
        val_diff.push_back(val ? compare_samples(cb->ranked, ca->ranked) : TTest{});
        test_p.push_back(test_diff.back().p);
        val_p.push_back(val_diff.back().p);
    }
    const std::vector<double> test_holm = holm_adjust(test_p), val_holm = holm_adjust(val_p);

    std::vector<std::string> head = {"configuration", "A runs", "B runs", "A test acc", "B test acc",
                                     "B - A test (95% CI)", "p"};
    if (val) head.insert(head.end(), {"B - A val (95% CI)", "p"});
    head.push_back("test");
    std::vector<std::vector<std::string>> rows = {head};
    for (std::size_t i = 0; i < pairs.size(); ++i) {
        const auto& [ca, cb] = pairs[i];
        const std::string name = ca->config_id == cb->config_id ? ca->label : ca->label + " | " + cb->label;
        std::vector<std::string> row = {name, config_row_runs(ca), config_row_runs(cb), fmt_percent_stat(ca->test),
                                        fmt_percent_stat(cb->test), difference_cell(test_diff[i]), fmt_p(test_holm[i])};
        if (val) row.insert(row.end(), {difference_cell(val_diff[i]), fmt_p(val_holm[i])});
        row.push_back(!test_diff[i].tested() ? "-" : test_diff[i].paired ? "paired" : "Welch");
        rows.push_back(row);
    }
    std::vector<bool> right(head.size(), true);
    right[0] = right[1] = right[2] = right.back() = false;
    out += text_table(rows, right);
    out += "\ntest acc: test accuracy at each run's chosen epoch, mean ± 95% interval; B - A in points with its 95% "
           "interval; p: two-sided t-test (paired over the seeds both sides ran on the same data split, else Welch)";
    out += pairs.size() > 1 ? ", Holm-adjusted over the " + std::to_string(pairs.size()) + " configurations.\n" : ".\n";
    if (!val)
        out += "(no validation comparison: " +
               std::string(a.rank_by == "validation" || b.rank_by == "validation" ? "only one side has a validation split"
                                                                                  : "no validation split") +
               ")\n";
    if (!only_a.empty()) {
        out += "\nonly in A:";
        for (std::size_t i = 0; i < only_a.size(); ++i) out += (i ? ", " : " ") + only_a[i];
        out += "\n";
    }
    if (!only_b.empty()) {
        out += "\nonly in B:";
        for (std::size_t i = 0; i < only_b.size(); ++i) out += (i ? ", " : " ") + only_b[i];
        out += "\n";
    }
    out += "\nA: " + sweep_headline(a) + "\nB: " + sweep_headline(b) + "\n";
    return out;
}

}  // namespace

std::string compare_text(const fs::path& a, const fs::path& b) {
    SweepRecord ra = load_results(a), rb = load_results(b);
    SweepSummary sa = summarize(ra), sb = summarize(rb);
    std::string out = "A: " + describe(a, ra, sa) + "\nB: " + describe(b, rb, sb) + "\n\n";
    if (ra.single_run && rb.single_run) return out + compare_runs(ra.runs.front(), rb.runs.front());
    return out + compare_sweeps(sa, sb);
}

}  // namespace soma
