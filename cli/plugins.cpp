// soma plugins: every plugin found, and every library that was refused.
#include <iostream>

#include "commands.h"
#include "plugin/plugin_list.h"
#include "plugin/registry.h"
#include "util/sanitize.h"

namespace soma::cli {

int plugins(const Args& args) {
    if (!args.empty()) throw UsageError{"plugins takes no arguments"};
    Registry registry;
    std::vector<LoadError> errors = registry.load_folders(default_plugin_folders());
    // Plugin names and versions are the plugins' own text, folders the user's: printed safely.
    std::cout << terminal_safe(format_plugin_table(registry), true);
    std::cout << "searched:";
    for (const auto& f : default_plugin_folders()) std::cout << " " << terminal_safe(f.string());
    std::cout << "\n";
    for (const LoadError& e : errors) std::cerr << "refused: " << terminal_safe(e.message) << "\n";
    return errors.empty() ? 0 : 1;
}

}  // namespace soma::cli
