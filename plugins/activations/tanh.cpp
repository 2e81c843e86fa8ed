// tanh: the hyperbolic tangent, a zero-centred sigmoid.
//   f(x) = tanh(x) = (e^x - e^-x) / (e^x + e^-x)      f'(x) = 1 - tanh(x)^2 = 1 - y^2
// The derivative needs only the output, so oneDNN can fuse it into dense
// (eltwise_tanh forward, eltwise_tanh_use_dst_for_bwd backward).
#include <cmath>

#include "soma/elementwise.h"
#include "soma/plugin.h"

namespace {

struct Tanh {
    explicit Tanh(const soma::Params&) {}
    static constexpr bool uses_input = false;
    float f(float x) const { return std::tanh(x); }  // saturates to +-1, never overflows
    float df(float, float y) const { return 1.f - y * y; }
    std::optional<soma::FusedEltwise> fused() const {
        return soma::FusedEltwise{dnnl::algorithm::eltwise_tanh, dnnl::algorithm::eltwise_tanh_use_dst_for_bwd};
    }
};

void register_features(soma::Registrar& r) {
    soma::add_elementwise<Tanh>(r, "tanh", {"hyperbolic tangent; fused", {}, "xavier"});
}

}  // namespace

SOMA_PLUGIN("tanh", "1.0.0", register_features)
