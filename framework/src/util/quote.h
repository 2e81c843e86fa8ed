// Quoting text for the formats soma writes it into.
#pragma once

#include <string>
#include <string_view>

namespace soma {

// A double-quoted string with the escapes JSON and TOML basic strings share:
// \" \\ \n \t \r \b \f, and \u00XX for the other control characters and DEL.
std::string quote_escaped(std::string_view s);

// For printing commands a user can paste into a shell: bare when no shell
// treats any character specially ("runs/a-b"), else in single quotes
// ("'a b'"); text with control characters in bash's $'...' form, so that
// nothing unprintable reaches the terminal ("$'a\nb'").
std::string shell_quote(std::string_view s);

}  // namespace soma
