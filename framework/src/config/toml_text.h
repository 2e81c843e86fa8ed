// Writing TOML text by hand: quoting, keys and numbers that read back to the
// exact same value. The writer controls key order this way, which toml++'s
// sorted tables would not.
#pragma once

#include <string>
#include <string_view>

#include "config/document.h"
#include "util/number.h"  // shortest_number: the decimal that reads back to the same double

namespace soma {

// A basic string with escapes: "a \"b\"\n".
std::string toml_quote(std::string_view s);
// A key: bare when it can be, else quoted.
std::string toml_key(std::string_view key);
// A float in TOML float syntax (3.0, not 3), inf and nan included.
std::string toml_float(double v);
// A value in inline form: [16, 16], {alpha = 0.1}, "relu".
std::string toml_text(const Node& value);

}  // namespace soma
