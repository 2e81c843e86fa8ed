// Between a Network and a model file: what a run saves (its description and
// tensors) and what eval, predict, inspect and export load (the network
// rebuilt through the registry's plugins, with the file's tensors).
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <oneapi/dnnl/dnnl.hpp>

#include "config/experiment.h"
#include "model/model_file.h"
#include "nn/loss.h"
#include "nn/network.h"

namespace soma {

class Registry;

// The description of a network built from `model` (its layers and
// activations, every parameter resolved through the registry), for images of
// rows x cols pixels and the given loss. The run's facts (experiment,
// dataset, epoch) are left for the caller.
ModelDescription describe_model(const Registry& registry, const ModelConfig& model, const Network& network,
                                int rows, int cols, const std::string& loss);

// The network's parameters and buffers, copied (an empty shape becomes {size}).
std::vector<ModelTensor> network_tensors(Network& network);

// The ModelConfig that builds the described network again (Network adds the
// output layer itself).
ModelConfig model_config(const ModelDescription& description);

// The features a model needs from plugins: its layers and activations.
std::vector<std::pair<Kind, std::string>> model_features(const ModelDescription& description);

// Copies every parameter and buffer of `network` from the file's tensor of
// the same name, requiring the same role and shape, and no tensor of the file
// left over; throws soma::Error naming `source` and the first mismatch.
void load_network_tensors(Network& network, const ModelFile& file, const std::string& source);

// A trained network ready for inference. Checks, before building anything,
// that every plugin the model names is loaded (a missing one is named, with
// the known ones and the plugins the run used) and that the network fits in
// memory; then builds it and requires each of its parameters and buffers in
// the file with the same shape, and no tensor of the file left over.
class TrainedModel {
public:
    TrainedModel(ModelFile file, const Registry& registry, const std::string& source, int max_batch = 256);
    static std::unique_ptr<TrainedModel> load(const std::filesystem::path& file, const Registry& registry,
                                              int max_batch = 256);
    ~TrainedModel();

    const ModelFile& file() const { return file_; }
    const ModelDescription& description() const { return file_.description; }
    const std::string& source() const { return source_; }
    Network& network() { return *network_; }
    int inputs() const { return file_.description.features(); }
    int classes() const { return file_.description.classes; }
    int max_batch() const { return max_batch_; }
    LossKind loss() const { return loss_; }

    // Inference: x [batch, inputs] (already scaled) -> [batch, classes], valid
    // until the next call; batch in 1..max_batch().
    const float* forward(const float* x, int batch);

private:
    ModelFile file_;
    std::string source_;
    int max_batch_;
    LossKind loss_;
    dnnl::engine engine_;
    dnnl::stream stream_;
    std::unique_ptr<Network> network_;
};

// What a model's outputs mean per class, for a row of `classes` outputs:
// probabilities (softmax) for a cross-entropy model, the outputs themselves
// for an mse model (trained towards one-hot targets, not logits).
void class_scores(LossKind loss, const float* out, int classes, float* scores);
// "probability" or "output": the word for class_scores' values.
const char* class_score_name(LossKind loss);

}  // namespace soma
