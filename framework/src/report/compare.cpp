#include "report/compare.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <map>

#include "config/document.h"
#include "config/toml_text.h"
#include "report/aggregate.h"
#include "toolkit/format.h"
#include "toolkit/json.h"
#include "toolkit/stats.h"
#include "toolkit/text_table.h"

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

// "title a, b, c" wrapped to width, each line ending in '\n'.
std::string join_wrapped(const std::string& title, const std::vector<std::string>& items, std::size_t width) {
    std::string text = title;
    for (std::size_t i = 0; i < items.size(); ++i) text += (i ? ", " : "") + items[i];
    std::string out;
    for (const std::string& line : wrap_text(text, width)) out += line + "\n";
    return out;
}

Json number_or_null(double v) { return std::isfinite(v) ? Json(v) : Json(); }

// One side of a comparison: what was read, and what it is.
struct Side {
    fs::path path;
    SweepRecord record;
    SweepSummary summary;
};

Side load_side(const fs::path& p) {
    Side s{p, load_results(p), {}};
    s.summary = summarize(s.record);
    return s;
}

std::string describe(const Side& s) {
    if (s.record.single_run) return s.path.string() + "  (run folder, experiment " + s.record.experiment + ")";
    return s.path.string() + "  (sweep " + s.record.experiment + ": " + std::to_string(s.summary.configs.size()) +
           " configurations, " + std::to_string(s.record.runs.size()) + " runs)";
}

Json side_json(const Side& s) {
    Json j = Json::object();
    j["path"] = s.path.string();
    j["kind"] = s.record.single_run ? "run" : "sweep";
    j["experiment"] = s.record.experiment;
    j["configurations"] = s.summary.configs.size();
    j["runs"] = s.record.runs.size();
    return j;
}

// The instruction sets a side's finished runs ran on, "onednn_isa / vector_isa"
// (model/provenance.h), each once in order of appearance, resumed parts
// included; runs of a soma before provenance are left out.
std::vector<std::string> instruction_sets(const Side& s) {
    std::vector<std::string> sets;
    auto add = [&](const std::string& onednn, const std::string& vector) {
        if (onednn.empty() && vector.empty()) return;
        const std::string set = onednn + " / " + vector;
        if (std::find(sets.begin(), sets.end(), set) == sets.end()) sets.push_back(set);
    };
    for (const RunRecord& r : s.record.runs) {
        if (!r.finished()) continue;
        add(r.provenance.onednn_isa, r.provenance.vector_isa);
        for (const ResumeRecord& resumed : r.provenance.resumed) add(resumed.onednn_isa, resumed.vector_isa);
    }
    return sets;
}

// Whether both sides ran on one and the same instruction set; true when a
// side does not record it (nothing to warn about).
bool same_instruction_sets(const std::vector<std::string>& a, const std::vector<std::string>& b) {
    return a.empty() || b.empty() || (a.size() == 1 && a == b);
}

