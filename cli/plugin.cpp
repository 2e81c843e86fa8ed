// soma plugin new KIND NAME [--dir DIR] | soma plugin check PATH_OR_NAME
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <system_error>

#include "commands.h"
#include "plugin/registry.h"
#include "tooling/plugin_check.h"
#include "tooling/plugin_scaffold.h"
#include "util/error.h"
#include "util/sanitize.h"

namespace soma::cli {

namespace {

namespace fs = std::filesystem;

const char* kPluginUsage = "plugin: expected 'new KIND NAME [--dir DIR]' (KIND: activation, layer, optimizer) "
                           "or 'check PATH_OR_NAME'";

// The prefix this soma is installed in (it has the SDK headers), for the
// hint printed after `plugin new`; empty when running from a build tree.
fs::path install_prefix() {
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (ec) return {};
    const fs::path prefix = exe.parent_path().parent_path();
    return fs::exists(prefix / "include" / "soma" / "plugin.h", ec) ? prefix : fs::path();
}

int new_plugin(const Args& args) {
    std::vector<std::string> positional;
    std::string dir;
    for (std::size_t i = 1; i < args.size(); ++i) {
        if (args[i] == "--dir") {
            if (i + 1 >= args.size()) throw UsageError{"plugin new: --dir needs a folder"};
            dir = args[++i];
        } else if (args[i].rfind("--", 0) == 0) {
            throw UsageError{"plugin new: unknown option '" + args[i] + "'"};
        } else {
            positional.push_back(args[i]);
        }
    }
    if (positional.size() != 2) throw UsageError{"plugin new: expected KIND NAME [--dir DIR]"};
    Kind kind = Kind::activation;
    try {
        kind = parse_kind(positional[0]);
    } catch (const Error& e) {
        throw UsageError{std::string("plugin new: ") + e.what()};
    }
    const std::string& name = positional[1];
    if (const std::string problem = plugin_name_problem(name); !problem.empty())
        throw UsageError{"plugin new: " + problem};
    // A name soma already knows would clash as soon as both are loaded.
    Registry registry;
    registry.load_folders(default_plugin_folders());
    if (registry.has(kind, name))
        throw Error(std::string(kind_name(kind)) + " '" + name + "' already exists (" +
                    registry.feature(kind, name).path.string() + "); choose another name");

    const fs::path folder = dir.empty() ? fs::path(name) : fs::path(dir);
    write_plugin_project(kind, name, folder);
    const fs::path prefix = install_prefix();
    const std::string f = shell_quote(folder.string());
    const GeneratorChoice generator = choose_generator(std::getenv("PATH"), std::getenv("CMAKE_GENERATOR"));
    std::cout << "wrote " << (folder / (name + ".cpp")).string() << ", CMakeLists.txt, README.md\n"
              << "next:\n"
              << "  cmake -S " << f << " -B " << shell_quote((folder / "build").string())
              << (generator.option.empty() ? "" : " " + generator.option) << " -DCMAKE_PREFIX_PATH="
              << (prefix.empty() ? std::string("<soma's install prefix>") : shell_quote(prefix.string())) << "\n"
              << "  cmake --build " << shell_quote((folder / "build").string()) << "\n"
              << "  soma plugin check " << shell_quote((folder / "build" / (name + ".so")).string()) << "\n";
    if (generator.missing)
        std::cout << "(neither make nor ninja is on PATH: install one to build it, e.g. apt-get install make)\n";
    return 0;
}

int check(const std::string& target) {
    Registry registry;
    // A name is looked up among the plugins soma finds; a file is checked alone.
    if (!looks_like_plugin_path(target)) registry.load_folders(default_plugin_folders());
    const CheckReport report = check_plugin(target, registry);
    std::cout << terminal_safe(report.text(), true);
    return report.passed() ? 0 : 1;
}

}  // namespace

int plugin(const Args& args) {
    if (args.empty()) throw UsageError{kPluginUsage};
    if (args[0] == "new") return new_plugin(args);
    if (args[0] == "check") {
        if (args.size() != 2) throw UsageError{"plugin check: expected one PATH_OR_NAME"};
        return check(args[1]);
    }
    throw UsageError{kPluginUsage};
}

}  // namespace soma::cli
