// run_experiment (training in this process) and run_supervised (in a child).
#include "experiment/runner.h"

#include <optional>

#include "data/dataset.h"
#include "experiment/progress.h"
#include "plugin/registry.h"
#include "train/checkpoint.h"
#include "train/output_folder.h"
#include "train/run_folder.h"
#include "util/atomic_file.h"
#include "util/sanitize.h"

namespace soma {

void train_into(const Dataset& data, const RunOptions& options, const Registry& registry, std::ostream& out,
                RunOutcome& outcome, const DataParallel* parallel) {
    const Experiment& exp = outcome.experiment;
    SummaryInfo info;
    info.experiment = exp.name;
    info.dataset = data.name;
    info.train_samples = data.train.size();
    info.validation_samples = data.validation.size();
    info.test_samples = data.test.size();
    info.seed = exp.training.seed;
    info.batch_size = exp.training.batch_size;
    info.optimizer = exp.training.optimizer.name;
    info.loss = exp.training.loss;
    info.rows = data.rows;
    info.cols = data.cols;
    info.provenance = current_provenance();

    // A killed run continues after its last complete epoch; data-parallel runs start afresh.
    const std::optional<Checkpoint> resume =
        parallel ? std::nullopt : resumable_checkpoint(outcome.dir, exp, data, out);
    const Checkpoint* from = resume ? &*resume : nullptr;
    RunWriter writer(outcome.dir, exp, info, registry, data_shape(data), from);
    ProgressPrinter progress(out, options.live_progress, exp.name);
    ObserverList observers;
    observers.add(&progress);
    observers.add(&writer);
    outcome.result = train(exp, data, registry, &observers, parallel, from);
    outcome.summary = writer.finish(outcome.result);
}

std::unique_ptr<FolderClaim> claim_run_folder(const Experiment& experiment, const std::filesystem::path& dir) {
    auto folder = std::make_unique<FolderClaim>(dir, FolderKind::run);
    // A rerun in the same folder must not leave an old summary marking it
    // finished, whatever becomes of this run.
    std::filesystem::remove(dir / "summary.json");
    write_file_atomic(dir / "config.toml", to_toml(experiment));
    return folder;
}

void load_default_plugins(Registry& registry, const PluginPermission& permission, std::ostream& err) {
    for (const LoadError& e : permission.load_defaults(registry))
        err << "soma: warning: plugin refused: " << terminal_safe(e.message) << "\n";
}

std::filesystem::path run_folder(const Experiment& exp, const RunOptions& options) {
    if (!options.out.empty()) return options.out;
    return std::filesystem::path(exp.output.dir) / (exp.output.name.empty() ? exp.name : exp.output.name);
}

RunOutcome run_experiment(const std::filesystem::path& file, const RunOptions& options, Registry& registry,
                          std::ostream& out) {
    RunOutcome outcome;
    outcome.experiment = load_experiment(file, registry, options.overrides, options.permission);
    outcome.dir = run_folder(outcome.experiment, options);
    std::optional<FolderClaim> folder;
    // Supervised, the folder is held by the supervisor; it must still be soma's.
    if (options.supervised) check_output_folder(outcome.dir, FolderKind::run);
    else folder.emplace(outcome.dir, FolderKind::run);
    try {
        const Dataset data = load_dataset(outcome.experiment.data, file.parent_path(), outcome.experiment.training.seed);
        train_into(data, options, registry, out, outcome);
    } catch (const std::exception& e) {
        write_failed_summary(outcome.dir, outcome.experiment.name, "", e.what());
        throw;
    }
    return outcome;
}

SupervisedOutcome run_supervised(const std::filesystem::path& file, const RunOptions& options, Registry& registry) {
    SupervisedOutcome o;
    o.experiment = load_experiment(file, registry, options.overrides, options.permission);
    o.dir = run_folder(o.experiment, options);
    const std::unique_ptr<FolderClaim> folder = claim_run_folder(o.experiment, o.dir);

    RunLaunch launch;
    launch.exe = options.soma_exe;
    launch.run_dir = o.dir;
    launch.allowed_plugins = options.permission.allowed();
    launch.to_log = false;  // the child shares this terminal: live progress, its own messages
    launch.time_limit = o.experiment.training.time_limit;
    Supervisor supervisor;
    supervisor.start(launch);
    const std::optional<ChildEnd> child = supervisor.wait();
    if (!child) {
        supervisor.stop_all();
        o.interrupted = true;
        o.end.status = RunStatus::failed;
        o.end.why = "interrupted (signal " + std::to_string(stop_signal()) + ")";
        write_failed_summary(o.dir, o.experiment.name, "", o.end.why);
        return o;
    }
    o.child = *child;
    o.end = conclude_run(o.dir, *child, o.experiment.name, "");
    return o;
}

}  // namespace soma
