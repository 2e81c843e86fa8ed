// Sweeps through the executable: every run, --jobs, resume after kill -9,
// diverged and failed runs, the report.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <map>
#include <thread>

#include "cli_util.h"
#include "data/idx.h"
#include "data/synthetic.h"

namespace soma::test {
namespace {

std::vector<fs::path> run_dirs(const fs::path& sweep) {
    std::vector<fs::path> dirs;
    for (auto& e : fs::directory_iterator(sweep / "runs")) dirs.push_back(e.path());
    std::sort(dirs.begin(), dirs.end());
    return dirs;
}

TEST(Sweep, RunsEveryCombinationAndWritesTheReport) {
    TempDir t;
    write(t.path() / "s.toml", sweep_toml(2, 300));
    Result r = soma("run s.toml --out out --jobs 2", t.path());
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("8 runs, 2 at a time"), std::string::npos) << r.output;
    auto dirs = run_dirs(t.path() / "out");
    ASSERT_EQ(dirs.size(), 8u);
    EXPECT_TRUE(fs::exists(t.path() / "out/runs/activation=relu,hidden=16x16,seed=2/summary.json"));
    for (const auto& d : dirs) EXPECT_NE(read(d / "summary.json").find("\"status\": \"ok\""), std::string::npos) << d;
    for (const char* f : {"experiment.toml", "sweep.json", "summary.csv", "summary.json", "report.md", "report.html"})
        EXPECT_TRUE(fs::exists(t.path() / "out" / f)) << f;
    EXPECT_NE(r.output.find("report: "), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("activation=relu,hidden=16x16"), std::string::npos) << r.output;
    EXPECT_EQ(count_files_named(t.path() / "out", ".tmp"), 0u);

    // Running it again repeats nothing.
    Result again = soma("run s.toml --out out --jobs 2", t.path());
    ASSERT_EQ(again.status, 0) << again.output;
    EXPECT_NE(again.output.find("resuming: 8 of 8 runs already finished"), std::string::npos) << again.output;
}

TEST(Sweep, JobsDoNotChangeTheMetrics) {
    TempDir t;
    write(t.path() / "s.toml", sweep_toml(2, 300));
    ASSERT_EQ(soma("run s.toml --out one --jobs 1", t.path()).status, 0);
    ASSERT_EQ(soma("run s.toml --out two --jobs 2", t.path()).status, 0);
    auto accuracy_columns = [](const std::string& csv) {
        std::string out;
        std::istringstream in(csv);
        for (std::string line; std::getline(in, line);) {
            // epoch,train_loss,train_accuracy,test_loss,test_accuracy: everything but the timings
            std::size_t cut = 0;
            for (int i = 0; i < 5; ++i) cut = line.find(',', cut + 1);
            out += line.substr(0, cut) + "\n";
        }
        return out;
    };
    for (const auto& d : run_dirs(t.path() / "one")) {
        const fs::path other = t.path() / "two/runs" / d.filename();
        EXPECT_EQ(accuracy_columns(read(d / "metrics.csv")), accuracy_columns(read(other / "metrics.csv"))) << d;
    }
}

TEST(Sweep, KilledAndRestartedLosesNothingAndRepeatsNothing) {
    TempDir t;
    write(t.path() / "s.toml", sweep_toml(6, 2000));
    const fs::path out = t.path() / "out";
    pid_t pid = ::fork();
    if (pid == 0) {
        ::chdir(t.path().c_str());
        int devnull = ::open("/dev/null", O_WRONLY);
        ::dup2(devnull, 1);
        ::dup2(devnull, 2);
        ::execl(kSoma.c_str(), kSoma.c_str(), "run", "s.toml", "--out", "out", "--jobs", "1", (char*)nullptr);
        ::_exit(127);
    }
    // Wait until two runs have finished, then kill the sweep without warning.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (finished_runs(out).size() < 2 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the child run dies with its parent
    const auto before = finished_runs(out);
    ASSERT_GE(before.size(), 2u);
    ASSERT_LT(before.size(), 8u) << "the sweep finished before it could be killed";

    Result r = soma("run s.toml --out out --jobs 1", t.path());  // the same command again
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("resuming: " + std::to_string(before.size()) + " of 8"), std::string::npos) << r.output;
    EXPECT_EQ(finished_runs(out).size(), 8u);
    EXPECT_EQ(runs_trained_again(before, finished_runs(out), r.output), "");
    EXPECT_EQ(count_files_named(out, ".tmp"), 0u);
}

