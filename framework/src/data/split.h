// Cutting splits: train_limit / test_limit and the seeded validation hold-out.
#pragma once

#include <cstdint>
#include <vector>

#include "data/dataset.h"

namespace soma {

// The rows `indices` of split, in that order.
Split select_rows(const Split& split, int features, const std::vector<std::uint32_t>& indices);

// Keeps the first n samples (n = 0 or n >= size keeps all).
void keep_first(Split& split, int features, std::size_t n);

// Moves round(fraction * size) samples, chosen by a permutation seeded with
// seed, from train into the returned split. Both keep their original relative
// order. fraction must be in [0, 1).
Split hold_out(Split& train, int features, double fraction, std::uint64_t seed);

}  // namespace soma
