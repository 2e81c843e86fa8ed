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

void check_known_keys(const Node& table, const std::string& schema_path, const std::string& label) {
    const auto& known = known_keys(schema_path);
    for (const auto& [key, value] : table.entries) {
        bool ok = false;
        for (const auto& k : known) ok = ok || k == key;
        if (ok) continue;
        std::string msg = "unknown key '" + key + "' " + label;
        const std::string close = closest_name(key, known);
        if (!close.empty()) msg += " (did you mean '" + close + "'?)";
        fail(value.key_pos, msg);
    }
}

std::string child_path(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
}

}  // namespace soma
