// The sbatch script of a sweep (slurm.h).
#include "experiment/slurm.h"

#include <algorithm>
#include <sstream>

#include "util/error.h"
#include "util/quote.h"

namespace soma {

namespace fs = std::filesystem;

std::string sbatch_script(const Sweep& sweep, const fs::path& soma_exe, const fs::path& sweep_file,
                          const fs::path& folder, const SbatchOptions& options) {
    const int runs = static_cast<int>(sweep.runs.size());
    const int shards = options.shards > 0 ? options.shards : std::min(runs, kMaxArrayTasks);
    if (shards > runs)
        throw Error("--shards " + std::to_string(shards) + ": the sweep has only " + std::to_string(runs) +
                    " runs; each array task needs at least one");
    const int jobs = std::max(1, options.jobs);
    const int cpus = options.cpus_per_task > 0 ? options.cpus_per_task : jobs * std::max(1, options.threads);
    const fs::path out = fs::absolute(folder).lexically_normal();
    const fs::path here = fs::current_path();

    std::ostringstream s;
    s << "#!/bin/bash\n"
      << "# soma sweep " << sweep.base.name << ": " << runs << " runs in " << shards
      << " Slurm array tasks; task K trains the runs whose index % " << shards << " == K.\n"
      << "# Every task writes into one sweep folder, which every node must see at the same path:\n"
      << "#   " << out.string() << "\n"
      << "# The last task to end writes the report; while tasks run, `soma report` names the runs\n"
      << "# still missing. Submitting the array again repeats no finished run.\n"
      << "#SBATCH --job-name=" << sweep.base.name << "\n"
      << "#SBATCH --array=0-" << shards - 1 << "\n"
      << "#SBATCH --ntasks=1\n"
      << "#SBATCH --cpus-per-task=" << cpus << "\n"
      << "#SBATCH --chdir=" << here.string() << "\n"
      << "#SBATCH --output=" << (here / ("slurm-" + sweep.base.name + "-%A_%a.out")).string() << "\n";
    if (!options.time.empty()) s << "#SBATCH --time=" << options.time << "\n";
    if (!options.partition.empty()) s << "#SBATCH --partition=" << options.partition << "\n";
    s << "\nexec " << shell_quote(fs::absolute(soma_exe).string()) << " run "
      << shell_quote(fs::absolute(sweep_file).lexically_normal().string()) << " --out " << shell_quote(out.string())
      << " --shard \"$SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT\" --jobs " << jobs;
    if (options.threads > 0) s << " --threads " << options.threads;
    for (const std::string& a : options.run_arguments) s << " " << shell_quote(a);
    s << "\n";
    return s.str();
}

}  // namespace soma
