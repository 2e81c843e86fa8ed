// The sweep runner: a child process per run (a crash or kill of one run
// cannot take the sweep down), at most `jobs` at once, resumable.
#include "experiment/sweep_runner.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <chrono>
#include <cstring>
#include <deque>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <thread>

#include "experiment/sweep_record.h"
#include "train/run_summary.h"
#include "util/atomic_file.h"
#include "util/error.h"

namespace soma {

namespace fs = std::filesystem;

namespace {

std::atomic<int> g_stop_signal{0};

void on_stop_signal(int sig) { g_stop_signal.store(sig); }

std::string read_text(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// A run's summary, when its folder has one that reads (a run without one, or
// with one that does not parse or says impossible things, is not finished).
std::optional<RunSummary> summary_of(const fs::path& run_dir) {
    const fs::path file = run_dir / "summary.json";
    std::error_code ec;
    if (!fs::exists(file, ec)) return std::nullopt;
    try {
        return read_run_summary(file);
    } catch (const Error&) {
        return std::nullopt;
    }
}

bool finished(const std::optional<RunSummary>& s) {
    return s && (s->status == RunStatus::ok || s->status == RunStatus::diverged);
}

std::string tail_lines(const std::string& text, int lines) {
    std::size_t pos = text.size();
    while (pos > 0 && (text[pos - 1] == '\n')) --pos;
    std::size_t end = pos;
    for (int n = 0; n < lines && pos > 0; ++n) {
        pos = text.rfind('\n', pos - 1);
        if (pos == std::string::npos) {
            pos = 0;
            break;
        }
    }
    std::string out = text.substr(pos, end - pos);
    while (!out.empty() && out.front() == '\n') out.erase(0, 1);
    return out;
}

void write_failed_summary(const fs::path& run_dir, const RunSpec& run, const std::string& error) {
    RunSummary s;
    s.experiment = run.experiment.name;
    s.status = RunStatus::failed;
    s.error = error;
    s.id = run.id;
    write_file_atomic(run_dir / "summary.json", run_summary_text(s));
}

struct Child {
    pid_t pid;
    std::size_t run;
    std::chrono::steady_clock::time_point start;
};

// threads > 0 is passed on; 0 leaves the choice to the run (auto_threads)
// within cap, the run's share of the cores, given as OMP_NUM_THREADS.
pid_t spawn_run(const fs::path& exe, const fs::path& run_dir, int threads, int cap) {
    const fs::path log = run_dir / "log.txt";
    const std::string config = (run_dir / "config.toml").string();
    const std::string out = run_dir.string();
    const std::string threads_arg = std::to_string(threads);
    const std::string cap_value = std::to_string(cap);
    pid_t pid = ::fork();
    if (pid < 0) throw Error(std::string("cannot start a run: fork failed: ") + std::strerror(errno));
    if (pid == 0) {
        // A run must not outlive its sweep (kill -9 of the parent included):
        // an orphan would keep writing into a folder the next sweep redoes.
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        ::signal(SIGINT, SIG_IGN);  // the parent decides; it ends children itself
        int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd >= 0) {
            ::dup2(fd, STDOUT_FILENO);
            ::dup2(fd, STDERR_FILENO);
        }
        int devnull = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (devnull >= 0) ::dup2(devnull, STDIN_FILENO);
        ::setenv("OMP_NUM_THREADS", cap_value.c_str(), 1);
        const char* argv[] = {exe.c_str(), "run", config.c_str(), "--out", out.c_str(),
                              threads > 0 ? "--threads" : nullptr, threads_arg.c_str(), nullptr};
        ::execv(exe.c_str(), const_cast<char* const*>(argv));
        std::fprintf(stderr, "cannot execute %s: %s\n", exe.c_str(), std::strerror(errno));
        ::_exit(127);
    }
    return pid;
}

// Holds an exclusive lock on the sweep folder: two sweeps never write one folder.
class FolderLock {
public:
    explicit FolderLock(const fs::path& dir) {
        const fs::path lock = dir / ".lock";
        fd_ = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd_ < 0 || ::flock(fd_, LOCK_EX | LOCK_NB) != 0)
            throw Error(dir.string() + ": another soma sweep is running in this folder");
    }
    ~FolderLock() {
        if (fd_ >= 0) ::close(fd_);
    }
    FolderLock(const FolderLock&) = delete;
    FolderLock& operator=(const FolderLock&) = delete;

private:
    int fd_ = -1;
};

}  // namespace

void install_sweep_signal_handlers() {
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;  // no SA_RESTART: waitpid returns EINTR so the loop sees the flag
    ::sigaction(SIGINT, &sa, nullptr);
    ::sigaction(SIGTERM, &sa, nullptr);
}

