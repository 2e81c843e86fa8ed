// Checks of plugin names and parameters against the registry's ParamSpecs.
#include "config/plugin_params.h"

#include <cmath>
#include <stdexcept>

#include "config/checks.h"
#include "config/toml_text.h"
#include "util/names.h"

namespace soma {

namespace {

// "a number in [0, 1]", "a whole number >= 1", "a number".
std::string describe(const ParamSpec& s) {
    std::string out = s.integer ? "a whole number" : "a number";
    const bool lo = std::isfinite(s.min), hi = std::isfinite(s.max);
    if (lo && hi) out += " in [" + shortest_number(s.min) + ", " + shortest_number(s.max) + "]";
    else if (lo) out += " >= " + shortest_number(s.min);
    else if (hi) out += " <= " + shortest_number(s.max);
    return out;
}

}  // namespace

std::string check_plugin_name(const Registry& registry, Kind kind, const Node& value, const std::string& path) {
    expect_type(value, Node::Type::string, path);
    if (!registry.has(kind, value.string))
        fail(value.pos, unknown_name_message(kind_name(kind), value.string, registry.names(kind)));
    return value.string;
}

bool declares_param(const Registry& registry, Kind kind, const std::string& name, const std::string& param) {
    for (const auto& s : registry.feature(kind, name).info.params)
        if (s.name == param) return true;
    return false;
}

Params check_plugin_params(const Registry& registry, Kind kind, const std::string& name, const Node* table,
                           const std::string& path, const std::vector<std::string>& skip, const Params& preset) {
    const std::vector<ParamSpec>& specs = registry.feature(kind, name).info.params;
    std::vector<std::string> known;
    for (const auto& s : specs)
        if (!preset.has(s.name)) known.push_back(s.name);

    Params given = preset;
    if (table) {
        expect_type(*table, Node::Type::table, path);
        for (const auto& [key, value] : table->entries) {
            bool skipped = false;
            for (const auto& k : skip) skipped = skipped || k == key;
            if (skipped) continue;
            const std::string where = child_path(path, key);
            const ParamSpec* spec = nullptr;
            for (const auto& s : specs)
                if (s.name == key) spec = &s;
            if (spec && preset.has(key))
                fail(value.key_pos, where + ": '" + key + "' of " + kind_name(kind) + " '" + name +
                                        "' is set by the config's own '" + key + "' key, not here");
            if (!spec) {
                std::string msg = "unknown parameter '" + key + "' of " + kind_name(kind) + " '" + name + "'";
                const std::string close = closest_name(key, known);
                if (!close.empty()) msg += " (did you mean '" + close + "'?)";
                msg += known.empty() ? "; it takes no parameters" : "; known: " + join(known);
                fail(value.key_pos, msg);
            }
            expect_number(value, where);
            const double v = value.number();
            if (!(v >= spec->min && v <= spec->max) || (spec->integer && std::floor(v) != v)) {
                std::string msg = where + ": expected " + describe(*spec) + ", got " + shortest_number(v);
                if (!spec->help.empty()) msg += " (" + key + ": " + spec->help + ")";
                fail(value.pos, msg);
            }
            given.set(key, v);
        }
    }
    try {
        return resolve_params(specs, given);
    } catch (const std::invalid_argument& e) {
        // Only a default outside its own range gets here: the plugin's fault.
        fail(table ? table->pos : SourcePos{}, path + ": " + kind_name(kind) + " '" + name + "': " + e.what());
    }
}

}  // namespace soma
