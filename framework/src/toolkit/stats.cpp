#include "toolkit/stats.h"

#include <cmath>
#include <limits>

namespace soma {

Stat::Stat() : mean(std::numeric_limits<double>::quiet_NaN()), std(std::numeric_limits<double>::quiet_NaN()) {}

Stat stat_of(const std::vector<double>& values) {
    Stat s;
    double sum = 0;
    for (double v : values)
        if (std::isfinite(v)) sum += v, ++s.n;
    if (s.n == 0) return s;
    s.mean = sum / s.n;
    double sq = 0;
    for (double v : values)
        if (std::isfinite(v)) sq += (v - s.mean) * (v - s.mean);
    s.std = s.n > 1 ? std::sqrt(sq / (s.n - 1)) : 0.0;
    return s;
}

}  // namespace soma
