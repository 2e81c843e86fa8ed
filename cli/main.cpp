// soma: the command-line entry point.
//
// The command line is declared with CLI11 (Debian libcli11-dev): every
// subcommand lives in its own small file, cli/NAME.cpp, which declares its
// arguments and options and calls the framework. The logic stays in
// framework/, where tests reach it without a process; cli/ only turns a
// command line into a framework call and its result into output and an exit
// status. Help (`soma NAME --help`, `soma help NAME`), usage errors (exit 2,
// one line and a hint), shell completion (`soma __complete`, used by
// cli/soma-completion.bash) and the error-to-exit-status mapping all come
// from the declarations, so a new subcommand gets them by being declared.
//
// Adding a subcommand NAME:
//   1. cli/NAME.cpp defines `void add_NAME(Cli& cli)` (command.h):
//
//        void add_name(Cli& cli) {
//            CLI::App* cmd = cli.add_command(cli.app(), "name", "what it does, in one line",
//                                            {"soma name FILE.toml --count 3"});      // examples for --help
//            auto o = std::make_shared<NameOptions>();        // the framework's options struct
//            cli.complete(cmd->add_option("FILE.toml", o->file, "what the file is")->required(),
//                         {Completion::Kind::toml_files});    // how the shell completes it
//            cmd->add_option("--count", o->count, "what it sets")
//                ->type_name("N")->check(whole_number(1))->capture_default_str();  // default shown in --help
//            cmd->add_flag("--json", o->json, "print JSON for scripts instead of the table");
//            cli.on_run(cmd, [o] { return framework_function(*o); });   // returns the exit status
//        }
//
//      A subcommand with subcommands of its own (`soma plugin new`) calls
//      cli.add_command(*cmd, ...) for each; see plugin.cpp.
//   2. Declare add_NAME in commands.h and add it to kCommands below (the
//      order `soma --help` lists them in).
//   3. tests/cli/help_test.cpp runs `--help` of every declared subcommand by
//      itself; add a test that drives the new command with real input.
//
// Errors: throw UsageError for a bad command line found after parsing;
// anything else thrown (soma::Error, ConfigError, ...) prints "soma: error:
// ..." and exits 1. The exit statuses are ExitStatus in command.h and the
// table in the README.
#include <algorithm>

#include "commands.h"

namespace {

// Every subcommand, in the order `soma --help` lists them.
constexpr void (*kCommands[])(soma::cli::Cli&) = {
    soma::cli::add_run,     soma::cli::add_sweep,   soma::cli::add_eval,    soma::cli::add_predict,
    soma::cli::add_export,  soma::cli::add_inspect, soma::cli::add_report,  soma::cli::add_compare,
    soma::cli::add_bench,   soma::cli::add_plugins, soma::cli::add_plugin,  soma::cli::add_data,
    soma::cli::add_help,    soma::cli::add_complete};

}  // namespace

int main(int argc, char** argv) {
    soma::cli::Cli cli(argc > 0 ? argv[0] : "soma", std::vector<std::string>(argv + std::min(argc, 1), argv + argc));
    for (auto add : kCommands) add(cli);
    return cli.run();
}
