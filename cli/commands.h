// The subcommands of the soma executable; each parses its own arguments and
// calls the framework. Return value = process exit status.
#pragma once

#include <string>
#include <vector>

#include "util/quote.h"  // shell_quote, for commands printed to paste

namespace soma::cli {

using Args = std::vector<std::string>;

int run(const Args& args);
int plugins(const Args& args);
int data(const Args& args);
int report(const Args& args);
int compare(const Args& args);
int bench(const Args& args);
int plugin(const Args& args);

// Thrown for a bad command line; main prints it with the usage.
struct UsageError {
    std::string message;
};

// The value of `flag` as a whole number >= min, else a UsageError naming both.
int parse_whole(const std::string& flag, const std::string& value, int min);

// The value of `flag` as seconds > 0: "90", "1.5", "90s", "10m", "2h".
double parse_seconds(const std::string& flag, const std::string& value);

}  // namespace soma::cli
