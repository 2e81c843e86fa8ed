// What `soma run` does with the processes it was started among: a sweep or
// a run in this process (local), a sweep spread over the ranks of an MPI job,
// or one run trained data-parallel across them. Decided from the experiment
// and the launch (experiment/launch.h) before anything runs; needs no MPI
// library, so a soma built without MPI says what is missing.
#pragma once

#include <string>

#include "config/sweep.h"
#include "experiment/launch.h"
#include "experiment/sweep_runner.h"

namespace soma {

enum class RankPlan {
    local,             // one process: a single run, or a sweep (--jobs, --shard)
    sweep_over_ranks,  // mpirun -np N (N > 1) with a [sweep]: rank 0 hands the runs out
    data_parallel,     // [distributed] mode = "data": one run across the ranks (any number, 1 included)
};

// Whether this soma was built with MPI (SOMA_WITH_MPI).
bool built_with_mpi();

// "<what>, but this soma was built without MPI: install ... and rebuild ...".
std::string without_mpi_message(const std::string& what);

// The plan for this sweep (a file without [sweep] is a sweep of one run) and
// launch. Refuses, with a message saying what to change: several ranks for
// one run without [distributed]; [distributed] mode = "data" with a [sweep]
// or a shard; --shard under mpirun or without a [sweep]; an MPI plan in a
// build without MPI (naming what is missing).
RankPlan plan_ranks(const Sweep& sweep, const Launch& launch, const Shard& shard);

}  // namespace soma
