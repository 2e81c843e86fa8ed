// Small helpers shared by the subcommands' argument parsing.
#include <cmath>
#include <exception>

#include "commands.h"

namespace soma::cli {

int parse_whole(const std::string& flag, const std::string& value, int min) {
    try {
        std::size_t used = 0;
        const int n = std::stoi(value, &used);
        if (used == value.size() && n >= min) return n;
    } catch (const std::exception&) {
    }
    throw UsageError{flag + " expects a whole number >= " + std::to_string(min) + ", got '" + value + "'"};
}

double parse_seconds(const std::string& flag, const std::string& value) {
    try {
        std::size_t used = 0;
        double s = std::stod(value, &used);
        const std::string unit = value.substr(used);
        const double factor = unit.empty() || unit == "s" ? 1 : unit == "m" ? 60 : unit == "h" ? 3600 : 0;
        s *= factor;
        if (factor > 0 && std::isfinite(s) && s > 0) return s;
    } catch (const std::exception&) {
    }
    throw UsageError{flag + " expects a time > 0 in seconds, or with a unit s, m or h (90, 1.5, 10m, 2h), got '" +
                     value + "'"};
}

}  // namespace soma::cli
