// Mean and sample standard deviation over the finite values of a list.
#pragma once

#include <vector>

namespace soma {

struct Stat {
    double mean, std;  // NaN when n == 0; std is the sample std (n - 1), 0 for n == 1
    int n = 0;
    Stat();
};

// Over the finite values; NaN and infinities are skipped.
Stat stat_of(const std::vector<double>& values);

}  // namespace soma
