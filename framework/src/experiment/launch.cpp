// Launch detection from the environment (launch.h).
#include "experiment/launch.h"

#include <sched.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

namespace soma {

namespace {

// A positive whole number from the environment variable, else 0.
int env_count(const char* name) {
    const char* v = std::getenv(name);
    if (!v || !*v) return 0;
    char* end = nullptr;
    const long n = std::strtol(v, &end, 10);
    return *end == '\0' && n > 0 && n < (1L << 30) ? static_cast<int>(n) : 0;
}

}  // namespace

Launch launch_from_environment() {
    Launch l;
    for (const char* size : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"}) {
        if (const int n = env_count(size)) {
            l.ranks = n;
            l.evidence = std::string(size) + "=" + std::to_string(n);
            break;
        }
    }
    if (l.evidence.empty() && std::getenv("PMIX_RANK")) {
        l.ranks = 0;
        l.evidence = "PMIX_RANK is set";
    }
    for (const char* local : {"OMPI_COMM_WORLD_LOCAL_SIZE", "MPI_LOCALNRANKS"})
        if (const int n = env_count(local)) {
            l.local_ranks = n;
            break;
        }
    return l;
}

int available_cores() {
    cpu_set_t set;
    CPU_ZERO(&set);
    const int machine = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    int cores = ::sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : machine;
    const Launch launch = launch_from_environment();
    if (launch.by_mpi()) {
        // Unbound ranks (each may run anywhere) share the node's cores.
        if (cores >= machine && launch.local_ranks > 1) cores /= launch.local_ranks;
    } else if (const int slurm = env_count("SLURM_CPUS_ON_NODE"); slurm > 0 && std::getenv("SLURM_JOB_ID")) {
        cores = std::min(cores, slurm);
    }
    return std::max(1, cores);
}

bool is_mpi_launch_variable(const char* name_value) {
    for (const char* prefix : {"OMPI_", "PMIX_", "PMI_", "MPI_LOCALNRANKS=", "MPI_LOCALRANKID="})
        if (std::strncmp(name_value, prefix, std::strlen(prefix)) == 0) return true;
    return false;
}

}  // namespace soma
