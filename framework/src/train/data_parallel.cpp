// The data-parallel model check and the parameter checksum (data_parallel.h).
#include "train/data_parallel.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include <oneapi/dnnl/dnnl.hpp>

#include "nn/network.h"

namespace soma {

namespace {

constexpr int kProbeBatch = 4;

// Deterministic values in [0, 1) for the probe's inputs.
void fill_probe(std::vector<float>& x, std::uint32_t seed) {
    for (float& v : x) {
        seed = seed * 1664525u + 1013904223u;
        v = static_cast<float>(seed >> 8) / 16777216.f;
    }
}

// Whether the layer's training-mode output for sample 0 stays the same when
// samples 1..3 of its batch change (and the call is repeated).
bool per_sample(Layer& layer, int inputs, int outputs) {
    std::vector<float> x(static_cast<std::size_t>(kProbeBatch) * inputs);
    fill_probe(x, 12345u);
    const float* y = layer.forward(x.data(), kProbeBatch, /*training=*/true);
    const std::vector<float> first(y, y + outputs);
    std::vector<float> others(x.size() - static_cast<std::size_t>(inputs));
    fill_probe(others, 777u);
    std::memcpy(x.data() + inputs, others.data(), others.size() * sizeof(float));
    y = layer.forward(x.data(), kProbeBatch, /*training=*/true);
    for (int k = 0; k < outputs; ++k)
        if (!(std::fabs(y[k] - first[static_cast<std::size_t>(k)]) <= 1e-5f * std::max(1.f, std::fabs(first[k]))))
            return false;
    return true;
}

}  // namespace

void check_data_parallel_model(const Registry& registry, const Experiment& experiment, int inputs, int classes) {
    dnnl::engine engine(dnnl::engine::kind::cpu, 0);
    dnnl::stream stream(engine);
    NetworkOptions options;
    options.inputs = inputs;
    options.classes = classes;
    options.max_batch = kProbeBatch;
    options.seed = experiment.training.seed;
    Network probe(registry, experiment.model, options, engine, stream);
    int layer_number = 0;
    for (const Stage& stage : probe.stages()) {
        if (!stage.layer) continue;
        ++layer_number;
        if (per_sample(*stage.layer, stage.inputs, stage.outputs)) continue;
        const std::string where = experiment.distributed.pos.file.empty() ? "" : experiment.distributed.pos.str() + ": ";
        throw Error(where + "[distributed] mode = \"data\" cannot train this model: layer " +
                    std::to_string(layer_number) + " (" + stage.description +
                    ") gives a sample another training output when the rest of its batch changes or the call is "
                    "repeated (batch statistics, random masks); split across ranks it would compute something "
                    "else than one process does. Train it in one process, or spread a sweep over the ranks "
                    "(without [distributed])");
    }
}

std::uint64_t parameter_checksum(Network& network) {
    std::uint64_t h = 14695981039346656037ull;
    for (const ParamTensor& t : network.parameters()) {
        const auto* bytes = reinterpret_cast<const unsigned char*>(t.value);
        for (std::size_t i = 0; i < t.size * sizeof(float); ++i) {
            h ^= bytes[i];
            h *= 1099511628211ull;
        }
    }
    return h;
}

}  // namespace soma
