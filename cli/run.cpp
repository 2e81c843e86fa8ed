// soma run EXPERIMENT.toml [--out DIR] [--set PATH=VALUE]... [--threads N]
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "commands.h"
#include "data/dataset.h"
#include "experiment/runner.h"
#include "plugin/registry.h"

namespace soma::cli {

int run(const Args& args) {
    RunOptions options;
    std::string file;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        auto value = [&]() -> const std::string& {
            if (i + 1 >= args.size()) throw UsageError{a + " needs a value"};
            return args[++i];
        };
        if (a == "--out") options.out = value();
        else if (a == "--set") options.overrides.push_back(value());
        else if (a == "--threads") options.overrides.push_back("training.threads=" + value());
        else if (!a.empty() && a[0] == '-') throw UsageError{"unknown option '" + a + "' for run"};
        else if (file.empty()) file = a;
        else throw UsageError{"run takes one experiment file, got '" + file + "' and '" + a + "'"};
    }
    if (file.empty()) throw UsageError{"run needs an experiment file"};
    options.live_progress = ::isatty(STDOUT_FILENO);

    Registry registry;
    load_default_plugins(registry, std::cerr);
    try {
        RunOutcome o = run_experiment(file, options, registry, std::cout);
        const RunResult& r = o.result;
        std::printf("%s: %s after %zu epochs: test accuracy %.2f%% (best %.2f%%), %.1f s, %.0f samples/s\n",
                    o.experiment.name.c_str(), r.status.c_str(), r.epochs.size(),
                    r.epochs.empty() ? 0.0 : 100.0 * r.epochs.back().test_accuracy,
                    [&] { double b = 0; for (auto& e : r.epochs) b = std::max(b, e.test_accuracy); return 100.0 * b; }(),
                    r.train_seconds, r.samples_per_second);
        std::printf("run folder: %s\n", o.dir.c_str());
        return r.status == "ok" ? 0 : 3;
    } catch (const DatasetMissing& e) {
        std::cerr << "soma: " << e.what() << "\n";
        return 2;
    }
}

}  // namespace soma::cli
