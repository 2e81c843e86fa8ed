// What a plugin's register_features receives: one call per feature it adds.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "soma/activation.h"
#include "soma/layer.h"
#include "soma/onnx.h"
#include "soma/optimizer.h"
#include "soma/params.h"

namespace soma {

enum class Kind { activation, layer, optimizer };

inline const char* kind_name(Kind k) {
    switch (k) {
        case Kind::activation: return "activation";
        case Kind::layer: return "layer";
        case Kind::optimizer: return "optimizer";
    }
    return "?";
}

using ActivationFactory = std::function<std::unique_ptr<Activation>(const Params&)>;
// Layers get their params and the units from the config (e.g. dense width).
using LayerFactory = std::function<std::unique_ptr<Layer>(const Params&)>;
using OptimizerFactory = std::function<std::unique_ptr<Optimizer>(const Params&)>;

struct FeatureInfo {
    std::string help;             // one line for `soma plugins`
    std::vector<ParamSpec> params;
    std::string preferred_init;   // activations: "xavier" or "he"
    // Activations and layers: the nodes `soma export --onnx` writes for it
    // (soma/onnx.h); empty: ONNX export refuses a model using it.
    OnnxForm onnx = {};  // (the initializer: brace-initialising the fields above stays warning-free)
};

class Registrar {
public:
    virtual ~Registrar() = default;
    virtual void add_activation(const std::string& name, FeatureInfo info, ActivationFactory make) = 0;
    virtual void add_layer(const std::string& name, FeatureInfo info, LayerFactory make) = 0;
    virtual void add_optimizer(const std::string& name, FeatureInfo info, OptimizerFactory make) = 0;
};

}  // namespace soma
