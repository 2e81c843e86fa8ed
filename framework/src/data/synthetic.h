// The "synthetic" dataset: generated from a seed, no download, for tests and
// quick experiments that must run anywhere.
#pragma once

#include <cstdint>

#include "data/dataset.h"

namespace soma {

// n_train / n_test 28x28 images in 10 classes. Each class is a fixed set of
// strokes and a blob drawn from the seed; a sample is its class's drawing with
// parts dropped or dimmed, jittered, shifted up to 2 px, a stray stroke from
// another class sometimes added, and noise. A small MLP learns it well above
// chance but not perfectly. The test set does not depend on n_train.
Dataset make_synthetic(int n_train, int n_test, std::uint64_t seed);

}  // namespace soma
