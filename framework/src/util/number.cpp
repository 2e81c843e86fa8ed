#include "util/number.h"

#include <charconv>
#include <cmath>

namespace soma {

std::string shortest_number(double v) {
    if (std::isnan(v)) return "nan";
    if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
    char buf[32];  // the longest shortest form of a double is 24 characters
    const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    (void)ec;
    return std::string(buf, end);
}

}  // namespace soma
