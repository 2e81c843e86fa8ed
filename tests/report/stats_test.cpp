// toolkit/stats against reference values computed elsewhere: printed t
// tables, closed forms of the t distribution, and R's documented outputs
// (each source named beside its numbers).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "toolkit/format.h"
#include "toolkit/stats.h"
#include "toolkit/verdict.h"

namespace soma {
namespace {

const double pi = std::acos(-1.0);
constexpr double nan = std::numeric_limits<double>::quiet_NaN();

// Cushny and Peebles' hours of extra sleep under two drugs, ten patients
// (Student 1908; R's `sleep` data set): group 1, then group 2, by patient.
const std::vector<double> sleep1 = {0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0};
const std::vector<double> sleep2 = {1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4};

TEST(StudentT, QuantilesMatchThePrintedTable) {
    // NIST/SEMATECH e-Handbook of Statistical Methods, 1.3.6.7.2 "Critical
    // values of the Student's t distribution" (upper-tail probabilities
    // 0.05, 0.025, 0.005), printed to three decimals.
    struct Row { double df, t95, t975, t995; };
    const Row table[] = {{1, 6.314, 12.706, 63.657}, {2, 2.920, 4.303, 9.925},  {4, 2.132, 2.776, 4.604},
                         {5, 2.015, 2.571, 4.032},   {9, 1.833, 2.262, 3.250},  {10, 1.812, 2.228, 3.169},
                         {20, 1.725, 2.086, 2.845},  {30, 1.697, 2.042, 2.750}, {100, 1.660, 1.984, 2.626}};
    for (const Row& r : table) {
        SCOPED_TRACE(r.df);
        EXPECT_NEAR(student_t_quantile(0.95, r.df), r.t95, 5e-4);
        EXPECT_NEAR(student_t_quantile(0.975, r.df), r.t975, 5e-4);
        EXPECT_NEAR(student_t_quantile(0.995, r.df), r.t995, 5e-4);
        EXPECT_NEAR(student_t_quantile(0.025, r.df), -r.t975, 5e-4);  // symmetric
    }
}

TEST(StudentT, CdfAndQuantileMatchTheClosedForms) {
    // The t distribution's closed forms for 1, 2 and 4 degrees of freedom
    // (e.g. Johnson, Kotz and Balakrishnan, Continuous Univariate
    // Distributions vol. 2, ch. 28; Wikipedia "Student's t-distribution",
    // special cases): exact, so to 1e-12.
    for (double t : {-30.0, -4.0, -1.5, -0.3, 0.0, 0.7, 2.0, 12.0}) {
        SCOPED_TRACE(t);
        EXPECT_NEAR(student_t_cdf(t, 1), 0.5 + std::atan(t) / pi, 1e-12);
        EXPECT_NEAR(student_t_cdf(t, 2), 0.5 + t / (2 * std::sqrt(2 + t * t)), 1e-12);
        const double u = t / std::sqrt(1 + t * t / 4);
        EXPECT_NEAR(student_t_cdf(t, 4), 0.5 + 3.0 / 8 * u * (1 - t * t / (12 * (1 + t * t / 4))), 1e-12);
    }
    for (double p : {0.001, 0.025, 0.3, 0.5, 0.9, 0.975, 0.999}) {
        SCOPED_TRACE(p);
        EXPECT_NEAR(student_t_quantile(p, 1), std::tan(pi * (p - 0.5)), 1e-9 * std::max(1.0, std::fabs(std::tan(pi * (p - 0.5)))));
        EXPECT_NEAR(student_t_quantile(p, 2), (2 * p - 1) / std::sqrt(2 * p * (1 - p)), 1e-10);
    }
    EXPECT_TRUE(std::isnan(student_t_quantile(0, 3)));
    EXPECT_TRUE(std::isnan(student_t_quantile(1, 3)));
    EXPECT_TRUE(std::isnan(student_t_cdf(1, 0)));
    EXPECT_EQ(student_t_cdf(std::numeric_limits<double>::infinity(), 3), 1.0);
}

TEST(Stat, MeanSdAndTheTIntervalAsRPrintsThem) {
    // R: t.test(sleep$extra[sleep$group == 1]) -> mean 0.75, 95 percent
    // confidence interval -0.5297804 2.0297804; sd(...) = 1.78901.
    const Stat s = stat_of(sleep1);
    EXPECT_EQ(s.n, 10);
    EXPECT_NEAR(s.mean, 0.75, 1e-12);
    EXPECT_NEAR(s.std, 1.78901, 5e-6);
    EXPECT_NEAR(s.lo(), -0.5297804, 5e-8);
    EXPECT_NEAR(s.hi(), 2.0297804, 5e-8);

    const Stat one = stat_of({0.9, nan});
    EXPECT_EQ(one.n, 1);
    EXPECT_EQ(one.std, 0.0);
    EXPECT_TRUE(std::isnan(one.ci));  // no interval from one value
    EXPECT_EQ(stat_of({}).n, 0);
    EXPECT_TRUE(std::isnan(stat_of({}).mean));
}

TEST(TTest, WelchMatchesRsDocumentedExamples) {
    // R's ?t.test examples. t.test(extra ~ group, data = sleep):
    // t = -1.8608, df = 17.776, p-value = 0.07939, CI -3.3654832 0.2054832.
    TTest w = welch_t_test(sleep1, sleep2);
    EXPECT_FALSE(w.paired);
    EXPECT_NEAR(w.difference, -1.58, 1e-12);
    EXPECT_NEAR(w.t, -1.8608, 5e-5);
    EXPECT_NEAR(w.df, 17.776, 5e-4);
    EXPECT_NEAR(w.p, 0.07939, 5e-6);
    EXPECT_NEAR(w.ci_lo, -3.3654832, 5e-8);
    EXPECT_NEAR(w.ci_hi, 0.2054832, 5e-8);

    // t.test(1:10, y = c(7:20)): t = -5.4349, df = 21.982, p-value =
    // 1.855e-05, CI -11.052802 -4.947198 (unequal sizes).
    std::vector<double> a, b;
    for (int i = 1; i <= 10; ++i) a.push_back(i);
    for (int i = 7; i <= 20; ++i) b.push_back(i);
    w = welch_t_test(a, b);
    EXPECT_EQ(w.n_a, 10);
    EXPECT_EQ(w.n_b, 14);
    EXPECT_NEAR(w.t, -5.4349, 5e-5);
    EXPECT_NEAR(w.df, 21.982, 5e-4);
    EXPECT_NEAR(w.p, 1.855e-05, 5e-9);
    EXPECT_NEAR(w.ci_lo, -11.052802, 5e-7);
    EXPECT_NEAR(w.ci_hi, -4.947198, 5e-7);
}

TEST(TTest, PairedMatchesRsDocumentedExample) {
    // R: t.test(extra ~ group, data = sleep, paired = TRUE) (the same
    // patients under both drugs): t = -4.0621, df = 9, p-value = 0.002833,
    // CI -2.4598858 -0.7001142, mean of the differences -1.58.
    const TTest p = paired_t_test(sleep1, sleep2);
    EXPECT_TRUE(p.paired);
    EXPECT_EQ(p.n_a, 10);
    EXPECT_NEAR(p.difference, -1.58, 1e-12);
    EXPECT_NEAR(p.t, -4.0621, 5e-5);
    EXPECT_EQ(p.df, 9);
    EXPECT_NEAR(p.p, 0.002833, 5e-7);
    EXPECT_NEAR(p.ci_lo, -2.4598858, 5e-8);
    EXPECT_NEAR(p.ci_hi, -0.7001142, 5e-8);
}

TEST(TTest, DegenerateCases) {
    // Identical runs: no difference, nothing to see (p = 1), never a winner.
    TTest same = paired_t_test({0.95, 0.96, 0.94}, {0.95, 0.96, 0.94});
    EXPECT_EQ(same.difference, 0.0);
    EXPECT_EQ(same.p, 1.0);
    EXPECT_EQ(same.ci_lo, 0.0);
    EXPECT_EQ(same.ci_hi, 0.0);
    EXPECT_EQ(welch_t_test({0.9, 0.9}, {0.9, 0.9}).p, 1.0);
    // A constant non-zero difference is certain.
    EXPECT_EQ(paired_t_test({1, 2, 3}, {0, 1, 2}).p, 0.0);
    // Too few values: a difference, but no test.
    TTest few = welch_t_test({0.9}, {0.8, 0.85});
    EXPECT_NEAR(few.difference, 0.075, 1e-12);
    EXPECT_FALSE(few.tested());
    EXPECT_FALSE(paired_t_test({0.9}, {0.8}).tested());
    // Non-finite values are left out (a pair with one loses both sides).
    TTest dropped = paired_t_test({1, nan, 3, 4}, {0, 5, 2, 2});
    EXPECT_EQ(dropped.n_a, 3);
    EXPECT_NEAR(dropped.difference, (1 + 1 + 2) / 3.0, 1e-12);
}

TEST(Holm, AdjustsAsRsPAdjust) {
    // Wikipedia "Holm-Bonferroni method", example: p = 0.01, 0.04, 0.03,
    // 0.005 at alpha 0.05 rejects H1 and H4. R: p.adjust(c(0.01, 0.04,
    // 0.03, 0.005), "holm") = 0.03 0.06 0.06 0.02.
    const std::vector<double> adjusted = holm_adjust({0.01, 0.04, 0.03, 0.005});
    ASSERT_EQ(adjusted.size(), 4u);
    EXPECT_NEAR(adjusted[0], 0.03, 1e-15);
    EXPECT_NEAR(adjusted[1], 0.06, 1e-15);
    EXPECT_NEAR(adjusted[2], 0.06, 1e-15);
    EXPECT_NEAR(adjusted[3], 0.02, 1e-15);
    // Capped at 1; NaN stays NaN and does not count.
    const std::vector<double> capped = holm_adjust({0.6, nan, 0.2});
    EXPECT_NEAR(capped[0], 0.6, 1e-15);
    EXPECT_TRUE(std::isnan(capped[1]));
    EXPECT_NEAR(capped[2], 0.4, 1e-15);
    EXPECT_EQ(holm_adjust({0.7, 0.8})[0], 1.0);
}

TEST(Power, MatchesRsPowerTTest) {
    // R's ?power.t.test examples (two groups, sd 1, sig.level 0.05):
    // power.t.test(n = 20, delta = 1) -> power = 0.8689528;
    // power.t.test(power = .90, delta = 1) -> n = 22.02110.
    // power.t.test(power = 0.8, delta = 1) -> n = 16.71477;
    // power.t.test(power = 0.8, delta = 1, type = "paired") -> n = 9.937864.
    // R counts one rejection region; soma both, which differs here by < 1e-5.
    EXPECT_NEAR(t_test_power(20, 1, 1, false), 0.8689528, 1e-5);
    EXPECT_NEAR(t_test_power(22.02110, 1, 1, false), 0.90, 1e-5);
    EXPECT_NEAR(t_test_power(16.71477, 1, 1, false), 0.80, 1e-5);
    EXPECT_NEAR(t_test_power(9.937864, 1, 1, true), 0.80, 1e-5);
    // Scale-free: delta and sd in any unit.
    EXPECT_NEAR(t_test_power(20, 0.002, 0.002, false), 0.8689528, 1e-5);
    // The whole number of seeds: the next one up.
    EXPECT_EQ(seeds_for_power(1, 1, false, 0.8), 17);
    EXPECT_EQ(seeds_for_power(1, 1, false, 0.9), 23);
    EXPECT_EQ(seeds_for_power(1, 1, true, 0.8), 10);
    EXPECT_EQ(seeds_for_power(-1, 1, true, 0.8), 10);  // either direction
    EXPECT_EQ(seeds_for_power(0, 1, true), 0);         // no difference to detect
    EXPECT_EQ(seeds_for_power(0.001, 1, true), 1001);  // beyond the search
    EXPECT_EQ(seeds_for_power(0.5, 0, true), 2);       // no spread at all
}

TEST(CompareSamples, PairsOnCommonSeedsOfTheSameSplitElseWelch) {
    SeededSample a{sleep2, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, "mnist 54000/6000/10000"};
    SeededSample b{sleep1, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, "mnist 54000/6000/10000"};
    TTest t = compare_samples(a, b);
    EXPECT_TRUE(t.paired);
    EXPECT_NEAR(t.p, 0.002833, 5e-7);
    // Seeds in another order pair by seed, not by position.
    SeededSample shuffled = b;
    std::swap(shuffled.values[0], shuffled.values[9]);
    std::swap(shuffled.seeds[0], shuffled.seeds[9]);
    EXPECT_NEAR(compare_samples(a, shuffled).p, 0.002833, 5e-7);
    // Another split: the same seed saw other data, so Welch.
    b.split = "mnist 48000/12000/10000";
    t = compare_samples(a, b);
    EXPECT_FALSE(t.paired);
    EXPECT_NEAR(t.p, 0.07939, 5e-6);
    // No seeds in common: Welch.
    b.split = a.split;
    b.seeds = {11, 12, 13, 14, 15, 16, 17, 18, 19, 20};
    EXPECT_FALSE(compare_samples(a, b).paired);
}

SeededSample sample(std::vector<double> values) {
    SeededSample s;
    for (std::size_t i = 0; i < values.size(); ++i) s.seeds.push_back(i + 1);
    s.values = std::move(values);
    s.split = "split";
    return s;
}

TEST(CompareWithLeader, ALeaderFarAheadIsNamedAndCloseOnesAreNot) {
    // Paired differences leader - a: 0.010, 0.012, 0.008, 0.011, 0.009: far.
    const std::vector<SeededSample> far = {sample({0.95, 0.952, 0.948, 0.951, 0.949}),
                                           sample({0.94, 0.94, 0.94, 0.94, 0.94})};
    LeaderVerdict v = compare_with_leader(far, 0);
    ASSERT_EQ(v.others.size(), 1u);
    EXPECT_TRUE(v.others[0].test.paired);
    EXPECT_TRUE(v.leader_ahead);
    EXPECT_EQ(v.seeds_for_80_power, 0);

    // Differences 0.003, -0.002, 0.001, 0.000, 0.002 (mean 0.0008): not distinguishable.
    const std::vector<SeededSample> close = {sample({0.953, 0.948, 0.951, 0.950, 0.952}),
                                             sample({0.950, 0.950, 0.950, 0.950, 0.950}),
                                             sample({0.90, 0.91, 0.905, 0.90, 0.91})};
    v = compare_with_leader(close, 0);
    ASSERT_EQ(v.others.size(), 2u);
    EXPECT_FALSE(v.leader_ahead);
    EXPECT_FALSE(v.others[0].significant);
    EXPECT_TRUE(v.others[1].significant);
    EXPECT_EQ(v.closest, 0u);
    // Holm over two: the larger raw p is kept (times 1), the smaller doubled.
    const double p0 = v.others[0].test.p, p1 = v.others[1].test.p;
    EXPECT_NEAR(v.others[1].p_holm, 2 * p1, 1e-15);
    EXPECT_NEAR(v.others[0].p_holm, std::max(p0, 2 * p1), 1e-15);
    // Seeds for 80% power at the observed difference and sd of the differences.
    EXPECT_NEAR(v.others[0].test.difference, 0.0008, 1e-12);
    EXPECT_EQ(v.seeds_for_80_power, seeds_for_power(v.others[0].test.difference, v.others[0].test.sd, true));
    EXPECT_GT(v.seeds_for_80_power, 5);

    // A group with one run cannot be told apart: never a winner over it.
    const std::vector<SeededSample> lone = {sample({0.99, 0.99, 0.99}), sample({0.5})};
    v = compare_with_leader(lone, 0);
    EXPECT_FALSE(v.others[0].test.tested());
    EXPECT_FALSE(v.leader_ahead);
    // Groups without values are not compared.
    EXPECT_TRUE(compare_with_leader({sample({0.9, 0.91}), sample({})}, 0).others.empty());
}

TEST(Verdict, SentencesForTwoGroups) {
    const std::vector<SeededSample> same = {sample({0.95, 0.96, 0.94}), sample({0.95, 0.96, 0.94})};
    const LeaderVerdict v = compare_with_leader(same, 0);
    VerdictWords w{{"relu", "sigmoid"}, {3, 3}, "validation accuracy", "configuration"};
    EXPECT_EQ(verdict_headline(v, w),
              "relu and sigmoid are not distinguishable on this data (validation accuracy 0.00 points apart, 95% CI "
              "0.00 to 0.00; paired t-test, p = 1, 3 seeds each).");
    EXPECT_EQ(power_sentence(v, w),
              "relu and sigmoid gave the same validation accuracy on every seed: no number of seeds would tell them "
              "apart.");
    EXPECT_EQ(versus_leader_cell(v, 1), "tied (p 1)");
    EXPECT_EQ(versus_leader_cell(v, 0), "leader");

    const std::vector<SeededSample> apart = {sample({0.95, 0.952, 0.948, 0.951, 0.949}),
                                             sample({0.94, 0.94, 0.94, 0.94, 0.94})};
    const LeaderVerdict a = compare_with_leader(apart, 0);
    w.counts = {5, 5};
    const std::string h = verdict_headline(a, w);
    EXPECT_EQ(h.rfind("relu is ahead of sigmoid on validation accuracy by 1.00 point (95% CI ", 0), 0u) << h;
    EXPECT_NE(h.find("paired t-test, p"), std::string::npos) << h;
    EXPECT_NE(h.find("5 seeds each"), std::string::npos) << h;
    EXPECT_EQ(power_sentence(a, w), "");
    EXPECT_EQ(versus_leader_cell(a, 1).rfind("behind (p ", 0), 0u);
}

TEST(Verdict, SentencesForManyGroups) {
    const VerdictWords w{{"relu,64", "relu,32", "sigmoid,16"}, {5, 5, 5}, "validation accuracy", "configuration"};
    // Far ahead of both.
    const std::vector<SeededSample> far = {sample({0.97, 0.972, 0.968, 0.971, 0.969}),
                                           sample({0.95, 0.951, 0.949, 0.952, 0.948}),
                                           sample({0.92, 0.921, 0.919, 0.922, 0.918})};
    std::string h = verdict_headline(compare_with_leader(far, 0), w);
    EXPECT_EQ(h.rfind("relu,64 is ahead of all 2 other configurations on validation accuracy (paired t-test, "
                      "Holm-adjusted; the largest p ", 0),
              0u)
        << h;
    EXPECT_NE(h.find("against relu,32, 2.00 points behind; 5 seeds each)."), std::string::npos) << h;
    // Tied with the runner-up, ahead of the third.
    const std::vector<SeededSample> tied = {sample({0.953, 0.948, 0.951, 0.950, 0.952}),
                                            sample({0.950, 0.950, 0.950, 0.950, 0.950}),
                                            sample({0.92, 0.921, 0.919, 0.922, 0.918})};
    const LeaderVerdict v = compare_with_leader(tied, 0);
    h = verdict_headline(v, w);
    EXPECT_EQ(h, "No configuration is significantly ahead on validation accuracy: relu,64 leads, but cannot be told "
                 "apart from relu,32 (p = " + fmt_p(v.others[0].p_holm) +
                     "); it is significantly ahead of sigmoid,16 (paired t-test, Holm-adjusted p; 5 seeds each).");
}

TEST(Format, PValuesWithTwoSignificantDigits) {
    EXPECT_EQ(fmt_p(0.8612), "0.86");
    EXPECT_EQ(fmt_p(0.0432), "0.043");
    EXPECT_EQ(fmt_p(0.05), "0.05");
    EXPECT_EQ(fmt_p(0.00283), "0.0028");
    EXPECT_EQ(fmt_p(0.0004), "< 0.001");
    EXPECT_EQ(fmt_p(1.0), "1");
    EXPECT_EQ(fmt_p(nan), "-");
    Stat s = stat_of(sleep1);
    EXPECT_EQ(fmt_stat(s, 2), "0.75 ± 1.28");  // ± the 95% half-width, not the sd
}

}  // namespace
}  // namespace soma
