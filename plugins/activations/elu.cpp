// elu: the exponential linear unit, smooth for x < 0 and saturating at -alpha.
//   f(x) = x if x > 0 else alpha (e^x - 1)      f'(x) = 1 if x > 0 else alpha e^x
//                                                     = 1 if y > 0 else y + alpha
// The derivative needs only the output, so oneDNN fuses it into dense
// (eltwise_elu, eltwise_elu_use_dst_for_bwd, which requires alpha >= 0).
#include <cmath>

#include "soma/elementwise.h"

namespace {

struct Elu {
    explicit Elu(const soma::Params& p) : alpha(static_cast<float>(p.get("alpha"))) {}
    static constexpr bool uses_input = false;
    float alpha;
    // expm1 is exact near 0 and tends to -1 without overflow for x -> -inf.
    float f(float x) const { return x > 0.f ? x : alpha * std::expm1(x); }
    float df(float, float y) const { return y > 0.f ? 1.f : y + alpha; }
    std::optional<soma::FusedEltwise> fused() const {
        return soma::FusedEltwise{dnnl::algorithm::eltwise_elu, dnnl::algorithm::eltwise_elu_use_dst_for_bwd,
                                  alpha};
    }
    std::string onnx(soma::OnnxGraph& g, const std::string& x) const {
        return g.op("Elu", {x}, {soma::onnx_float("alpha", alpha)});
    }
};

}  // namespace

SOMA_ACTIVATION_PLUGIN(Elu, .name = "elu", .version = "1.0.0", .help = "x if x > 0 else alpha (e^x - 1); fused",
                       .init = "he", .params = {{"alpha", 1.0, 0.0, 100.0, "value approached as x -> -inf is -alpha"}})
