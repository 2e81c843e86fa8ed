// How many oneDNN threads a run gets when the config leaves it to soma.
#pragma once

#include "config/experiment.h"

namespace soma {

// Multiply-adds of one training step's inner products (forward), an estimate
// from the model's layer widths: batch * sum(inputs * units).
double step_multiply_adds(const ModelConfig& model, int inputs, int classes, int batch);

// 1 thread for small steps, all cores for large ones. On 2 cores a second
// OpenMP thread costs ~2-3 us per primitive call in synchronisation; below
// about 2 million multiply-adds per step that is more than it saves
// (784-16-16-10 at batch 32: 1.20M samples/s on 1 thread vs 0.98M on 2;
// 784-100-10 at batch 32: 0.36M vs 0.49M; bench/reference, medians).
int auto_threads(const ModelConfig& model, int inputs, int classes, int batch, int cores);

// Threads for oneDNN: requested > 0 is taken as it is; 0 picks auto_threads
// with cores = omp_get_max_threads() (all cores unless OMP_NUM_THREADS says less).
// Applies to the calling process; returns the count.
int apply_threads(int requested, const ModelConfig& model, int inputs, int classes, int batch);

}  // namespace soma
