// Hostile and careless input through the executable (issue 15): output
// folders that are not soma's, names that are paths or drive the terminal,
// two runs into one folder, plugins that crash, abort, hang or exit behind
// soma's back, Ctrl-C while a large sweep is prepared, and plugin folders an
// experiment file names without the user's permission.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>

#include <chrono>
#include <thread>
#include <vector>

#include "cli_util.h"

namespace soma::test {
namespace {

const std::string kMisbehaving = SOMA_FIXTURE_DIR "/misbehaving";
const std::string kTraced = SOMA_FIXTURE_DIR "/traced";

// A small synthetic experiment; `extra` is appended (more keys, tables).
std::string tiny(const std::string& activation = "sigmoid", const std::string& extra = "") {
    return R"([experiment]
name = "tiny"
[data]
dataset = "synthetic"
synthetic_train = 200
synthetic_test = 50
[model]
hidden = [8]
activation = ")" + activation + R"("
[training]
epochs = 1
threads = 1
)" + extra;
}

std::string with_plugins(const std::string& folder, const std::string& activation, const std::string& extra = "") {
    return tiny(activation, extra + "[plugins]\npaths = [\"" + folder + "\"]\n");
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::vector<std::string> names_in(const fs::path& dir) {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

// soma started in the background, its output into a file.
class Background {
public:
    Background(const fs::path& dir, const std::vector<std::string>& args, const fs::path& log) {
        pid_ = ::fork();
        if (pid_ == 0) {
            ::chdir(dir.c_str());
            const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
            ::dup2(fd, 1);
            ::dup2(fd, 2);
            std::vector<const char*> argv = {kSoma.c_str()};
            for (const auto& a : args) argv.push_back(a.c_str());
            argv.push_back(nullptr);
            ::execv(kSoma.c_str(), const_cast<char* const*>(argv.data()));
            ::_exit(127);
        }
    }
    ~Background() {
        if (pid_ > 0 && !waited_) {
            ::kill(pid_, SIGKILL);
            wait();
        }
    }
    pid_t pid() const { return pid_; }
    // The exit status, or 128 + the signal that ended it.
    int wait() {
        int status = 0;
        ::waitpid(pid_, &status, 0);
        waited_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }

private:
    pid_t pid_ = -1;
    bool waited_ = false;
};

// Waits (at most a minute) until `ready` holds.
template <class F>
bool eventually(F ready) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (!ready()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
}

// --- bug 1: --out never overwrites a user's files ---------------------------

TEST(Hostile, OutNeverWritesIntoAFolderThatIsNotSomas) {
    TempDir t;
    write(t.path() / "tiny.toml", tiny());
    write(t.path() / "proj/config.toml", "# mine\n");
    Result r = soma("run tiny.toml --out proj", t.path());
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_TRUE(contains(r.output, "proj is not empty and is not a soma output folder")) << r.output;
    EXPECT_EQ(read(t.path() / "proj/config.toml"), "# mine\n");
    EXPECT_EQ(names_in(t.path() / "proj"), std::vector<std::string>{"config.toml"});

    // A sweep neither: it would replace summary.* and report.*.
    write(t.path() / "s.toml", tiny("sigmoid", "[sweep]\n\"training.seed\" = [1, 2]\n"));
    write(t.path() / "mine/summary.json", "{\"mine\": true}\n");
    r = soma("run s.toml --out mine", t.path());
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_TRUE(contains(r.output, "mine is not empty and is not a soma output folder")) << r.output;
    EXPECT_EQ(names_in(t.path() / "mine"), std::vector<std::string>{"summary.json"});
}

TEST(Hostile, OutRefusesTheFileSystemRoot) {
    TempDir t;
    // Data that cannot load: were the root accepted, nothing would be written into it before that error.
    write(t.path() / "idx.toml", "[data]\ndataset = \"idx\"\ntrain_images = \"none\"\ntrain_labels = \"none\"\n"
                                 "test_images = \"none\"\ntest_labels = \"none\"\n[model]\nhidden = [8]\n");
    Result r = soma("run idx.toml --out /", t.path());
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_TRUE(contains(r.output, "/: soma never writes into the file system root")) << r.output;
}

TEST(Hostile, SomasOwnFoldersAreRerunAndNeverMixed) {
    TempDir t;
    write(t.path() / "tiny.toml", tiny());
    write(t.path() / "s.toml", tiny("sigmoid", "[sweep]\n\"training.seed\" = [1, 2]\n"));
    ASSERT_EQ(soma("run tiny.toml --out run", t.path()).status, 0);
    Result again = soma("run tiny.toml --out run", t.path());
    EXPECT_EQ(again.status, 0) << again.output;
    EXPECT_TRUE(contains(read(t.path() / "run/.soma"), "soma run folder"));

    Result r = soma("run s.toml --out run", t.path());
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_TRUE(contains(r.output, "run is a soma run folder; a sweep cannot write into it")) << r.output;
    ASSERT_EQ(soma("run s.toml --out sweep", t.path()).status, 0);
    r = soma("run tiny.toml --out sweep", t.path());
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_TRUE(contains(r.output, "sweep is a soma sweep folder; a run cannot write into it")) << r.output;
}

// --- bug 2: experiment.name is never a path ----------------------------------

TEST(Hostile, ExperimentNameIsNeverAPath) {
    TempDir t;
    fs::create_directories(t.path() / "work");
    for (const std::string& name : std::vector<std::string>{"../../escaped", t.path().string() + "/victim", "."}) {
        std::string text = tiny();
        text.replace(text.find("\"tiny\""), 6, "\"" + name + "\"");
        write(t.path() / "work/e.toml", text);
        Result r = soma("run e.toml", t.path() / "work");
        EXPECT_EQ(r.status, 1) << name << "\n" << r.output;
        EXPECT_TRUE(contains(r.output, "e.toml:2:8: experiment.name: ")) << r.output;
        EXPECT_TRUE(contains(r.output, "it names the output folder, so it may hold ASCII letters")) << r.output;
    }
    EXPECT_EQ(names_in(t.path()), std::vector<std::string>{"work"});
    EXPECT_EQ(names_in(t.path() / "work"), std::vector<std::string>{"e.toml"});
}

// --- bug 3: two runs into one folder -----------------------------------------

TEST(Hostile, ASecondRunIntoAFolderInUseIsRefused) {
    TempDir t;
    write(t.path() / "hang.toml", with_plugins(kMisbehaving, "misbehave_hang"));
    write(t.path() / "tiny.toml", tiny());
    Background first(t.path(), {"run", "hang.toml", "--out", "out", "--allow-plugins", kMisbehaving},
                     t.path() / "first.log");
    ASSERT_TRUE(eventually([&] {
        return contains(read(t.path() / "out/.lock"), "pid ") &&
               contains(read(t.path() / "out/config.toml"), "misbehave_hang");
    })) << read(t.path() / "first.log");
    Result second = soma("run tiny.toml --out out", t.path());
    EXPECT_EQ(second.status, 1) << second.output;
    EXPECT_TRUE(contains(second.output, "out: another soma process is writing into this folder (pid " +
                                            std::to_string(first.pid()) + " on " + host_name() +
                                            ": soma run hang.toml --out out"))
        << second.output;
    EXPECT_TRUE(contains(read(t.path() / "out/config.toml"), "misbehave_hang"));  // the second wrote nothing

    ::kill(first.pid(), SIGTERM);
    EXPECT_EQ(first.wait(), 130) << read(t.path() / "first.log");
    const std::string summary = read(t.path() / "out/summary.json");
    EXPECT_TRUE(contains(summary, "\"status\": \"failed\"")) << summary;
    EXPECT_TRUE(contains(summary, "interrupted")) << summary;
}

// --- plugins that crash, abort, hang or exit behind soma's back --------------

struct Misbehaviour {
    std::string kind;
    std::string why;  // in the message and summary.json
};

void PrintTo(const Misbehaviour& m, std::ostream* os) { *os << m.kind; }

class CrashingPlugin : public ::testing::TestWithParam<Misbehaviour> {};

TEST_P(CrashingPlugin, LeavesARunFolderSayingFailedAndWhy) {
    TempDir t;
    write(t.path() / "bad.toml", with_plugins(kMisbehaving, "misbehave_" + GetParam().kind));
    Result r = soma("run bad.toml --out out --allow-plugins " + kMisbehaving, t.path());
    EXPECT_EQ(r.status, 1) << r.output;
    const std::string summary = read(t.path() / "out/summary.json");
    EXPECT_TRUE(contains(summary, "\"status\": \"failed\"")) << summary;
    EXPECT_TRUE(contains(read(t.path() / "out/config.toml"), "misbehave_" + GetParam().kind));
#ifndef __SANITIZE_ADDRESS__  // AddressSanitizer turns a segfault into its report and exit status 1
    EXPECT_TRUE(contains(r.output, "soma: the run failed: " + GetParam().why)) << r.output;
    EXPECT_TRUE(contains(summary, GetParam().why)) << summary;
#endif
}

INSTANTIATE_TEST_SUITE_P(
    Hostile, CrashingPlugin,
    ::testing::Values(Misbehaviour{"segv", "killed by signal 11 (Segmentation fault)"},
                      Misbehaviour{"abort", "killed by signal 6 (Aborted)"},
                      Misbehaviour{"exit0", "exit status 0, without writing its results"}),
    [](const auto& info) { return info.param.kind; });

TEST(Hostile, TimeLimitEndsAHangingRun) {
    TempDir t;
    write(t.path() / "hang.toml", with_plugins(kMisbehaving, "misbehave_hang"));
    Result r = soma("run hang.toml --out out --time-limit 1 --allow-plugins " + kMisbehaving, t.path());
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_TRUE(contains(r.output, "soma: the run failed: timed out after 1 s (training.time_limit)")) << r.output;
    const std::string summary = read(t.path() / "out/summary.json");
    EXPECT_TRUE(contains(summary, "\"status\": \"failed\"")) << summary;
    EXPECT_TRUE(contains(summary, "timed out after 1 s")) << summary;
    EXPECT_TRUE(contains(read(t.path() / "out/config.toml"), "time_limit = 1"));
}

TEST(Hostile, TimeLimitInASweepFailsTheRunAndTheSweepGoesOn) {
    TempDir t;
    write(t.path() / "s.toml",
          with_plugins(kMisbehaving, "sigmoid", "time_limit = 1.5\n") +
              "[sweep]\n\"model.activation\" = [\"misbehave_hang\", \"sigmoid\"]\n");
    Result r = soma("run s.toml --out out --allow-plugins " + kMisbehaving, t.path());
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_TRUE(contains(r.output, "activation=misbehave_hang: FAILED (timed out after 1.5 s (training.time_limit)"))
        << r.output;
    EXPECT_TRUE(contains(r.output, "activation=sigmoid: ok")) << r.output;
    EXPECT_TRUE(contains(read(t.path() / "out/runs/activation=misbehave_hang/summary.json"), "timed out"));
}

// --- Ctrl-C while a large sweep is prepared ------------------------------------

TEST(Hostile, CtrlCStopsALargeSweepAtOnce) {
    TempDir t;
    std::string seeds;
    for (int i = 1; i <= 10000; ++i) seeds += (i > 1 ? ", " : "") + std::to_string(i);
    write(t.path() / "big.toml", tiny("sigmoid", "[sweep]\n\"training.seed\" = [" + seeds + "]\n"));
    Background sweep(t.path(), {"run", "big.toml", "--out", "out"}, t.path() / "log.txt");
    ASSERT_TRUE(eventually([&] { return fs::exists(t.path() / "out/sweep.json"); })) << read(t.path() / "log.txt");
    ::kill(sweep.pid(), SIGINT);
    EXPECT_EQ(sweep.wait(), 130) << read(t.path() / "log.txt");
    EXPECT_TRUE(contains(read(t.path() / "log.txt"), "resume with:\n  " + kSoma + " run big.toml --out out"))
        << read(t.path() / "log.txt");
    // Preparing used to make all 10,000 run folders, ignoring Ctrl-C until done.
    const std::size_t made = fs::exists(t.path() / "out/runs") ? names_in(t.path() / "out/runs").size() : 0;
    EXPECT_LT(made, 100u);
}

// --- loading code is the user's decision -------------------------------------

TEST(Hostile, APluginFolderNamedByAFileNeedsTheUsersPermission) {
    TempDir t;
    const fs::path trace = t.path() / "trace.txt";
    const std::string env = "SOMA_FIXTURE_TRACE='" + trace.string() + "'";
    write(t.path() / "exp.toml", with_plugins(kTraced, "traced_identity"));
    Result r = soma("run exp.toml --out out", t.path(), {}, env);
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_TRUE(contains(r.output, "exp.toml:14:10: plugins.paths[0]: plugin folder " + kTraced +
                                       " is named by the config but not allowed")) << r.output;
    EXPECT_TRUE(contains(r.output, "add --allow-plugins " + kTraced)) << r.output;
    EXPECT_FALSE(fs::exists(trace)) << "the library was opened: " << read(trace);
    EXPECT_FALSE(fs::exists(t.path() / "out"));

    r = soma("run exp.toml --out out --allow-plugins " + kTraced, t.path(), {}, env);
    EXPECT_EQ(r.status, 0) << r.output;
    const std::string said = "soma: loading plugins from " + kTraced + ": cli_traced.so\n";
    EXPECT_TRUE(contains(r.output, said)) << r.output;
    EXPECT_EQ(r.output.find(said), r.output.rfind(said)) << "said more than once:\n" << r.output;
    EXPECT_TRUE(contains(read(trace), "cli_traced opened"));

    // SOMA_PLUGIN_PATH is the user's setting too.
    r = soma("run exp.toml --out out", t.path(), {}, env + " SOMA_PLUGIN_PATH='" + kTraced + "'");
    EXPECT_EQ(r.status, 0) << r.output;
    EXPECT_TRUE(contains(r.output, said)) << r.output;
}

TEST(Hostile, SweepRunsInheritThePermission) {
    TempDir t;
    write(t.path() / "s.toml", with_plugins(kTraced, "traced_identity") + "[sweep]\n\"training.seed\" = [1, 2]\n");
    Result r = soma("run s.toml --out out --allow-plugins " + kTraced, t.path());
    EXPECT_EQ(r.status, 0) << r.output;
    for (const char* run : {"seed=1", "seed=2"})
        EXPECT_TRUE(contains(read(t.path() / "out/runs" / run / "summary.json"), "\"status\": \"ok\"")) << run;
}

// --- names never drive the terminal ------------------------------------------

bool has_raw_control(const std::string& text) {
    for (unsigned char c : text)
        if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f) return true;
    return false;
}

TEST(Hostile, TextFromFilesAndFoldersNeverDrivesTheTerminal) {
    TempDir t;
    // An error message quoting a value from the file.
    write(t.path() / "esc.toml", tiny("sig\\u001b]0;owned\\u0007moid"));
    Result r = soma("run esc.toml --out a", t.path());
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_FALSE(has_raw_control(r.output)) << r.output;
    EXPECT_TRUE(contains(r.output, "unknown activation 'sig\\e]0;owned\\x07moid'")) << r.output;

    // An output folder named with escape codes: made as asked, printed escaped.
    write(t.path() / "tiny.toml", tiny());
    r = soma("run tiny.toml --out \"$(printf 'o\\033[2Jut')\"", t.path());
    EXPECT_EQ(r.status, 0) << r.output;
    EXPECT_TRUE(fs::exists(t.path() / "o\033[2Jut/summary.json"));
    EXPECT_FALSE(has_raw_control(r.output)) << r.output;
    EXPECT_TRUE(contains(r.output, "run folder: o\\e[2Jut")) << r.output;

    // Sweep values become run ids made folder names.
    write(t.path() / "s.toml", tiny("sigmoid", "[sweep]\n\"experiment.description\" = [\"a\\u001b[31mb\", \"c\\nd\"]\n"));
    r = soma("run s.toml --out s", t.path());
    EXPECT_EQ(r.status, 0) << r.output;
    EXPECT_FALSE(has_raw_control(r.output)) << r.output;
    EXPECT_EQ(names_in(t.path() / "s/runs"), (std::vector<std::string>{"description=a__31mb", "description=c_d"}));

    // Plugin folders (and whatever plugins call themselves) in `soma plugins`.
    const fs::path odd = t.path() / "p\033[31m\nx";
    fs::create_directories(odd);
    fs::copy_file(kTraced + "/cli_traced.so", odd / "cli_traced.so");
    r = soma("plugins", t.path(), {}, "SOMA_PLUGIN_PATH=\"$(printf '" + t.path().string() + "/p\\033[31m\\nx')\"");
    EXPECT_EQ(r.status, 0) << r.output;
    EXPECT_TRUE(contains(r.output, "traced_identity")) << r.output;
    EXPECT_FALSE(has_raw_control(r.output)) << r.output;
    EXPECT_TRUE(contains(r.output, "/p\\e[31m\\nx")) << r.output;
}

}  // namespace
}  // namespace soma::test
