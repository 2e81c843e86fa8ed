// The automatic thread choice and the machine load it looks at.
#include <gtest/gtest.h>

#include "support/burner.h"
#include "train/machine_load.h"
#include "train/threads.h"

namespace soma {
namespace {

ModelConfig hidden(std::initializer_list<int> widths) {
    ModelConfig m;
    for (int units : widths) {
        LayerConfig l;
        l.units = units;
        m.layers.push_back(l);
    }
    return m;
}

TEST(Threads, StepSizeFromTheWidths) {
    // 784-100-10 at batch 32: (784 * 100 + 100 * 10) * 32
    EXPECT_DOUBLE_EQ(step_multiply_adds(hidden({100}), 784, 10, 32), (784.0 * 100 + 100 * 10) * 32);
}

TEST(Threads, SmallStepsTakeOneThreadWhateverTheLoad) {
    // The rows of bench/compare.sh where 1 thread was best on an idle machine
    // (threads.h): 0.4, 3.3 and 2.5 million multiply-adds.
    EXPECT_EQ(auto_threads(hidden({16, 16}), 784, 10, 32, 2, 2), 1);
    EXPECT_EQ(auto_threads(hidden({16, 16}), 784, 10, 256, 2, 2), 1);
    EXPECT_EQ(auto_threads(hidden({100}), 784, 10, 32, 2, 2), 1);
}

TEST(Threads, LargeStepsTakeTheFreeCpus) {
    const ModelConfig m = hidden({100});  // 20 million at batch 256
    EXPECT_EQ(auto_threads(m, 784, 10, 256, 2, 2), 2);  // idle
    EXPECT_EQ(auto_threads(m, 784, 10, 256, 2, 1), 1);  // one CPU busy with another process
    EXPECT_EQ(auto_threads(m, 784, 10, 256, 2, 0), 1);  // both busy: still one thread
    EXPECT_EQ(auto_threads(m, 784, 10, 256, 2, 8), 2);  // never more than the cores given
    EXPECT_EQ(auto_threads(m, 784, 10, 256, 4, 3), 3);
}

TEST(Threads, BoundedWaitUnlessTheUserChose) {
    EXPECT_EQ(bounded_wait_setting(nullptr, nullptr), "GOMP_SPINCOUNT=" + std::to_string(kBoundedSpinCount));
    EXPECT_EQ(bounded_wait_setting("active", nullptr), "");
    EXPECT_EQ(bounded_wait_setting("passive", nullptr), "");
    EXPECT_EQ(bounded_wait_setting(nullptr, "300000"), "");
}

TEST(MachineLoad, ReadsProcStat) {
    EXPECT_EQ(procs_running_of("cpu  1 2 3\nctxt 10\nprocs_running 3\nprocs_blocked 0\n"), 3);
    EXPECT_EQ(procs_running_of("procs_running 12\n"), 12);
    EXPECT_EQ(procs_running_of("cpu 1 2\nxprocs_running 4\n"), -1);
    EXPECT_EQ(procs_running_of(""), -1);
    EXPECT_EQ(procs_running_of("procs_running x\n"), -1);
}

TEST(MachineLoad, ReadsLoadavg) {
    EXPECT_DOUBLE_EQ(load_average_of("1.52 0.98 0.40 3/181 10649\n"), 1.52);
    EXPECT_DOUBLE_EQ(load_average_of(""), -1);
}

TEST(MachineLoad, FreeCpusAndText) {
    MachineLoad load;
    load.cpus = 2;
    EXPECT_EQ(load.free_cpus(), 2);  // nothing read: taken as idle
    EXPECT_EQ(load.describe(), "load unknown (no /proc)");
    load.known = true;
    load.others_running = 1;
    load.load_average = 1.25;
    EXPECT_EQ(load.free_cpus(), 1);
    EXPECT_EQ(load.describe(), "load 1.25 (1-minute average), 1 of 2 CPUs in use by other processes");
    load.others_running = 7;
    EXPECT_EQ(load.free_cpus(), 0);
    EXPECT_EQ(load.describe(), "load 1.25 (1-minute average), 2 of 2 CPUs in use by other processes");
}

TEST(MachineLoad, SeesAnotherBusyProcess) {
    const test::Burners burner(1);
    ASSERT_EQ(burner.started(), 1);
    const MachineLoad load = sample_machine_load();
    ASSERT_TRUE(load.known);
    EXPECT_GE(load.cpus, 1);
    // The burner is runnable at every reading, whatever else the machine does.
    EXPECT_GE(load.others_running, 1);
    EXPECT_LE(load.free_cpus(), load.cpus - 1);
}

}  // namespace
}  // namespace soma
