// soma help [COMMAND...]: the help of soma, or of one of its commands.
#include <iostream>
#include <memory>

#include "commands.h"
#include "util/names.h"

namespace soma::cli {

void add_help(Cli& cli) {
    CLI::App* cmd = cli.add_command(cli.app(), "help", "show the help of soma or of a command",
                                    {"soma help run", "soma help plugin new"});
    auto words = std::make_shared<std::vector<std::string>>();
    cli.complete(cmd->add_option("COMMAND", *words, "a command, with its subcommand (plugin new)"),
                 {Completion::Kind::commands});
    cli.on_run(cmd, [&cli, words] {
        const CLI::App* command = &cli.app();
        for (const std::string& w : *words) {
            std::vector<std::string> names;
            const CLI::App* next = nullptr;
            for (const CLI::App* s : command->get_subcommands({})) {
                if (s->get_group().empty()) continue;
                names.push_back(s->get_name());
                if (s->get_name() == w) next = s;
            }
            if (!next) {
                const std::string close = closest_name(w, names);
                throw UsageError{"no command '" + Cli::command_path(command) + " " + w + "'" +
                                 (close.empty() ? "" : " (did you mean '" + close + "'?)") +
                                 (names.empty() ? "" : "; commands: " + join(names))};
            }
            command = next;
        }
        std::cout << cli.help(command, output_width());
        return kOk;
    });
}

}  // namespace soma::cli
