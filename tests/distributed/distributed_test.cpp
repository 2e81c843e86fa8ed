// Beyond one machine, through the executable: a sweep over MPI ranks (mpirun
// -np 2 and 3) against the same sweep run locally, resumed after a rank is
// killed; Slurm-style shards as separate processes and the report merging
// them; the sbatch script's task command; data-parallel training against
// single-process training with 1, 2 and 3 ranks.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <cmath>
#include <map>
#include <thread>

#include "cli/cli_util.h"

namespace soma::test {
namespace {

const std::string kMpirun = SOMA_MPIEXEC;

// Open MPI refuses root without these; CI runs as root. --oversubscribe: 3
// ranks on a 2-core machine. Under the sanitizers, Open MPI's own
// allocations kept until exit are not reported as soma's leaks.
// Under the sanitizers, leak checks are off in MPI ranks: Open MPI's components
// are dlclose()d before exit, so what they keep shows as "<unknown module>"
// frames no suppression can name. ASan's memory checks stay on.
const std::string kMpiEnv = "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 LSAN_OPTIONS=detect_leaks=0 ";

bool have_mpirun() { return !kMpirun.empty() && ::access(kMpirun.c_str(), X_OK) == 0; }

#define SKIP_WITHOUT_MPIRUN()                                                                            \
    if (!have_mpirun())                                                                                  \
    GTEST_SKIP() << "mpirun not found (CMake's MPIEXEC_EXECUTABLE is '" << kMpirun                       \
                 << "'): install openmpi-bin and reconfigure to run the MPI tests"

// A shell command line in dir: its exit status and output.
Result shell(const std::string& command, const fs::path& dir) {
    Result r;
    FILE* p = ::popen(("cd '" + dir.string() + "' && { " + command + "; } 2>&1").c_str(), "r");
    std::array<char, 4096> buf;
    while (std::size_t n = std::fread(buf.data(), 1, buf.size(), p)) r.output.append(buf.data(), n);
    const int status = ::pclose(p);
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

// `mpirun -np N soma ARGS` in dir.
Result mpi_soma(int ranks, const std::string& args, const fs::path& dir) {
    return soma(args, dir, {}, kMpiEnv + "'" + kMpirun + "' --oversubscribe -np " + std::to_string(ranks));
}

// summary.csv without the columns that time the runs: what must not depend
// on how the sweep was spread.
std::string untimed_summary(const fs::path& sweep) {
    std::istringstream in(read(sweep / "summary.csv"));
    std::vector<std::vector<std::string>> rows;
    for (std::string line; std::getline(in, line);) {
        std::vector<std::string> cells;
        std::string cell;
        bool quoted = false;
        for (char c : line) {
            if (c == '"') quoted = !quoted;
            if (c == ',' && !quoted) {
                cells.push_back(cell);
                cell.clear();
            } else {
                cell += c;
            }
        }
        cells.push_back(cell);
        rows.push_back(cells);
    }
    if (rows.empty()) return "";
    std::string out;
    for (const auto& row : rows) {
        for (std::size_t i = 0; i < row.size() && i < rows[0].size(); ++i) {
            const std::string& name = rows[0][i];
            if (name.rfind("train_seconds", 0) == 0 || name.rfind("samples_per_second", 0) == 0) continue;
            out += row[i] + ",";
        }
        out += "\n";
    }
    return out;
}

// One local sweep, the reference every spread-out one is compared with.
class Spread : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        reference_ = new TempDir;
        write(reference_->path() / "s.toml", sweep_toml(2, 300));
        const Result r = soma("run s.toml --out local --jobs 2", reference_->path());
        ASSERT_EQ(r.status, 0) << r.output;
    }
    static void TearDownTestSuite() {
        delete reference_;
        reference_ = nullptr;
    }
    static std::string local_summary() { return untimed_summary(reference_->path() / "local"); }

