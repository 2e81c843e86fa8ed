// relu: the rectified linear unit that modern networks prefer to sigmoid.
//   f(x) = max(0, x)                 f'(x) = 1 if x > 0 else 0  (= 1 if y > 0)
// The derivative needs only the output, so oneDNN can fuse it into dense.
// f(NaN) = 0, on both paths: fused, oneDNN computes max(x, 0) with IEEE 754's
// maxNum rule (vmaxps returns 0 for NaN) and none of its relu settings keeps
// NaN, so the generic f does the same and the network computes one function
// fused or not (`soma plugin check` compares the paths at NaN). A NaN stops
// at a relu: divergence shows in the loss or the parameters, not through it.
#include "soma/elementwise.h"

namespace {

struct Relu {
    static constexpr bool uses_input = false;
    float f(float x) const { return x > 0.f ? x : 0.f; }  // NaN -> 0, as oneDNN
    float df(float, float y) const { return y > 0.f ? 1.f : 0.f; }
    std::optional<soma::FusedEltwise> fused() const {
        return soma::FusedEltwise{dnnl::algorithm::eltwise_relu, dnnl::algorithm::eltwise_relu_use_dst_for_bwd};
    }
    std::string onnx(soma::OnnxGraph& g, const std::string& x) const { return g.op("Relu", {x}); }
};

}  // namespace

SOMA_ACTIVATION_PLUGIN(Relu, .name = "relu", .version = "1.0.0", .help = "max(0, x); fused", .init = "he")
