// The sentences a comparison ends with, from a LeaderVerdict (toolkit/stats.h):
// whether the leader is significantly ahead, with the difference, its
// interval, the test and the p-value; when it is not, how many seeds would
// tell the closest pair apart. Values are fractions (accuracies); differences
// are written in percentage points. Used by the sweep report and the bench.
#pragma once

#include <string>
#include <vector>

#include "toolkit/stats.h"

namespace soma {

struct VerdictWords {
    std::vector<std::string> names;  // one per group, as LeaderVerdict indexes them
    std::vector<int> counts;         // values per group (the n of its Stat)
    std::string measure;             // "validation accuracy"
    std::string noun;                // "configuration"
};

// "relu and sigmoid are not distinguishable on this data (validation accuracy
// 0.12 points apart, 95% CI -0.31 to 0.55; paired t-test, p = 0.43, 5 seeds
// each)."; "" without a leader.
std::string verdict_headline(const LeaderVerdict& verdict, const VerdictWords& words);

// When the leader is not ahead: "Telling relu from sigmoid apart at the
// observed difference (0.12 points, sd of the paired differences 0.35) with
// 80% power would take about 70 seeds each (one t-test at the 5% level)."
// "" when the leader is ahead or nothing could be estimated.
std::string power_sentence(const LeaderVerdict& verdict, const VerdictWords& words);

// "paired t-test", "Welch t-test" or "paired and Welch t-tests": what the comparisons used.
std::string tests_used(const LeaderVerdict& verdict);

// "5 seeds each", "3 to 5 seeds each" over the leader and the groups it was compared with.
std::string seeds_each(const LeaderVerdict& verdict, const VerdictWords& words);

// The fewest values of any group that has values (0 when none has).
int fewest_values(const std::vector<int>& counts);

// A difference of fractions in points: "+0.12 points" (signed) or "0.12 points".
std::string fmt_points(double difference, bool sign = false);

// The comparison's cell in a ranked table: "leader", "behind (p 0.003)", "tied (p 0.43)", "untested (n 1)".
std::string versus_leader_cell(const LeaderVerdict& verdict, std::size_t group);

}  // namespace soma
