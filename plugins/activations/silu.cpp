// silu (swish with beta = 1): the input gated by its own sigmoid.
//   f(x) = x s,  s = 1 / (1 + e^-x)           f'(x) = s + x s (1 - s) = s (1 + x (1 - s))
// oneDNN's eltwise_swish with alpha = 1 (f = x / (1 + e^(-alpha x))). The
// derivative needs the input, so dense runs it as eltwise beside the inner
// product, keeping z.
#include <cmath>

#include "soma/elementwise.h"

namespace {

struct Silu {
    static constexpr bool uses_input = true;
    // e^-x overflows to inf for x < -88: s = 1/inf = 0 and f = x * 0, no NaN.
    static float s(float x) { return 1.f / (1.f + std::exp(-x)); }
    float f(float x) const { return x * s(x); }
    float df(float x, float) const {
        const float sx = s(x);
        return sx * (1.f + x * (1.f - sx));
    }
    std::optional<soma::FusedEltwise> fused() const {
        return soma::FusedEltwise{dnnl::algorithm::eltwise_swish, dnnl::algorithm::eltwise_swish, 1.f, 0.f,
                                  soma::FusedEltwise::Reads::input};
    }
    // x sigmoid(x)
    std::string onnx(soma::OnnxGraph& g, const std::string& x) const { return g.op("Mul", {x, g.op("Sigmoid", {x})}); }
};

}  // namespace

SOMA_ACTIVATION_PLUGIN(Silu, .name = "silu", .version = "1.0.0",
                       .help = "x sigmoid(x) (swish); oneDNN eltwise", .init = "he")
