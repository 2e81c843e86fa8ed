// Child processes for runs: start, wait (with time limits and stop signals),
// and what a run's end means for its folder.
#include "experiment/supervisor.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "experiment/launch.h"
#include "train/threads.h"
#include "util/atomic_file.h"
#include "util/error.h"

namespace soma {

namespace fs = std::filesystem;

namespace {

std::atomic<int> g_stop_signal{0};
// The self-pipe: signal handlers write a byte so that a wait in poll() wakes
// for a child's end (SIGCHLD) or a stop signal, with no race against either.
int g_wake[2] = {-1, -1};

void wake() {
    if (g_wake[1] < 0) return;
    const char byte = 0;
    [[maybe_unused]] const ssize_t n = ::write(g_wake[1], &byte, 1);  // a full pipe already wakes
}

void on_stop_signal(int sig) {
    const int saved = errno;
    g_stop_signal.store(sig);
    wake();
    errno = saved;
}

void on_child_signal(int) {
    const int saved = errno;
    wake();
    errno = saved;
}

// Creates the self-pipe and the SIGCHLD handler once per process.
void ensure_wake_pipe() {
    static const bool ready = [] {
        if (::pipe2(g_wake, O_CLOEXEC | O_NONBLOCK) != 0)
            throw Error(std::string("cannot supervise runs: pipe failed: ") + std::strerror(errno));
        struct sigaction sa {};
        sa.sa_handler = on_child_signal;
        sigemptyset(&sa.sa_mask);
        sa.sa_flags = SA_RESTART | SA_NOCLDSTOP;
        ::sigaction(SIGCHLD, &sa, nullptr);
        return true;
    }();
    (void)ready;
}

void drain_wake_pipe() {
    char buf[64];
    while (::read(g_wake[0], buf, sizeof buf) > 0) {
    }
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

std::string seconds_text(double s) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", s);
    return buf;
}

}  // namespace

std::vector<std::string> child_arguments(const RunLaunch& l) {
    std::vector<std::string> args = {"run", (l.run_dir / "config.toml").string(), "--out", l.run_dir.string(),
                                     "--supervised"};
    if (l.threads > 0) args.insert(args.end(), {"--threads", std::to_string(l.threads)});
    for (const fs::path& p : l.allowed_plugins) args.insert(args.end(), {"--allow-plugins", p.string()});
    return args;
}

std::string describe_end(const ChildEnd& end) {
    if (end.timed_out)
        return "timed out after " + seconds_text(end.time_limit) + " s (training.time_limit)";
    if (WIFSIGNALED(end.status)) {
        const int sig = WTERMSIG(end.status);
        const char* name = ::strsignal(sig);
        return "killed by signal " + std::to_string(sig) + (name ? std::string(" (") + name + ")" : std::string());
    }
    return "exit status " + std::to_string(WEXITSTATUS(end.status));
}

Supervisor::Supervisor() { ensure_wake_pipe(); }

Supervisor::~Supervisor() { stop_all(); }

pid_t Supervisor::start(const RunLaunch& l) {
    // Everything the child needs is built before fork: after it, only
    // async-signal-safe calls until exec.
    const std::vector<std::string> args = child_arguments(l);
    std::vector<const char*> argv = {l.exe.c_str()};
    for (const std::string& a : args) argv.push_back(a.c_str());
    argv.push_back(nullptr);
    const std::string log = (l.run_dir / "log.txt").string();
    // The child's environment: this one's without an MPI launcher's variables
    // (a child that saw them would take itself for a rank and try to join the
    // job: Open MPI's advice for processes an MPI process starts), with
    // OMP_NUM_THREADS when given and a bounded OpenMP wait unless the user
    // chose a policy (threads.h).
    std::vector<std::string> env_text;
    for (char** e = environ; *e; ++e) {
        if (is_mpi_launch_variable(*e)) continue;
        if (l.omp_threads > 0 && std::strncmp(*e, "OMP_NUM_THREADS=", 16) == 0) continue;
        env_text.emplace_back(*e);
    }
    if (l.omp_threads > 0) env_text.push_back("OMP_NUM_THREADS=" + std::to_string(l.omp_threads));
    if (std::string wait = bounded_wait_setting(std::getenv("OMP_WAIT_POLICY"), std::getenv("GOMP_SPINCOUNT"));
        !wait.empty())
        env_text.push_back(std::move(wait));
    std::vector<const char*> envp;
    for (const std::string& e : env_text) envp.push_back(e.c_str());
    envp.push_back(nullptr);

    const pid_t pid = ::fork();
    if (pid < 0) throw Error(std::string("cannot start a run: fork failed: ") + std::strerror(errno));
    if (pid == 0) {
        // A run must not outlive its supervisor (kill -9 of it included): an
        // orphan would keep writing into a folder the next soma redoes.
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        ::signal(SIGINT, SIG_IGN);  // Ctrl-C reaches the whole group; the supervisor decides
        if (l.to_log) {
            const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
            if (fd >= 0) {
                ::dup2(fd, STDOUT_FILENO);
                ::dup2(fd, STDERR_FILENO);
            }
            const int devnull = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
            if (devnull >= 0) ::dup2(devnull, STDIN_FILENO);
        }
        ::execve(argv[0], const_cast<char* const*>(argv.data()), const_cast<char* const*>(envp.data()));
        std::fprintf(stderr, "cannot execute %s: %s\n", argv[0], std::strerror(errno));
        ::_exit(127);
    }
    children_[pid] = Child{std::chrono::steady_clock::now(), l.time_limit, false};
    return pid;
}

std::optional<ChildEnd> Supervisor::wait() {
    if (children_.empty()) throw Error("waiting for runs: no run is running");
    return wait_until(std::nullopt);
}

std::optional<ChildEnd> Supervisor::wait_for(std::chrono::milliseconds at_most) {
    return wait_until(std::chrono::steady_clock::now() + at_most);
}

std::optional<ChildEnd> Supervisor::wait_until(std::optional<std::chrono::steady_clock::time_point> until) {
    using clock = std::chrono::steady_clock;
    for (;;) {
        const auto now = clock::now();
        for (auto it = children_.begin(); it != children_.end(); ++it) {
            int status = 0;
            const pid_t r = ::waitpid(it->first, &status, WNOHANG);
            if (r == 0 || (r < 0 && errno == EINTR)) continue;  // still running
            // Ended (r is its pid), or gone without a status to read (ECHILD): it ended.
            ChildEnd end{it->first, status, it->second.killed_at_limit,
                         std::chrono::duration<double>(now - it->second.start).count(), it->second.time_limit};
            children_.erase(it);
            return end;
        }
        if (g_stop_signal.load() != 0) return std::nullopt;
        if (until && now >= *until) return std::nullopt;

        // Kill children past their limit (reaped on the next turn); sleep until
        // the nearest limit, a child's end, a stop signal or `until`.
        int timeout_ms = -1;
        auto sleep_until = [&](clock::time_point deadline) {
            const auto ms = std::chrono::ceil<std::chrono::milliseconds>(deadline - now).count();
            const int wait_ms = static_cast<int>(std::min<long long>(ms, 1000 * 60 * 60));
            timeout_ms = timeout_ms < 0 ? wait_ms : std::min(timeout_ms, wait_ms);
        };
        if (until) sleep_until(*until);
        for (auto& [pid, child] : children_) {
            if (child.time_limit <= 0 || child.killed_at_limit) continue;
            const auto deadline = child.start + std::chrono::duration_cast<clock::duration>(
                                                    std::chrono::duration<double>(child.time_limit));
            if (deadline <= now) {
                ::kill(pid, SIGKILL);
                child.killed_at_limit = true;  // its SIGCHLD wakes the poll
                continue;
            }
            sleep_until(deadline);
        }
        struct pollfd p {g_wake[0], POLLIN, 0};
        if (::poll(&p, 1, timeout_ms) > 0) drain_wake_pipe();
    }
}

void Supervisor::stop_all() {
    for (auto& [pid, child] : children_) ::kill(pid, SIGKILL);
    for (auto& [pid, child] : children_) ::waitpid(pid, nullptr, 0);
    children_.clear();
}

void install_stop_signal_handlers() {
    ensure_wake_pipe();
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;
    ::sigaction(SIGINT, &sa, nullptr);
    ::sigaction(SIGTERM, &sa, nullptr);
}

int stop_signal() { return g_stop_signal.load(); }

void clear_stop_signal() { g_stop_signal.store(0); }

std::optional<RunSummary> run_summary_of(const fs::path& run_dir) {
    const fs::path file = run_dir / "summary.json";
    std::error_code ec;
    if (!fs::exists(file, ec)) return std::nullopt;
    try {
        return read_run_summary(file);
    } catch (const Error&) {
        return std::nullopt;
    }
}

RunEnd conclude_run(const fs::path& run_dir, const ChildEnd& end, const std::string& experiment,
                    const std::string& id) {
    RunEnd r;
    // A child killed at its limit may have written anything before; its end is what counts.
    if (!end.timed_out) {
        if (const std::optional<RunSummary> s = run_summary_of(run_dir); s && s->status != RunStatus::pending) {
            r.status = s->status;  // failed: the child said why itself (and printed it)
            r.summary = *s;
            return r;
        }
    }
    r.status = RunStatus::failed;
    r.why = describe_end(end);
    if (!end.timed_out && WIFEXITED(end.status) && WEXITSTATUS(end.status) == 0)
        r.why += ", without writing its results";
    const std::string log = tail_lines(read_file_or_empty(run_dir / "log.txt"), 3);
    write_failed_summary(run_dir, experiment, id, log.empty() ? r.why : log + " (" + r.why + ")");
    return r;
}

void write_failed_summary(const fs::path& run_dir, const std::string& experiment, const std::string& id,
                          const std::string& error) {
    RunSummary s;
    s.experiment = experiment;
    s.status = RunStatus::failed;
    s.error = error;
    s.id = id;
    write_file_atomic(run_dir / "summary.json", run_summary_text(s));
}

}  // namespace soma
