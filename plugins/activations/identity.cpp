// identity: no activation at all, for a purely linear layer that still names one.
//   f(x) = x                           f'(x) = 1
// oneDNN's eltwise_linear with alpha = 1, beta = 0 (f = alpha x + beta). The
// derivative is constant, so the backward reads nothing of x: it is declared
// as reading the output and fuses into dense as a post-op.
#include "soma/elementwise.h"

namespace {

struct Identity {
    static constexpr bool uses_input = false;
    float f(float x) const { return x; }
    float df(float, float) const { return 1.f; }
    std::optional<soma::FusedEltwise> fused() const {
        return soma::FusedEltwise{dnnl::algorithm::eltwise_linear, dnnl::algorithm::eltwise_linear, 1.f, 0.f};
    }
    std::string onnx(soma::OnnxGraph& g, const std::string& x) const { return g.op("Identity", {x}); }
};

}  // namespace

SOMA_ACTIVATION_PLUGIN(Identity, .name = "identity", .version = "1.0.0", .help = "f(x) = x; fused", .init = "xavier")
