// leaky_relu: relu with a small slope alpha for negative inputs, so no unit
// is ever stuck at zero gradient.
//   f(x) = x if x > 0 else alpha x      f'(x) = 1 if x > 0 else alpha  (= 1 if y > 0 else alpha)
// With alpha >= 0, y > 0 exactly when x > 0, so the derivative needs only the
// output: oneDNN fuses it into dense (eltwise_relu with alpha as the negative
// slope, eltwise_relu_use_dst_for_bwd, which requires alpha >= 0).
#include "soma/elementwise.h"

namespace {

struct LeakyRelu {
    explicit LeakyRelu(const soma::Params& p) : alpha(static_cast<float>(p.get("alpha"))) {}
    static constexpr bool uses_input = false;
    float alpha;
    float f(float x) const { return x > 0.f ? x : alpha * x; }  // NaN -> alpha * NaN = NaN
    float df(float, float y) const { return y > 0.f ? 1.f : alpha; }
    std::optional<soma::FusedEltwise> fused() const {
        return soma::FusedEltwise{dnnl::algorithm::eltwise_relu, dnnl::algorithm::eltwise_relu_use_dst_for_bwd,
                                  alpha};
    }
    std::string onnx(soma::OnnxGraph& g, const std::string& x) const {
        return g.op("LeakyRelu", {x}, {soma::onnx_float("alpha", alpha)});
    }
};

}  // namespace

SOMA_ACTIVATION_PLUGIN(LeakyRelu, .name = "leaky_relu", .version = "1.0.0", .help = "x if x > 0 else alpha x; fused",
                       .init = "he", .params = {{"alpha", 0.01, 0.0, 1.0, "slope for x <= 0"}})