TEST(Sweep, CtrlCStopsCleanlyAndPrintsTheResumeCommand) {
    TempDir t;
    write(t.path() / "s.toml", sweep_toml(6, 2000));
    const fs::path out = t.path() / "out";
    const fs::path log = t.path() / "log.txt";
    // Started as a user in t would type it: the resume command must name the same executable.
    const std::string typed = fs::relative(kSoma, t.path()).string();
    pid_t pid = ::fork();
    if (pid == 0) {
        ::chdir(t.path().c_str());
        int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        ::dup2(fd, 1);
        ::dup2(fd, 2);
        ::execl(kSoma.c_str(), typed.c_str(), "run", "s.toml", "--out", "out", (char*)nullptr);
        ::_exit(127);
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    auto summaries = [&] {
        int n = 0;
        if (fs::exists(out / "runs"))
            for (auto& e : fs::directory_iterator(out / "runs")) n += fs::exists(e.path() / "summary.json");
        return n;
    };
    while (summaries() < 1 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    ::kill(pid, SIGINT);
    int status = 0;
    ::waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 130);
    const std::string text = read(log);
    EXPECT_NE(text.find("interrupted: finished runs are kept; resume with:"), std::string::npos) << text;
    EXPECT_NE(text.find("resume with:\n  " + typed + " run s.toml --out out\n"), std::string::npos) << text;
    EXPECT_EQ(typed.rfind("../", 0), 0u) << typed;
    EXPECT_EQ(count_files_named(out, ".tmp"), 0u);
    Result r = soma("run s.toml --out out", t.path());
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("resuming: "), std::string::npos) << r.output;
    EXPECT_EQ(summaries(), 8);
}

TEST(Sweep, DivergedAndFailedRunsAreMarkedAndTheSweepGoesOn) {
    TempDir t;
    // A test file cut short makes one run fail when it loads its data.
    Dataset d = make_synthetic(200, 50, 1);
    const fs::path data = t.path() / "data";
    fs::create_directories(data);
    write_idx(data / "train-images", {200, 28, 28}, d.train.images);
    write_idx(data / "train-labels", {200}, d.train.labels);
    write_idx(data / "test-images", {50, 28, 28}, d.test.images);
    write_idx(data / "test-labels", {50}, d.test.labels);
    std::string bytes = read(data / "test-images");
    write(data / "cut-images", bytes.substr(0, bytes.size() - 100));
    write(t.path() / "s.toml", R"(
[data]
dataset = "idx"
train_images = "data/train-images"
train_labels = "data/train-labels"
test_images = "data/test-images"
test_labels = "data/test-labels"
[model]
hidden = [32]
activation = "relu"
[training]
epochs = 3
loss = "mse"
[sweep]
mode = "zip"
"training.optimizer.learning_rate" = [0.1, 1000000.0, 0.1]
"data.test_images" = ["data/test-images", "data/test-images", "data/cut-images"]
)");
    Result r = soma("run s.toml --out out", t.path());
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_NE(r.output.find("1 of 3 runs failed"), std::string::npos) << r.output;
    int ok = 0, diverged = 0, failed = 0;
    for (const auto& dir : run_dirs(t.path() / "out")) {
        const std::string s = read(dir / "summary.json");
        ok += s.find("\"status\": \"ok\"") != std::string::npos;
        diverged += s.find("\"status\": \"diverged\"") != std::string::npos;
        if (s.find("\"status\": \"failed\"") != std::string::npos) {
            ++failed;
            EXPECT_NE(s.find("truncated"), std::string::npos) << s;
        }
    }
    EXPECT_EQ(ok, 1);
    EXPECT_EQ(diverged, 1);
    EXPECT_EQ(failed, 1);
    const std::string html = read(t.path() / "out/report.html");
    EXPECT_NE(html.find("diverged"), std::string::npos);
    EXPECT_NE(html.find("failed"), std::string::npos);
}

}  // namespace
}  // namespace soma::test
