// The rank plan of `soma run` (plan.h).
#include "distributed/plan.h"

#include "config/config_error.h"
#include "util/error.h"

namespace soma {

namespace {

// The experiment of the sweep that asks for data-parallel training, if any.
const Experiment* data_parallel_experiment(const Sweep& sweep) {
    if (sweep.base.distributed.mode == DistributedMode::data) return &sweep.base;
    for (const RunSpec& r : sweep.runs)
        if (r.experiment.distributed.mode == DistributedMode::data) return &r.experiment;
    return nullptr;
}

std::string file_of(const Sweep& sweep) { return sweep.base.source.string(); }

}  // namespace

bool built_with_mpi() { return SOMA_WITH_MPI != 0; }

std::string without_mpi_message(const std::string& what) {
    return what +
           ", but this soma was built without MPI: install Open MPI (Debian: libopenmpi-dev and openmpi-bin, which "
           "scripts/setup.sh installs) and rebuild (CMake turns SOMA_WITH_MPI on when it finds MPI)";
}

RankPlan plan_ranks(const Sweep& sweep, const Launch& launch, const Shard& shard) {
    const bool several = launch.by_mpi() && launch.ranks != 1;
    const std::string ranks = launch.ranks > 1 ? std::to_string(launch.ranks) + " processes" : "several processes";
    if (const Experiment* e = data_parallel_experiment(sweep)) {
        const SourcePos& pos = e->distributed.pos;
        if (!sweep.axes.empty())
            throw ConfigError(pos, "[distributed] mode = \"data\" trains one run across the ranks, and this file has a "
                                   "[sweep]: a sweep under mpirun spreads its runs over the ranks instead; remove one "
                                   "of the two");
        if (!shard.whole())
            throw Error("--shard splits a sweep's runs between processes; " + file_of(sweep) + " is one run");
        if (!built_with_mpi()) throw ConfigError(pos, without_mpi_message("[distributed] mode = \"data\" needs MPI"));
        return RankPlan::data_parallel;
    }
    if (!shard.whole() && sweep.axes.empty())
        throw Error("--shard splits a sweep's runs between processes; " + file_of(sweep) + " has no [sweep]");
    if (!several) return RankPlan::local;
    const std::string started = "soma was started as one of " + ranks + " by an MPI launcher (" + launch.evidence + ")";
    if (!built_with_mpi()) throw Error(without_mpi_message(started));
    if (sweep.axes.empty())
        throw Error(started + " to run " + file_of(sweep) +
                    ", which is one run: add [distributed] mode = \"data\" to train it data-parallel across the "
                    "ranks, give it a [sweep] to spread runs over them, or run it without mpirun");
    if (!shard.whole())
        throw Error(started + " with --shard: under mpirun the ranks share the sweep's runs already; --shard is for "
                              "separate soma processes (a Slurm job array); drop one of the two");
    return RankPlan::sweep_over_ranks;
}

}  // namespace soma
