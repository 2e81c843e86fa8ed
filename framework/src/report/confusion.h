// The confusion matrix as an inline SVG grid: rows are the true labels,
// columns the predicted ones, each cell with its count. Correct predictions
// (the diagonal) are shaded blue by count, errors orange by count relative
// to the largest error, so the common confusions stand out.
#pragma once

#include <string>
#include <vector>

namespace soma {

std::string confusion_svg(const std::vector<std::vector<double>>& matrix);

}  // namespace soma
