// The sweep runner: a child process per run (a crash or kill of one run
// cannot take the sweep down), at most `jobs` at once, resumable.
#include "experiment/sweep_runner.h"

#include <cstdio>
#include <deque>
#include <map>
#include <memory>
#include <thread>

#include "experiment/supervisor.h"
#include "experiment/sweep_record.h"
#include "train/output_folder.h"
#include "util/atomic_file.h"
#include "util/error.h"
#include "util/sanitize.h"

namespace soma {

namespace fs = std::filesystem;

namespace {

// The resolved sweep and its runs, written into the sweep folder. Resuming
// into a folder of another sweep would mix two experiments: refused.
void record_sweep(const Sweep& sweep, const fs::path& dir) {
    const std::string resolved = to_toml(sweep);
    const fs::path experiment_file = dir / "experiment.toml";
    if (fs::exists(experiment_file) && read_file_or_empty(experiment_file) != resolved)
        throw Error(dir.string() +
                    " holds a different sweep (its experiment.toml differs); choose another --out or remove it");
    write_file_atomic(experiment_file, resolved);
    write_file_atomic(dir / "sweep.json", sweep_index_text(sweep_index(sweep)));
}

// The runs still to do, in order; finished ones are counted as skipped. Run
// folders are made only when their run starts, so this only reads, and a
// stop signal ends it at once however many runs there are.
std::deque<std::size_t> runs_to_do(const Sweep& sweep, SweepOutcome& outcome) {
    std::deque<std::size_t> queue;
    for (std::size_t i = 0; i < sweep.runs.size() && stop_signal() == 0; ++i) {
        if (run_finished(outcome.dir / "runs" / sweep.runs[i].id)) ++outcome.skipped;
        else queue.push_back(i);
    }
    return queue;
}

// A run being trained by a child process, with its folder held.
struct Running {
    std::size_t run;
    std::unique_ptr<FolderClaim> folder;
};

// Starts run i: its folder claimed and emptied (whatever an unfinished run
// left is discarded: it restarts from scratch), its resolved config written,
// its child started.
void start_run(Supervisor& supervisor, const Sweep& sweep, std::size_t i, const SweepOptions& options,
               const fs::path& dir, std::map<pid_t, Running>& running) {
    const RunSpec& run = sweep.runs[i];
    auto folder = std::make_unique<FolderClaim>(dir / "runs" / run.id, FolderKind::run);
    folder->clear();
    write_file_atomic(folder->dir() / "config.toml", to_toml(run.experiment), /*sync=*/false);
    RunLaunch launch;
    launch.exe = options.soma_exe;
    launch.run_dir = folder->dir();
    launch.threads = threads_per_run(run.experiment, options);
    launch.omp_threads = cores_per_run(options);
    launch.allowed_plugins = options.allowed_plugins;
    launch.time_limit = run.experiment.training.time_limit;
    running[supervisor.start(launch)] = Running{i, std::move(folder)};
}

// "[3/8] activation=relu: ok, epoch 9 chosen on validation (91.40%), test
// accuracy 91.20% there, 1.4 s", counting the run.
std::string end_line(const RunEnd& end, const ChildEnd& child, const fs::path& run_dir, SweepOutcome& outcome) {
    std::string what;
    if (end.status == RunStatus::ok || end.status == RunStatus::diverged) {
        (end.status == RunStatus::ok ? outcome.ok : outcome.diverged)++;
        what = run_result_text(end.summary);
    } else {
        ++outcome.failed;
        what = "FAILED (" + (end.why.empty() ? describe_end(child) : end.why) + "; see " +
               terminal_safe((run_dir / "log.txt").string()) + ")";
    }
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.1f s", child.seconds);
    return what + ", " + seconds;
}

}  // namespace

fs::path sweep_folder(const Sweep& sweep, const SweepOptions& options) {
    if (!options.out.empty()) return options.out;
    const OutputConfig& o = sweep.base.output;
    return fs::path(o.dir) / (o.name.empty() ? sweep.base.name : o.name);
}

bool run_finished(const fs::path& run_dir) {
    const std::optional<RunSummary> s = run_summary_of(run_dir);
    return s && (s->status == RunStatus::ok || s->status == RunStatus::diverged);
}

int threads_per_run(const Experiment& experiment, const SweepOptions& options) {
    if (options.threads > 0) return options.threads;
    return experiment.training.threads;
}

int cores_per_run(const SweepOptions& options) {
    const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    return std::max(1, cores / std::max(1, options.jobs));
}

SweepOutcome run_sweep(const Sweep& sweep, const SweepOptions& options, std::ostream& out) {
    SweepOutcome outcome;
    outcome.dir = sweep_folder(sweep, options);
    outcome.total = static_cast<int>(sweep.runs.size());
    const FolderClaim folder(outcome.dir, FolderKind::sweep);
    record_sweep(sweep, outcome.dir);
    std::deque<std::size_t> queue = runs_to_do(sweep, outcome);
    if (outcome.skipped > 0 && stop_signal() == 0)
        out << "resuming: " << outcome.skipped << " of " << outcome.total << " runs already finished\n";

    std::map<pid_t, Running> running;  // declared first, released last: children end before their folders
    Supervisor supervisor;
    int done = outcome.skipped;
    const int jobs = std::max(1, options.jobs);
    while (stop_signal() == 0 && (!queue.empty() || !running.empty())) {
        while (!queue.empty() && static_cast<int>(running.size()) < jobs) {
            start_run(supervisor, sweep, queue.front(), options, outcome.dir, running);
            queue.pop_front();
        }
        const std::optional<ChildEnd> child = supervisor.wait();
        if (!child) break;  // a stop signal
        const auto it = running.find(child->pid);
        const RunSpec& run = sweep.runs[it->second.run];
        const fs::path run_dir = it->second.folder->dir();
        const RunEnd end = conclude_run(run_dir, *child, run.experiment.name, run.id);
        out << "[" << ++done << "/" << outcome.total << "] " << run.id << ": "
            << end_line(end, *child, run_dir, outcome) << "\n";
        out.flush();
        running.erase(it);
    }
    if (stop_signal() != 0) {
        // Ended by our own stop: neither finished nor failed; redone on resume.
        supervisor.stop_all();
        outcome.interrupted = true;
        out << "\ninterrupted: finished runs are kept; resume with:\n  " << options.resume_command << "\n";
        clear_stop_signal();
    }
    return outcome;
}

}  // namespace soma
