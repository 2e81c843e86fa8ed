// How many oneDNN threads a run gets when the config leaves it to soma.
#pragma once

#include "config/experiment.h"

namespace soma {

// Multiply-adds of one training step's inner products (forward), an estimate
// from the model's layer widths: batch * sum(inputs * units).
double step_multiply_adds(const ModelConfig& model, int inputs, int classes, int batch);

// 1 thread for steps under 2 million multiply-adds, else all cores. On 2
// cores a second OpenMP thread costs microseconds per primitive call; below
// that size it costs more than it gives. Measured by bench/compare.sh
// (Fashion-MNIST, epoch seconds, medians of three runs of the script):
//   784-16-16-10 batch 32  (0.4M):  1 thread best by 20-25 %
//   784-16-16-10 batch 256 (3.3M):  2 threads best by 5-9 %
//   784-100-10   batch 32  (2.5M):  2 threads best by 22-25 %
//   784-100-10   batch 256 (20M):   2 threads best by 30 %
// Shorter runs (`soma bench` on the 8,004 MNIST digits) swing either way
// with the VM's load; these longer ones agree run after run.
int auto_threads(const ModelConfig& model, int inputs, int classes, int batch, int cores);

// More threads than cores only slow a run down (10,000 threads made an
// epoch 15 s instead of 0.02 s): a request beyond the cores gets the cores.
int clamp_threads(int requested, int cores);

// Threads for oneDNN: requested > 0 is taken as it is, up to the cores the
// process may run on (omp_get_num_procs(); beyond them clamp_threads, and a
// line on stderr says so); 0 picks auto_threads with cores =
// omp_get_max_threads() (all cores unless OMP_NUM_THREADS says less).
// Applies to the calling process; returns the count (summary.json's "threads").
int apply_threads(int requested, const ModelConfig& model, int inputs, int classes, int batch);

}  // namespace soma
