// Statistics over repeated runs: the mean with its 95% t-interval, Welch's
// and the paired t-test, Holm's correction, the power of a t-test and the
// seeds it would take, and the comparison of every group with the leader.
// The Student and non-central t distributions are Boost.Math's.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace soma {

// The level of every interval and test in soma's reports.
inline constexpr double confidence_level = 0.95;
inline constexpr double significance_level = 0.05;  // 1 - confidence_level, written exactly

struct Stat {
    double mean, std;  // NaN when n == 0; std is the sample std (n - 1), 0 for n == 1
    double ci;         // half-width of the 95% t-interval of the mean, t(0.975, n - 1) std / sqrt(n); NaN for n < 2
    int n = 0;
    Stat();
    double lo() const { return mean - ci; }
    double hi() const { return mean + ci; }
};

// Over the finite values; NaN and infinities are skipped.
Stat stat_of(const std::vector<double>& values);

// Student's t distribution with df > 0 degrees of freedom (df may be fractional).
double student_t_cdf(double t, double df);
double student_t_quantile(double p, double df);  // p in (0, 1)

// A two-sided t-test of mean(a) = mean(b), with the 95% interval of the difference.
struct TTest {
    bool paired = false;
    int n_a = 0, n_b = 0;  // values used (paired: both the number of pairs)
    double difference;     // mean(a) - mean(b) (paired: the mean of a_i - b_i)
    double se, df, t, p;   // p two-sided; NaN when there are too few values to test
    double ci_lo, ci_hi;   // the 95% interval of the difference
    // The spread the test works with, for power: paired, the sd of the
    // differences; Welch, sqrt((sd_a^2 + sd_b^2) / 2).
    double sd;
    TTest();
    bool tested() const;   // p is a number
};

// Welch's unequal-variance test (Satterthwaite's degrees of freedom); needs
// at least 2 finite values on each side. Both sides constant: p = 1 when
// they are equal, 0 when not.
TTest welch_t_test(const std::vector<double>& a, const std::vector<double>& b);
// The paired test on a_i - b_i (a and b the same length; pairs with a
// non-finite side are dropped); needs at least 2 pairs. All differences
// equal: p = 1 when they are 0, else 0.
TTest paired_t_test(const std::vector<double>& a, const std::vector<double>& b);

// Holm's step-down adjustment of p-values (Holm 1979), as R's p.adjust(p,
// "holm"): the i-th smallest of m times (m - i + 1), kept increasing, at most
// 1. NaN entries stay NaN and do not count in m.
std::vector<double> holm_adjust(const std::vector<double>& p);

// The power of the two-sided t-test at level alpha for a true difference
// delta with standard deviation sd: paired (n pairs; sd of the differences,
// df n - 1) or two groups of n each (df 2(n - 1)), both rejection regions
// counted. n may be fractional, as in R's power.t.test.
double t_test_power(double n, double delta, double sd, bool paired, double alpha = significance_level);

// The smallest whole n >= 2 whose power reaches `power`; 0 when delta is 0
// (or sd is not a number), max_n + 1 when even max_n is not enough.
int seeds_for_power(double delta, double sd, bool paired, double power = 0.8, double alpha = significance_level,
                    int max_n = 1000);

// One group's per-run values with what pairs them with another group's: the
// seed of each run and the data split the values were measured on. Two
// groups pair over the seeds both have when their splits are the same (and
// not ""), so that seed s saw the same data in both.
struct SeededSample {
    std::vector<double> values;
    std::vector<std::uint64_t> seeds;  // one per value, or empty (never paired)
    std::string split;
};

// Paired over the common seeds when the two can be paired and share at least
// 2 seeds with finite values; else Welch. The difference is a - b.
TTest compare_samples(const SeededSample& a, const SeededSample& b);

struct LeaderComparison {
    std::size_t group = 0;  // index into the groups
    TTest test;             // leader - group
    double p_holm;          // Holm-adjusted over the comparisons with the leader
    bool significant = false;  // p_holm < alpha and the leader ahead
    LeaderComparison();
};

// Every other group with values against the leader, Holm-adjusted; the
// leader is ahead only when every comparison is significant. Groups
// without values are left out. A group with one value cannot be tested
// (p NaN): the leader is then not ahead of it.
struct LeaderVerdict {
    std::size_t leader = static_cast<std::size_t>(-1);
    std::vector<LeaderComparison> others;  // in group order
    bool leader_ahead = false;
    double alpha = significance_level;
    // The comparison most in doubt (largest adjusted p; the smallest
    // difference among equals): others[closest], npos when there are none.
    std::size_t closest = static_cast<std::size_t>(-1);
    // Seeds per group for 80% power at the closest comparison's observed
    // difference and spread (see seeds_for_power); 0 when not estimated.
    int seeds_for_80_power = 0;
};

LeaderVerdict compare_with_leader(const std::vector<SeededSample>& groups, std::size_t leader,
                                  double alpha = significance_level);

}  // namespace soma
