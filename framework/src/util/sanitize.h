// Text from outside soma (experiment and run names, sweep values, plugin
// descriptors, file names, error messages quoting any of them) on its way
// into a folder name or onto a terminal. One function for each direction, so
// that no name reaches a path or a screen any other way.
#pragma once

#include <string>
#include <string_view>

namespace soma {

// What a folder name soma makes may hold, for messages: "ASCII letters,
// digits and . _ - = , (not starting with . or -), at most 255 bytes".
extern const char* const kFolderNameRule;

// `text` as one folder name that is safe everywhere: every byte outside
// [A-Za-z0-9._=,-] becomes '_' (so '/', '\', control characters and spaces
// cannot survive), a leading '.' or '-' becomes '_' (no ".", "..", hidden
// folders or option-like names), "" becomes "_", and a result longer than
// 255 bytes (NAME_MAX) is cut to 246 and ends in '-' and 8 hex digits of a
// hash of the whole text, so that different long texts stay different.
std::string folder_name(std::string_view text);

// "" when `name` may be used as a folder name as it is, i.e. when
// folder_name(name) == name; else what is wrong with it, e.g. "contains '/'
// (a name is one folder, not a path)".
std::string folder_name_problem(std::string_view name);

// `text` safe to print: nothing in it can move the cursor, clear the screen,
// change colours, retitle the window or reorder what follows. C0 control
// characters and DEL become \n, \r, \t, \e or \xNN; C1 controls (U+0080 to
// U+009F), the bidirectional overrides and isolates (U+202A-U+202E,
// U+2066-U+2069) and the line and paragraph separators become \uNNNN; bytes
// that are not UTF-8 become \xNN. Everything else, other UTF-8 included,
// stays as it is. With keep_newlines, '\n' and '\t' stay (for messages
// of several lines).
std::string terminal_safe(std::string_view text, bool keep_newlines = false);

}  // namespace soma
