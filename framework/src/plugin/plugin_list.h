// The text of `soma plugins`: every registered feature with its plugin
// version, parameters (with defaults) and the library it came from.
#pragma once

#include <string>

#include "plugin/registry.h"

namespace soma {

// One header line, then one row per feature sorted by kind then name, in
// aligned columns: KIND NAME VERSION PARAMETERS FILE DESCRIPTION. PARAMETERS
// lists name=default separated by commas ("alpha=0.01"), or "-".
std::string format_plugin_table(const Registry& registry);

}  // namespace soma
