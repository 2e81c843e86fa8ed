// How this process was started, read from its environment: as one of the
// ranks of an MPI job (mpirun, or srun with PMI), inside a Slurm job, and
// how many cores it may use. Reading the environment needs no MPI library:
// a soma built without MPI still sees that mpirun started it, and says so.
#pragma once

#include <string>

namespace soma {

struct Launch {
    // The ranks an MPI launcher started (1 when none did; 0 when a launcher
    // did but its environment does not say how many, e.g. PMIx alone).
    int ranks = 1;
    int local_ranks = 1;   // of them, on this node
    std::string evidence;  // "OMPI_COMM_WORLD_SIZE=3": what showed it ("" when none)

    bool by_mpi() const { return !evidence.empty(); }
};

// This process's launch, from OMPI_COMM_WORLD_SIZE / OMPI_COMM_WORLD_LOCAL_SIZE
// (Open MPI), PMI_SIZE / MPI_LOCALNRANKS (MPICH, srun --mpi=pmi2) and PMIX_RANK.
Launch launch_from_environment();

// The cores this process may use: the CPUs of its affinity mask (what
// mpirun's binding, taskset or a Slurm cgroup left it); shared evenly with
// the other ranks on its node when they are all unbound (the same mask);
// at most SLURM_CPUS_ON_NODE in a Slurm job step outside MPI. At least 1.
int available_cores();

// The prefixes of the environment variables an MPI launcher gives its ranks.
// A process soma starts (a run's child) must not inherit them: it would
// take itself for a rank and try to join the job.
bool is_mpi_launch_variable(const char* name_value);

}  // namespace soma
