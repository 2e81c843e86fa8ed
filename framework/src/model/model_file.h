// A model file (model-last.soma, model-best.soma): a trained network with
// everything needed to run it again and to say where it came from. Its
// sections in the container of model/container.h (docs/model-format.md):
//   description  JSON: input shape and scaling, classes, loss, the layers with
//                their plugins' names and parameters, which epoch it is
//   provenance   JSON: model/provenance.h
//   config       TOML text: the resolved experiment it was trained from
//   tensors      binary: every parameter and buffer, named and shaped
// A checkpoint is a model file with more sections; the reader keeps the
// sections it does not know (ModelFile::other) untouched.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "model/container.h"
#include "model/provenance.h"
#include "util/name_table.h"

namespace soma {

// A parameter is trained by the optimizer; a buffer is other state inference
// needs (batch_norm's running mean and variance).
enum class TensorRole : std::uint8_t { parameter = 0, buffer = 1 };

struct ModelTensor {
    std::string name;  // "layer0.weights": layer index (as Network::parameters() counts) and the layer's name
    TensorRole role = TensorRole::parameter;
    std::vector<int> shape;    // e.g. {units, inputs}; {} for a scalar
    std::vector<float> values;  // product of shape, row-major
};

// One layer of the network as the plugins build it: the layer, then its
// activation (none when empty).
struct LayerDescription {
    std::string type;  // layer plugin feature: "dense"
    int units = 0;     // 0 for layers that take no units
    std::map<std::string, double> params;  // the layer's parameters, resolved
    std::string activation;
    std::map<std::string, double> activation_params;
    int inputs = 0, outputs = 0;  // features per sample in and out
};

// Which of a run's epochs a model holds.
enum class ModelSelection { last, best };
inline constexpr auto model_selection_names =
    name_table<ModelSelection>({{ModelSelection::last, "last"}, {ModelSelection::best, "best"}});

struct ModelDescription {
    int input_rows = 0, input_cols = 0;  // the image; the network sees rows * cols features
    // Each uint8 pixel p enters the network as p * (1 / input_divisor), in
    // float32, row by row (data/batcher.h). soma knows one scaling: 255.
    int input_divisor = 255;
    int classes = 0;
    std::string loss;  // cross_entropy | mse (nn/loss.h)
    // Hidden layers, then the output layer (dense, units = classes).
    std::vector<LayerDescription> layers;
    std::string network;          // Network::describe(): "784 -> dense 16 + sigmoid (fused) -> ..."
    std::int64_t parameters = 0;  // trainable values (the parameter tensors' sizes summed)
    std::string experiment;       // the run's experiment name
    std::string dataset;          // what it was trained on ("mnist")
    int epoch = 0;                // the epoch whose end state this is
    int epochs = 0;               // epochs the run had trained when it was written
    ModelSelection selection = ModelSelection::last;

    int features() const { return input_rows * input_cols; }
};

struct ModelFile {
    ModelDescription description;
    Provenance provenance;
    std::string config;  // the experiment as TOML; may be empty
    std::vector<ModelTensor> tensors;
    std::vector<Section> other;  // sections this soma does not know, as read
};

inline constexpr std::size_t max_tensor_name_bytes = 256;
inline constexpr std::size_t max_json_section_bytes = std::size_t{16} << 20;  // description, provenance
inline constexpr int max_tensor_rank = 8;
inline constexpr int max_model_layers = 1000;
inline constexpr int max_input_side = 1 << 15;
inline constexpr int max_layer_width = 1 << 24;

// The model's sections (description, provenance, config, tensors, then
// `other`), ready for write_container.
std::vector<Section> model_sections(const ModelFile& model);
// Reads the model's sections back, checking each and the description against
// the tensors; unknown sections go to `other`. Throws soma::Error naming
// `source` and what is wrong.
ModelFile model_from_sections(std::vector<Section> sections, const std::string& source);

void write_model_file(const std::filesystem::path& file, const ModelFile& model, bool sync = true);
ModelFile read_model_file(const std::filesystem::path& file);

// The description as the file's description section holds it.
Json description_json(const ModelDescription& description);

// "[16, 784]"
std::string shape_text(const std::vector<int>& shape);

// The tensor called `name`, or null.
const ModelTensor* find_tensor(const ModelFile& model, const std::string& name);

}  // namespace soma
