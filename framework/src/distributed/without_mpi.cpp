// A soma built without MPI (SOMA_WITH_MPI off): the features that need the
// ranks of an MPI job say what is missing. plan_ranks refuses these plans
// before anything starts; these are what a program embedding soma gets.
#include "distributed/plan.h"
#include "distributed/ranks.h"
#include "util/error.h"

namespace soma {

SweepOutcome run_sweep_over_ranks(const Sweep&, const SweepOptions&, std::ostream&) {
    throw Error(without_mpi_message("a sweep over the ranks of an MPI job needs MPI"));
}

ParallelOutcome run_data_parallel(const Experiment&, const RunOptions&, const Registry&, std::ostream&) {
    throw Error(without_mpi_message("[distributed] mode = \"data\" needs MPI"));
}

}  // namespace soma