    TempDir t;
    void SetUp() override { write(t.path() / "s.toml", sweep_toml(2, 300)); }

private:
    static TempDir* reference_;
};
TempDir* Spread::reference_ = nullptr;

TEST_F(Spread, AnMpiSweepOverTwoOrThreeRanksWritesTheLocalSummary) {
    SKIP_WITHOUT_MPIRUN();
    for (int ranks : {2, 3}) {
        const std::string out = "mpi" + std::to_string(ranks);
        const Result r = mpi_soma(ranks, "run s.toml --out " + out, t.path());
        ASSERT_EQ(r.status, 0) << r.output;
        EXPECT_NE(r.output.find("8 runs over " + std::to_string(ranks) + " ranks"), std::string::npos) << r.output;
        EXPECT_NE(r.output.find("[8/8]"), std::string::npos) << r.output;
        for (const char* f : {"experiment.toml", "sweep.json", "summary.csv", "summary.json", "report.md", "report.html"})
            EXPECT_TRUE(fs::exists(t.path() / out / f)) << out << "/" << f;
        EXPECT_EQ(untimed_summary(t.path() / out), local_summary()) << ranks << " ranks";
        EXPECT_EQ(count_files_named(t.path() / out, ".tmp"), 0u);
    }
    // Run again: every run is finished, none repeated.
    const Result again = mpi_soma(2, "run s.toml --out mpi2", t.path());
    ASSERT_EQ(again.status, 0) << again.output;
    EXPECT_NE(again.output.find("resuming: 8 of 8 runs already finished"), std::string::npos) << again.output;
}

TEST_F(Spread, AnMpiSweepResumesAfterARankIsKilledWithoutRepeatingARun) {
    SKIP_WITHOUT_MPIRUN();
    // Runs long enough (about a second each) that the sweep cannot end between
    // the second finished run and the kill, even on a loaded machine.
    write(t.path() / "long.toml", sweep_toml(12, 4000));
    const fs::path out = t.path() / "out";
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::chdir(t.path().c_str());
        ::setenv("OMPI_ALLOW_RUN_AS_ROOT", "1", 1);
        ::setenv("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1", 1);
        ::setenv("LSAN_OPTIONS", "detect_leaks=0", 1);  // as kMpiEnv says
        const int devnull = ::open("/dev/null", O_WRONLY);
        ::dup2(devnull, 1);
        ::dup2(devnull, 2);
        ::execl(kMpirun.c_str(), kMpirun.c_str(), "--oversubscribe", "-np", "3", kSoma.c_str(), "run", "long.toml",
                "--out", "out", (char*)nullptr);
        ::_exit(127);
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (finished_runs(out).size() < 2 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    // Kill rank 2 without warning: a rank is a soma process whose parent is mpirun.
    pid_t rank = -1;
    for (auto& e : fs::directory_iterator("/proc")) {
        const std::string stat = read(e.path() / "stat");
        const std::size_t close = stat.rfind(')');
        if (close == std::string::npos || stat.find("(soma)") == std::string::npos) continue;
        std::istringstream rest(stat.substr(close + 2));
        char state;
        pid_t parent = 0;
        rest >> state >> parent;
        if (parent != pid) continue;
        const std::string environ = read(e.path() / "environ");
        if (environ.find(std::string("OMPI_COMM_WORLD_RANK=2") + '\0') != std::string::npos)
            rank = static_cast<pid_t>(std::stol(e.path().filename().string()));
    }
    ASSERT_GT(rank, 0) << "rank 2 not found among mpirun's children";
    ::kill(rank, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);  // mpirun ends the job when a rank dies
    // The other ranks and the runs' children end with it (a run's child dies
    // with its rank): wait until no process of the job is left (they all work
    // in the test's folder), so that no run finishes after this count.
    auto working_here = [&] {
        int n = 0;
        std::error_code ec;
        for (auto& e : fs::directory_iterator("/proc")) {
            const fs::path cwd = fs::read_symlink(e.path() / "cwd", ec);
            n += !ec && cwd == t.path() && e.path().filename() != std::to_string(::getpid());
        }
        return n;
    };
    for (int i = 0; i < 600 && working_here() > 0; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ASSERT_EQ(working_here(), 0) << "processes of the killed job still run after 30 s";
    const auto before = finished_runs(out);
    ASSERT_GE(before.size(), 2u);
    ASSERT_LT(before.size(), 8u) << "the sweep finished before a rank could be killed";

    const Result r = mpi_soma(3, "run long.toml --out out", t.path());  // the same command again
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("resuming: " + std::to_string(before.size()) + " of 8"), std::string::npos) << r.output;
    EXPECT_EQ(finished_runs(out).size(), 8u);
    EXPECT_EQ(runs_trained_again(before, finished_runs(out), r.output), "");
    const Result local = soma("run long.toml --out local --jobs 2", t.path());
    ASSERT_EQ(local.status, 0) << local.output;
    EXPECT_EQ(untimed_summary(out), untimed_summary(t.path() / "local"));
}

TEST_F(Spread, ShardsRunTogetherIntoOneFolderAndTheReportMergesThem) {
    // One shard alone: its runs, then the report names the others as missing.
    Result first = soma("run s.toml --out sharded --shard 1/3", t.path());
    ASSERT_EQ(first.status, 0) << first.output;
    EXPECT_NE(first.output.find("8 runs; shard 1/3: 3 of them"), std::string::npos) << first.output;
    EXPECT_EQ(finished_runs(t.path() / "sharded").size(), 3u);
    EXPECT_NE(first.output.find("5 of 8 runs have no results yet: activation=sigmoid,hidden=8,seed=1,"),
              std::string::npos)
        << first.output;
    Result partial = soma("report sharded", t.path());
    EXPECT_EQ(partial.status, 4) << partial.output;
    EXPECT_NE(partial.output.find("incomplete: 5 of 8 runs have no results yet"), std::string::npos) << partial.output;

    // The three shards at once, as a job array runs them: shard 1 finds its runs done.
    std::string together;
    for (int k = 0; k < 3; ++k)
        together += "'" + kSoma + "' run s.toml --out sharded --shard " + std::to_string(k) + "/3 > " +
                    std::to_string(k) + ".log 2>&1 & ";
    const Result all = shell(together + "wait", t.path());
    ASSERT_EQ(all.status, 0) << all.output;
    EXPECT_NE(read(t.path() / "1.log").find("resuming: 3 of 3 runs already finished"), std::string::npos)
        << read(t.path() / "1.log");
    EXPECT_EQ(finished_runs(t.path() / "sharded").size(), 8u);
    const Result merged = soma("report sharded", t.path());
    EXPECT_EQ(merged.status, 0) << merged.output;
    EXPECT_EQ(merged.output.find("incomplete"), std::string::npos) << merged.output;
    EXPECT_EQ(untimed_summary(t.path() / "sharded"), local_summary());
    EXPECT_EQ(count_files_named(t.path() / "sharded", ".tmp"), 0u);
}

TEST_F(Spread, AShardOfAnotherSweepOrABadShardIsRefused) {
    ASSERT_EQ(soma("run s.toml --out sharded --shard 0/2", t.path()).status, 0);
    write(t.path() / "other.toml", sweep_toml(3, 300));
    const Result other = soma("run other.toml --out sharded --shard 1/2", t.path());
    EXPECT_EQ(other.status, 1) << other.output;
    EXPECT_NE(other.output.find("holds a different sweep"), std::string::npos) << other.output;
    for (const char* bad : {"3/3", "1/0", "x/2", "1", "-1/2"}) {
        const Result r = soma(std::string("run s.toml --shard ") + bad, t.path());
        EXPECT_EQ(r.status, 2) << bad << "\n" << r.output;
        EXPECT_NE(r.output.find("expected K/N with 0 <= K < N"), std::string::npos) << r.output;
    }
}

TEST_F(Spread, TheSbatchScriptsTasksTogetherRunTheSweep) {
    const Result script = soma("sweep sbatch s.toml --shards 3 --jobs 2 --time 0:10:00 --out arr", t.path());
    ASSERT_EQ(script.status, 0) << script.output;
    const std::string& s = script.output;
    EXPECT_EQ(s.rfind("#!/bin/bash\n", 0), 0u) << s;
    EXPECT_NE(s.find("#SBATCH --array=0-2\n"), std::string::npos) << s;
    EXPECT_NE(s.find("#SBATCH --cpus-per-task=2\n"), std::string::npos) << s;
    EXPECT_NE(s.find("#SBATCH --time=0:10:00\n"), std::string::npos) << s;
    EXPECT_NE(s.find("--shard \"$SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT\" --jobs 2"), std::string::npos) << s;
    write(t.path() / "job.sh", s);
    // What Slurm does with it, one task after another: the same environment, the same script.
    for (int task = 0; task < 3; ++task) {
        const Result r =
            shell("SLURM_ARRAY_TASK_ID=" + std::to_string(task) + " SLURM_ARRAY_TASK_COUNT=3 bash job.sh", t.path());
        EXPECT_EQ(r.status, 0) << r.output;
        EXPECT_NE(r.output.find("shard " + std::to_string(task) + "/3"), std::string::npos) << r.output;
    }
    EXPECT_EQ(untimed_summary(t.path() / "arr"), local_summary());

    write(t.path() / "one.toml", "[data]\ndataset = \"synthetic\"\n");
    const Result one = soma("sweep sbatch one.toml", t.path());
    EXPECT_EQ(one.status, 2) << one.output;
    EXPECT_NE(one.output.find("has no [sweep]"), std::string::npos) << one.output;
}

// A one-node Slurm (one_node_slurm.sh) for as long as the object lives.
class OneNodeSlurm {
public:
    explicit OneNodeSlurm(const fs::path& dir) : dir_(dir) {
        const Result r = shell("'" + script() + "' start '" + dir.string() + "'", "/");
        status_ = r.status;
        output_ = r.output;
    }
    ~OneNodeSlurm() { shell("'" + script() + "' stop '" + dir_.string() + "'", "/"); }
    bool cannot_run_here() const { return status_ == 77; }
    bool up() const { return status_ == 0; }
    const std::string& output() const { return output_; }
    std::string env() const { return "SLURM_CONF='" + (dir_ / "slurm.conf").string() + "' "; }

private:
    static std::string script() { return SOMA_SOURCE_DIR "/tests/distributed/one_node_slurm.sh"; }
    fs::path dir_;
    int status_ = -1;
    std::string output_;
};

TEST_F(Spread, ASlurmJobArrayOfTheSbatchScriptRunsTheSweepIntoOneFolder) {
    TempDir slurm_dir;
    const OneNodeSlurm slurm(slurm_dir.path() / "slurm");
    if (slurm.cannot_run_here()) GTEST_SKIP() << slurm.output();
    ASSERT_TRUE(slurm.up()) << slurm.output();
    const Result script = soma("sweep sbatch s.toml --shards 3 --out arr > job.sh", t.path());
    ASSERT_EQ(script.status, 0) << script.output;
    // --wait: sbatch returns when every task has ended, with the array's worst exit status.
    const Result job = shell(slurm.env() + "sbatch --wait job.sh", t.path());
    ASSERT_EQ(job.status, 0) << job.output << read(t.path() / "job.sh");
    std::string tasks;
    for (auto& e : fs::directory_iterator(t.path()))
        if (e.path().filename().string().rfind("slurm-sweep-", 0) == 0) tasks += read(e.path());
    for (int k = 0; k < 3; ++k)
        EXPECT_NE(tasks.find("8 runs; shard " + std::to_string(k) + "/3"), std::string::npos) << tasks;
    EXPECT_EQ(finished_runs(t.path() / "arr").size(), 8u) << tasks;
    const Result report = soma("report arr", t.path());
    EXPECT_EQ(report.status, 0) << report.output;
    EXPECT_EQ(untimed_summary(t.path() / "arr"), local_summary()) << tasks;
}

std::string data_parallel_toml(const std::string& extra) {
    return R"(
[experiment]
name = "dp"
[data]
dataset = "synthetic"
synthetic_train = 500
synthetic_test = 200
validation = 0.1
[model]
hidden = [32, 16]
activation = "relu"
[training]
epochs = 4
batch_size = 50
seed = 7
[training.optimizer]
name = "sgd"
learning_rate = 0.2
)" + extra;
}

// metrics.csv's values by column name, the timings left out.
std::vector<std::map<std::string, double>> metrics(const fs::path& run) {
    std::istringstream in(read(run / "metrics.csv"));
    std::string header;
    std::getline(in, header);
    std::vector<std::string> names;
    std::istringstream h(header);
    for (std::string n; std::getline(h, n, ',');) names.push_back(n);
    std::vector<std::map<std::string, double>> rows;
    for (std::string line; std::getline(in, line);) {
        std::istringstream l(line);
        std::map<std::string, double> row;
        std::size_t i = 0;
        for (std::string v; std::getline(l, v, ',') && i < names.size(); ++i)
            if (names[i] != "seconds" && names[i] != "samples_per_second") row[names[i]] = std::stod(v);
        rows.push_back(row);
    }
    return rows;
}

// Sums of gradients over ranks run in another order than one process's: the
// metrics agree within this (losses relative, accuracies one sample in 200).
constexpr double kTolerance = 1e-4;

TEST(DataParallel, MatchesSingleProcessTrainingWithOneTwoAndThreeRanks) {
    SKIP_WITHOUT_MPIRUN();
    TempDir t;
    write(t.path() / "one.toml", data_parallel_toml(""));
    write(t.path() / "dp.toml", data_parallel_toml("[distributed]\nmode = \"data\"\n"));
    const Result single = soma("run one.toml --out single", t.path());
    ASSERT_EQ(single.status, 0) << single.output;
    const auto expected = metrics(t.path() / "single");
    ASSERT_EQ(expected.size(), 4u);
    for (int ranks : {1, 2, 3}) {
        const std::string out = "dp" + std::to_string(ranks);
        const Result r = mpi_soma(ranks, "run dp.toml --out " + out, t.path());
        ASSERT_EQ(r.status, 0) << r.output;
        EXPECT_NE(r.output.find("data-parallel over " + std::to_string(ranks) + " ranks"), std::string::npos)
            << r.output;
        const auto got = metrics(t.path() / out);
        ASSERT_EQ(got.size(), expected.size()) << out;
        for (std::size_t e = 0; e < got.size(); ++e)
            for (const auto& [name, value] : expected[e]) {
                ASSERT_TRUE(got[e].count(name)) << name;
                const double scale = name.find("accuracy") != std::string::npos ? 1.0 : std::max(1.0, std::fabs(value));
                EXPECT_NEAR(got[e].at(name), value, kTolerance * scale)
                    << out << " epoch " << e + 1 << " " << name;
            }
        EXPECT_NE(read(t.path() / out / "summary.json").find("\"ranks\": " + std::to_string(ranks)), std::string::npos);
        EXPECT_TRUE(fs::exists(t.path() / out / "model-last.soma")) << out;
        EXPECT_NE(r.output.find("training in the gradient allreduce ("), std::string::npos) << r.output;
    }
    // The same seed and ranks again: the same metrics, to the last digit.
    const Result again = mpi_soma(2, "run dp.toml --out dp2again", t.path());
    ASSERT_EQ(again.status, 0) << again.output;
    EXPECT_EQ(metrics(t.path() / "dp2again"), metrics(t.path() / "dp2"));
}

TEST(DataParallel, WhatCannotBeSplitIsRefusedWithWhy) {
    TempDir t;
    write(t.path() / "sweep.toml",
          data_parallel_toml("[distributed]\nmode = \"data\"\n[sweep]\n\"training.seed\" = [1, 2]\n"));
    const Result sweep = soma("run sweep.toml", t.path());
    EXPECT_EQ(sweep.status, 1) << sweep.output;
    EXPECT_NE(sweep.output.find("sweep.toml:"), std::string::npos) << sweep.output;
    EXPECT_NE(sweep.output.find("spreads its runs over the ranks instead"), std::string::npos) << sweep.output;

    write(t.path() / "one.toml", data_parallel_toml(""));
    if (!have_mpirun()) return;
    const Result one = mpi_soma(2, "run one.toml", t.path());
    EXPECT_NE(one.status, 0) << one.output;
    EXPECT_NE(one.output.find("add [distributed] mode = \"data\""), std::string::npos) << one.output;
}

}  // namespace
}  // namespace soma::test
