// sigmoid: the logistic function, the "squishification" of 3Blue1Brown's video.
//   f(x) = 1 / (1 + e^-x)            f'(x) = f(x) (1 - f(x)) = y (1 - y)
// The derivative needs only the output, so oneDNN can fuse it into dense.
#include "soma/elementwise.h"

namespace {

struct Sigmoid {
    static constexpr bool uses_input = false;
    // soma::exp vectorises (std::exp does not); exp overflow gives 1/inf = 0.
    float f(float x) const { return 1.f / (1.f + soma::exp(-x)); }
    float df(float, float y) const { return y * (1.f - y); }
    std::optional<soma::FusedEltwise> fused() const {
        return soma::FusedEltwise{dnnl::algorithm::eltwise_logistic,
                                  dnnl::algorithm::eltwise_logistic_use_dst_for_bwd};
    }
    std::string onnx(soma::OnnxGraph& g, const std::string& x) const { return g.op("Sigmoid", {x}); }
};

}  // namespace

SOMA_ACTIVATION_PLUGIN(Sigmoid, .name = "sigmoid", .version = "1.0.0", .help = "logistic 1/(1+e^-x); fused",
                       .init = "xavier")
