// check_plugin(): a child process finds or loads the library and runs the
// checks of every feature it registered (checks.h), announcing each check
// before it runs and sending its result after, over a pipe; the parent
// collects them into a report, and when the child dies or a check overruns
// its time, fails that check and starts a new child after it.
#include "tooling/plugin_check.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <functional>
#include <optional>
#include <set>
#include <system_error>

#include <omp.h>

#include "plugin/registry.h"
#include "util/names.h"

namespace soma {

namespace fs = std::filesystem;

namespace {

// --- the messages between the child and the parent ------------------------------
// Each is a 32-bit length, then a type byte: 'S' a check starts (index,
// label), 'R' its result (index, passed, name, detail, numbers), 'E' all done.

void put_u32(std::string& out, std::uint32_t v) { out.append(reinterpret_cast<const char*>(&v), sizeof v); }
void put_str(std::string& out, const std::string& s) {
    put_u32(out, static_cast<std::uint32_t>(s.size()));
    out += s;
}

struct Cursor {
    const std::string& bytes;
    std::size_t at = 1;  // after the type byte

    std::uint32_t u32() {
        std::uint32_t v = 0;
        if (at + sizeof v <= bytes.size()) std::memcpy(&v, bytes.data() + at, sizeof v);
        at += sizeof v;
        return v;
    }
    double f64() {
        double v = 0;
        if (at + sizeof v <= bytes.size()) std::memcpy(&v, bytes.data() + at, sizeof v);
        at += sizeof v;
        return v;
    }
    std::string str() {
        const std::uint32_t n = u32();
        std::string s = at + n <= bytes.size() ? bytes.substr(at, n) : std::string();
        at += n;
        return s;
    }
};

class Sender {
public:
    explicit Sender(int fd) : fd_(fd) {}

