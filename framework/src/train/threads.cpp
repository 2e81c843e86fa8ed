#include "train/threads.h"

#include <omp.h>

#include <algorithm>
#include <cstdio>

#include "train/machine_load.h"

namespace soma {

double step_multiply_adds(const ModelConfig& model, int inputs, int classes, int batch) {
    double total = 0;
    int width = inputs;
    for (const LayerConfig& l : model.layers) {
        if (l.units > 0) {
            total += static_cast<double>(width) * l.units;
            width = l.units;
        }
    }
    total += static_cast<double>(width) * classes;
    return total * batch;
}

namespace {

constexpr double kParallelFrom = 1.0e7;

}  // namespace

int auto_threads(const ModelConfig& model, int inputs, int classes, int batch, int cores, int free_cpus) {
    if (step_multiply_adds(model, inputs, classes, batch) < kParallelFrom) return 1;
    return std::clamp(free_cpus, 1, std::max(1, cores));
}

std::string bounded_wait_setting(const char* omp_wait_policy, const char* gomp_spincount) {
    if (omp_wait_policy || gomp_spincount) return "";
    return "GOMP_SPINCOUNT=" + std::to_string(kBoundedSpinCount);
}

int clamp_threads(int requested, int cores) {
    return std::max(1, std::min(requested, cores));
}

int apply_threads(int requested, const ModelConfig& model, int inputs, int classes, int batch) {
    // Read once: omp_set_num_threads below changes what it reports later.
    static const int available = omp_get_max_threads();
    int n = requested;
    if (n <= 0) {
        const bool parallel = available > 1 && step_multiply_adds(model, inputs, classes, batch) >= kParallelFrom;
        const MachineLoad load = parallel ? sample_machine_load() : MachineLoad{};
        const int free_cpus = parallel ? load.free_cpus() : available;
        n = auto_threads(model, inputs, classes, batch, available, free_cpus);
        if (parallel && n < available)
            std::fprintf(stderr, "soma: %s; using %d thread%s of %d (set training.threads to choose)\n",
                         load.describe().c_str(), n, n == 1 ? "" : "s", available);
    } else if (const int cores = omp_get_num_procs(); requested > cores) {
        n = clamp_threads(n, cores);
        std::fprintf(stderr, "soma: training.threads = %d is more than the %d cores here; using %d\n", requested,
                     cores, n);
    }
    omp_set_num_threads(n);
    return n;
}

}  // namespace soma
