#include "toolkit/verdict.h"

#include <algorithm>
#include <cmath>

#include "toolkit/format.h"

namespace soma {

namespace {

constexpr std::size_t npos = static_cast<std::size_t>(-1);

std::string points_value(double d, int decimals = 2) { return fmt_fixed(100.0 * d, decimals); }

std::string interval(const TTest& t) {
    return "95% CI " + points_value(t.ci_lo) + " to " + points_value(t.ci_hi);
}

// "p = 0.43", "p < 0.001"
std::string p_is(double p) {
    const std::string v = fmt_p(p);
    return v.rfind("<", 0) == 0 ? "p " + v : "p = " + v;
}

std::string plural(int n, const std::string& word) { return std::to_string(n) + " " + word + (n == 1 ? "" : "s"); }

// "a (p = 0.43), b (p = 0.61) and 3 more"
std::string tied_list(const LeaderVerdict& v, const VerdictWords& w) {
    std::vector<const LeaderComparison*> tied;
    for (const LeaderComparison& c : v.others)
        if (!c.significant) tied.push_back(&c);
    std::stable_sort(tied.begin(), tied.end(), [](const LeaderComparison* a, const LeaderComparison* b) {
        const double pa = std::isnan(a->p_holm) ? 2.0 : a->p_holm, pb = std::isnan(b->p_holm) ? 2.0 : b->p_holm;
        return pa > pb;
    });
    const std::size_t shown = std::min<std::size_t>(tied.size(), 3);
    std::string out;
    for (std::size_t i = 0; i < shown; ++i) {
        const LeaderComparison& c = *tied[i];
        out += (i == 0 ? "" : (i + 1 == shown && tied.size() == shown ? " and " : ", ")) + w.names[c.group] + " (" +
               (c.test.tested() ? p_is(c.p_holm) : "n = " + std::to_string(c.test.n_b)) + ")";
    }
    if (tied.size() > shown) out += " and " + std::to_string(tied.size() - shown) + " more";
    return out;
}

}  // namespace

std::string fmt_points(double difference, bool sign) {
    if (std::isnan(difference)) return "-";
    std::string s = points_value(std::fabs(difference));
    if (sign) s = (difference < 0 ? "-" : "+") + s;
    return s + (s == "1.00" || s == "+1.00" || s == "-1.00" ? " point" : " points");
}

int fewest_values(const std::vector<int>& counts) {
    int fewest = 0;
    for (int n : counts)
        if (n > 0 && (fewest == 0 || n < fewest)) fewest = n;
    return fewest;
}

std::string tests_used(const LeaderVerdict& v) {
    bool paired = false, welch = false;
    for (const LeaderComparison& c : v.others) {
        if (!c.test.tested()) continue;
        (c.test.paired ? paired : welch) = true;
    }
    if (paired && welch) return "paired and Welch t-tests";
    return paired ? "paired t-test" : "Welch t-test";
}

std::string seeds_each(const LeaderVerdict& v, const VerdictWords& w) {
    int lo = w.counts[v.leader], hi = lo;
    for (const LeaderComparison& c : v.others) {
        lo = std::min(lo, w.counts[c.group]);
        hi = std::max(hi, w.counts[c.group]);
    }
    return (lo == hi ? std::to_string(lo) : std::to_string(lo) + " to " + std::to_string(hi)) +
           (hi == 1 ? " seed each" : " seeds each");
}

std::string verdict_headline(const LeaderVerdict& v, const VerdictWords& w) {
    if (v.leader == npos) return "";
    const std::string& leader = w.names[v.leader];
    if (v.others.empty()) return leader + " is the only " + w.noun + " with results.";
    const std::string seeds = seeds_each(v, w);
    const LeaderComparison& closest = v.others[v.closest];
    const std::string& runner = w.names[closest.group];
    const TTest& t = closest.test;

    if (v.others.size() == 1) {
        if (!t.tested())
            return leader + " and " + runner + " cannot be compared: a t-test needs at least 2 runs each (" + seeds +
                   ").";
        if (v.leader_ahead)
            return leader + " is ahead of " + runner + " on " + w.measure + " by " + fmt_points(t.difference) + " (" +
                   interval(t) + "; " + tests_used(v) + ", " + p_is(t.p) + ", " + seeds + ").";
        return leader + " and " + runner + " are not distinguishable on this data (" + w.measure + " " +
               fmt_points(t.difference) + " apart, " + interval(t) + "; " + tests_used(v) + ", " + p_is(t.p) + ", " +
               seeds + ").";
    }
    const int k = static_cast<int>(v.others.size());
    if (v.leader_ahead)
        return leader + " is ahead of all " + std::to_string(k) + " other " + w.noun + "s on " + w.measure + " (" +
               tests_used(v) + ", Holm-adjusted; the largest " + p_is(closest.p_holm) + ", against " + runner + ", " +
               fmt_points(t.difference) + " behind; " + seeds + ").";
    std::vector<std::string> beaten;
    for (const LeaderComparison& c : v.others)
        if (c.significant) beaten.push_back(w.names[c.group]);
    std::string out = "No " + w.noun + " is significantly ahead on " + w.measure + ": " + leader +
                      " leads, but cannot be told apart from " + tied_list(v, w);
    if (beaten.size() == 1) out += "; it is significantly ahead of " + beaten[0];
    else if (beaten.size() == 2) out += "; it is significantly ahead of " + beaten[0] + " and " + beaten[1];
    else if (beaten.size() > 2) out += "; it is significantly ahead of the other " + std::to_string(beaten.size());
    return out + " (" + tests_used(v) + ", Holm-adjusted p; " + seeds + ").";
}

std::string power_sentence(const LeaderVerdict& v, const VerdictWords& w) {
    if (v.leader_ahead || v.closest == npos) return "";
    const TTest& t = v.others[v.closest].test;
    if (!t.tested()) return "";
    const std::string pair = w.names[v.leader] + " from " + w.names[v.others[v.closest].group];
    if (t.difference == 0)
        return t.sd == 0 ? w.names[v.leader] + " and " + w.names[v.others[v.closest].group] + " gave the same " +
                               w.measure + " on every seed: no number of seeds would tell them apart."
                         : "The observed difference between " + w.names[v.leader] + " and " +
                               w.names[v.others[v.closest].group] + " is 0: no number of seeds would tell them apart at it.";
    if (v.seeds_for_80_power == 0) return "";
    const std::string spread =
        "sd " + std::string(t.paired ? "of the paired differences " : "") + fmt_points(t.sd);
    const std::string seeds = v.seeds_for_80_power > 1000 ? "more than 1,000 seeds each"
                                                          : "about " + plural(v.seeds_for_80_power, "seed") + " each";
    return "Telling " + pair + " apart at the observed difference (" + fmt_points(t.difference) + ", " + spread +
           ") with 80% power would take " + seeds + " (one " + (t.paired ? "paired" : "Welch") +
           " t-test at the 5% level, if the true difference were the observed one).";
}

std::string versus_leader_cell(const LeaderVerdict& v, std::size_t group) {
    if (group == v.leader) return "leader";
    for (const LeaderComparison& c : v.others) {
        if (c.group != group) continue;
        if (!c.test.tested()) return "untested (n " + std::to_string(c.test.n_b) + ")";
        return std::string(c.significant ? "behind" : "tied") + " (p " + fmt_p(c.p_holm) + ")";
    }
    return "-";
}

}  // namespace soma
