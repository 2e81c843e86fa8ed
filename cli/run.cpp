// soma run EXPERIMENT.toml [--out DIR] [--set PATH=VALUE]... [--threads N] [--jobs N]
// One run in this process, or a sweep: each run in its own process, then the report.
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "commands.h"
#include "config/sweep.h"
#include "data/dataset.h"
#include "experiment/runner.h"
#include "experiment/sweep_runner.h"
#include "plugin/registry.h"
#include "report/report.h"

namespace soma::cli {

namespace {

int run_single(const std::string& file, const RunOptions& options, Registry& registry) {
    RunOutcome o = run_experiment(file, options, registry, std::cout);
    const RunResult& r = o.result;
    std::printf("%s: %zu epochs: %s, %.1f s, %.0f samples/s\n", o.experiment.name.c_str(), r.epochs.size(),
                run_result_text(o.summary).c_str(), r.train_seconds, r.samples_per_second);
    std::printf("run folder: %s\n", o.dir.c_str());
    return r.status == RunStatus::ok ? 0 : 3;
}

}  // namespace

int run(const Args& args) {
    RunOptions options;
    SweepOptions sweep_options;
    std::string file;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& a = args[i];
        auto value = [&]() -> const std::string& {
            if (i + 1 >= args.size()) throw UsageError{a + " needs a value"};
            return args[++i];
        };
        if (a == "--out") options.out = value();
        else if (a == "--set") options.overrides.push_back(value());
        else if (a == "--threads") sweep_options.threads = parse_whole(a, value(), 1);
        else if (a == "--jobs") sweep_options.jobs = parse_whole(a, value(), 1);
        else if (!a.empty() && a[0] == '-') throw UsageError{"unknown option '" + a + "' for run"};
        else if (file.empty()) file = a;
        else throw UsageError{"run takes one experiment file, got '" + file + "' and '" + a + "'"};
    }
    if (file.empty()) throw UsageError{"run needs an experiment file"};
    if (sweep_options.threads > 0)
        options.overrides.push_back("training.threads=" + std::to_string(sweep_options.threads));
    options.live_progress = ::isatty(STDOUT_FILENO);

    Registry registry;
    load_default_plugins(registry, std::cerr);
    try {
        Sweep sweep = load_sweep(file, registry, options.overrides);
        if (sweep.axes.empty()) return run_single(file, options, registry);

        sweep_options.out = options.out;
        sweep_options.overrides = options.overrides;
        sweep_options.soma_exe = std::filesystem::read_symlink("/proc/self/exe");
        std::string resume = "soma run";
        for (const std::string& a : args) resume += " " + shell_quote(a);
        if (options.out.empty()) resume += " --out " + shell_quote(sweep_folder(sweep, sweep_options).string());
        sweep_options.resume_command = resume;
        install_sweep_signal_handlers();
        std::cout << sweep.base.name << ": " << sweep.runs.size() << " runs, " << sweep_options.jobs
                  << " at a time\n";
        SweepOutcome o = run_sweep(sweep, sweep_options, std::cout);
        if (o.interrupted) return 130;
        ReportPaths report = write_report(o.dir);
        std::cout << "\n" << ranked_table_text(o.dir) << "\nreport: " << report.html.string() << "\n";
        if (o.failed > 0) {
            std::cout << o.failed << " of " << o.total << " runs failed (see their log.txt)\n";
            return 1;
        }
        return 0;
    } catch (const DatasetMissing& e) {
        std::cerr << "soma: " << e.what() << "\n";
        return 2;
    }
}

}  // namespace soma::cli
