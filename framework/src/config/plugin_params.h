// Plugin names and parameters in a config, checked against what the loaded
// plugins declare (ParamSpec) so a typo fails before any work starts.
#pragma once

#include <string>
#include <vector>

#include "config/document.h"
#include "plugin/registry.h"
#include "soma/params.h"

namespace soma {

// The plugin name in `value` (a string), checked against the registry:
// "unknown activation 'sigmod' (did you mean 'sigmoid'?); known: relu, sigmoid".
std::string check_plugin_name(const Registry& registry, Kind kind, const Node& value, const std::string& path);

// The parameters written in `table` (null when none are) for feature `name`,
// checked against its ParamSpecs, with defaults filled in. Keys in `skip` are
// not parameters (the optimizer's "name"); `preset` holds values the config
// sets by other keys (a layer's units), which the table may not repeat.
Params check_plugin_params(const Registry& registry, Kind kind, const std::string& name, const Node* table,
                           const std::string& path, const std::vector<std::string>& skip = {},
                           const Params& preset = {});

// Whether feature `name` declares a parameter `param`.
bool declares_param(const Registry& registry, Kind kind, const std::string& name, const std::string& param);

}  // namespace soma
