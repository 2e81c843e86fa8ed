// The MPI library as soma uses it: its lifetime (MpiSession) and the ranks of
// MPI_COMM_WORLD as the RankGroup data-parallel training sums over.
#pragma once

#include <mpi.h>

#include <string>

#include "train/data_parallel.h"

namespace soma {

// MPI_Init on construction, MPI_Finalize on destruction: every rank must get
// there (MPI_Finalize waits for the others). For an error on one rank alone
// call fail() instead, which ends the whole job.
class MpiSession {
public:
    MpiSession();
    ~MpiSession();
    MpiSession(const MpiSession&) = delete;
    MpiSession& operator=(const MpiSession&) = delete;

    int rank() const { return rank_; }
    int size() const { return size_; }
    // "rank 2 of 3 on node7"
    std::string where() const;
    // Prints "soma: error (rank R of N on HOST): message" and ends every
    // rank of the job (MPI_Abort): the others would wait for this one forever.
    [[noreturn]] void fail(const std::string& message) const;

private:
    int rank_ = 0, size_ = 1;
};

class MpiGroup : public RankGroup {
public:
    int rank() const override;
    int size() const override;
    void sum(float* values, std::size_t n) override;
    void sum(double* values, std::size_t n) override;
    bool same_everywhere(std::uint64_t value) override;
};

}  // namespace soma
