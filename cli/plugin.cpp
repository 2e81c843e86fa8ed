// soma plugin new KIND NAME [--dir DIR] | soma plugin check PATH_OR_NAME
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <system_error>

#include "commands.h"
#include "plugin/registry.h"
#include "tooling/plugin_check.h"
#include "tooling/plugin_scaffold.h"
#include "util/error.h"
#include "util/names.h"
#include "util/sanitize.h"

namespace soma::cli {

namespace {

namespace fs = std::filesystem;

struct NewArgs {
    std::string kind, name, dir;
};

// The prefix this soma is installed in (it has the SDK headers), for the
// hint printed after `plugin new`; empty when running from a build tree.
fs::path install_prefix() {
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (ec) return {};
    const fs::path prefix = exe.parent_path().parent_path();
    return fs::exists(prefix / "include" / "soma" / "plugin.h", ec) ? prefix : fs::path();
}

int new_plugin(const NewArgs& a) {
    const Kind kind = parse_kind(a.kind);
    if (const std::string problem = plugin_name_problem(a.name); !problem.empty()) throw UsageError{problem};
    // A name soma already knows would clash as soon as both are loaded.
    Registry registry;
    registry.load_folders(default_plugin_folders());
    if (registry.has(kind, a.name))
        throw Error(std::string(kind_name(kind)) + " '" + a.name + "' already exists (" +
                    registry.feature(kind, a.name).path.string() + "); choose another name");

    const fs::path folder = a.dir.empty() ? fs::path(a.name) : fs::path(a.dir);
    write_plugin_project(kind, a.name, folder);
    const fs::path prefix = install_prefix();
    const std::string f = shell_quote(folder.string());
    const GeneratorChoice generator = choose_generator(std::getenv("PATH"), std::getenv("CMAKE_GENERATOR"));
    std::cout << "wrote " << (folder / (a.name + ".cpp")).string() << ", CMakeLists.txt, README.md\n"
              << "next:\n"
              << "  cmake -S " << f << " -B " << shell_quote((folder / "build").string())
              << (generator.option.empty() ? "" : " " + generator.option) << " -DCMAKE_PREFIX_PATH="
              << (prefix.empty() ? std::string("<soma's install prefix>") : shell_quote(prefix.string())) << "\n"
              << "  cmake --build " << shell_quote((folder / "build").string()) << "\n"
              << "  soma plugin check " << shell_quote((folder / "build" / (a.name + ".so")).string()) << "\n";
    if (generator.missing)
        std::cout << "(neither make nor ninja is on PATH: install one to build it, e.g. apt-get install make)\n";
    return kOk;
}

int check(const std::string& target) {
    Registry registry;
    // A name is looked up among the plugins soma finds; a file is checked alone.
    if (!looks_like_plugin_path(target)) registry.load_folders(default_plugin_folders());
    const CheckReport report = check_plugin(target, registry);
    std::cout << terminal_safe(report.text(), true);
    return report.passed() ? kOk : kFailed;
}

}  // namespace

void add_plugin(Cli& cli) {
    CLI::App* plugin = cli.add_command(cli.app(), "plugin", "write a new plugin project, or check a plugin",
                                       {"soma plugin new activation my_act", "soma plugin check my_act/build/my_act.so"});

    CLI::App* make = cli.add_command(*plugin, "new",
                                     "write a plugin project that builds as it is: the source, CMakeLists.txt "
                                     "and a README",
                                     {"soma plugin new activation my_swish", "soma plugin new optimizer my_sgd --dir plugins/my_sgd"});
    auto n = std::make_shared<NewArgs>();
    std::vector<std::string> kinds;
    for (Kind k : {Kind::activation, Kind::layer, Kind::optimizer}) kinds.push_back(kind_name(k));
    cli.complete(make->add_option("KIND", n->kind, "what the plugin adds: " + join(kinds))->required()->check(one_of(kinds)),
                 choices(kinds));
    make->add_option("NAME", n->name, "its name, as configs will write it")->required();
    cli.complete(make->add_option("--dir", n->dir, "the project folder")->type_name("DIR")->default_str("./NAME"),
                 {Completion::Kind::folders});
    cli.on_run(make, [n] { return new_plugin(*n); });

    CLI::App* test = cli.add_command(*plugin, "check",
                                     "run soma's checks on a plugin library: loading; for activations, derivatives "
                                     "against finite differences, NaN and infinities, lengths, oneDNN agreement, "
                                     "speed; for layers, shapes and gradients; for optimizers, convergence and "
                                     "decay; for both, that state() holds the whole training state (a resumed run "
                                     "continues bit for bit); exit status 1 when a check fails",
                                     {"soma plugin check my_act/build/my_act.so", "soma plugin check relu"});
    auto target = std::make_shared<std::string>();
    cli.complete(test->add_option("PATH|NAME", *target, "a plugin library (.so), or the name of a plugin soma finds")
                     ->required(),
                 {Completion::Kind::plugins});
    cli.on_run(test, [target] { return check(*target); });
}

}  // namespace soma::cli
