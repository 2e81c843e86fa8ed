// Resource requests with no bound: the memory estimate refuses what exceeds
// the machine, naming the setting; threads beyond the cores are clamped.
#include <gtest/gtest.h>

#include <omp.h>

#include <filesystem>
#include <fstream>

#include <unistd.h>

#include "train/resources.h"
#include "train/threads.h"
#include "train/trainer.h"
#include "train_fixture.h"

namespace soma {
namespace {

std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return "no error";
}

TEST(Resources, TheEstimateAddsUpTheNetworkAndTheData) {
    Experiment e = test::synthetic_experiment("relu", {16, 16}, 1);
    e.training.batch_size = 32;
    const MemoryEstimate m = estimate_memory(e, 784, 10, 1000);
    const double params = 784 * 16 + 16 + 16 * 16 + 16 + 16 * 10 + 10;  // 13,002: the video's network
    EXPECT_DOUBLE_EQ(m.parameters, 2 * params * 4);
    EXPECT_DOUBLE_EQ(m.optimizer, 2 * params * 4);
    EXPECT_DOUBLE_EQ(m.activations, 256.0 * (5 * (16 + 16 + 10) + 2 * 784) * 4);  // the evaluation batch
    EXPECT_DOUBLE_EQ(m.dataset, 1000);
    e.training.batch_size = 1000;
    EXPECT_DOUBLE_EQ(estimate_memory(e, 784, 10, 0).activations, 1000.0 * (5 * 42 + 2 * 784) * 4);
}

// hidden = [100000, 100000] ended in std::bad_alloc, with no file and no key.
TEST(Resources, ARefusalNamesTheSettingAndEveryPart) {
    Experiment e = test::synthetic_experiment("relu", {100000, 100000}, 1);
    e.model.layers[1].pos = {"exp.toml", 3, 19};
    e.positions["model.hidden"] = {"exp.toml", 3, 10};
    EXPECT_EQ(error_of([&] { check_memory(e, 784, 10, 8e6, 1e9); }),
              "exp.toml:3:19: model.hidden[1] = 100000: this run would need about 162 GB of memory (parameters "
              "and gradients 80.6 GB, optimizer state 80.6 GB, activations 1.03 GB for batches of 256, dataset "
              "8.00 MB); soma uses at most 1.00 GB");

    e = test::synthetic_experiment("relu", {16}, 1);
    e.training.batch_size = 1000000000;
    e.positions["training.batch_size"] = {"exp.toml", 9, 14};
    EXPECT_EQ(error_of([&] { check_memory(e, 784, 10, 8e6, 1e9); }),
              "exp.toml:9:14: training.batch_size = 1000000000: this run would need about 6.79 TB of memory "
              "(parameters and gradients 102 KB, optimizer state 102 KB, activations 6.79 TB for batches of "
              "1000000000, dataset 8.00 MB); soma uses at most 1.00 GB");
    // Without a position (an experiment built in code) it is still named.
    e.positions.clear();
    EXPECT_EQ(error_of([&] { check_memory(e, 784, 10, 8e6, 1e9); }).rfind("training.batch_size = 1000000000: ", 0),
              0u);
    e.training.batch_size = 32;
    EXPECT_EQ(error_of([&] { check_memory(e, 784, 10, 8e6, 1e9); }), "no error");
}

// The loaded config's positions reach the refusal, from train() itself.
TEST(Resources, TrainRefusesBeforeAllocatingWithTheFilePosition) {
    const auto dir = std::filesystem::temp_directory_path() / ("soma_resources_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "exp.toml") << "[data]\ndataset = \"synthetic\"\n[model]\nhidden = [16]\n"
                                       "[training]\nbatch_size = 1000000000\nthreads = 1\n";
    const Experiment e = load_experiment(dir / "exp.toml", test::registry());
    const Dataset data = make_synthetic(50, 10, 1);
    const std::string msg = error_of([&] { train(e, data, test::registry()); });
    EXPECT_EQ(msg.rfind((dir / "exp.toml").string() + ":6:14: training.batch_size = 1000000000: this run would "
                                                      "need about 6.79 TB of memory",
                        0),
              0u)
        << msg;
    EXPECT_NE(msg.find("; soma uses at most "), std::string::npos) << msg;
    std::filesystem::remove_all(dir);
}

// threads = 10000 started 10,000 OS threads: an epoch took 15 s, not 0.02 s.
TEST(Resources, ThreadsBeyondTheCoresAreClamped) {
    EXPECT_EQ(clamp_threads(10000, 2), 2);
    EXPECT_EQ(clamp_threads(2, 2), 2);
    EXPECT_EQ(clamp_threads(1, 8), 1);
    Experiment e = test::synthetic_experiment("relu", {8}, 1);
    e.training.threads = 10000;
    const RunResult r = train(e, make_synthetic(64, 16, 1), test::registry());
    EXPECT_EQ(r.threads, omp_get_num_procs());
}

}  // namespace
}  // namespace soma
