// `soma inspect`: what a model file holds, as a person reads it and as JSON:
// its description, parameter count, statistics of every tensor, the units
// that are dead on a sample of the data, where it was made (provenance) and
// the config it was trained from. A model file is untrusted input: the
// printer's caller makes the text terminal-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "plugin/folders.h"  // PluginPermission
#include "model/model_file.h"

namespace soma {

class Registry;
class TrainedModel;
struct Split;

struct InspectOptions {
    // A model file (model-*.soma, checkpoint.soma) or a run folder, whose
    // model `model` chooses as soma eval does (run_model_file).
    std::filesystem::path target;
    ModelSelection model = ModelSelection::best;
    // --set overrides of the config the data comes from (a run folder's
    // config.toml, else the file's config section); --data NAME arrives here
    // as "data.dataset=NAME".
    std::vector<std::string> overrides;
    // Dead units are counted on the first `samples` test samples; 0 reads
    // the file alone (no data, no network, no plugins).
    std::size_t samples = 1000;
    PluginPermission permission;
};

// mean, std (population), min and max of a tensor's finite values.
struct TensorStats {
    std::string name;
    TensorRole role = TensorRole::parameter;
    std::vector<int> shape;
    std::size_t count = 0;      // values
    std::size_t nonfinite = 0;  // NaN or infinite values, left out of the statistics
    double mean = 0, std = 0, min = 0, max = 0;
};
TensorStats tensor_stats(const ModelTensor& tensor);

struct LayerInspection {
    LayerDescription layer;
    std::int64_t parameters = 0;  // its parameter tensors' values (buffers not counted)
    std::vector<TensorStats> tensors;
    // Units whose output (after the activation) was exactly 0 for every
    // sample measured; -1 when not measured.
    int dead = -1;
};

struct ModelInspection {
    std::filesystem::path file;
    std::string note;  // e.g. why --model best read model-last.soma
    ModelFile model;
    std::vector<LayerInspection> layers;  // one per description layer
    std::vector<TensorStats> unplaced;    // tensors whose name names no layer of the description
    std::string data;                     // the dataset dead units were counted on
    std::size_t samples = 0;              // how many test samples; 0: not measured
};

// For each layer of the model's network, the units whose output is exactly
// 0 for every one of the split's first `samples` images (inference mode; the
// output after the layer's activation, fused or not).
std::vector<int> dead_units(TrainedModel& model, const Split& split, std::size_t samples);

// The whole command: the file (or the run folder's model), read; with
// samples > 0 the network built through the registry's plugins and run on
// the test data the config (with the overrides) names.
ModelInspection inspect_model(const InspectOptions& options, Registry& registry);

// As a person reads it (fitted to `width` columns but the config, which is
// printed as the file holds it), and as JSON for scripts.
void print_inspection(std::ostream& out, const ModelInspection& m, std::size_t width);
std::string inspection_json(const ModelInspection& m);

}  // namespace soma
