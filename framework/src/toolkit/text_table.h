// The one renderer of tables for the terminal (soma plugins, data list,
// report's ranking, compare, bench): aligned columns under an underlined
// header, fitted to a width by wrapping headers and the columns that may
// wrap, with an optional line under a row (a plugin's parameters).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace soma {

struct TextColumn {
    std::string header;
    bool right = false;  // right-aligned (numbers)
    bool wrap = false;   // may take several lines to fit the width (names, paths, descriptions)
};

struct TextTable {
    std::vector<TextColumn> columns;
    std::vector<std::vector<std::string>> rows;  // one cell per column; '\n' starts a line within a cell
    // Empty, or one per row: a line printed under its row from the second
    // column on ("" for none), wrapped to the width like a cell.
    std::vector<std::string> notes;
};

// The width tables are fitted to when nothing else is known (a pipe, a test).
inline constexpr std::size_t kDefaultTableWidth = 100;

// The table as text, each line ending in '\n', no trailing spaces. width = 0
// is unlimited. Otherwise, while the table is wider than width: first the
// headers wider than their column's cells wrap at spaces; then the widest
// wrapping column gives up a character, down to its longest word (at most
// 16, longer words are cut). Cells wrap after spaces, commas, semicolons and
// slashes, a word longer than its column also after '='; headers only at
// spaces. A table of columns that cannot wrap stays wider than asked.
std::string render_text_table(const TextTable& table, std::size_t width);

// A table whose first row is the header; none of its columns wrap.
std::string text_table(const std::vector<std::vector<std::string>>& rows, const std::vector<bool>& right_aligned,
                       std::size_t width = 0);

// Text wrapped to lines of at most width columns (0 = unlimited) as
// render_text_table wraps cells; explicit '\n' kept.
std::vector<std::string> wrap_text(const std::string& text, std::size_t width);

}  // namespace soma
