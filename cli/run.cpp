// soma run EXPERIMENT.toml [--out DIR] [--set PATH=VALUE]... [--threads N] [--jobs N]
//                          [--time-limit SECONDS] [--allow-plugins DIR]...
// One run, trained in a child process this one supervises, or a sweep: each
// run in its own child process, then the report. `--supervised` (not for
// users) is how a supervisor starts a child: train here, into the folder the
// supervisor holds.
#include <sys/wait.h>
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
#include "util/sanitize.h"

namespace soma::cli {

namespace {

// In this process: the supervised child, which prints the run's outcome.
int run_here(const std::string& file, const RunOptions& options, Registry& registry) {
    RunOutcome o = run_experiment(file, options, registry, std::cout);
    const RunResult& r = o.result;
    double best = 0;
    for (const EpochMetrics& e : r.epochs) best = std::max(best, e.test_accuracy);
    std::printf("%s: %s after %zu epochs: test accuracy %.2f%% (best %.2f%%), %.1f s, %.0f samples/s\n",
                terminal_safe(o.experiment.name).c_str(), std::string(run_status_names.name(r.status)).c_str(), r.epochs.size(),
                r.epochs.empty() ? 0.0 : 100.0 * r.epochs.back().test_accuracy, 100.0 * best, r.train_seconds,
                r.samples_per_second);
    std::printf("run folder: %s\n", terminal_safe(o.dir.string()).c_str());
    return r.status == RunStatus::ok ? 0 : 3;
}

// One run in a supervised child. The child prints its own progress and
// outcome (or its own error); this says what happened when it could not.
int run_single(const std::string& file, const RunOptions& options, Registry& registry) {
    std::cout.flush();
    const SupervisedOutcome o = run_supervised(file, options, registry);
    const std::string summary = terminal_safe((o.dir / "summary.json").string());
    if (o.interrupted) {
        std::cerr << "\nsoma: interrupted; " << summary << " says failed\n";
        return 130;
    }
    if (o.end.status != RunStatus::failed) return WEXITSTATUS(o.child.status);
    if (!o.end.why.empty()) {
        std::cerr << "soma: the run failed: " << o.end.why << "; " << summary << " says so\n";
        return 1;
    }
    const bool exited = WIFEXITED(o.child.status) && WEXITSTATUS(o.child.status) != 0;
    return exited ? WEXITSTATUS(o.child.status) : 1;
}

int run_sweep_file(const Sweep& sweep, const Args& args, const RunOptions& options, SweepOptions sweep_options) {
    sweep_options.out = options.out;
    sweep_options.overrides = options.overrides;
    sweep_options.soma_exe = options.soma_exe;
    sweep_options.allowed_plugins = options.permission.allowed();
    std::string resume = "soma run";
    for (const std::string& a : args) resume += " " + shell_quote(a);
    if (options.out.empty()) resume += " --out " + shell_quote(sweep_folder(sweep, sweep_options).string());
    sweep_options.resume_command = resume;
    std::cout << terminal_safe(sweep.base.name) << ": " << sweep.runs.size() << " runs, " << sweep_options.jobs
              << " at a time\n";
    SweepOutcome o = run_sweep(sweep, sweep_options, std::cout);
    if (o.interrupted) return 130;
    ReportPaths report = write_report(o.dir);
    std::cout << "\n" << terminal_safe(ranked_table_text(o.dir), true)
              << "\nreport: " << terminal_safe(report.html.string()) << "\n";
    if (o.failed > 0) {
        std::cout << o.failed << " of " << o.total << " runs failed (see their log.txt)\n";
        return 1;
    }
    return 0;
}

}  // namespace

int run(const Args& args) {
    RunOptions options;
    SweepOptions sweep_options;
    std::string file;
    double time_limit = -1;
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
        else if (a == "--time-limit") time_limit = parse_seconds(a, value());
        else if (a == "--allow-plugins") options.permission.allow(value());
        else if (a == "--supervised") options.supervised = true;
        else if (!a.empty() && a[0] == '-') throw UsageError{"unknown option '" + a + "' for run"};
        else if (file.empty()) file = a;
        else throw UsageError{"run takes one experiment file, got '" + file + "' and '" + a + "'"};
    }
    if (file.empty()) throw UsageError{"run needs an experiment file"};
    if (options.supervised && options.out.empty()) throw UsageError{"--supervised needs --out"};
    if (sweep_options.threads > 0)
        options.overrides.push_back("training.threads=" + std::to_string(sweep_options.threads));
    if (time_limit >= 0) {
        char seconds[32];
        std::snprintf(seconds, sizeof seconds, "%.17g", time_limit);
        options.overrides.push_back(std::string("training.time_limit=") + seconds);
    }
    options.live_progress = ::isatty(STDOUT_FILENO);
    options.soma_exe = std::filesystem::read_symlink("/proc/self/exe");
    // A supervised child's supervisor already said which libraries it loads.
    if (!options.supervised) options.permission.announce_to = &std::cerr;

    Registry registry;
    load_default_plugins(registry, options.permission, std::cerr);
    try {
        if (options.supervised) return run_here(file, options, registry);
        Sweep sweep = load_sweep(file, registry, options.overrides, options.permission);
        install_stop_signal_handlers();
        if (sweep.axes.empty()) return run_single(file, options, registry);
        return run_sweep_file(sweep, args, options, sweep_options);
    } catch (const DatasetMissing& e) {
        std::cerr << "soma: " << terminal_safe(e.what(), true) << "\n";
        return 2;
    }
}

}  // namespace soma::cli