    void start(std::uint32_t index, const std::string& label) {
        std::string m = "S";
        put_u32(m, index);
        put_str(m, label);
        send(m);
    }
    void result(std::uint32_t index, const CheckResult& r) {
        std::string m = "R";
        put_u32(m, index);
        m += r.passed ? '\1' : '\0';
        put_str(m, r.name);
        put_str(m, r.detail);
        put_u32(m, static_cast<std::uint32_t>(r.numbers.size()));
        for (const auto& [key, value] : r.numbers) {
            put_str(m, key);
            m.append(reinterpret_cast<const char*>(&value), sizeof value);
        }
        send(m);
    }
    void done() { send("E"); }

private:
    void send(const std::string& payload) {
        std::string m;
        put_u32(m, static_cast<std::uint32_t>(payload.size()));
        m += payload;
        for (std::size_t sent = 0; sent < m.size();) {
            const ssize_t n = ::write(fd_, m.data() + sent, m.size() - sent);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) ::_exit(3);  // the parent is gone
            sent += static_cast<std::size_t>(n);
        }
    }
    int fd_;
};

// --- the child: the plan, from step `first` on ----------------------------------

fs::path canonical_or_absolute(const fs::path& p) {
    std::error_code ec;
    fs::path c = fs::canonical(p, ec);
    return ec ? fs::absolute(p).lexically_normal() : c;
}

std::string feature_list(const std::vector<std::pair<Kind, std::string>>& features) {
    std::vector<std::string> items;
    for (const auto& [kind, name] : features) items.push_back(std::string(kind_name(kind)) + " " + name);
    return items.empty() ? "no features" : join(items);
}

// Loads the library (a path) or finds the plugin or feature (a name): the
// first check, "loads" or "found", and the features to check.
CheckResult resolve(const std::string& path_or_name, Registry& registry,
                    std::vector<std::pair<Kind, std::string>>& features) {
    if (looks_like_plugin_path(path_or_name)) {
        const fs::path path = path_or_name;
        if (auto error = registry.load(path)) return {"loads", false, error->message, {}};
        const fs::path canonical = canonical_or_absolute(path);
        for (const PluginRecord& p : registry.plugins())
            if (canonical_or_absolute(p.path) == canonical) {
                features = p.features;
                return {"loads", true, "plugin " + p.name + " " + p.version + ": " + feature_list(features), {}};
            }
        return {"loads", false, path.string() + ": loaded, but the registry has no record of it", {}};
    }
    // A plugin (library) name first, then a feature name of any kind.
    const PluginRecord* record = nullptr;
    for (const PluginRecord& p : registry.plugins())
        if (p.name == path_or_name) record = &p;
    if (record) {
        features = record->features;
    } else {
        for (Kind kind : {Kind::activation, Kind::layer, Kind::optimizer})
            if (registry.has(kind, path_or_name)) features.emplace_back(kind, path_or_name);
        if (features.empty()) {
            std::set<std::string> known;
            for (const PluginRecord& p : registry.plugins()) known.insert(p.name);
            for (Kind kind : {Kind::activation, Kind::layer, Kind::optimizer})
                for (const std::string& n : registry.names(kind)) known.insert(n);
            return {"found", false,
                    unknown_name_message("plugin", path_or_name, std::vector<std::string>(known.begin(), known.end())),
                    {}};
        }
        const fs::path& library = registry.feature(features.front().first, path_or_name).path;
        for (const PluginRecord& p : registry.plugins())
            if (p.path == library) record = &p;
    }
    return {"found", true,
            record ? "plugin " + record->name + " " + record->version + " (" + record->path.string() +
                         "): " + feature_list(features)
                   : feature_list(features),
            {}};
}

// Runs the plan's steps from `first` on, announcing each. The steps before
// it ran in an earlier child; those whose effect later steps need (loading,
// the list of a feature's checks) are replayed silently.
void run_plan(const std::string& target, Registry& registry, std::uint32_t first, Sender& out) {
    std::uint32_t step = 0;
    auto run = [&](const std::string& label, const std::function<CheckResult()>& check, bool replay = false) {
        const std::uint32_t index = step++;
        if (index < first) return replay ? check() : CheckResult{label, true, "", {}};
        out.start(index, label);
        CheckResult r = check();
        if (r.name.empty()) r.name = label;
        out.result(index, r);
        return r;
    };
    std::vector<std::pair<Kind, std::string>> features;
    const std::string first_label = looks_like_plugin_path(target) ? "loads" : "found";
    if (!run(first_label, [&] { return resolve(target, registry, features); }, true).passed) return;
    if (features.empty()) {
        run("features", [] { return CheckResult{"", false, "the plugin registers no activation, layer or optimizer", {}}; });
        return;
    }
    for (const auto& [kind, name] : features) tooling::add_support_plugins(registry, kind);
    for (const auto& [kind, name] : features) {
        const tooling::Subject subject{registry, kind, name};
        // The description first, then making the feature, which also lists
        // the checks that apply (checks_for() makes it: plugin code).
        std::vector<tooling::CheckId> checks = {tooling::CheckId::description};
        checks.push_back(kind == Kind::activation ? tooling::CheckId::activation_make
                         : kind == Kind::layer    ? tooling::CheckId::layer_make
                                                  : tooling::CheckId::optimizer_make);
        for (std::size_t i = 0; i < checks.size(); ++i) {
            const tooling::CheckId id = checks[i];
            const bool make = i == 1;
            run(tooling::check_label(id, subject), [&] {
                if (make) checks = tooling::checks_for(subject);
                return tooling::run_check(id, subject);
            }, make);
        }
    }
}

// --- the parent ---------------------------------------------------------------------

// How one child ran: the results it sent, and the step it did not finish.
struct ChildRun {
    std::vector<CheckResult> results;
    std::optional<std::pair<std::uint32_t, std::string>> running;  // started, no result
    std::uint32_t next = 0;     // the step after the last one that started
    bool finished = false;      // it sent 'E'
    std::string how;            // otherwise: how it ended
};

std::string signal_text(int sig) {
    const char* abbrev = sigabbrev_np(sig);
    return "signal " + std::to_string(sig) + " (" + (abbrev ? "SIG" + std::string(abbrev) + ", " : "") +
           strsignal(sig) + ")";
}

// Takes complete messages off the front of `buffer`.
void take_messages(std::string& buffer, ChildRun& run) {
    for (;;) {
        std::uint32_t size = 0;
        if (buffer.size() < sizeof size) return;
        std::memcpy(&size, buffer.data(), sizeof size);
        if (buffer.size() < sizeof size + size) return;
        const std::string m = buffer.substr(sizeof size, size);
        buffer.erase(0, sizeof size + size);
        if (m.empty()) continue;
        Cursor c{m};
        if (m[0] == 'S') {
            const std::uint32_t index = c.u32();
            run.running = std::pair{index, c.str()};
            run.next = index + 1;
        } else if (m[0] == 'R') {
            c.u32();
            CheckResult r;
            r.passed = m.size() > 5 && m[5] == '\1';
            c.at = 6;
            r.name = c.str();
            r.detail = c.str();
            for (std::uint32_t n = c.u32(), i = 0; i < n && c.at < m.size(); ++i) {
                std::string key = c.str();
                r.numbers.emplace_back(std::move(key), c.f64());
            }
            run.results.push_back(std::move(r));
            run.running.reset();
        } else if (m[0] == 'E') {
            run.finished = true;
        }
    }
}

// Forks a child that runs the plan from `first`, and collects what it sends
// until it ends, or kills it when a step overruns the time limit.
ChildRun run_child(const std::string& target, Registry& registry, std::uint32_t first, const CheckOptions& options) {
    ChildRun run;
    run.next = first;
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) {
        run.how = std::string("could not start a check process: pipe: ") + std::strerror(errno);
        return run;
    }
    std::fflush(nullptr);  // nothing buffered is written twice
    const pid_t pid = ::fork();
    if (pid < 0) {
        ::close(fds[0]);
        ::close(fds[1]);
        run.how = std::string("could not start a check process: fork: ") + std::strerror(errno);
        return run;
    }
    if (pid == 0) {
        ::close(fds[0]);
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive the parent
        // One thread: measured speeds are a core's, and no OpenMP pool the
        // parent may have started is needed after fork.
        omp_set_num_threads(1);
        Sender out(fds[1]);
        run_plan(target, registry, first, out);
        out.done();
        std::fflush(nullptr);
        ::_exit(0);  // no destructors: the plugins stay loaded to the end
    }
    ::close(fds[1]);
    using clock = std::chrono::steady_clock;
    auto deadline = clock::now() + options.time_limit;
    std::string buffer;
    bool timed_out = false;
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()).count();
        if (left <= 0) {
            timed_out = true;
            ::kill(pid, SIGKILL);
            break;
        }
        pollfd p{fds[0], POLLIN, 0};
        const int ready = ::poll(&p, 1, static_cast<int>(std::min<long long>(left, 1000)));
        if (ready < 0 && errno != EINTR) break;
        if (ready <= 0) continue;
        char chunk[4096];
        const ssize_t n = ::read(fds[0], chunk, sizeof chunk);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;  // the child closed the pipe: it ended
        buffer.append(chunk, static_cast<std::size_t>(n));
        const auto started = run.running;
        take_messages(buffer, run);
        if (run.running != started || run.finished) deadline = clock::now() + options.time_limit;
    }
    ::close(fds[0]);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (timed_out) {
        const auto ms = options.time_limit.count();
        run.how = "did not finish within " + (ms % 1000 ? std::to_string(ms) + " ms" : std::to_string(ms / 1000) + " s") +
                  " and was stopped (an endless loop?)";
    } else if (WIFSIGNALED(status)) {
        run.how = "crashed: the check process was killed by " + signal_text(WTERMSIG(status));
    } else if (!run.finished) {
        run.how = "the check process exited with status " +
                  std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    }
    return run;
}

}  // namespace

