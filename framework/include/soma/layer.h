// The layer interface: a trainable (or not) stage that maps [batch, inputs]
// to [batch, outputs] with oneDNN, optionally with a fused activation.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <oneapi/dnnl/dnnl.hpp>

#include "soma/activation.h"
#include "soma/init.h"
#include "soma/state.h"
#include "soma/tensor.h"

namespace soma {

// How to draw initial weights; scale is for uniform and normal.
struct InitSpec {
    InitScheme scheme = InitScheme::xavier;
    double scale = 0.05;  // uniform / normal weights, and biases unless zero
    BiasInit bias = BiasInit::zero;
    std::uint64_t seed = 0;
};

struct LayerContext {
    dnnl::engine engine;
    dnnl::stream stream;
    int inputs = 0;     // features per sample coming in
    int max_batch = 0;  // the largest batch forward/backward will see
    // An activation to apply as a post-op; set only when can_fuse() is true.
    std::optional<FusedEltwise> fused;
    InitSpec init;
    std::uint64_t seed = 0;  // for layers with randomness (dropout)
};

class Layer {
public:
    virtual ~Layer() = default;

    // Whether configure() accepts a fused eltwise post-op.
    virtual bool can_fuse() const { return false; }
    // Shapes are known: create primitives and buffers, draw initial weights.
    virtual void configure(const LayerContext& ctx) = 0;
    // Features per sample going out; valid after configure().
    virtual int outputs() const = 0;
    // Trainable tensors, in a stable order; empty for layers without any.
    virtual std::vector<ParamTensor> parameters() { return {}; }

    // y = layer(x).   x: [batch, inputs] -> returns y: [batch, outputs], a
    // buffer the layer owns, valid until the next forward. training selects
    // forward_training (saves what backward needs) or inference behaviour.
    virtual const float* forward(const float* x, int batch, bool training) = 0;
    // x: [batch, inputs] as given to the last forward, dy: [batch, outputs]
    // -> dx: [batch, inputs] (overwritten; null skips it, e.g. first layer).
    // Parameter gradients are overwritten, not accumulated.
    virtual void backward(const float* x, const float* dy, float* dx, int batch) = 0;

    // State that is not trained but that inference needs, in a stable order
    // (batch_norm's running mean and variance); grad is null. A model file
    // keeps these beside the parameters. Empty for layers without any.
    virtual std::vector<ParamTensor> buffers() { return {}; }

    // State that training carries from one step to the next besides the
    // parameters and buffers (soma/state.h): dropout's random generator.
    // Valid after configure(); a checkpoint saves it, a resume writes it back.
    virtual std::vector<StateBlock> state() { return {}; }
};

}  // namespace soma
