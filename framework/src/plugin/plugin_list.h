// What `soma plugins` prints: every registered feature with its plugin
// version, parameters (with defaults), the library it came from and its
// description; as a table for people and as JSON for scripts.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "plugin/registry.h"

namespace soma {

// One header, then one row per feature sorted by kind then name: KIND NAME
// VERSION FILE DESCRIPTION, fitted to `width` (0 = unlimited; see
// toolkit/text_table.h). A feature with parameters gets a line under its row
// listing them as name=default. FILE is the library's path relative to the
// folder of `folders` it lies in ("elu.so"), numbered "[2] x.so" when the
// plugins come from more than one folder; the lines under the table name the
// folders, and the folders searched that hold no plugin.
std::string format_plugin_table(const Registry& registry, const std::vector<std::filesystem::path>& folders,
                                std::size_t width);

// The same as JSON: {"folders": [...], "plugins": [{"kind", "name", "plugin",
// "version", "file", "description", "init", "parameters": [{"name",
// "default", "min", "max", "integer", "help"}]}], "refused": [{"file",
// "reason", "message"}]}; min and max are null when unbounded.
std::string plugin_list_json(const Registry& registry, const std::vector<std::filesystem::path>& folders,
                             const std::vector<LoadError>& refused);

}  // namespace soma
