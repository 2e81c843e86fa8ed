// soma sweep sbatch: print a Slurm batch script, a job array whose task K of
// N runs `soma run SWEEP.toml --shard K/N` into the one sweep folder
// (experiment/slurm.h).
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>

#include "commands.h"
#include "config/sweep.h"
#include "experiment/runner.h"
#include "experiment/slurm.h"
#include "experiment/sweep_runner.h"
#include "plugin/registry.h"

namespace soma::cli {

namespace {

struct SbatchArgs {
    std::string file;
    SbatchOptions script;
    std::filesystem::path out;
    std::vector<std::string> overrides;      // --set
    std::vector<std::string> allow_plugins;  // --allow-plugins
    std::string time_limit;                  // --time-limit, as typed
};

int sbatch(SbatchArgs& a) {
    // Passed on to every task's soma run as given; read here too, to check the sweep.
    RunOptions run;
    run.overrides = a.overrides;
    for (const std::string& v : a.overrides) a.script.run_arguments.insert(a.script.run_arguments.end(), {"--set", v});
    for (const std::string& folder : a.allow_plugins) {
        run.permission.allow(folder);
        const std::string absolute = std::filesystem::absolute(folder).lexically_normal().string();
        a.script.run_arguments.insert(a.script.run_arguments.end(), {"--allow-plugins", absolute});
    }
    if (!a.time_limit.empty()) a.script.run_arguments.insert(a.script.run_arguments.end(), {"--time-limit", a.time_limit});
    Registry registry;
    load_default_plugins(registry, run.permission, std::cerr);
    const Sweep sweep = load_sweep(a.file, registry, run.overrides, run.permission);
    if (sweep.axes.empty()) throw UsageError{a.file + " has no [sweep]: a job array needs a sweep"};
    SweepOptions where;
    where.out = a.out;
    std::cout << sbatch_script(sweep, std::filesystem::read_symlink("/proc/self/exe"), a.file,
                               sweep_folder(sweep, where), a.script);
    return kOk;
}

}  // namespace

void add_sweep(Cli& cli) {
    CLI::App* sweep = cli.add_command(cli.app(), "sweep", "run a sweep on a cluster",
                                      {"soma sweep sbatch experiments/mnist_3b1b.toml --shards 8 | sbatch"});
    CLI::App* cmd = cli.add_command(
        *sweep, "sbatch",
        "print a Slurm job-array script for a sweep: task K of N runs the runs whose index % N == K "
        "(soma run --shard K/N), all into one sweep folder on a shared file system; pipe it to sbatch",
        {"soma sweep sbatch experiments/mnist_3b1b.toml --shards 8 --jobs 2 --time 1:00:00 | sbatch",
         "soma sweep sbatch sweep.toml --out /shared/runs/sweep --partition cpu > sweep.sbatch"});
    auto a = std::make_shared<SbatchArgs>();
    cli.complete(cmd->add_option("SWEEP.toml", a->file, "the sweep file")->required(), {Completion::Kind::toml_files});
    cmd->add_option("--shards", a->script.shards, "array tasks (default: one per run, at most 1000)")
        ->type_name("N")
        ->check(whole_number(1, kMaxArrayTasks));
    cmd->add_option("--jobs", a->script.jobs, "runs at once in each task (soma run --jobs)")
        ->type_name("N")
        ->check(whole_number(1, 1024))
        ->capture_default_str();
    cmd->add_option("--threads", a->script.threads, "oneDNN threads per run (soma run --threads)")
        ->type_name("N")
        ->check(whole_number(1, 1024));
    cmd->add_option("--cpus-per-task", a->script.cpus_per_task, "#SBATCH --cpus-per-task (default: jobs x threads)")
        ->type_name("N")
        ->check(whole_number(1, 4096));
    cmd->add_option("--time", a->script.time, "#SBATCH --time, Slurm's format (default: the partition's)")
        ->type_name("TIME");
    cmd->add_option("--partition", a->script.partition, "#SBATCH --partition (default: the cluster's)")
        ->type_name("NAME");
    cli.complete(cmd->add_option("--out", a->out,
                                 "the sweep folder every task writes into; every node must see it at this path "
                                 "(default: [output] dir, then the sweep's name)")
                     ->type_name("DIR"),
                 {Completion::Kind::folders});
    cli.complete(cmd->add_option("--set", a->overrides, "passed to every task's soma run; repeatable")
                     ->type_name("PATH=VALUE")
                     ->allow_extra_args(false),
                 {Completion::Kind::settings});
    cmd->add_option("--time-limit", a->time_limit, "passed to every task's soma run")->type_name("TIME")->check(seconds());
    cli.complete(cmd->add_option("--allow-plugins", a->allow_plugins, "passed to every task's soma run; repeatable")
                     ->type_name("DIR")
                     ->allow_extra_args(false),
                 {Completion::Kind::folders});
    cli.on_run(cmd, [a] { return sbatch(*a); });
}

}  // namespace soma::cli
