#include "toolkit/text_table.h"

#include <algorithm>

#include "toolkit/format.h"

namespace soma {

namespace {

constexpr std::size_t kGap = 2;          // spaces between columns
constexpr std::size_t kMaxWordFloor = 16;  // a wrapping column keeps at least its longest word, up to this

// Where lines may break: after these, in order of preference; a header
// breaks only at spaces.
bool breaks_after(char c) { return c == ' ' || c == ',' || c == ';' || c == '/'; }
bool breaks_weakly_after(char c) { return c == '='; }

// Pieces of one line that wrapping keeps whole: each ends after a break character.
std::vector<std::string> split_after(const std::string& line, bool (*is_break)(char)) {
    std::vector<std::string> out;
    std::string word;
    for (char c : line) {
        word += c;
        if (is_break(c)) {
            out.push_back(word);
            word.clear();
        }
    }
    if (!word.empty()) out.push_back(word);
    return out;
}

std::vector<std::string> words(const std::string& line) { return split_after(line, breaks_after); }

std::string trim_right(std::string s) {
    s.erase(s.find_last_not_of(' ') + 1);
    return s;
}

// The first `width` columns of s and the rest (UTF-8 aware).
std::pair<std::string, std::string> cut(const std::string& s, std::size_t width) {
    std::size_t columns = 0, i = 0;
    for (; i < s.size(); ++i) {
        if ((static_cast<unsigned char>(s[i]) & 0xc0) == 0x80) continue;
        if (columns == width) break;
        ++columns;
    }
    return {s.substr(0, i), s.substr(i)};
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (true) {
        const std::size_t nl = text.find('\n', start);
        out.push_back(text.substr(start, nl == std::string::npos ? std::string::npos : nl - start));
        if (nl == std::string::npos) return out;
        start = nl + 1;
    }
}

std::size_t widest_line(const std::string& text) {
    std::size_t w = 0;
    for (const std::string& l : lines_of(text)) w = std::max(w, text_width(l));
    return w;
}

// The widest piece wrapping keeps whole: of a header, its words; of a cell,
// its words, or split at the weak breaks too when weak.
std::size_t longest_word(const std::string& text, bool header, bool weak = false) {
    std::size_t w = 0;
    for (const std::string& l : lines_of(text))
        for (const std::string& word : header ? split_after(l, [](char c) { return c == ' '; }) : words(l))
            for (const std::string& piece : weak ? split_after(word, breaks_weakly_after) : std::vector<std::string>{word})
                w = std::max(w, text_width(trim_right(piece)));
    return w;
}

struct Layout {
    std::vector<std::size_t> width;
    std::size_t total() const {
        std::size_t t = 0;
        for (std::size_t w : width) t += w;
        return t + (width.empty() ? 0 : kGap * (width.size() - 1));
    }
};

Layout fit(const TextTable& t, std::size_t limit) {
    const std::size_t n = t.columns.size();
    // A wrapping column's floors: its longest word, then its longest piece
    // split at the weak breaks too (each at most kMaxWordFloor, beyond which words are cut).
    std::vector<std::size_t> cells(n, 0), strong(n, 0), weak(n, 0);
    for (const auto& row : t.rows)
        for (std::size_t c = 0; c < n && c < row.size(); ++c) {
            cells[c] = std::max(cells[c], widest_line(row[c]));
            if (!t.columns[c].wrap) continue;
            strong[c] = std::max(strong[c], std::min(longest_word(row[c], false), kMaxWordFloor));
            weak[c] = std::max(weak[c], std::min(longest_word(row[c], false, true), kMaxWordFloor));
        }
    Layout l;
    for (std::size_t c = 0; c < n; ++c) l.width.push_back(std::max(cells[c], widest_line(t.columns[c].header)));
    if (limit == 0 || l.total() <= limit) return l;

    // Headers first: each column wider than its cells gives that back, the widest excess first.
    std::vector<std::size_t> order(n);
    for (std::size_t c = 0; c < n; ++c) order[c] = c;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return l.width[a] - cells[a] > l.width[b] - cells[b];
    });
    for (std::size_t c : order) {
        if (l.total() <= limit) return l;
        const std::size_t header_floor = longest_word(t.columns[c].header, true);
        const std::size_t target = std::max({cells[c], header_floor, std::size_t{1}});
        const std::size_t excess = l.total() - limit;
        if (l.width[c] > target) l.width[c] -= std::min(l.width[c] - target, excess);
    }
    // Then the wrapping columns, one character at a time from the widest:
    // down to their longest words, and only then into them.
    for (std::vector<std::size_t>* floor : {&strong, &weak}) {
        for (std::size_t c = 0; c < n; ++c)
            if (t.columns[c].wrap)
                (*floor)[c] = std::max({(*floor)[c], longest_word(t.columns[c].header, true), std::size_t{1}});
        while (l.total() > limit) {
            std::size_t best = n;
            for (std::size_t c = 0; c < n; ++c)
                if (t.columns[c].wrap && l.width[c] > (*floor)[c] && (best == n || l.width[c] > l.width[best]))
                    best = c;
            if (best == n) break;
            --l.width[best];
        }
    }
    return l;
}

