// A run killed at any moment and run again with the same command continues
// after its last complete epoch and ends exactly as the unbroken run
// (train/checkpoint.h): killed from outside mid-epoch, and, through the
// fault points of util/fault.h, in the middle of writing each of its files,
// the checkpoint included.
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <sstream>
#include <thread>

#include "cli_util.h"
#include "model/model_file.h"
#include "train/checkpoint.h"

namespace soma::test {
namespace {

// Adam, dropout, a cosine schedule and a validation split: every kind of
// state a resume must carry. Epochs long enough to be killed in.
std::string stateful_toml(int epochs) {
    return R"(
[experiment]
name = "resume"
[data]
dataset = "synthetic"
synthetic_train = 3000
synthetic_test = 300
validation = 0.2
[[model.layers]]
units = 32
activation = "relu"
[[model.layers]]
type = "dropout"
params = { rate = 0.2 }
[[model.layers]]
units = 16
activation = "relu"
[training]
epochs = )" + std::to_string(epochs) + R"(
batch_size = 16
seed = 7
threads = 1
[training.optimizer]
name = "adam"
learning_rate = 0.003
[training.schedule]
name = "cosine"
)";
}

// metrics.csv without the timing columns (seconds, samples_per_second).
std::string metrics_without_times(const fs::path& run) {
    std::istringstream in(read(run / "metrics.csv"));
    std::string line, out;
    while (std::getline(in, line)) {
        std::vector<std::string> cells;
        std::stringstream cs(line);
        for (std::string c; std::getline(cs, c, ',');) cells.push_back(c);
        for (std::size_t i = 0; i < cells.size(); ++i)
            if (i != 5 && i != 6) out += cells[i] + ",";
        out += "\n";
    }
    return out;
}

void expect_same_model(const fs::path& a, const fs::path& b) {
    const ModelFile x = read_model_file(a), y = read_model_file(b);
    EXPECT_EQ(x.description.epoch, y.description.epoch) << b;
    ASSERT_EQ(x.tensors.size(), y.tensors.size()) << b;
    for (std::size_t i = 0; i < x.tensors.size(); ++i) {
        ASSERT_EQ(x.tensors[i].values.size(), y.tensors[i].values.size());
        EXPECT_EQ(std::memcmp(x.tensors[i].values.data(), y.tensors[i].values.data(),
                              x.tensors[i].values.size() * sizeof(float)),
                  0)
            << b << ": " << x.tensors[i].name << " differs from the unbroken run's";
    }
}

class Resume : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir_ = new TempDir;
        write(dir_->path() / "e.toml", stateful_toml(kEpochs));
        const Result r = soma("run e.toml --out unbroken", dir_->path());
        ASSERT_EQ(r.status, 0) << r.output;
    }
    static void TearDownTestSuite() { delete dir_; }

    // After the killed run: the same command again continues it, and the run
    // folder ends as the unbroken run's.
    void expect_resumes_exactly(const std::string& out, int after_epoch) {
        const fs::path run = dir_->path() / out;
        ASSERT_FALSE(fs::exists(run / "summary.json") && read(run / "summary.json").find("\"ok\"") != std::string::npos)
            << "the run was not killed";
        ASSERT_TRUE(fs::exists(run / checkpoint_file));
        const Result r = soma("run e.toml --out " + out, dir_->path());
        ASSERT_EQ(r.status, 0) << r.output;
        EXPECT_NE(r.output.find("resuming after epoch " + std::to_string(after_epoch) + " of " +
                                std::to_string(kEpochs)),
                  std::string::npos)
            << r.output;
        const fs::path unbroken = dir_->path() / "unbroken";
        EXPECT_EQ(metrics_without_times(run), metrics_without_times(unbroken));
        expect_same_model(unbroken / "model-last.soma", run / "model-last.soma");
        expect_same_model(unbroken / "model-best.soma", run / "model-best.soma");
        EXPECT_FALSE(fs::exists(run / checkpoint_file)) << "a finished run keeps no checkpoint";
        EXPECT_EQ(count_files_named(run, ".tmp"), 0u) << "a half-written temporary file was left";
        const std::string summary = read(run / "summary.json");
        EXPECT_NE(summary.find("\"after_epoch\": " + std::to_string(after_epoch)), std::string::npos) << summary;
    }

    // The run, killed by the armed fault: it fails, saying it was killed.
    void run_until_fault(const std::string& out, const std::string& fault) {
        const Result r = soma("run e.toml --out " + out, dir_->path(), {}, "SOMA_FAULT=" + fault);
        ASSERT_NE(r.status, 0) << r.output;
        EXPECT_NE(r.output.find("killed by signal 9"), std::string::npos) << r.output;
        EXPECT_NE(r.output.find("the epochs done are kept: resume with:\n  " + kSoma + " run e.toml --out " + out + "\n"),
                  std::string::npos)
            << r.output;
    }

    static constexpr int kEpochs = 5;
    static TempDir* dir_;
};
TempDir* Resume::dir_ = nullptr;

