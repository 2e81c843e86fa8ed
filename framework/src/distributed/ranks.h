// soma over the ranks of an MPI job (distributed/plan.h says when): a sweep
// whose runs rank 0 hands out, or one run trained data-parallel. The MPI
// code is in distributed/mpi/; a build without MPI has only
// without_mpi.cpp, which says what is missing.
#pragma once

#include <optional>
#include <ostream>

#include "config/sweep.h"
#include "experiment/runner.h"
#include "experiment/sweep_runner.h"

namespace soma {

class Registry;

// A sweep over the ranks (mpirun -np N soma run SWEEP.toml [--jobs J]):
// every rank trains `jobs` runs at a time, each in its own child process
// (RunSlots), and asks rank 0 for the next run whenever a slot is free, so
// a slow run holds up nothing. Rank 0 holds the sweep folder, skips the
// finished runs, prints every run's line, and returns the outcome with
// reports set (the caller writes the report); the other ranks return theirs
// with reports unset. A stop signal ends the job cleanly on every rank;
// runs stopped on one rank alone go back to the queue for the others.
SweepOutcome run_sweep_over_ranks(const Sweep& sweep, const SweepOptions& options, std::ostream& out);

struct ParallelOutcome {
    RunOutcome run;            // the run (its result on every rank)
    bool leader = false;       // rank 0, which wrote the run folder and reports
    bool interrupted = false;  // a stop signal ended it
    std::string failure;       // why it ended early ("" when it trained): timed out, interrupted
};

// One run trained data-parallel ([distributed] mode = "data"), on every rank
// with the same experiment: rank 0 claims the run folder and writes it
// (progress, metrics, weights, summary.json), the others only train. The
// time limit (training.time_limit, counted from this call) and stop signals
// end it on every rank after the same step, recorded by rank 0 as failed.
// Any other error on a rank prints it and aborts the job (MPI_Abort): the
// other ranks would wait for it forever; the run folder is then unfinished
// and the next run redoes it.
ParallelOutcome run_data_parallel(const Experiment& experiment, const RunOptions& options, const Registry& registry,
                                  std::ostream& out);

}  // namespace soma
