#include "util/names.h"

#include <algorithm>

namespace soma {

std::size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

namespace {

std::string lower(const std::string& s) {
    std::string out = s;
    for (char& c : out)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return out;
}

}  // namespace

bool same_ignoring_case(const std::string& a, const std::string& b) { return lower(a) == lower(b); }

std::string closest_name(const std::string& name, const std::vector<std::string>& candidates) {
    const std::string folded = lower(name);
    // Told apart by case only: nothing is nearer; of several, the nearest in case.
    std::string same;
    for (const auto& c : candidates)
        if (lower(c) == folded && (same.empty() || edit_distance(name, c) < edit_distance(name, same))) same = c;
    if (!same.empty()) return same;
    // A name cut short ("warmup" for "warmup_epochs") is meant, however far in edits.
    if (name.size() >= 3) {
        std::string shortest;
        for (const auto& c : candidates)
            if (c.size() > name.size() && lower(c).compare(0, name.size(), folded) == 0 &&
                (shortest.empty() || c.size() < shortest.size()))
                shortest = c;
        if (!shortest.empty() && edit_distance(folded, lower(shortest)) > std::max<std::size_t>(3, name.size() / 2))
            return shortest;
    }
    std::string best;
    std::size_t best_distance = std::max<std::size_t>(3, name.size() / 2) + 1, best_exact = 0;
    for (const auto& c : candidates) {
        const std::size_t d = edit_distance(folded, lower(c));
        const std::size_t exact = edit_distance(name, c);  // breaks ties: nearer in case
        if (d < best_distance || (d == best_distance && !best.empty() && exact < best_exact)) {
            best_distance = d;
            best_exact = exact;
            best = c;
        }
    }
    return best;
}

std::string join(const std::vector<std::string>& items, const std::string& sep) {
    std::string out;
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i) out += sep;
        out += items[i];
    }
    return out;
}

std::string unknown_name_message(const std::string& what, const std::string& name,
                                 const std::vector<std::string>& known) {
    std::string msg = "unknown " + what + " '" + name + "'";
    std::string close = closest_name(name, known);
    if (!close.empty()) msg += " (did you mean '" + close + "'?)";
    msg += "; known: " + (known.empty() ? std::string("none") : join(known));
    return msg;
}

}  // namespace soma
