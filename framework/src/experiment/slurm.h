// A Slurm job array for a sweep: `soma sweep sbatch SWEEP.toml` prints a
// batch script whose array task K of N runs `soma run SWEEP.toml --shard K/N`
// (sweep_runner.h), all into the one sweep folder on a shared file system.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "config/sweep.h"

namespace soma {

struct SbatchOptions {
    int shards = 0;         // array tasks; 0 = one per run, at most kMaxArrayTasks
    int jobs = 1;           // runs at once in each task (soma run --jobs)
    int threads = 0;        // threads per run (soma run --threads); 0 = each run chooses
    int cpus_per_task = 0;  // 0 = jobs x threads (threads 0 counted as 1)
    std::string time;       // --time, "" = the partition's default
    std::string partition;  // --partition, "" = the default partition
    // The rest of soma run's arguments after the file (--set, --allow-plugins, --time-limit ...), as given.
    std::vector<std::string> run_arguments;
};

// Slurm's default MaxArraySize is 1001: task ids 0..1000.
inline constexpr int kMaxArrayTasks = 1000;

// The script, every path in it absolute: soma_exe runs sweep_file into folder.
std::string sbatch_script(const Sweep& sweep, const std::filesystem::path& soma_exe,
                          const std::filesystem::path& sweep_file, const std::filesystem::path& folder,
                          const SbatchOptions& options);

}  // namespace soma