std::string spaces(std::size_t n) { return std::string(n, ' '); }

}  // namespace

namespace {

// Greedy wrapping of one line into out: words (split by is_break) fill a line
// while they fit; a word longer than a line is split at the weak breaks,
// and a piece longer still is cut.
void wrap_line(const std::string& line, std::size_t width, bool (*is_break)(char), std::vector<std::string>& out) {
    std::string current;
    auto flush = [&] {
        if (!trim_right(current).empty()) out.push_back(trim_right(current));
        current.clear();
    };
    for (const std::string& word : split_after(line, is_break)) {
        if (text_width(trim_right(current + word)) <= width) {
            current += word;
            continue;
        }
        flush();
        if (text_width(trim_right(word)) <= width) {
            current = word;
            continue;
        }
        for (std::string piece : split_after(word, breaks_weakly_after)) {
            if (text_width(trim_right(current + piece)) <= width) {
                current += piece;
                continue;
            }
            flush();
            while (text_width(trim_right(piece)) > width) {  // longer than a line: cut
                auto [head, rest] = cut(piece, width);
                out.push_back(head);
                piece = rest;
            }
            current = piece;
        }
    }
    flush();
}

std::vector<std::string> wrap(const std::string& text, std::size_t width, bool (*is_break)(char)) {
    std::vector<std::string> out;
    for (const std::string& line : lines_of(text)) {
        if (width == 0 || text_width(line) <= width) out.push_back(line);
        else wrap_line(line, width, is_break, out);
    }
    return out;
}

}  // namespace

std::vector<std::string> wrap_text(const std::string& text, std::size_t width) {
    return wrap(text, width, breaks_after);
}

std::string render_text_table(const TextTable& t, std::size_t width) {
    const Layout l = fit(t, width);
    const std::size_t n = t.columns.size();
    auto render_row = [&](const std::vector<std::string>& cells, bool header) {
        std::vector<std::vector<std::string>> wrapped(n);
        std::size_t height = 1;
        for (std::size_t c = 0; c < n; ++c) {
            const std::string cell = c < cells.size() ? cells[c] : std::string();
            wrapped[c] = header ? wrap(cell, l.width[c], [](char ch) { return ch == ' '; }) : wrap_text(cell, l.width[c]);
            height = std::max(height, wrapped[c].size());
        }
        std::string out;
        for (std::size_t line = 0; line < height; ++line) {
            std::string text;
            for (std::size_t c = 0; c < n; ++c) {
                // Headers sit on the underline; cells start at the row's top.
                const std::size_t first = header ? height - wrapped[c].size() : 0;
                const std::string cell =
                    line >= first && line - first < wrapped[c].size() ? wrapped[c][line - first] : std::string();
                text += (c ? spaces(kGap) : std::string()) + pad(cell, l.width[c], t.columns[c].right);
            }
            out += trim_right(text) + "\n";
        }
        return out;
    };
    std::vector<std::string> header;
    for (const TextColumn& c : t.columns) header.push_back(c.header);
    std::string out = render_row(header, true) + std::string(l.total(), '-') + "\n";
    const std::size_t indent = n > 1 ? l.width[0] + kGap : 0;
    for (std::size_t r = 0; r < t.rows.size(); ++r) {
        out += render_row(t.rows[r], false);
        if (r < t.notes.size() && !t.notes[r].empty()) {
            const std::size_t room = width > indent ? width - indent : 0;
            for (const std::string& line : wrap_text(t.notes[r], room)) out += spaces(indent) + line + "\n";
        }
    }
    return out;
}

std::string text_table(const std::vector<std::vector<std::string>>& rows, const std::vector<bool>& right_aligned,
                       std::size_t width) {
    TextTable t;
    if (rows.empty()) return "";
    for (std::size_t c = 0; c < rows.front().size(); ++c)
        t.columns.push_back({rows.front()[c], c < right_aligned.size() && right_aligned[c], false});
    t.rows.assign(rows.begin() + 1, rows.end());
    return render_text_table(t, width);
}

}  // namespace soma
