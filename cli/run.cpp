// soma run: one run, trained in a child process this one supervises, or a
// sweep: each run in its own child process, then the report. Under mpirun, a
// sweep over the ranks or a data-parallel run (distributed/plan.h decides);
// with --shard K/N, a Slurm array task's part of a sweep. `--supervised`
// (hidden, not for users) is how a supervisor starts a child: train here,
// into the folder the supervisor holds.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <memory>

#include "commands.h"
#include "config/sweep.h"
#include "data/dataset.h"
#include "distributed/plan.h"
#include "distributed/ranks.h"
#include "experiment/runner.h"
#include "experiment/sweep_runner.h"
#include "plugin/registry.h"
#include "report/report.h"
#include "train/checkpoint.h"
#include "util/sanitize.h"

namespace soma::cli {

namespace {

struct RunArgs {
    std::string file;
    RunOptions run;
    SweepOptions sweep;
    std::string time_limit;                  // as typed; "" = the experiment's
    std::vector<std::string> allow_plugins;  // --allow-plugins folders
    std::string shard;                       // --shard K/N as typed; "" = the whole sweep
};

// A trained run's last lines: its outcome and folder.
int print_outcome(const RunOutcome& o) {
    const RunResult& r = o.result;
    std::printf("%s: %zu epochs: %s, %.1f s, %.0f samples/s\n", terminal_safe(o.experiment.name).c_str(),
                r.epochs.size(), run_result_text(o.summary).c_str(), r.train_seconds, r.samples_per_second);
    std::printf("run folder: %s\n", terminal_safe(o.dir.string()).c_str());
    return r.status == RunStatus::ok ? kOk : kDiverged;
}

// In this process: the supervised child, which prints the run's outcome.
int run_here(const std::string& file, const RunOptions& options, Registry& registry) {
    return print_outcome(run_experiment(file, options, registry, std::cout));
}

// One run data-parallel over the ranks; rank 0 reports.
int run_parallel(const Experiment& experiment, const RunOptions& options, Registry& registry) {
    std::cout.flush();
    const ParallelOutcome o = run_data_parallel(experiment, options, registry, std::cout);
    if (!o.leader) return o.interrupted ? kInterrupted : kOk;
    if (!o.failure.empty()) {
        std::cerr << "soma: the run failed: " << o.failure << "; "
                  << terminal_safe((o.run.dir / "summary.json").string()) << " says so\n";
        return o.interrupted ? kInterrupted : kFailed;
    }
    const RunResult& r = o.run.result;
    if (r.train_seconds > 0)
        std::printf("rank 0 spent %.2f s of its %.2f s training in the gradient allreduce (%.0f%%)\n", r.sum_seconds,
                    r.train_seconds, 100.0 * r.sum_seconds / r.train_seconds);
    return print_outcome(o.run);
}

// The command that resumes a run or sweep: this one as typed (argv[0]
// included, so it works where `soma` is not on PATH), with its folder.
std::string resume_command(const Cli& cli, const Sweep& sweep, const SweepOptions& options) {
    std::string resume = shell_quote(cli.program());
    for (const std::string& a : cli.args()) resume += " " + shell_quote(a);
    if (options.out.empty()) resume += " --out " + shell_quote(sweep_folder(sweep, options).string());
    return resume;
}

// One run in a supervised child. The child prints its own progress and
// outcome (or its own error); this says what happened when it could not.
// Interrupted or killed, its checkpoint keeps the epochs done: the same
// command (`resume`) continues after them.
int run_single(const std::string& file, const RunOptions& options, Registry& registry, const std::string& resume) {
    std::cout.flush();
    const SupervisedOutcome o = run_supervised(file, options, registry);
    const std::string summary = terminal_safe((o.dir / "summary.json").string());
    std::error_code ec;
    const bool checkpoint = std::filesystem::exists(o.dir / checkpoint_file, ec);
    const std::string resume_text = checkpoint ? "; the epochs done are kept: resume with:\n  " + resume + "\n" : "\n";
    if (o.interrupted) {
        std::cerr << "\nsoma: interrupted; " << summary << " says failed" << resume_text;
        return kInterrupted;
    }
    if (o.end.status != RunStatus::failed) return WEXITSTATUS(o.child.status);
    if (!o.end.why.empty()) {
        std::cerr << "soma: the run failed: " << o.end.why << "; " << summary << " says so" << resume_text;
        return kFailed;
    }
    const bool exited = WIFEXITED(o.child.status) && WEXITSTATUS(o.child.status) != 0;
    return exited ? WEXITSTATUS(o.child.status) : kFailed;
}

int run_sweep_file(const Cli& cli, const Sweep& sweep, const RunOptions& options, SweepOptions sweep_options,
                   bool over_ranks) {
    sweep_options.out = options.out;
    sweep_options.overrides = options.overrides;
    sweep_options.soma_exe = options.soma_exe;
    sweep_options.allowed_plugins = options.permission.allowed();
    sweep_options.resume_command = resume_command(cli, sweep, sweep_options);
    if (!over_ranks) std::cout << sweep_start_line(sweep, sweep_options) << "\n";
    SweepOutcome o = over_ranks ? run_sweep_over_ranks(sweep, sweep_options, std::cout)
                                : run_sweep(sweep, sweep_options, std::cout);
    if (o.interrupted) return kInterrupted;
    if (!o.reports) return kOk;  // another rank reports
    if (!sweep_options.shard.whole()) {
        // The last shard to end reports; until then, say what is missing.
        const std::string missing = missing_runs_text(o.dir);
        if (!missing.empty()) {
            std::cout << "\nshard " << sweep_options.shard.index << "/" << sweep_options.shard.count
                      << " is done; the sweep is not: " << terminal_safe(missing) << "\n`soma report "
                      << terminal_safe(shell_quote(o.dir.string())) << "` merges the shards once every one has ended\n";
            return o.failed > 0 ? kFailed : kOk;
        }
    }
    ReportPaths report = write_report(o.dir);
    // Names in a sweep folder are text from files: nothing of it may drive the terminal.
    std::cout << "\n" << terminal_safe(ranked_table_text(o.dir, output_width()), true)
              << "\nreport: " << terminal_safe(report.html.string()) << "\n";
    if (o.failed > 0) {
        std::cout << o.failed << " of " << o.total << " runs failed (see their log.txt)\n";
        return kFailed;
    }
    return kOk;
}

int run(const Cli& cli, RunArgs& a) {
    RunOptions& options = a.run;
    if (options.supervised && options.out.empty()) throw UsageError{"--supervised needs --out"};
    for (const std::string& folder : a.allow_plugins) options.permission.allow(folder);
    if (a.sweep.threads > 0) options.overrides.push_back("training.threads=" + std::to_string(a.sweep.threads));
    if (!a.time_limit.empty()) {
        char seconds[32];
        std::snprintf(seconds, sizeof seconds, "%.17g", *parse_seconds(a.time_limit));
        options.overrides.push_back(std::string("training.time_limit=") + seconds);
    }
    options.live_progress = ::isatty(STDOUT_FILENO);
    options.soma_exe = std::filesystem::read_symlink("/proc/self/exe");
    // A supervised child's supervisor already said which libraries it loads.
    if (!options.supervised) options.permission.announce_to = &std::cerr;
    if (!a.shard.empty()) a.sweep.shard = *parse_shard(a.shard);  // checked by the option

    Registry registry;
    load_default_plugins(registry, options.permission, std::cerr);
    if (options.supervised) return run_here(a.file, options, registry);
    Sweep sweep = load_sweep(a.file, registry, options.overrides, options.permission);
    install_stop_signal_handlers();
    switch (plan_ranks(sweep, launch_from_environment(), a.sweep.shard)) {
        case RankPlan::data_parallel: return run_parallel(sweep.runs.front().experiment, options, registry);
        case RankPlan::sweep_over_ranks: return run_sweep_file(cli, sweep, options, a.sweep, true);
        case RankPlan::local: break;
    }
    if (sweep.axes.empty()) {
        SweepOptions where;
        where.out = options.out;
        return run_single(a.file, options, registry, resume_command(cli, sweep, where));
    }
    return run_sweep_file(cli, sweep, options, a.sweep, false);
}

}  // namespace

void add_run(Cli& cli) {
    CLI::App* cmd = cli.add_command(
        cli.app(), "run",
        "train what an experiment file describes, in a supervised child process; with a [sweep] table, every "
        "combination, N at a time, then the report. Run again after a kill or Ctrl-C, the same command continues: "
        "finished runs are kept and an unfinished one resumes after its last epoch (checkpoint.soma), ending as "
        "if never stopped. Under mpirun -np N: a sweep's runs spread over "
        "the ranks, or, with [distributed] mode = \"data\", one run trained data-parallel across them",
        {"soma run experiments/mnist_3b1b.toml --jobs 2",
         "soma run experiments/mnist_3b1b.toml --out /tmp/r --set model.activation=relu --threads 1",
         "soma run compare.toml --allow-plugins my_swish/build --time-limit 10m",
         "mpirun -np 4 soma run experiments/mnist_3b1b.toml --jobs 1",
         "soma run sweep.toml --out /shared/sweep --shard 0/8"});
    auto a = std::make_shared<RunArgs>();
    cli.complete(cmd->add_option("EXPERIMENT.toml", a->file, "the experiment file")->required(),
                 {Completion::Kind::toml_files});
    cli.complete(cmd->add_option("--out", a->run.out,
                                 "the run's or sweep's folder (default: [output] dir, then the experiment's name)")
                     ->type_name("DIR"),
                 {Completion::Kind::folders});
    cli.complete(cmd->add_option("--set", a->run.overrides,
                                 "set a config value, as TOML, over the file's; repeatable "
                                 "(--set training.epochs=3 --set model.hidden=[32])")
                     ->type_name("PATH=VALUE")
                     ->allow_extra_args(false),
                 {Completion::Kind::settings});
    cmd->add_option("--threads", a->sweep.threads, "oneDNN threads per run (default: soma chooses, see the README)")
        ->type_name("N")
        ->check(whole_number(1, 1024));
    cmd->add_option("--jobs", a->sweep.jobs, "sweeps: runs at a time, each in its own process; the cores are split")
        ->type_name("N")
        ->check(whole_number(1, 1024))
        ->capture_default_str();
    cmd->add_option("--time-limit", a->time_limit,
                    "fail a run still training after this long: seconds, or with a unit s, m, h (90, 10m, 2h) "
                    "(default: training.time_limit, none)")
        ->type_name("TIME")
        ->check(seconds());
    cli.complete(cmd->add_option("--allow-plugins", a->allow_plugins,
                                 "a folder whose plugins [plugins] paths may load; repeatable (soma's own folders "
                                 "and SOMA_PLUGIN_PATH always may)")
                     ->type_name("DIR")
                     ->allow_extra_args(false),
                 {Completion::Kind::folders});
    cmd->add_option("--shard", a->shard,
                    "sweeps: train only the runs whose index % N == K, into the same sweep folder as the other "
                    "shards (a Slurm array task: --shard $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT; "
                    "see soma sweep sbatch)")
        ->type_name("K/N")
        ->check(CLI::Validator(
            [](std::string& value) -> std::string {
                if (parse_shard(value)) return "";
                return "expected K/N with 0 <= K < N (e.g. $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT), got '" +
                       value + "'";
            },
            ""));
    cmd->add_flag("--supervised", a->run.supervised, "train here, into --out, which a supervisor holds")->group("");
    cli.on_run(cmd, [&cli, a] { return run(cli, *a); });
}

}  // namespace soma::cli
