#include "train/schedule.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace soma {

float lr_factor(const ScheduleConfig& s, double progress, int epochs) {
    const double epoch = std::floor(progress);
    double f = 1.0;
    if (s.name == "step") {
        f = std::pow(s.gamma, std::floor(epoch / s.step_epochs));
    } else if (s.name == "exponential") {
        f = std::pow(s.gamma, epoch);
    } else if (s.name == "cosine") {
        const double t = std::clamp(progress / std::max(1, epochs), 0.0, 1.0);
        f = s.min_factor + (1.0 - s.min_factor) * 0.5 * (1.0 + std::cos(std::numbers::pi * t));
    }
    if (s.warmup_epochs > 0) f *= std::min(1.0, progress / s.warmup_epochs);
    return static_cast<float>(f);
}

}  // namespace soma