// A note when they did not: same seed and threads give other numbers there.
std::string instruction_set_note(const Side& a, const Side& b, std::size_t width) {
    const std::vector<std::string> sa = instruction_sets(a), sb = instruction_sets(b);
    if (same_instruction_sets(sa, sb)) return "";
    auto list = [](const std::vector<std::string>& sets) {
        std::string text;
        for (std::size_t i = 0; i < sets.size(); ++i) text += (i ? i + 1 == sets.size() ? " and " : ", " : "") + sets[i];
        return text;
    };
    return "\n" + join_wrapped("", {"note: the runs ran on different instruction sets (oneDNN / soma's vector loops): A on " +
                                    list(sa) + ", B on " + list(sb) +
                                    ". The same seed and threads can give other numbers on other instruction sets "
                                    "(their kernels round differently), so part of a difference may come from the "
                                    "machines, not the settings."},
                               width);
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

// ---- two runs ------------------------------------------------------------------

// One line of the comparison of two runs: a text (status, network), an
// accuracy (fraction, with the epoch it was reached) or a plain number.
struct Measure {
    enum class Type { text, accuracy, number } type;
    std::string label, key;
    std::string text_a, text_b;
    double a = NAN, b = NAN;
    int epoch_a = -1, epoch_b = -1;
    int decimals = 0;
};

std::vector<Measure> run_measures(const RunRecord& a, const RunRecord& b) {
    std::vector<Measure> m;
    auto text = [&](const char* label, const char* key, const std::string& x, const std::string& y) {
        m.push_back({Measure::Type::text, label, key, x, y});
    };
    auto acc = [&](const char* label, const char* key, double x, double y, int ex = -1, int ey = -1) {
        m.push_back({Measure::Type::accuracy, label, key, "", "", x, y, ex, ey});
    };
    auto number = [&](const char* label, const char* key, double x, double y, int decimals) {
        m.push_back({Measure::Type::number, label, key, "", "", x, y, -1, -1, decimals});
    };
    text("status", "status", std::string(run_status_names.name(a.status)), std::string(run_status_names.name(b.status)));
    if (!a.error.empty() || !b.error.empty()) text("error", "error", a.error, b.error);
    text("network", "network", a.network, b.network);
    number("parameters", "parameters", a.parameters, b.parameters, 0);
    number("epochs", "epochs", a.epochs, b.epochs, 0);
    acc("test accuracy at the chosen epoch", "chosen_test_accuracy", a.chosen_test_accuracy, b.chosen_test_accuracy,
        a.chosen_epoch, b.chosen_epoch);
    if (a.has_validation() || b.has_validation())
        acc("validation accuracy there (3-epoch mean)", "chosen_validation_accuracy", a.chosen_validation_accuracy,
            b.chosen_validation_accuracy);
    acc("final test accuracy", "final_test_accuracy", a.test_accuracy, b.test_accuracy);
    acc("best test accuracy", "best_test_accuracy", a.best_test_accuracy, b.best_test_accuracy, a.best_test_epoch,
        b.best_test_epoch);
    if (a.has_validation() || b.has_validation()) {
        acc("final validation accuracy", "final_validation_accuracy", a.validation_accuracy, b.validation_accuracy);
        acc("best validation accuracy", "best_validation_accuracy", a.best_validation_accuracy,
            b.best_validation_accuracy, a.best_validation_epoch, b.best_validation_epoch);
    }
    number("final training loss", "final_train_loss", a.train_loss, b.train_loss, 4);
    number("train seconds", "train_seconds", a.train_seconds, b.train_seconds, 1);
    number("samples per second", "samples_per_second", a.samples_per_second, b.samples_per_second, 0);
    return m;
}

// The settings whose config.toml values differ: (setting, A, B), "" for not set.
struct SettingDiff {
    bool compared = false;
    fs::path missing;  // the config.toml that is not there, when not compared
    std::vector<std::array<std::string, 3>> rows;
};

SettingDiff setting_diff(const RunRecord& a, const RunRecord& b) {
    SettingDiff d;
    const auto ca = flat_config(a.dir / "config.toml"), cb = flat_config(b.dir / "config.toml");
    if (ca.empty() || cb.empty()) {
        d.missing = (ca.empty() ? a.dir : b.dir) / "config.toml";
        return d;
    }
    d.compared = true;
    auto ignored = [](const std::string& k) { return k == "experiment.name" || k == "output.dir" || k == "output.name"; };
    for (const auto& [k, v] : ca) {
        if (ignored(k)) continue;
        auto it = cb.find(k);
        if (it == cb.end()) d.rows.push_back({k, v, ""});
        else if (it->second != v) d.rows.push_back({k, v, it->second});
    }
    for (const auto& [k, v] : cb)
        if (!ca.count(k) && !ignored(k)) d.rows.push_back({k, "", v});
    return d;
}

std::string compare_runs_text(const RunRecord& a, const RunRecord& b, std::size_t width) {
    TextTable t;
    t.columns = {{""}, {"A", true, true}, {"B", true, true}, {"B - A", true}};
    for (const Measure& m : run_measures(a, b)) {
        switch (m.type) {
            case Measure::Type::text:
                t.rows.push_back({m.label, m.text_a.empty() ? "-" : m.text_a, m.text_b.empty() ? "-" : m.text_b,
                                  m.text_a == m.text_b ? "" : "differs"});
                break;
            case Measure::Type::accuracy: {
                std::string sa = fmt_percent(m.a), sb = fmt_percent(m.b);
                if (m.epoch_a > 0 && std::isfinite(m.a)) sa += " (epoch " + std::to_string(m.epoch_a) + ")";
                if (m.epoch_b > 0 && std::isfinite(m.b)) sb += " (epoch " + std::to_string(m.epoch_b) + ")";
                t.rows.push_back({m.label, sa, sb, diff_points(m.a, m.b)});
                break;
            }
            case Measure::Type::number:
                t.rows.push_back({m.label, m.decimals == 0 ? fmt_count(m.a) : fmt_fixed(m.a, m.decimals),
                                  m.decimals == 0 ? fmt_count(m.b) : fmt_fixed(m.b, m.decimals),
                                  diff_number(m.a, m.b, m.decimals)});
                break;
        }
    }
    std::string out = render_text_table(t, width);
    const SettingDiff d = setting_diff(a, b);
    if (!d.compared) return out + "\nsettings: not compared, no " + d.missing.string() + "\n";
    if (d.rows.empty()) return out + "\nsettings: the same (config.toml)\n";
    TextTable s;
    s.columns = {{"setting", false, true}, {"A", false, true}, {"B", false, true}};
    for (const auto& [k, va, vb] : d.rows) s.rows.push_back({k, va.empty() ? "(not set)" : va, vb.empty() ? "(not set)" : vb});
    return out + "\nsettings that differ (config.toml):\n" + render_text_table(s, width);
}

Json compare_runs_json(const RunRecord& a, const RunRecord& b) {
    Json measures = Json::array();
    for (const Measure& m : run_measures(a, b)) {
        Json j = Json::object();
        j["measure"] = m.key;
        if (m.type == Measure::Type::text) {
            j["a"] = m.text_a;
            j["b"] = m.text_b;
            j["same"] = m.text_a == m.text_b;
        } else {
            j["a"] = number_or_null(m.a);
            j["b"] = number_or_null(m.b);
            j["difference"] = number_or_null(m.b - m.a);
            if (m.epoch_a > 0 || m.epoch_b > 0) {
                j["a_epoch"] = m.epoch_a;
                j["b_epoch"] = m.epoch_b;
            }
        }
        measures.push_back(std::move(j));
    }
    Json out = Json::object();
    out["measures"] = std::move(measures);
    const SettingDiff d = setting_diff(a, b);
    if (!d.compared) {
        out["settings"] = Json();
        out["settings_missing"] = d.missing.string();
    } else {
        out["settings"] = Json::array();
        for (const auto& [k, va, vb] : d.rows)
            out["settings"].push_back({{"setting", k}, {"a", va.empty() ? Json() : Json(va)}, {"b", vb.empty() ? Json() : Json(vb)}});
    }
    return out;
}

// ---- two sweeps ----------------------------------------------------------------

struct SweepMatch {
    bool validation = false;  // both sides ranked by validation accuracy
    bool in_common = true;    // false: no config_id in common, the two best compared
    std::vector<std::pair<const ConfigSummary*, const ConfigSummary*>> pairs;
    std::vector<std::string> only_a, only_b;  // labels, in rank order
};

SweepMatch match_sweeps(const SweepSummary& a, const SweepSummary& b) {
    SweepMatch m;
    m.validation = a.rank_by == "validation" && b.rank_by == "validation";
    std::map<std::string, const ConfigSummary*> in_b;
    for (const ConfigSummary& c : b.configs) in_b[c.config_id] = &c;
    std::map<std::string, bool> in_a;
    for (const ConfigSummary& c : a.configs) {
        in_a[c.config_id] = true;
        auto it = in_b.find(c.config_id);
        if (it == in_b.end()) m.only_a.push_back(c.label);
        else m.pairs.emplace_back(&c, it->second);
    }
    for (const ConfigSummary& c : b.configs)
        if (!in_a.count(c.config_id)) m.only_b.push_back(c.label);
    if (m.pairs.empty()) {
        m.in_common = false;
        if (!a.configs.empty() && !b.configs.empty()) m.pairs.emplace_back(&a.configs.front(), &b.configs.front());
    }
    return m;
}

std::string runs_cell(const ConfigSummary& c) {
    std::string s = std::to_string(c.ok) + " ok";
    if (c.diverged) s += ", " + std::to_string(c.diverged) + " div";
    if (c.failed) s += ", " + std::to_string(c.failed) + " failed";
    return s;
}

std::string pair_label(const ConfigSummary& a, const ConfigSummary& b) {
    return a.config_id == b.config_id ? a.label : a.label + " | " + b.label;
}

// B - A per matched configuration: the test figure (test accuracy at each
// run's chosen epoch) and, when both sides have one, the validation figure,
// each tested (paired over the seeds both ran on the same data split, else
// Welch) and Holm-adjusted over the matched configurations.
struct SweepDifferences {
    std::vector<TTest> test, validation;  // per pair, B - A; validation untested without it
    std::vector<double> test_p, validation_p;  // Holm-adjusted
};

SweepDifferences sweep_differences(const SweepMatch& m) {
    SweepDifferences d;
    std::vector<double> test_p, validation_p;
    for (const auto& [ca, cb] : m.pairs) {
        d.test.push_back(compare_samples(cb->test_figures, ca->test_figures));
        d.validation.push_back(m.validation ? compare_samples(cb->ranked, ca->ranked) : TTest{});
        test_p.push_back(d.test.back().p);
        validation_p.push_back(d.validation.back().p);
    }
    d.test_p = holm_adjust(test_p);
    d.validation_p = holm_adjust(validation_p);
    return d;
}

// "+0.27 ± 0.37": B - A in points with the half-width of its 95% interval
// (a t-test's interval is symmetric about the difference).
std::string difference_cell(const TTest& t) {
    if (std::isnan(t.difference)) return "-";
    std::string s = signed_fixed(100 * t.difference, 2);
    if (t.tested()) s += " ± " + fmt_fixed(100 * (t.ci_hi - t.ci_lo) / 2, 2);
    return s;
}

std::string test_name(const TTest& t) { return !t.tested() ? "-" : t.paired ? "paired" : "Welch"; }

// The test every tested configuration got, "" when they differ (or none was tested).
std::string common_test(const std::vector<TTest>& tests) {
    std::string common;
    for (const TTest& t : tests) {
        if (!t.tested()) continue;
        if (!common.empty() && common != test_name(t)) return "";
        common = test_name(t);
    }
    return common;
}

std::string compare_sweeps_text(const SweepSummary& a, const SweepSummary& b, std::size_t width) {
    const SweepMatch m = match_sweeps(a, b);
    const SweepDifferences d = sweep_differences(m);
    const std::string test = common_test(d.test);
    std::string out;
    if (!m.in_common) out += "no configuration in common (by config_id); comparing each side's leader:\n\n";
    // The figures' cells may wrap at their spaces to fit the width.
    TextTable t;
    t.columns = {{"configuration", false, true}, {"A runs", false, true}, {"B runs", false, true},
                 {"A test acc", true, true},     {"B test acc", true, true}, {"B - A test", true, true},
                 {"p", true}};
    if (m.validation) t.columns.insert(t.columns.end(), {{"B - A val", true, true}, {"p", true}});
    if (test.empty()) t.columns.push_back({"test"});
    for (std::size_t i = 0; i < m.pairs.size(); ++i) {
        const auto& [ca, cb] = m.pairs[i];
        std::vector<std::string> row = {pair_label(*ca, *cb),     runs_cell(*ca),  runs_cell(*cb),
                                        fmt_percent_stat(ca->test), fmt_percent_stat(cb->test),
                                        difference_cell(d.test[i]), fmt_p(d.test_p[i])};
        if (m.validation) row.insert(row.end(), {difference_cell(d.validation[i]), fmt_p(d.validation_p[i])});
        if (test.empty()) row.push_back(test_name(d.test[i]));
        t.rows.push_back(std::move(row));
    }
    out += render_text_table(t, width);
    std::string legend =
        "test acc: test accuracy at each run's chosen epoch, mean ± the half-width of its 95% interval; val: the "
        "validation figure that chose the epochs; B - A in points ± the half-width of its 95% interval; p: "
        "two-sided ";
    legend += test == "paired" ? "paired t-test over the seeds both sides ran on the same data split"
              : test == "Welch" ? "Welch t-test"
                                : "t-test (paired over the seeds both sides ran on the same data split, else Welch)";
    legend += m.pairs.size() > 1 ? ", Holm-adjusted over the " + std::to_string(m.pairs.size()) + " configurations."
                                 : ".";
    if (!m.validation)
        legend += " No validation comparison: " +
                  std::string(a.rank_by == "validation" || b.rank_by == "validation"
                                  ? "only one side has a validation split."
                                  : "no validation split.");
    out += "\n" + join_wrapped("", {legend}, width);
    if (!m.only_a.empty()) out += "\n" + join_wrapped("only in A: ", m.only_a, width);
    if (!m.only_b.empty()) out += "\n" + join_wrapped("only in B: ", m.only_b, width);
    out += "\n" + join_wrapped("A: ", {sweep_headline(a)}, width) + join_wrapped("B: ", {sweep_headline(b)}, width);
    return out;
}

Json stat_json(const Stat& s) {
    return {{"mean", number_or_null(s.mean)},   {"std", number_or_null(s.std)},
            {"ci_lo", number_or_null(s.lo())},  {"ci_hi", number_or_null(s.hi())},
            {"n", s.n}};
}

// B - A with its interval, the Holm-adjusted p and the test used.
Json difference_json(const TTest& t, double p_holm) {
    return {{"difference", number_or_null(t.difference)},
            {"ci_lo", number_or_null(t.ci_lo)},
            {"ci_hi", number_or_null(t.ci_hi)},
            {"p", number_or_null(p_holm)},
            {"test", t.tested() ? (t.paired ? "paired" : "welch") : Json()}};
}

Json runs_json(const ConfigSummary& c) {
    return {{"ok", c.ok}, {"diverged", c.diverged}, {"failed", c.failed}, {"pending", c.pending}};
}

Json compare_sweeps_json(const SweepSummary& a, const SweepSummary& b) {
    const SweepMatch m = match_sweeps(a, b);
    const SweepDifferences d = sweep_differences(m);
    Json out = Json::object();
    out["metric"] = "chosen_test_accuracy";
    out["validation_compared"] = m.validation;
    out["in_common"] = m.in_common;
    Json configs = Json::array();
    for (std::size_t i = 0; i < m.pairs.size(); ++i) {
        const auto& [ca, cb] = m.pairs[i];
        Json c = Json::object();
        c["configuration"] = pair_label(*ca, *cb);
        c["a_config_id"] = ca->config_id;
        c["b_config_id"] = cb->config_id;
        c["a"] = stat_json(ca->test);
        c["b"] = stat_json(cb->test);
        c["test_difference"] = difference_json(d.test[i], d.test_p[i]);
        if (m.validation) {
            c["a_validation"] = stat_json(ca->validation);
            c["b_validation"] = stat_json(cb->validation);
            c["validation_difference"] = difference_json(d.validation[i], d.validation_p[i]);
        }
        c["a_final_test"] = stat_json(ca->final_test);
        c["b_final_test"] = stat_json(cb->final_test);
        c["a_runs"] = runs_json(*ca);
        c["b_runs"] = runs_json(*cb);
        configs.push_back(std::move(c));
    }
    out["configurations"] = std::move(configs);
    out["only_in_a"] = m.only_a;
    out["only_in_b"] = m.only_b;
    out["headline_a"] = sweep_headline(a);
    out["headline_b"] = sweep_headline(b);
    return out;
}

}  // namespace

