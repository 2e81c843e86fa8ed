// mish: the input gated by tanh of its softplus.
//   sp(x) = log(1 + e^x),  t = tanh(sp(x))
//   f(x) = x t                         f'(x) = t + x (1 - t^2) sigmoid(x)
// oneDNN's eltwise_mish. softplus returns x past 20 (where it equals x in
// float) so e^x never overflows, and sigmoid's e^-x overflow gives 1/inf = 0.
// The derivative needs the input, so dense runs it as eltwise beside the
// inner product, keeping z.
#include <cmath>

#include "soma/elementwise.h"

namespace {

struct Mish {
    static constexpr bool uses_input = true;
    static float softplus(float x) { return x > 20.f ? x : std::log1p(std::exp(x)); }
    float f(float x) const { return x * std::tanh(softplus(x)); }
    float df(float x, float) const {
        const float t = std::tanh(softplus(x));
        const float sigmoid = 1.f / (1.f + std::exp(-x));
        return t + x * (1.f - t * t) * sigmoid;
    }
    std::optional<soma::FusedEltwise> fused() const {
        return soma::FusedEltwise{dnnl::algorithm::eltwise_mish, dnnl::algorithm::eltwise_mish, 0.f, 0.f,
                                  soma::FusedEltwise::Reads::input};
    }
    // x tanh(softplus(x))
    std::string onnx(soma::OnnxGraph& g, const std::string& x) const {
        return g.op("Mul", {x, g.op("Tanh", {g.op("Softplus", {x})})});
    }
};

}  // namespace

SOMA_ACTIVATION_PLUGIN(Mish, .name = "mish", .version = "1.0.0",
                       .help = "x tanh(softplus(x)); oneDNN eltwise", .init = "he")
