// Single-value checks shared by validation, plugin parameters and sweeps.
#include "config/checks.h"

#include "config/schema.h"
#include "util/names.h"

namespace soma {

void fail(const SourcePos& pos, const std::string& reason) { throw ConfigError(pos, reason); }

void expect_type(const Node& value, Node::Type type, const std::string& path) {
    if (value.type != type)
        fail(value.pos, path + ": expected " + type_name(type) + ", got " + type_name(value.type));
}

void expect_number(const Node& value, const std::string& path) {
    if (!value.is_number()) fail(value.pos, path + ": expected a number, got " + type_name(value.type));
}

std::int64_t check_integer(const Node& value, const std::string& path, std::int64_t min, std::int64_t max) {
    expect_type(value, Node::Type::integer, path);
    if (value.integer < min || value.integer > max) {
        // A bound that is only the storage limit is not worth printing unless crossed.
        const bool show_max = max != std::numeric_limits<int>::max() &&
                              max != std::numeric_limits<std::int64_t>::max();
        const std::string range = show_max || value.integer > max
                                      ? "in " + std::to_string(min) + ".." + std::to_string(max)
                                      : ">= " + std::to_string(min);
        fail(value.pos, path + ": expected an integer " + range + ", got " + std::to_string(value.integer));
    }
    return value.integer;
}

std::string check_choice(const Node& value, const std::string& path, const std::vector<std::string>& allowed) {
    expect_type(value, Node::Type::string, path);
    for (const auto& a : allowed)
        if (a == value.string) return a;
    std::vector<std::string> shown;
    for (const auto& a : allowed) shown.push_back(a.empty() ? "\"\"" : a);
    std::string msg = path + ": expected one of " + join(shown) + ", got '" + value.string + "'";
    const std::string close = closest_name(value.string, allowed);
    if (!close.empty()) msg += " (did you mean '" + close + "'?)";
    fail(value.pos, msg);
}

std::string key_suggestion(const std::string& key, const std::string& table_path,
                           const std::vector<std::string>& known, const std::vector<std::string>& elsewhere) {
    // A key of this table, told apart by case only: nothing is closer.
    for (const auto& k : known)
        if (same_ignoring_case(k, key)) return " (did you mean '" + k + "'?)";
    // Keys of other tables, by their last part.
    std::vector<std::string> other, last;
    for (const auto& path : elsewhere) {
        const auto parts = split_dotted(path);
        std::vector<std::string> parent(parts.begin(), parts.end() - 1);
        if (dotted(parent) == table_path) continue;
        other.push_back(path);
        last.push_back(parts.back());
    }
    auto paths_ending = [&](const std::string& name) {
        std::vector<std::string> out;
        for (std::size_t i = 0; i < other.size() && out.size() < 3; ++i)
            if (same_ignoring_case(last[i], name)) out.push_back(other[i]);
        return out;
    };
    auto phrase = [](const std::vector<std::string>& paths) {
        std::string s = paths.front();
        for (std::size_t i = 1; i < paths.size(); ++i) s += (i + 1 == paths.size() ? " or " : ", ") + paths[i];
        return " (did you mean " + s + "?)";
    };
    // The key itself, written in the wrong table.
    if (const auto exact = paths_ending(key); !exact.empty()) return phrase(exact);
    if (const std::string close = closest_name(key, known); !close.empty()) return " (did you mean '" + close + "'?)";
    if (const std::string close = closest_name(key, last); !close.empty()) return phrase(paths_ending(close));
    return "";
}

void check_known_keys(const Node& table, const std::string& schema_path, const std::string& label,
                      const std::vector<std::string>& elsewhere) {
    const auto& known = known_keys(schema_path);
    ConfigErrors errors;
    for (const auto& [key, value] : table.entries) {
        bool ok = false;
        for (const auto& k : known) ok = ok || k == key;
        if (ok) continue;
        errors.add(ConfigError(value.key_pos, "unknown key '" + key + "' " + label +
                                                  key_suggestion(key, schema_path, known, elsewhere)));
    }
    errors.throw_if_any();
}

std::string child_path(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
}

}  // namespace soma
