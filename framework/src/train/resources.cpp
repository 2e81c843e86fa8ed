// The memory estimate of a run and its refusal.
#include "train/resources.h"

#include <algorithm>

#include "train/session.h"
#include "util/error.h"
#include "util/memory.h"

namespace soma {

namespace {

// Where a setting is written, from the positions the loader kept.
SourcePos position_of(const Experiment& e, const std::string& path) {
    auto it = e.positions.find(path);
    return it == e.positions.end() ? SourcePos{} : it->second;
}

// "model.hidden[1] = 100000" or "model.layers[1].units = 100000".
std::string layer_setting(const Experiment& e, std::size_t i) {
    const std::string index = "[" + std::to_string(i) + "]";
    const std::string units = std::to_string(e.model.layers[i].units);
    return e.positions.count("model.layers") ? "model.layers" + index + ".units = " + units
                                             : "model.hidden" + index + " = " + units;
}

}  // namespace

MemoryEstimate estimate_memory(const Experiment& e, int inputs, int classes, double dataset_bytes) {
    constexpr double kFloat = sizeof(float);
    MemoryEstimate m;
    const double rows = std::max(e.training.batch_size, TrainingSession::kEvalBatch);
    double params = 0, units = 0;
    double width = inputs;
    // The layer with the most weights, and the widest one.
    std::size_t heaviest = 0, widest = 0;
    double heaviest_params = -1, widest_units = -1;
    for (std::size_t i = 0; i < e.model.layers.size(); ++i) {
        const LayerConfig& l = e.model.layers[i];
        double p = 0;
        if (l.units > 0) {
            p = width * l.units + l.units;
            width = l.units;
        } else {
            p = 4 * width;
        }
        params += p;
        units += width;
        if (p > heaviest_params) heaviest_params = p, heaviest = i;
        if (width > widest_units) widest_units = width, widest = i;
    }
    params += width * classes + classes;
    units += classes;

    m.parameters = 2 * params * kFloat;
    m.optimizer = 2 * params * kFloat;
    m.activations = rows * (5 * units + 2 * inputs) * kFloat;
    m.dataset = dataset_bytes;

    const bool has_layers = !e.model.layers.empty();
    auto layer_cause = [&](std::size_t i) {
        m.cause = layer_setting(e, i);
        m.where = e.model.layers[i].pos;
    };
    if (m.dataset >= std::max(m.parameters + m.optimizer, m.activations)) {
        const bool synthetic = e.data.dataset == "synthetic";
        const std::string key = synthetic ? "data.synthetic_train" : "data.dataset";
        m.cause = synthetic ? key + " = " + std::to_string(e.data.synthetic_train) : key + " = \"" + e.data.dataset + "\"";
        m.where = position_of(e, key);
    } else if (m.activations >= m.parameters + m.optimizer) {
        if (e.training.batch_size >= TrainingSession::kEvalBatch || !has_layers) {
            m.cause = "training.batch_size = " + std::to_string(e.training.batch_size);
            m.where = position_of(e, "training.batch_size");
        } else {
            layer_cause(widest);
        }
    } else if (has_layers) {
        layer_cause(heaviest);
    } else {
        m.cause = "data.dataset = \"" + e.data.dataset + "\" (" + std::to_string(inputs) + " inputs)";
        m.where = position_of(e, "data.dataset");
    }
    return m;
}

void check_memory(const Experiment& e, int inputs, int classes, double dataset_bytes, double budget) {
    const MemoryEstimate m = estimate_memory(e, inputs, classes, dataset_bytes);
    if (m.total() <= budget) return;
    const std::string reason =
        m.cause + ": this run would need about " + bytes_text(m.total()) + " of memory (parameters and gradients " +
        bytes_text(m.parameters) + ", optimizer state " + bytes_text(m.optimizer) + ", activations " +
        bytes_text(m.activations) + " for batches of " +
        std::to_string(std::max(e.training.batch_size, TrainingSession::kEvalBatch)) + ", dataset " +
        bytes_text(m.dataset) + "); soma uses " + (budget == static_cast<double>(memory_budget())
                                                       ? memory_budget_text()
                                                       : "at most " + bytes_text(budget));
    if (m.where.file.empty()) throw Error(reason);
    throw ConfigError(m.where, reason);
}

void check_memory(const Experiment& e, int inputs, int classes, double dataset_bytes) {
    check_memory(e, inputs, classes, dataset_bytes, static_cast<double>(memory_budget()));
}

}  // namespace soma
