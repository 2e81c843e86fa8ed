// The sweep runner: a child process per run (a crash or kill of one run
// cannot take the sweep down), at most `jobs` at once, resumable.
#include "experiment/sweep_runner.h"

#include <cstdio>
#include <deque>

#include "experiment/launch.h"
#include "experiment/sweep_record.h"
#include "train/checkpoint.h"
#include "train/run_folder.h"
#include "util/atomic_file.h"
#include "util/error.h"
#include "util/sanitize.h"

namespace soma {

namespace fs = std::filesystem;

namespace {

// "ok, test accuracy 91.20%, 1.4 s" or "FAILED (why; see DIR/log.txt), 0.3 s".
std::string end_text(const RunEnd& end, const ChildEnd& child, const fs::path& run_dir) {
    std::string what;
    if (end.status == RunStatus::ok || end.status == RunStatus::diverged) {
        what = run_result_text(end.summary);
    } else {
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
    const int cores = options.cores > 0 ? options.cores : available_cores();
    return std::max(1, cores / std::max(1, options.jobs));
}

std::optional<Shard> parse_shard(const std::string& text) {
    const std::size_t slash = text.find('/');
    if (slash == std::string::npos) return std::nullopt;
    const std::string k = text.substr(0, slash), n = text.substr(slash + 1);
    auto whole = [](const std::string& digits) -> std::optional<int> {
        if (digits.empty() || digits.size() > 9 || digits.find_first_not_of("0123456789") != std::string::npos)
            return std::nullopt;
        return std::stoi(digits);
    };
    const std::optional<int> index = whole(k), count = whole(n);
    if (!index || !count || *count < 1 || *index >= *count) return std::nullopt;
    return Shard{*index, *count};
}

std::unique_ptr<FolderClaim> open_sweep_folder(const Sweep& sweep, const fs::path& dir, FolderHold hold) {
    auto folder = std::make_unique<FolderClaim>(dir, FolderKind::sweep, hold);
    // Shards starting together: the first creates experiment.toml, the others
    // compare. Resuming into a folder of another sweep would mix two
    // experiments: refused.
    const std::string resolved = to_toml(sweep);
    const fs::path experiment_file = dir / "experiment.toml";
    if (!write_file_once(experiment_file, resolved) && read_file_or_empty(experiment_file) != resolved)
        throw Error(dir.string() +
                    " holds a different sweep (its experiment.toml differs); choose another --out or remove it");
    write_file_atomic(dir / "sweep.json", sweep_index_text(sweep_index(sweep)));
    return folder;
}

std::vector<std::size_t> runs_to_do(const Sweep& sweep, const Shard& shard, SweepOutcome& outcome) {
    std::vector<std::size_t> todo;
    for (std::size_t i = 0; i < sweep.runs.size() && stop_signal() == 0; ++i) {
        if (!shard.has(i)) continue;
        if (run_finished(outcome.dir / "runs" / sweep.runs[i].id)) ++outcome.skipped;
        else todo.push_back(i);
    }
    return todo;
}

RunSlots::RunSlots(const Sweep& sweep, const SweepOptions& options, fs::path dir)
    : sweep_(sweep), options_(options), dir_(std::move(dir)) {}

RunSlots::~RunSlots() { supervisor_.stop_all(); }

RunSlots::Start RunSlots::start(std::size_t i, std::string* why) {
    const RunSpec& run = sweep_.runs[i];
    std::unique_ptr<FolderClaim> folder;
    try {
        folder = std::make_unique<FolderClaim>(dir_ / "runs" / run.id, FolderKind::run);
    } catch (const FolderBusy& e) {
        if (why) *why = e.holder.empty() ? "its pid is not recorded yet" : e.holder;
        return Start::elsewhere;
    }
    // Another process may have finished it since the sweep looked.
    if (run_finished(folder->dir())) return Start::finished;
    // An unfinished run continues from its checkpoint, if the child can use
    // it (train/checkpoint.h): kept, with the best model of its first epochs.
    folder->clear({checkpoint_file, model_best_file});
    write_file_atomic(folder->dir() / "config.toml", to_toml(run.experiment), /*sync=*/false);
    RunLaunch launch;
    launch.exe = options_.soma_exe;
    launch.run_dir = folder->dir();
    launch.threads = threads_per_run(run.experiment, options_);
    launch.omp_threads = cores_per_run(options_);
    launch.allowed_plugins = options_.allowed_plugins;
    launch.time_limit = run.experiment.training.time_limit;
    running_[supervisor_.start(launch)] = Running{i, std::move(folder)};
    return Start::started;
}

std::optional<RunSlots::Ended> RunSlots::wait(std::optional<std::chrono::milliseconds> at_most) {
    const std::optional<ChildEnd> child = at_most ? supervisor_.wait_for(*at_most) : supervisor_.wait();
    if (!child) return std::nullopt;
    const auto it = running_.find(child->pid);
    const RunSpec& run = sweep_.runs[it->second.run];
    const fs::path run_dir = it->second.folder->dir();
    Ended e;
    e.run = it->second.run;
    e.end = conclude_run(run_dir, *child, run.experiment.name, run.id);
    e.text = end_text(e.end, *child, run_dir);
    running_.erase(it);
    return e;
}

void count_end(RunStatus status, SweepOutcome& outcome) {
    if (status == RunStatus::ok) ++outcome.ok;
    else if (status == RunStatus::diverged) ++outcome.diverged;
    else ++outcome.failed;
}

std::string sweep_start_line(const Sweep& sweep, const SweepOptions& options) {
    std::string line = terminal_safe(sweep.base.name) + ": " + std::to_string(sweep.runs.size()) + " runs";
    if (!options.shard.whole()) {
        std::size_t mine = 0;
        for (std::size_t i = 0; i < sweep.runs.size(); ++i) mine += options.shard.has(i);
        line += "; shard " + std::to_string(options.shard.index) + "/" + std::to_string(options.shard.count) + ": " +
                std::to_string(mine) + " of them";
    }
    return line + ", " + std::to_string(std::max(1, options.jobs)) + " at a time";
}

SweepOutcome run_sweep(const Sweep& sweep, const SweepOptions& options, std::ostream& out) {
    SweepOutcome outcome;
    outcome.dir = sweep_folder(sweep, options);
    const auto folder =
        open_sweep_folder(sweep, outcome.dir, options.shard.whole() ? FolderHold::alone : FolderHold::shared);
    const std::vector<std::size_t> todo = runs_to_do(sweep, options.shard, outcome);
    std::deque<std::size_t> queue(todo.begin(), todo.end());
    outcome.total = outcome.skipped + static_cast<int>(todo.size());
    if (outcome.skipped > 0 && stop_signal() == 0)
        out << "resuming: " << outcome.skipped << " of " << outcome.total << " runs already finished\n";

    RunSlots slots(sweep, options, outcome.dir);
    int done = outcome.skipped;
    const std::size_t jobs = static_cast<std::size_t>(std::max(1, options.jobs));
    auto report_line = [&](std::size_t run, const std::string& text) {
        out << "[" << ++done << "/" << outcome.total << "] " << sweep.runs[run].id << ": " << text << "\n";
        out.flush();
    };
    while (stop_signal() == 0 && (!queue.empty() || slots.running() > 0)) {
        while (!queue.empty() && slots.running() < jobs) {
            const std::size_t run = queue.front();
            queue.pop_front();
            std::string why;
            const RunSlots::Start s = slots.start(run, &why);
            if (s == RunSlots::Start::finished) {
                ++outcome.skipped;
                report_line(run, "finished meanwhile by another process");
            } else if (s == RunSlots::Start::elsewhere) {
                ++outcome.elsewhere;
                report_line(run, "left to the process training it (" + terminal_safe(why) + ")");
            }
        }
        if (slots.running() == 0) continue;
        const std::optional<RunSlots::Ended> ended = slots.wait();
        if (!ended) break;  // a stop signal
        count_end(ended->end.status, outcome);
        report_line(ended->run, ended->text);
    }
    if (stop_signal() != 0) {
        // Ended by our own stop: neither finished nor failed; redone on resume.
        slots.stop_all();
        outcome.interrupted = true;
        out << "\ninterrupted: finished runs are kept; resume with:\n  " << options.resume_command << "\n";
        clear_stop_signal();
    }
    return outcome;
}

}  // namespace soma
