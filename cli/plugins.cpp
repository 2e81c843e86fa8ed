// soma plugins: every plugin found, and every library that was refused.
#include <iostream>

#include "commands.h"
#include "plugin/plugin_list.h"
#include "plugin/registry.h"

namespace soma::cli {

int plugins(const Args& args) {
    if (!args.empty()) throw UsageError{"plugins takes no arguments"};
    Registry registry;
    std::vector<LoadError> errors = registry.load_folders(default_plugin_folders());
    std::cout << format_plugin_table(registry);
    std::cout << "searched:";
    for (const auto& f : default_plugin_folders()) std::cout << " " << f.string();
    std::cout << "\n";
    for (const LoadError& e : errors) std::cerr << "refused: " << e.message << "\n";
    return errors.empty() ? 0 : 1;
}

}  // namespace soma::cli
