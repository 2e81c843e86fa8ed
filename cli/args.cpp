// Small helpers shared by the subcommands' argument parsing.
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

std::string shell_quote(const std::string& s) {
    // Only characters no shell treats specially are left bare.
    if (!s.empty() && s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./=,:") ==
                          std::string::npos)
        return s;
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

}  // namespace soma::cli
