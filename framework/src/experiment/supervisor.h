// Runs train in child processes: a plugin that crashes, aborts, loops
// forever or exits behind soma's back ends its child, never soma, and the
// supervising soma says what happened and records it in the run folder. The
// sweep runner starts one child per run; a single `soma run` starts one.
//
// A child is `soma run DIR/config.toml --out DIR --supervised`: it trains the
// resolved experiment its supervisor wrote into the run folder, which the
// supervisor has claimed (train/output_folder.h) and holds until it ends.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "train/run_summary.h"

namespace soma {

struct RunLaunch {
    std::filesystem::path exe;      // the soma executable
    std::filesystem::path run_dir;  // holds config.toml; everything is written here
    int threads = 0;                // --threads N when > 0
    int omp_threads = 0;            // OMP_NUM_THREADS when > 0, else inherited
    std::vector<std::filesystem::path> allowed_plugins;  // --allow-plugins, passed on
    bool to_log = true;             // stdout and stderr into run_dir/log.txt; else inherited
    double time_limit = 0;          // seconds (training.time_limit); 0 = none
};

// The child's arguments after the executable.
std::vector<std::string> child_arguments(const RunLaunch& launch);

struct ChildEnd {
    pid_t pid = 0;
    int status = 0;          // as waitpid gives it
    bool timed_out = false;  // killed at its time limit
    double seconds = 0;      // from start to end
    double time_limit = 0;
};

// "killed by signal 11 (Segmentation fault)", "exit status 1",
// "timed out after 2 s (training.time_limit)".
std::string describe_end(const ChildEnd& end);

class Supervisor {
public:
    Supervisor();
    ~Supervisor();  // kills and reaps children still running
    Supervisor(const Supervisor&) = delete;
    Supervisor& operator=(const Supervisor&) = delete;

    pid_t start(const RunLaunch& launch);
    // Waits until a child ends, or is killed at its time limit; nothing when
    // a stop signal arrives first (install_stop_signal_handlers).
    std::optional<ChildEnd> wait();
    // The same, waiting at most `at_most` (also with no child running):
    // nothing when it passes first.
    std::optional<ChildEnd> wait_for(std::chrono::milliseconds at_most);
    // Kills (SIGKILL) and reaps every child still running.
    void stop_all();
    std::size_t running() const { return children_.size(); }

private:
    std::optional<ChildEnd> wait_until(std::optional<std::chrono::steady_clock::time_point> until);

    struct Child {
        std::chrono::steady_clock::time_point start;
        double time_limit = 0;
        bool killed_at_limit = false;
    };
    std::map<pid_t, Child> children_;
};

// Ctrl-C (SIGINT) and SIGTERM set a flag that Supervisor::wait and the
// sweep's preparation see: children are ended, finished runs kept.
void install_stop_signal_handlers();
// The signal that asked to stop (0: none yet), and forgetting it.
int stop_signal();
void clear_stop_signal();

// How a run ended, from its summary.json and the way its child ended.
struct RunEnd {
    RunStatus status = RunStatus::failed;  // ok | diverged | failed
    RunSummary summary;         // ok and diverged: its summary.json
    std::string why;            // failed: what happened to the child ("" when it said itself)
};

// A run's summary.json, when it has one that reads (none, or one that does
// not parse or says impossible things: such a run is not finished).
std::optional<RunSummary> run_summary_of(const std::filesystem::path& run_dir);

// After a child ends: a run whose summary.json says ok, diverged or failed
// (the child reported its own error) is as it says; any other end (a signal,
// a time limit, an exit without results) gets a summary.json saying failed
// and why, with the end of log.txt when there is one.
RunEnd conclude_run(const std::filesystem::path& run_dir, const ChildEnd& end, const std::string& experiment,
                    const std::string& id);

// summary.json of a run that failed: {experiment, status: failed, error, id}.
void write_failed_summary(const std::filesystem::path& run_dir, const std::string& experiment,
                          const std::string& id, const std::string& error);

}  // namespace soma
