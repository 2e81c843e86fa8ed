// tanh: the hyperbolic tangent, a zero-centred sigmoid.
//   f(x) = tanh(x) = (e^x - e^-x) / (e^x + e^-x)      f'(x) = 1 - tanh(x)^2 = 1 - y^2
// The derivative needs only the output, so oneDNN can fuse it into dense
// (eltwise_tanh forward, eltwise_tanh_use_dst_for_bwd backward).
#include <cmath>

#include "soma/elementwise.h"

namespace {

struct Tanh {
    static constexpr bool uses_input = false;
    float f(float x) const { return std::tanh(x); }  // saturates to +-1, never overflows
    float df(float, float y) const { return 1.f - y * y; }
    std::optional<soma::FusedEltwise> fused() const {
        return soma::FusedEltwise{dnnl::algorithm::eltwise_tanh, dnnl::algorithm::eltwise_tanh_use_dst_for_bwd};
    }
    std::string onnx(soma::OnnxGraph& g, const std::string& x) const { return g.op("Tanh", {x}); }
};

}  // namespace

SOMA_ACTIVATION_PLUGIN(Tanh, .name = "tanh", .version = "1.0.0", .help = "hyperbolic tangent; fused", .init = "xavier")
