// softplus: a smooth relu.
//   f(x) = log(1 + e^x)                f'(x) = 1 / (1 + e^-x) = sigmoid(x)
// oneDNN's eltwise_soft_relu (alpha and beta unused in 2.6). Past x = 20,
// e^-x < 2^-28 and log(1 + e^x) = x in float, so f returns x there instead of
// letting e^x overflow. The derivative needs the input, so dense runs it as
// eltwise beside the inner product, keeping z.
#include <cmath>

#include "soma/elementwise.h"

namespace {

struct Softplus {
    static constexpr bool uses_input = true;
    float f(float x) const { return x > 20.f ? x : std::log1p(std::exp(x)); }  // log1p: exact for tiny e^x
    float df(float x, float) const { return 1.f / (1.f + std::exp(-x)); }      // overflow -> 1/inf = 0
    std::optional<soma::FusedEltwise> fused() const {
        return soma::FusedEltwise{dnnl::algorithm::eltwise_soft_relu, dnnl::algorithm::eltwise_soft_relu, 0.f, 0.f,
                                  soma::FusedEltwise::Reads::input};
    }
    std::string onnx(soma::OnnxGraph& g, const std::string& x) const { return g.op("Softplus", {x}); }
};

}  // namespace

SOMA_ACTIVATION_PLUGIN(Softplus, .name = "softplus", .version = "1.0.0",
                       .help = "log(1 + e^x), a smooth relu; oneDNN eltwise", .init = "he")
