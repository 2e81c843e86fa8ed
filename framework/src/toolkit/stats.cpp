#include "toolkit/stats.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>

#include <boost/math/distributions/non_central_t.hpp>
#include <boost/math/distributions/students_t.hpp>

namespace soma {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();

std::vector<double> finite(const std::vector<double>& values) {
    std::vector<double> out;
    for (double v : values)
        if (std::isfinite(v)) out.push_back(v);
    return out;
}

// The mean and sample variance of finite values (n >= 1).
void mean_var(const std::vector<double>& v, double& mean, double& var) {
    mean = std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
    double sq = 0;
    for (double x : v) sq += (x - mean) * (x - mean);
    var = v.size() > 1 ? sq / static_cast<double>(v.size() - 1) : 0.0;
}

// t, p and the interval from a difference, its standard error and df.
void finish_test(TTest& r) {
    if (r.se == 0) {
        // No spread at all: the difference is exactly what every run shows.
        r.t = r.difference == 0 ? 0.0 : std::copysign(std::numeric_limits<double>::infinity(), r.difference);
        r.p = r.difference == 0 ? 1.0 : 0.0;
        r.ci_lo = r.ci_hi = r.difference;
        return;
    }
    r.t = r.difference / r.se;
    r.p = 2 * student_t_cdf(-std::fabs(r.t), r.df);
    const double q = student_t_quantile(1 - significance_level / 2, r.df);
    r.ci_lo = r.difference - q * r.se;
    r.ci_hi = r.difference + q * r.se;
}

}  // namespace

Stat::Stat() : mean(nan), std(nan), ci(nan) {}

Stat stat_of(const std::vector<double>& values) {
    Stat s;
    const std::vector<double> v = finite(values);
    s.n = static_cast<int>(v.size());
    if (s.n == 0) return s;
    double var = 0;
    mean_var(v, s.mean, var);
    s.std = std::sqrt(var);
    if (s.n > 1) s.ci = student_t_quantile(1 - significance_level / 2, s.n - 1) * s.std / std::sqrt(s.n);
    return s;
}

double student_t_cdf(double t, double df) {
    if (std::isnan(t) || !(df > 0)) return nan;
    if (std::isinf(t)) return t > 0 ? 1.0 : 0.0;
    return boost::math::cdf(boost::math::students_t_distribution<double>(df), t);
}

double student_t_quantile(double p, double df) {
    if (!(p > 0 && p < 1) || !(df > 0)) return nan;
    return boost::math::quantile(boost::math::students_t_distribution<double>(df), p);
}

TTest::TTest() : difference(nan), se(nan), df(nan), t(nan), p(nan), ci_lo(nan), ci_hi(nan), sd(nan) {}

bool TTest::tested() const { return !std::isnan(p); }

TTest welch_t_test(const std::vector<double>& a_in, const std::vector<double>& b_in) {
    TTest r;
    const std::vector<double> a = finite(a_in), b = finite(b_in);
    r.n_a = static_cast<int>(a.size());
    r.n_b = static_cast<int>(b.size());
    if (r.n_a == 0 || r.n_b == 0) return r;
    double ma, va, mb, vb;
    mean_var(a, ma, va);
    mean_var(b, mb, vb);
    r.difference = ma - mb;
    if (r.n_a < 2 || r.n_b < 2) return r;
    const double wa = va / r.n_a, wb = vb / r.n_b;
    r.se = std::sqrt(wa + wb);
    r.sd = std::sqrt((va + vb) / 2);
    // Welch-Satterthwaite; with no spread on either side any df will do.
    r.df = r.se > 0 ? (wa + wb) * (wa + wb) / (wa * wa / (r.n_a - 1) + wb * wb / (r.n_b - 1))
                    : static_cast<double>(r.n_a + r.n_b - 2);
    finish_test(r);
    return r;
}

TTest paired_t_test(const std::vector<double>& a, const std::vector<double>& b) {
    TTest r;
    r.paired = true;
    std::vector<double> d;
    for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i)
        if (std::isfinite(a[i]) && std::isfinite(b[i])) d.push_back(a[i] - b[i]);
    r.n_a = r.n_b = static_cast<int>(d.size());
    if (d.empty()) return r;
    double var = 0;
    mean_var(d, r.difference, var);
    if (d.size() < 2) return r;
    r.sd = std::sqrt(var);
    r.se = r.sd / std::sqrt(static_cast<double>(d.size()));
    r.df = static_cast<double>(d.size() - 1);
    finish_test(r);
    return r;
}

