// Runs every run of a sweep, N at a time, each in its own soma process
// (experiment/supervisor.h), and resumes: a run whose folder holds a
// summary.json that says ok or diverged is finished and never repeated;
// anything else is redone from scratch.
//
// Sweep folder (a soma output folder: train/output_folder.h):
//   experiment.toml  the resolved sweep (a rerun with another sweep is refused)
//   sweep.json       the runs: id, config_id, assignments
//   runs/<id>/       config.toml, metrics.csv, summary.json, model-last.soma, model-best.soma, log.txt;
//                    made when the run starts
//
// Several processes may share one sweep: the shards of a Slurm job array
// (--shard K/N: the runs whose index in sweep.json is K modulo N) and the
// ranks of an MPI job (distributed/). Each run folder is claimed by the one
// process that trains it, for as long as it does; a run another process
// holds is left to it, and a run finished meanwhile is not started again.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "config/sweep.h"
#include "experiment/supervisor.h"
#include "train/output_folder.h"

namespace soma {

class Registry;

// --shard K/N: this process trains the runs whose index % count == index.
struct Shard {
    int index = 0, count = 1;
    bool whole() const { return count == 1; }
    bool has(std::size_t run) const { return static_cast<int>(run % static_cast<std::size_t>(count)) == index; }
};

// "K/N" with 0 <= K < N as a shard (so "$SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT"
// works); nothing for any other text.
std::optional<Shard> parse_shard(const std::string& text);

struct SweepOptions {
    std::filesystem::path out;           // "" = output.dir / name
    std::vector<std::string> overrides;  // --set
    int jobs = 1;                        // runs at once
    int threads = 0;                     // per run; 0 = the experiment's, else chosen by each run
    int cores = 0;                       // this process's cores, split among the jobs; 0 = available_cores()
    Shard shard;                         // --shard K/N
    std::filesystem::path soma_exe;      // the executable that runs one run
    std::string resume_command;          // printed when interrupted
    std::vector<std::filesystem::path> allowed_plugins;  // --allow-plugins, passed on to every run
};

struct SweepOutcome {
    std::filesystem::path dir;
    int total = 0;    // the runs this process was given (the sweep's, or its shard's)
    int skipped = 0;  // already finished
    int ok = 0, diverged = 0, failed = 0;
    int elsewhere = 0;  // held by another process when their turn came: left to it
    bool interrupted = false;
    bool reports = true;  // this process writes the report (false on an MPI job's other ranks)
};

// The folder a sweep writes to.
std::filesystem::path sweep_folder(const Sweep& sweep, const SweepOptions& options);

// Whether runs/<id>/summary.json marks a finished run (ok or diverged).
bool run_finished(const std::filesystem::path& run_dir);

// The thread count each run is told (0 = its own choice, see auto_threads)
// and the most it may use: the cores divided among the jobs.
int threads_per_run(const Experiment& experiment, const SweepOptions& options);
int cores_per_run(const SweepOptions& options);

// Claims the sweep folder (alone for a whole sweep, shared for a shard or an
// MPI job's scheduling rank) and records the sweep in it: experiment.toml,
// created by the first process and compared by every later one (a folder of
// another sweep is refused), and sweep.json.
std::unique_ptr<FolderClaim> open_sweep_folder(const Sweep& sweep, const std::filesystem::path& dir,
                                               FolderHold hold);

// The runs of `shard` still to do, in order; the finished ones are counted
// into outcome.skipped. Only reads (run folders are made when their run
// starts); a stop signal ends it at once.
std::vector<std::size_t> runs_to_do(const Sweep& sweep, const Shard& shard, SweepOutcome& outcome);

// Runs of a sweep trained in child processes, each with its folder claimed
// while its child runs.
class RunSlots {
public:
    RunSlots(const Sweep& sweep, const SweepOptions& options, std::filesystem::path dir);
    ~RunSlots();  // children end before their folders are released

    enum class Start { started, finished, elsewhere };
    // Claims run i's folder, empties it (an unfinished run restarts from
    // scratch), writes its config and starts its child. Starts nothing when
    // the run is finished by now, or another process holds its folder
    // (elsewhere: its message in `why`).
    Start start(std::size_t run, std::string* why = nullptr);

    struct Ended {
        std::size_t run = 0;
        RunEnd end;
        std::string text;  // "ok, test accuracy 91.20%, 1.4 s" or "FAILED (...; see .../log.txt), 0.3 s"
    };
    // The next run to end, its folder concluded (conclude_run); nothing when
    // a stop signal arrives first, or `at_most` passes.
    std::optional<Ended> wait(std::optional<std::chrono::milliseconds> at_most = std::nullopt);
    std::size_t running() const { return running_.size(); }
    // Kills every child still running and releases their folders; their
    // runs stay unfinished.
    void stop_all() {
        supervisor_.stop_all();
        running_.clear();
    }

private:
    struct Running {
        std::size_t run;
        std::unique_ptr<FolderClaim> folder;
    };
    const Sweep& sweep_;
    const SweepOptions& options_;
    std::filesystem::path dir_;
    std::map<pid_t, Running> running_;  // declared before the supervisor: released after it
    Supervisor supervisor_;
};

// Counts a run's end into outcome (ok, diverged or failed).
void count_end(RunStatus status, SweepOutcome& outcome);

// Runs the sweep (or options.shard's part of it). Ctrl-C (SIGINT) and SIGTERM, once install_stop_signal_handlers
// (experiment/supervisor.h) has run, stop it cleanly, in its preparation too:
// children are ended, finished runs kept, and it returns with interrupted set.
SweepOutcome run_sweep(const Sweep& sweep, const SweepOptions& options, std::ostream& out);

// "sweep: 8 runs, 2 at a time" or "sweep: 8 runs; shard 1/3: 3 of them, 2 at a time".
std::string sweep_start_line(const Sweep& sweep, const SweepOptions& options);

}  // namespace soma
