// How many oneDNN threads a run gets when the config leaves it to soma.
#pragma once

#include "config/experiment.h"

namespace soma {

// Multiply-adds of one training step's inner products (forward), an estimate
// from the model's layer widths: batch * sum(inputs * units).
double step_multiply_adds(const ModelConfig& model, int inputs, int classes, int batch);

// 1 thread unless the batch is large (>= 128) and the step has at least 16
// million multiply-adds; then all cores. On this 2-core machine a second
// OpenMP thread costs microseconds per primitive call, and at batch 32 oneDNN
// gains little from it: `soma bench --threads 1|2` (mnist, samples/s):
//   batch 32:  784-16-16-10 1.59M vs 1.17M, 784-128-64-10 350k vs 165k,
//              784-512-256-10 74k vs 50k, 784-100-10 381k vs 248k-496k (erratic)
//   batch 256: 784-16-16-10 2.20M vs 1.14M-2.58M (erratic), 784-100-10 532k
//              vs 541k-867k, 784-128-64-10 415k vs 435k-443k, 784-512-256-10 90k vs 116k
int auto_threads(const ModelConfig& model, int inputs, int classes, int batch, int cores);

// Threads for oneDNN: requested > 0 is taken as it is; 0 picks auto_threads
// with cores = omp_get_max_threads() (all cores unless OMP_NUM_THREADS says less).
// Applies to the calling process; returns the count.
int apply_threads(int requested, const ModelConfig& model, int inputs, int classes, int batch);

}  // namespace soma
