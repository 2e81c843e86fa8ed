// What a run will take before it starts: the memory its network, optimizer,
// batches and dataset need, estimated from the config and the data's shape,
// refused when over the machine's budget with the setting that causes it.
#pragma once

#include <cstdint>
#include <string>

#include "config/experiment.h"

namespace soma {

// Bytes. The network part mirrors what the built-in layers allocate:
//   parameters   weights and biases with their gradients (2 floats each);
//                a layer without units (dropout, batch_norm) is counted as 4
//                floats per feature (batch_norm's scale, shift, mean, var)
//   optimizer    2 floats per parameter, the most a built-in keeps (adam's moments)
//   activations  5 floats per unit of every layer (output, pre-activation,
//                gradients) and 2 per input, for the larger of the batch and
//                the evaluation batch (256 rows)
//   dataset      the images and labels in memory
// oneDNN's own scratch space is not counted: the estimate is a floor.
struct MemoryEstimate {
    double parameters = 0, optimizer = 0, activations = 0, dataset = 0;
    double total() const { return parameters + optimizer + activations + dataset; }
    std::string cause;  // the setting most of it comes from: "training.batch_size = 1000000000"
    SourcePos where;    // where that setting is written (file empty when unknown)
};

MemoryEstimate estimate_memory(const Experiment& experiment, int inputs, int classes, double dataset_bytes);

// Throws ConfigError at the cause's position (soma::Error when it has none)
// when the estimate exceeds `budget`, with every part of it and the budget.
void check_memory(const Experiment& experiment, int inputs, int classes, double dataset_bytes,
                  double budget);
// The same against memory_budget().
void check_memory(const Experiment& experiment, int inputs, int classes, double dataset_bytes);

}  // namespace soma
