// soma: the command-line entry point. Catches every error in one place.
#include <cstdio>
#include <iostream>
#include <map>

#include <oneapi/dnnl/dnnl.hpp>

#include "commands.h"
#include "util/error.h"
#include "util/sanitize.h"
#include "version.h"

namespace {

const char* kUsage =
    "usage: soma COMMAND [ARGS]    (soma --version)\n"
    "\n"
    "commands:\n"
    "  run EXPERIMENT.toml [--out DIR] [--set PATH=VALUE]... [--threads N] [--jobs N]\n"
    "      [--time-limit SECONDS] [--allow-plugins DIR]...\n"
    "                         train what the experiment describes; a [sweep] runs every\n"
    "                         combination (N at a time), resumes, and writes a report.\n"
    "                         Each run is a child process, failed past its time limit;\n"
    "                         [plugins] paths load only from folders given to --allow-plugins\n"
    "  report SWEEP_DIR       (re)write a sweep's summary and report; print the ranking\n"
    "  compare A B            two runs' or sweeps' summaries side by side\n"
    "  bench ARCH... | FILE.toml [--batch N] [--threads N] [--dataset NAME] [--accuracy EPOCHS] [--out DIR]\n"
    "                         measure architectures against each other (runs/bench/bench.html)\n"
    "  plugins                list every plugin found: kind, name, version, file\n"
    "  plugin new KIND NAME [--dir DIR]\n"
    "                         write a plugin project (activation, layer, optimizer)\n"
    "  plugin check PATH|NAME run soma's checks on a plugin library\n"
    "  data fetch NAME        fetch a dataset into the cache (mnist, mnist-10k, fashion-mnist)\n"
    "  data list              the dataset names and where they are cached\n";

}  // namespace

int main(int argc, char** argv) {
    using namespace soma::cli;
    if (argc == 2 && std::string(argv[1]) == "--version") {
        std::cout << "soma " << soma::version() << " (oneDNN " << dnnl_version()->major << "."
                  << dnnl_version()->minor << "." << dnnl_version()->patch << ")\n";
        return 0;
    }
    if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") {
        std::cout << kUsage;
        return argc < 2 ? 2 : 0;
    }
    const std::string command = argv[1];
    const Args args(argv + 2, argv + argc);
    const std::map<std::string, int (*)(const Args&)> commands = {
        {"run", run}, {"plugins", plugins}, {"data", data}, {"report", report}, {"compare", compare}, {"plugin", plugin}, {"bench", bench}};
    try {
        auto it = commands.find(command);
        if (it == commands.end()) throw UsageError{"unknown command '" + command + "'"};
        return it->second(args);
    } catch (const UsageError& e) {
        std::cerr << "soma: " << soma::terminal_safe(e.message, true) << "\n\n" << kUsage;
        return 2;
    } catch (const dnnl::error& e) {
        std::cerr << "soma: error: oneDNN: " << e.what() << " (status " << static_cast<int>(e.status) << ")\n";
        return 1;
    } catch (const std::exception& e) {
        // Messages quote what users and files wrote: nothing of it may drive the terminal.
        std::cerr << "soma: error: " << soma::terminal_safe(e.what(), true) << "\n";
        return 1;
    }
}
