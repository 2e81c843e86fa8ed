// MPI_Init/MPI_Finalize and MPI_Allreduce (mpi_group.h).
#include "distributed/mpi/mpi_group.h"

#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdio>

#include "util/error.h"
#include "util/sanitize.h"

namespace soma {

namespace {

// MPI counts are ints: larger arrays go in pieces (no allocation).
template <class T>
void allreduce_sum(T* values, std::size_t n, MPI_Datatype type) {
    constexpr std::size_t piece = INT_MAX;
    for (std::size_t done = 0; done < n; done += piece) {
        const int count = static_cast<int>(std::min(piece, n - done));
        MPI_Allreduce(MPI_IN_PLACE, values + done, count, type, MPI_SUM, MPI_COMM_WORLD);
    }
}

}  // namespace

MpiSession::MpiSession() {
    int initialized = 0;
    MPI_Initialized(&initialized);
    if (initialized) throw Error("MPI is already initialised in this process");
    if (MPI_Init(nullptr, nullptr) != MPI_SUCCESS) throw Error("MPI_Init failed");
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
}

MpiSession::~MpiSession() { MPI_Finalize(); }

std::string MpiSession::where() const {
    char host[256] = "";
    if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
    return "rank " + std::to_string(rank_) + " of " + std::to_string(size_) + (host[0] ? " on " + std::string(host) : "");
}

void MpiSession::fail(const std::string& message) const {
    std::fprintf(stderr, "soma: error (%s): %s\n", where().c_str(), terminal_safe(message, true).c_str());
    std::fflush(stderr);
    MPI_Abort(MPI_COMM_WORLD, 1);
    std::_Exit(1);  // MPI_Abort does not return; if it did, this rank still ends
}

int MpiGroup::rank() const {
    int r = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &r);
    return r;
}

int MpiGroup::size() const {
    int n = 1;
    MPI_Comm_size(MPI_COMM_WORLD, &n);
    return n;
}

void MpiGroup::sum(float* values, std::size_t n) { allreduce_sum(values, n, MPI_FLOAT); }

void MpiGroup::sum(double* values, std::size_t n) { allreduce_sum(values, n, MPI_DOUBLE); }

bool MpiGroup::same_everywhere(std::uint64_t value) {
    // min(v) and min(~v) = ~max(v) in one call: equal everywhere iff min == max.
    std::uint64_t v[2] = {value, ~value};
    MPI_Allreduce(MPI_IN_PLACE, v, 2, MPI_UINT64_T, MPI_MIN, MPI_COMM_WORLD);
    return v[0] == ~v[1];
}

}  // namespace soma