std::string compare_text(const fs::path& a, const fs::path& b, std::size_t width) {
    const Side sa = load_side(a), sb = load_side(b);
    std::string out;
    for (const std::string& line : wrap_text("A: " + describe(sa) + "\nB: " + describe(sb), width)) out += line + "\n";
    out += "\n";
    if (sa.record.single_run && sb.record.single_run)
        out += compare_runs_text(sa.record.runs.front(), sb.record.runs.front(), width);
    else
        out += compare_sweeps_text(sa.summary, sb.summary, width);
    return out + instruction_set_note(sa, sb, width);
}

std::string compare_json(const fs::path& a, const fs::path& b) {
    const Side sa = load_side(a), sb = load_side(b);
    Json out = Json::object();
    out["a"] = side_json(sa);
    out["b"] = side_json(sb);
    if (sa.record.single_run && sb.record.single_run) {
        out["kind"] = "runs";
        out.update(compare_runs_json(sa.record.runs.front(), sb.record.runs.front()));
    } else {
        out["kind"] = "sweeps";
        out.update(compare_sweeps_json(sa.summary, sb.summary));
    }
    const std::vector<std::string> isa_a = instruction_sets(sa), isa_b = instruction_sets(sb);
    out["instruction_sets"] = {{"a", isa_a}, {"b", isa_b}, {"same", same_instruction_sets(isa_a, isa_b)}};
    return json_text(out);
}

}  // namespace soma
