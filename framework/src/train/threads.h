// How many oneDNN threads a run gets when the config leaves it to soma.
#pragma once

#include <string>

#include "config/experiment.h"

namespace soma {

// Multiply-adds of one training step's inner products (forward), an estimate
// from the model's layer widths: batch * sum(inputs * units).
double step_multiply_adds(const ModelConfig& model, int inputs, int classes, int batch);

// The automatic choice. 1 thread for steps under 10 million multiply-adds:
// with the bounded wait below, a second OpenMP thread sleeps between
// primitives and costs tens of microseconds per call to wake, which below
// that size costs more than it gives. Above it, one thread per CPU that no
// other process is running on (`free_cpus`, at least 1, at most `cores`): a
// second thread on a CPU another process keeps busy waits at every barrier
// for a time slice of the scheduler.
//
// Measured by `SECTIONS=threads bench/compare.sh` (Fashion-MNIST, epoch
// seconds, medians of 5 interleaved repetitions), 2026-11-27 on the 2-core
// Intel Xeon VM, idle (load average under 1.5), bounded wait:
//   784-16-16-10 batch 32  (0.4M):  1 thread best; 2 threads 5.0x slower
//   784-16-16-10 batch 256 (3.3M):  1 thread best; 2 threads 2.0x slower
//   784-100-10   batch 32  (2.5M):  1 thread best; 2 threads 1.7x slower
//   784-100-10   batch 256 (20M):   2 threads best by 8-11 %
// With one CPU-burning process beside it: 784-100-10 batch 32 ran 2.9-3.1x
// slower on 2 threads than on 1, batch 256 1.5x; the load check is what
// keeps the automatic choice at 1 thread then (see README, "Threads").
// (The earlier rule, 2 threads from 2 million, was measured on an AMD EPYC
// VM before the bounded wait, with libgomp's spinning one: 2 threads won by
// 5-25 % at 2.5M and 3.3M there. On the Intel VM with the bounded wait they
// lost 1.7-2.1x at those sizes, and the 2 million line failed two of the
// four idle rows; 10 million passed all six rows, idle and under load.)
int auto_threads(const ModelConfig& model, int inputs, int classes, int batch, int cores, int free_cpus);

// How OpenMP threads wait at a barrier in a training process. libgomp's
// default spins 300,000 times before sleeping (milliseconds on current x86,
// whose pause instruction takes tens of cycles): on an idle machine the
// partner thread arrives long before that, but when another process holds a
// CPU the spinner burns the time slice the partner needs: on the 2-core VM
// at load 12-14, 2 threads ran 784-100-10 batch 32 13-78x slower than 1
// (epoch 16-90 s against 1.2 s); at load 15-21 over 100x, where the bounded
// spin took 1.44 s against 1.12 s (README, "Threads"). kBoundedSpinCount is
// libgomp's own count for an oversubscribed machine: tens of microseconds,
// enough for the gaps between the primitives of one step, then sleep.
// libgomp reads the policy from the environment once, when it loads, so it
// is set in the environment of the child process that trains (the
// supervisor's), never in a running process.
inline constexpr int kBoundedSpinCount = 1000;
// The "NAME=VALUE" a training child's environment gets: GOMP_SPINCOUNT =
// kBoundedSpinCount, or "" when the user chose a wait policy
// (OMP_WAIT_POLICY or GOMP_SPINCOUNT set; the values given are those
// variables, null when unset).
std::string bounded_wait_setting(const char* omp_wait_policy, const char* gomp_spincount);

// More threads than cores only slow a run down (10,000 threads made an
// epoch 15 s instead of 0.02 s): a request beyond the cores gets the cores.
int clamp_threads(int requested, int cores);

// Threads for oneDNN: requested > 0 is taken as it is, up to the cores the
// process may run on (omp_get_num_procs(); beyond them clamp_threads, and a
// line on stderr says so); 0 picks auto_threads with cores =
// omp_get_max_threads() (all cores unless OMP_NUM_THREADS says less) and the
// free CPUs of sample_machine_load() (read only when the step is big enough
// for more than one thread; a few milliseconds). A choice cut short by the
// load is said on stderr. Applies to the calling process; returns the count
// (summary.json's "threads").
int apply_threads(int requested, const ModelConfig& model, int inputs, int classes, int batch);

}  // namespace soma
