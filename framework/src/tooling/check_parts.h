// Internal to tooling: what the checks of the three kinds share, and their
// entry points behind run_check() (checks.cpp).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "config/experiment.h"
#include "nn/network.h"
#include "soma/state.h"
#include "tooling/checks.h"

namespace soma::tooling {

using Numbers = std::vector<std::pair<std::string, double>>;

inline CheckResult pass(std::string detail, Numbers numbers = {}) {
    return {"", true, std::move(detail), std::move(numbers)};
}
inline CheckResult fail(std::string detail, Numbers numbers = {}) {
    return {"", false, std::move(detail), std::move(numbers)};
}

// n values drawn uniformly from [lo, hi) with soma::Random(seed).
std::vector<float> uniform(std::size_t n, std::uint64_t seed, double lo = -1.0, double hi = 1.0);

// Analytic against numeric gradients, |a - n| <= 2e-3 + 2e-2 |n|; keeps the
// first mismatch and the largest error of the matches.
struct Tally {
    std::size_t checked = 0, bad = 0;
    double worst = 0;
    std::string first;

    void add(const std::string& what, double analytic, double numeric);
    // "38 parameter values of ..., max |error| 1e-05" or the first mismatch.
    CheckResult result(const std::string& what) const;
};

// Every parameter's gradient of the network `model` builds (batch 4 of
// uniform inputs from `input_seed`, labels 0 2 1 2, cross-entropy) against
// central differences, h = 2e-3. Each evaluation builds the network afresh,
// so a random layer (dropout) draws the same mask every time.
CheckResult network_gradient(const Registry& registry, const ModelConfig& model, const NetworkOptions& options,
                             std::uint64_t input_seed);

// --- the state checks (soma/state.h) -------------------------------------------
// Both kinds run an instance some steps, copy what it exposes into a second,
// freshly made one and require the next steps of both to agree bit for bit.

// "" or what is wrong with one call's blocks: a block without a name, a name
// given twice.
std::string state_names_problem(const std::vector<StateBlock>& blocks);

// "" when `b` has the blocks of `a` (names, order, sizes), else the first
// difference, naming each side as `a_is` and `b_is` ("after setup()"), and
// the rule it breaks.
std::string state_layout_difference(const std::vector<StateBlock>& a, const std::string& a_is,
                                    const std::vector<StateBlock>& b, const std::string& b_is);

// Copies the bytes of every block of `from` into the same block of `to`;
// the layouts must already agree (state_layout_difference).
void copy_state(const std::vector<StateBlock>& from, const std::vector<StateBlock>& to);

// "step 8 B, m.0 40 B, m.1 12 B" (at most 6 blocks named, then "..."), or "none".
std::string state_summary(const std::vector<StateBlock>& blocks);
std::size_t state_bytes(const std::vector<StateBlock>& blocks);

// "" when a and b hold the same bits, else the first difference:
// "weights[3] is 0.123456791 in the original, 0.123456784 in the copy".
std::string first_difference(const std::string& what, const float* a, const float* b, std::size_t n);

CheckResult activation_check(CheckId id, const Subject& subject);
CheckResult layer_check(CheckId id, const Subject& subject);
CheckResult optimizer_check(CheckId id, const Subject& subject);
// Whether the activation names oneDNN algorithms (makes it: plugin code).
bool names_onednn(const Subject& subject);

}  // namespace soma::tooling
