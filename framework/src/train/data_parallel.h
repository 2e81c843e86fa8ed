// Data-parallel training of one run: every global batch split across ranks,
// the gradients summed over them before each optimizer step. This is what
// the trainer needs from the ranks, without MPI: distributed/ implements
// RankGroup with MPI_Allreduce, the tests also in one process.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>

#include "config/experiment.h"
#include "util/error.h"

namespace soma {

class Network;
class Registry;

// The ranks training one run together. Every call is collective: each rank
// makes the same calls in the same order.
class RankGroup {
public:
    virtual ~RankGroup() = default;
    virtual int rank() const = 0;
    virtual int size() const = 0;
    // Sums values over the ranks, in place; every rank gets the same sums.
    // The float sum runs inside the training step: it must not allocate.
    virtual void sum(float* values, std::size_t n) = 0;
    virtual void sum(double* values, std::size_t n) = 0;
    // Whether every rank holds the same value.
    virtual bool same_everywhere(std::uint64_t value) = 0;
};

struct DataParallel {
    RankGroup* group = nullptr;
    // Asked on every rank before each step; when it says true on any rank,
    // every rank stops after that same step (TrainingStopped). E.g. rank 0's
    // time limit, or a stop signal.
    std::function<bool()> stop;
};

// Thrown on every rank at the same step when DataParallel::stop asked for it.
class TrainingStopped : public Error {
public:
    using Error::Error;
};

// Refuses (soma::Error naming the layer) a model whose layers data-parallel
// training would change: a layer whose training-mode output for a sample
// depends on the other samples of its batch (batch_norm's batch statistics)
// or changes from one call to the next (dropout's masks). Split across
// ranks, such a layer would see other batches, or draw the same masks on
// every rank. Probes each layer of a copy of the network, not the plugin's
// name: soma's core knows no concrete layer. The message starts with where
// [distributed] mode was set.
void check_data_parallel_model(const Registry& registry, const Experiment& experiment, int inputs, int classes);

// A 64-bit FNV-1a hash of every parameter's bits, in order: ranks whose
// parameters are identical give the same checksum.
std::uint64_t parameter_checksum(Network& network);

}  // namespace soma
