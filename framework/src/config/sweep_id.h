// Run ids of a sweep: readable, filesystem-safe, and unique per run.
#pragma once

#include <string>
#include <vector>

#include "config/document.h"

namespace soma {

// For each axis path, the shortest tail that no other axis ends with:
// {"model.activation", "training.seed"} -> {"activation", "seed"}, but
// {"model.activation_params.alpha", "training.optimizer.alpha"} keeps
// "activation_params.alpha" and "optimizer.alpha".
std::vector<std::string> axis_keys(const std::vector<std::vector<std::string>>& paths);

// A value as an id part: strings bare, lists joined by 'x' ([16, 16] -> 16x16),
// floats in shortest form (0.1, 1e-05), tables as k-v joined by '_'.
std::string value_id(const Node& value);

}  // namespace soma
