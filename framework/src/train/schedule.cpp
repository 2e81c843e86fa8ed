#include "train/schedule.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string>

#include "util/error.h"

namespace soma {

namespace {

// The schedule's own factor; every schedule has a case (the compiler checks).
double schedule_factor(const ScheduleConfig& s, double progress, int epochs) {
    const double epoch = std::floor(progress);
    switch (s.name) {
        case Schedule::constant: return 1.0;
        case Schedule::step: return std::pow(s.gamma, std::floor(epoch / s.step_epochs));
        case Schedule::exponential: return std::pow(s.gamma, epoch);
        case Schedule::cosine: {
            const double t = std::clamp(progress / std::max(1, epochs), 0.0, 1.0);
            return s.min_factor + (1.0 - s.min_factor) * 0.5 * (1.0 + std::cos(std::numbers::pi * t));
        }
    }
    throw Error("schedule " + std::to_string(static_cast<int>(s.name)) + " has no formula");
}

}  // namespace

float lr_factor(const ScheduleConfig& s, double progress, int epochs) {
    double f = schedule_factor(s, progress, epochs);
    if (s.warmup_epochs > 0) f *= std::min(1.0, progress / s.warmup_epochs);
    return static_cast<float>(f);
}

}  // namespace soma