TEST_F(Resume, KilledWhileWritingTheCheckpoint) {
    run_until_fault("mid_checkpoint", "kill-mid-write:checkpoint.soma:3");  // epoch 3's: epoch 2's stays whole
    expect_resumes_exactly("mid_checkpoint", 2);
}

TEST_F(Resume, KilledWhileWritingTheLastEpochsCheckpoint) {
    run_until_fault("mid_last_checkpoint", "kill-mid-write:checkpoint.soma:5");
    expect_resumes_exactly("mid_last_checkpoint", 4);
}

TEST_F(Resume, KilledWhileWritingTheMetrics) {
    run_until_fault("mid_metrics", "kill-mid-write:metrics.csv:2");  // epoch 2 trained, nothing of it saved
    expect_resumes_exactly("mid_metrics", 1);
}

TEST_F(Resume, KilledWhileWritingTheModel) {
    run_until_fault("mid_model", "kill-mid-write:model-last.soma:4");  // metrics of epoch 4 written, not its checkpoint
    expect_resumes_exactly("mid_model", 3);
}

TEST_F(Resume, KilledFromOutsideInTheMiddleOfAnEpoch) {
    const fs::path run = dir_->path() / "outside";
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::setpgid(0, 0);  // soma and its training child: one group to kill
        ::chdir(dir_->path().c_str());
        ::freopen("/dev/null", "w", stdout);
        ::freopen("/dev/null", "w", stderr);
        ::execl(kSoma.c_str(), kSoma.c_str(), "run", "e.toml", "--out", "outside", (char*)nullptr);
        ::_exit(127);
    }
    ::setpgid(pid, pid);
    // Once the checkpoint of epoch 2 exists, wait a moment into epoch 3 and kill everything.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (std::chrono::steady_clock::now() < deadline) {
        if (fs::exists(run / checkpoint_file)) {
            try {
                if (read_checkpoint(run / checkpoint_file).result.epochs.size() >= 2) break;
            } catch (const std::exception&) {  // being replaced: look again
            }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    ::kill(-pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status)) << "the run ended before it was killed; make its epochs longer";
    const int after = static_cast<int>(read_checkpoint(run / checkpoint_file).result.epochs.size());
    ASSERT_GE(after, 2);
    ASSERT_LT(after, kEpochs);
    expect_resumes_exactly("outside", after);
}

TEST_F(Resume, AnotherConfigInTheSameFolderStartsAfresh) {
    run_until_fault("changed", "kill-mid-write:checkpoint.soma:2");
    const Result r = soma("run e.toml --out changed --set training.seed=8", dir_->path());
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("checkpoint.soma is of another experiment (its config differs: [training] 'seed = 7', now "
                            "'seed = 8'): training from the start"),
              std::string::npos)
        << r.output;
    EXPECT_EQ(r.output.find("resuming"), std::string::npos) << r.output;
    EXPECT_EQ(read(dir_->path() / "changed" / "summary.json").find("after_epoch"), std::string::npos);
}

}  // namespace
}  // namespace soma::test

namespace soma::test {
namespace {

TEST(ResumeSweep, EveryUnfinishedRunContinuesFromItsCheckpoint) {
    TempDir t;
    write(t.path() / "s.toml", stateful_toml(4) + "[sweep]\n\"training.seed\" = [1, 2]\n\"training.optimizer.learning_rate\" = [0.003, 0.01]\n");
    const Result unbroken = soma("run s.toml --out unbroken --jobs 2", t.path());
    ASSERT_EQ(unbroken.status, 0) << unbroken.output;
    // Every run's child killed while writing its third checkpoint: all four fail, each with two epochs kept.
    const Result killed = soma("run s.toml --out out --jobs 2", t.path(), {}, "SOMA_FAULT=kill-mid-write:checkpoint.soma:3");
    ASSERT_NE(killed.status, 0) << killed.output;
    EXPECT_NE(killed.output.find("4 of 4 runs failed"), std::string::npos) << killed.output;
    const Result again = soma("run s.toml --out out --jobs 2", t.path());
    ASSERT_EQ(again.status, 0) << again.output;
    int runs = 0;
    for (const auto& e : fs::directory_iterator(t.path() / "out" / "runs")) {
        ++runs;
        const fs::path unbroken_run = t.path() / "unbroken" / "runs" / e.path().filename();
        EXPECT_NE(read(e.path() / "log.txt").find("resuming after epoch 2 of 4"), std::string::npos) << e.path();
        EXPECT_EQ(metrics_without_times(e.path()), metrics_without_times(unbroken_run)) << e.path();
        expect_same_model(unbroken_run / "model-last.soma", e.path() / "model-last.soma");
        EXPECT_FALSE(fs::exists(e.path() / checkpoint_file)) << e.path();
    }
    EXPECT_EQ(runs, 4);
}

}  // namespace
}  // namespace soma::test
