// The shape of an experiment file: which keys each table may hold. One list
// serves the "unknown key" checks, the sweep axis path checks and the rule
// that a model is written in one of two styles.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace soma {

// Keys the table at `table_path` may hold: "" is the top level, "model.layers"
// each [[model.layers]] entry. Tables of plugin parameters are open (any key,
// checked against the plugin) and are not listed here.
const std::vector<std::string>& known_keys(const std::string& table_path);

// Every dotted path a sweep axis or --set may set that the schema lists
// (plugin parameters aside): "training.epochs", "model.hidden", ... Used for
// suggestions and shell completion.
std::vector<std::string> settable_paths();

// Whether a dotted path names something a sweep axis may set: a known key or
// table, or a key inside a plugin-parameter table. When not, `closest` gets
// the nearest settable path ("" if none is close).
bool is_settable_path(const std::vector<std::string>& path, std::string& closest);

// A model is given either as hidden/activation/activation_params or as
// layers. When a higher-priority source (an including file, --set, a sweep
// axis) sets one of these keys in [model], the keys of the other style that a
// lower-priority source wrote are dropped, so the winner's style applies.
std::vector<std::string> displaced_keys(const std::string& table_path, const std::string& key);

// "training.epochs" from {"training", "epochs"}.
std::string dotted(const std::vector<std::string>& path);
// The inverse of dotted: "model.activation" -> {"model", "activation"} (empty parts kept).
std::vector<std::string> split_dotted(const std::string& path);

}  // namespace soma
