// A network assembled from plugins: layers in order, each followed by its
// activation, either fused into the layer (oneDNN post-op, backward from the
// saved output) or run as its own stage through the generic path.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <oneapi/dnnl/dnnl.hpp>

#include "config/experiment.h"
#include "soma/activation.h"
#include "soma/layer.h"

namespace soma {

class Registry;

// One layer or standalone activation in the chain.
struct Stage {
    std::string description;                 // "dense 16 + sigmoid (fused)"
    std::unique_ptr<Layer> layer;            // set for layer stages
    // Standalone activation stages run it; a fused layer stage keeps it only
    // as a record of what oneDNN computes inside the layer.
    std::unique_ptr<Activation> activation;
    bool fused = false;
    int inputs = 0, outputs = 0;
    std::vector<float> out;   // activation stages: y [max_batch, outputs]
    std::vector<float> grad;  // gradient w.r.t. this stage's input [max_batch, inputs]
    const float* last_in = nullptr;   // input of the last forward
    const float* last_out = nullptr;  // output of the last forward
};

struct NetworkOptions {
    int inputs = 784;
    int classes = 10;
    int max_batch = 32;
    std::uint64_t seed = 1;
    // When false, activations with a fused path still run as separate stages
    // (used to test the fast path against the generic one).
    bool allow_fusion = true;
};

class Network {
public:
    // The registry must outlive the network (its objects run plugin code).
    Network(const Registry& registry, const ModelConfig& model, const NetworkOptions& options,
            dnnl::engine engine, dnnl::stream stream);
    ~Network();
    Network(const Network&) = delete;
    Network& operator=(const Network&) = delete;

    // x: [batch, inputs] -> returns [batch, classes], valid until the next forward.
    const float* forward(const float* x, int batch, bool training);
    // Forward above backward: same batch, after a forward with training=true.
    // dout: [batch, classes], gradient of the loss w.r.t. the last forward's
    // output. Writes every parameter's gradient (overwriting).
    void backward(const float* dout, int batch);

    std::vector<ParamTensor> parameters();
    // The layers' buffers (Layer::buffers), named like the parameters:
    // "layer1.running_mean".
    std::vector<ParamTensor> buffers();
    std::size_t parameter_count();
    // The layers' training state (Layer::state, soma/state.h), named like the
    // parameters: "layer<index>.<name>".
    std::vector<StateBlock> state();
    int inputs() const { return options_.inputs; }
    int classes() const { return options_.classes; }
    int max_batch() const { return options_.max_batch; }
    const std::vector<Stage>& stages() const { return stages_; }
    // "784 -> dense 16 + sigmoid (fused) -> dense 16 + sigmoid (fused) -> dense 10"
    std::string describe() const;

private:
    void add_layer(const Registry& registry, const LayerConfig& config, int index,
                   const ModelConfig& model);
    void add_activation_stage(std::unique_ptr<Activation> activation, const std::string& name);
    // Every layer's parameters(), buffers() or state(), prefixed "layer<index>.".
    template <class Item>
    std::vector<Item> layer_items(std::vector<Item> (Layer::*items)());

    NetworkOptions options_;
    dnnl::engine engine_;
    dnnl::stream stream_;
    std::vector<Stage> stages_;
    int width_ = 0;  // outputs of the last stage added
};

}  // namespace soma
