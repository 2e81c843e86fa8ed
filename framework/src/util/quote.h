// A double-quoted string with the escapes JSON and TOML basic strings share:
// \" \\ \n \t \r \b \f, and \u00XX for the other control characters and DEL.
#pragma once

#include <string>
#include <string_view>

namespace soma {

std::string quote_escaped(std::string_view s);

}  // namespace soma