bool looks_like_plugin_path(const std::string& s) {
    return s.find('/') != std::string::npos || (s.size() > 3 && s.compare(s.size() - 3, 3, ".so") == 0);
}

bool CheckReport::passed() const {
    return !checks.empty() && std::all_of(checks.begin(), checks.end(), [](const CheckResult& c) { return c.passed; });
}

std::string CheckReport::text() const {
    std::size_t width = 0;
    for (const CheckResult& c : checks) width = std::max(width, c.name.size());
    std::string out = "checking " + target + "\n";
    std::vector<std::string> failed;
    for (const CheckResult& c : checks) {
        out += (c.passed ? "PASS  " : "FAIL  ") + c.name + std::string(width - c.name.size() + 2, ' ') + c.detail;
        out.erase(out.find_last_not_of(' ') + 1);
        out += "\n";
        if (!c.passed) failed.push_back(c.name);
    }
    if (checks.empty()) return out + "verdict: FAIL (nothing was checked)\n";
    if (failed.empty()) return out + "verdict: PASS (" + std::to_string(checks.size()) + " checks)\n";
    return out + "verdict: FAIL (" + std::to_string(failed.size()) + " of " + std::to_string(checks.size()) +
           " checks failed: " + join(failed) + ")\n";
}

CheckReport check_plugin(const std::string& path_or_name, Registry& registry, const CheckOptions& options) {
    CheckReport report;
    report.target = path_or_name;
    for (std::uint32_t first = 0;;) {
        ChildRun run = run_child(path_or_name, registry, first, options);
        for (CheckResult& r : run.results) report.checks.push_back(std::move(r));
        if (run.finished) break;
        if (!run.running) {  // died between checks, or could not start
            report.checks.push_back({"checks", false, run.how.empty() ? "the check process ended early" : run.how, {}});
            break;
        }
        report.checks.push_back({run.running->second, false, run.how + " while this check ran", {}});
        if (run.running->first == 0) break;  // nothing runs without loading the plugin
        first = run.next;                     // the rest in a new child
    }
    return report;
}

}  // namespace soma
