// soma plugins: every plugin found, and every library that was refused.
#include <iostream>
#include <memory>

#include "commands.h"
#include "plugin/plugin_list.h"
#include "plugin/registry.h"
#include "util/sanitize.h"

namespace soma::cli {

void add_plugins(Cli& cli) {
    CLI::App* cmd = cli.add_command(
        cli.app(), "plugins",
        "list every plugin found (kind, name, version, file, description, parameters with defaults) and every "
        "library refused; exit status 1 when one was",
        {"soma plugins", "SOMA_PLUGIN_PATH=my_act/build soma plugins --json"});
    auto json = std::make_shared<bool>(false);
    cmd->add_flag("--json", *json, "print the list as JSON instead of the table");
    cli.on_run(cmd, [json] {
        Registry registry;
        const auto folders = default_plugin_folders();
        const std::vector<LoadError> errors = registry.load_folders(folders);
        if (*json) {
            std::cout << plugin_list_json(registry, folders, errors);
        } else {
            // Plugin names and versions are the plugins' own text, folders the user's: printed safely.
            std::cout << terminal_safe(format_plugin_table(registry, folders, output_width()), true);
            for (const LoadError& e : errors) std::cerr << "refused: " << terminal_safe(e.message) << "\n";
        }
        return errors.empty() ? kOk : kFailed;
    });
}

}  // namespace soma::cli
