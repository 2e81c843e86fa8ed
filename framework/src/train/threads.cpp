#include "train/threads.h"

#include <omp.h>

#include <algorithm>
#include <cstdio>

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

int auto_threads(const ModelConfig& model, int inputs, int classes, int batch, int cores) {
    constexpr double kParallelFrom = 2.0e6;
    return step_multiply_adds(model, inputs, classes, batch) >= kParallelFrom ? cores : 1;
}

int clamp_threads(int requested, int cores) {
    return std::max(1, std::min(requested, cores));
}

int apply_threads(int requested, const ModelConfig& model, int inputs, int classes, int batch) {
    // Read once: omp_set_num_threads below changes what it reports later.
    static const int available = omp_get_max_threads();
    int n = requested > 0 ? requested : auto_threads(model, inputs, classes, batch, available);
    if (const int cores = omp_get_num_procs(); requested > cores) {
        n = clamp_threads(n, cores);
        std::fprintf(stderr, "soma: training.threads = %d is more than the %d cores here; using %d\n", requested,
                     cores, n);
    }
    omp_set_num_threads(n);
    return n;
}

}  // namespace soma
