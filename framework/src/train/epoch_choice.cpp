#include "train/epoch_choice.h"

#include <cmath>
#include <limits>

namespace soma {

EpochChoice::EpochChoice() : score(std::numeric_limits<double>::quiet_NaN()) {}

std::vector<double> selection_scores(const std::vector<double>& v) {
    std::vector<double> scores(v.size(), std::numeric_limits<double>::quiet_NaN());
    for (std::size_t i = 0; i < v.size(); ++i) {
        double sum = 0;
        int n = 0;
        for (std::size_t j = i + 1 >= selection_window ? i + 1 - selection_window : 0; j <= i; ++j)
            if (std::isfinite(v[j])) sum += v[j], ++n;
        if (n > 0) scores[i] = sum / n;
    }
    return scores;
}

EpochChoice choose_epoch(const std::vector<double>& validation_accuracy, double min_delta) {
    EpochChoice c;
    const std::vector<double> scores = selection_scores(validation_accuracy);
    for (std::size_t i = 0; i < scores.size(); ++i)
        if (std::isfinite(scores[i]) && (c.index < 0 || scores[i] > c.score + min_delta))
            c.index = static_cast<int>(i), c.score = scores[i];
    if (c.index < 0) c.index = static_cast<int>(validation_accuracy.size()) - 1;
    return c;
}

}  // namespace soma
