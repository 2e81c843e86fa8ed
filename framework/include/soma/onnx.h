// An activation's or a layer's ONNX form: the nodes `soma export --onnx`
// writes for it. A plugin describes them through OnnxGraph, which soma's exporter implements
// over ONNX's own classes, so a plugin neither links libonnx nor sees
// protobuf. The graph is opset 13, default domain, float32 tensors of shape
// [N, units]; an op's inputs are value names (the activation's input, other
// ops' outputs, scalar constants), and ONNX broadcasts a scalar over a tensor.
//
//   // silu: x sigmoid(x)
//   std::string onnx(soma::OnnxGraph& g, const std::string& x) const {
//       return g.op("Mul", {x, g.op("Sigmoid", {x})});
//   }
//   // leaky_relu with its parameter as the op's attribute
//   return g.op("LeakyRelu", {x}, {soma::onnx_float("alpha", alpha)});
//
// (elementwise.h: that member beside f and df is the hook; any other
// activation, and a layer, sets FeatureInfo::onnx, registrar.h.) A layer
// reaches its trained tensors by the names its parameters() and buffers()
// give them:
//   // dense: y = x W^T + b
//   return g.op("Gemm", {x, g.tensor("weights"), g.tensor("bias")}, {soma::onnx_int("transB", 1)});
// The operators and their
// attributes: https://onnx.ai/onnx/operators/ (opset 13). ONNX's checker runs
// on the whole graph before soma writes it, so an unknown op or a wrong
// attribute is refused by name at export.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "soma/params.h"

namespace soma {

// A node attribute: ONNX's FLOAT or INT (alpha, beta, axis...).
struct OnnxAttribute {
    enum class Type { real, integer };
    std::string name;
    Type type = Type::real;
    float real = 0.f;
    std::int64_t integer = 0;
};
inline OnnxAttribute onnx_float(std::string name, double value) {
    return {std::move(name), OnnxAttribute::Type::real, static_cast<float>(value), 0};
}
inline OnnxAttribute onnx_int(std::string name, std::int64_t value) {
    return {std::move(name), OnnxAttribute::Type::integer, 0.f, value};
}

// The graph being written, as far as a layer or an activation needs it.
class OnnxGraph {
public:
    virtual ~OnnxGraph() = default;
    // Adds a node of operator `type` with one output; returns the output's name.
    virtual std::string op(const std::string& type, const std::vector<std::string>& inputs,
                           const std::vector<OnnxAttribute>& attributes = {}) = 0;
    // A float32 scalar constant; returns its name.
    virtual std::string scalar(float value) = 0;
    // A layer's own parameter or buffer `name` (Layer::parameters(),
    // buffers()) with its trained values; returns its name. Throws for a
    // name the layer does not have, and for an activation (which has none).
    virtual std::string tensor(const std::string& name) = 0;
};

// A feature's ONNX form: the nodes computing its output from `input` (the
// activation's f, the layer's inference forward) for its resolved
// parameters; returns the output's name.
using OnnxForm = std::function<std::string(OnnxGraph& graph, const std::string& input, const Params& params)>;

}  // namespace soma