fs::path sweep_folder(const Sweep& sweep, const SweepOptions& options) {
    if (!options.out.empty()) return options.out;
    const OutputConfig& o = sweep.base.output;
    return fs::path(o.dir) / (o.name.empty() ? sweep.base.name : o.name);
}

bool run_finished(const fs::path& run_dir) { return finished(summary_of(run_dir)); }

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
    fs::create_directories(outcome.dir / "runs");
    FolderLock lock(outcome.dir);

    // Resuming into a folder of another sweep would mix two experiments.
    const std::string resolved = to_toml(sweep);
    const fs::path experiment_file = outcome.dir / "experiment.toml";
    if (fs::exists(experiment_file) && read_text(experiment_file) != resolved)
        throw Error(outcome.dir.string() +
                    " holds a different sweep (its experiment.toml differs); choose another --out or remove it");
    write_file_atomic(experiment_file, resolved);
    write_file_atomic(outcome.dir / "sweep.json", sweep_index_text(sweep_index(sweep)));

    std::deque<std::size_t> queue;
    for (std::size_t i = 0; i < sweep.runs.size(); ++i) {
        const fs::path run_dir = outcome.dir / "runs" / sweep.runs[i].id;
        if (run_finished(run_dir)) {
            ++outcome.skipped;
            continue;
        }
        // Whatever an unfinished run left is discarded: it restarts from scratch.
        fs::remove_all(run_dir);
        fs::create_directories(run_dir);
        write_file_atomic(run_dir / "config.toml", to_toml(sweep.runs[i].experiment));
        queue.push_back(i);
    }
    if (outcome.skipped > 0)
        out << "resuming: " << outcome.skipped << " of " << outcome.total << " runs already finished\n";

    const int jobs = std::max(1, options.jobs);
    std::map<pid_t, Child> running;
    int done = outcome.skipped;
    auto stop_all = [&] {
        for (auto& [pid, child] : running) ::kill(pid, SIGTERM);
        for (auto& [pid, child] : running) ::waitpid(pid, nullptr, 0);
        running.clear();
    };

    while (!queue.empty() || !running.empty()) {
        while (!g_stop_signal && !queue.empty() && static_cast<int>(running.size()) < jobs) {
            const std::size_t i = queue.front();
            queue.pop_front();
            const fs::path run_dir = outcome.dir / "runs" / sweep.runs[i].id;
            const int threads = threads_per_run(sweep.runs[i].experiment, options);
            pid_t pid = spawn_run(options.soma_exe, run_dir, threads, cores_per_run(options));
            running[pid] = Child{pid, i, std::chrono::steady_clock::now()};
        }
        if (g_stop_signal) {
            stop_all();
            outcome.interrupted = true;
            break;
        }
        int status = 0;
        pid_t pid = ::waitpid(-1, &status, 0);
        if (pid < 0) {
            if (errno == EINTR) continue;
            throw Error(std::string("waiting for runs failed: ") + std::strerror(errno));
        }
        auto it = running.find(pid);
        if (it == running.end()) continue;
        const Child child = it->second;
        running.erase(it);
        const RunSpec& run = sweep.runs[child.run];
        const fs::path run_dir = outcome.dir / "runs" / run.id;
        const double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - child.start).count();
        ++done;
        std::string line;
        if (g_stop_signal) {
            // Ended by our own stop: neither finished nor failed; redone on resume.
            continue;
        }
        const std::optional<RunSummary> summary = summary_of(run_dir);
        if (finished(summary)) {
            (summary->status == RunStatus::ok ? outcome.ok : outcome.diverged)++;
            line = run_result_text(*summary);
        } else {
            std::string why;
            if (WIFSIGNALED(status)) why = "killed by signal " + std::to_string(WTERMSIG(status));
            else why = "exit status " + std::to_string(WEXITSTATUS(status));
            const std::string log = tail_lines(read_text(run_dir / "log.txt"), 3);
            write_failed_summary(run_dir, run, log.empty() ? why : log + " (" + why + ")");
            ++outcome.failed;
            line = "FAILED (" + why + "; see " + (run_dir / "log.txt").string() + ")";
        }
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.1f s", seconds);
        out << "[" << done << "/" << outcome.total << "] " << run.id << ": " << line << ", " << buf << "\n";
        out.flush();
    }
    if (outcome.interrupted) {
        out << "\ninterrupted: finished runs are kept; resume with:\n  " << options.resume_command << "\n";
        g_stop_signal = 0;
    }
    return outcome;
}

}  // namespace soma