std::vector<double> holm_adjust(const std::vector<double>& p) {
    std::vector<std::size_t> order;
    for (std::size_t i = 0; i < p.size(); ++i)
        if (!std::isnan(p[i])) order.push_back(i);
    std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) { return p[x] < p[y]; });
    std::vector<double> out(p.size(), nan);
    const double m = static_cast<double>(order.size());
    double running = 0;
    for (std::size_t k = 0; k < order.size(); ++k) {
        running = std::max(running, std::min(1.0, (m - static_cast<double>(k)) * p[order[k]]));
        out[order[k]] = running;
    }
    return out;
}

double t_test_power(double n, double delta, double sd, bool paired, double alpha) {
    if (!(n >= 2) || !(sd > 0) || !std::isfinite(delta) || !(alpha > 0 && alpha < 1)) return nan;
    const double df = paired ? n - 1 : 2 * (n - 1);
    const double ncp = paired ? delta * std::sqrt(n) / sd : delta / (sd * std::sqrt(2 / n));
    const double q = student_t_quantile(1 - alpha / 2, df);
    const boost::math::non_central_t_distribution<double> t(df, ncp);
    return boost::math::cdf(boost::math::complement(t, q)) + boost::math::cdf(t, -q);
}

int seeds_for_power(double delta, double sd, bool paired, double power, double alpha, int max_n) {
    if (!std::isfinite(delta) || delta == 0 || std::isnan(sd)) return 0;
    if (sd == 0) return 2;  // every run gives the same difference
    auto enough = [&](int n) { return t_test_power(n, delta, sd, paired, alpha) >= power; };
    if (!enough(max_n)) return max_n + 1;
    // Power grows with n: the first n that is enough, by bisection.
    int lo = 1, hi = max_n;  // enough(hi), !enough(lo) (n = 1 cannot be tested)
    while (hi - lo > 1) {
        const int mid = lo + (hi - lo) / 2;
        (enough(mid) ? hi : lo) = mid;
    }
    return hi;
}

TTest compare_samples(const SeededSample& a, const SeededSample& b) {
    const bool keyed = !a.split.empty() && a.split == b.split && a.seeds.size() == a.values.size() &&
                       b.seeds.size() == b.values.size();
    if (keyed) {
        std::map<std::uint64_t, double> in_b;
        for (std::size_t i = 0; i < b.values.size(); ++i)
            if (std::isfinite(b.values[i])) in_b.emplace(b.seeds[i], b.values[i]);
        std::vector<double> x, y;
        for (std::size_t i = 0; i < a.values.size(); ++i) {
            auto it = in_b.find(a.seeds[i]);
            if (std::isfinite(a.values[i]) && it != in_b.end()) x.push_back(a.values[i]), y.push_back(it->second);
        }
        if (x.size() >= 2) return paired_t_test(x, y);
    }
    return welch_t_test(a.values, b.values);
}

LeaderComparison::LeaderComparison() : p_holm(nan) {}

LeaderVerdict compare_with_leader(const std::vector<SeededSample>& groups, std::size_t leader, double alpha) {
    LeaderVerdict v;
    v.alpha = alpha;
    if (leader >= groups.size() || stat_of(groups[leader].values).n == 0) return v;
    v.leader = leader;
    for (std::size_t g = 0; g < groups.size(); ++g) {
        if (g == leader || stat_of(groups[g].values).n == 0) continue;
        LeaderComparison c;
        c.group = g;
        c.test = compare_samples(groups[leader], groups[g]);
        v.others.push_back(c);
    }
    std::vector<double> p;
    for (const LeaderComparison& c : v.others) p.push_back(c.test.p);
    const std::vector<double> adjusted = holm_adjust(p);
    v.leader_ahead = !v.others.empty();
    for (std::size_t i = 0; i < v.others.size(); ++i) {
        LeaderComparison& c = v.others[i];
        c.p_holm = adjusted[i];
        c.significant = c.p_holm < alpha && c.test.difference > 0;
        v.leader_ahead = v.leader_ahead && c.significant;
        // In doubt first: untested, then the largest adjusted p, then the smallest difference.
        if (v.closest == static_cast<std::size_t>(-1)) {
            v.closest = i;
            continue;
        }
        const LeaderComparison& k = v.others[v.closest];
        const double pc = std::isnan(c.p_holm) ? 2.0 : c.p_holm, pk = std::isnan(k.p_holm) ? 2.0 : k.p_holm;
        if (pc > pk || (pc == pk && c.test.difference < k.test.difference)) v.closest = i;
    }
    if (!v.leader_ahead && v.closest < v.others.size()) {
        const TTest& t = v.others[v.closest].test;
        v.seeds_for_80_power = seeds_for_power(t.difference, t.sd, t.paired, 0.8, alpha);
    }
    return v;
}

}  // namespace soma
