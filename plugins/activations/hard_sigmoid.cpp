// hard_sigmoid: a piecewise-linear sigmoid, as PyTorch's Hardsigmoid.
//   f(x) = clip(x/6 + 1/2, 0, 1)       f'(x) = 1/6 if -3 < x < 3 else 0  (= 1/6 if 0 < y < 1)
// oneDNN 2.6 has no hardsigmoid algorithm (only hardswish), so it always runs
// on the generic path; the derivative reads only the output.
#include "soma/elementwise.h"

namespace {

struct HardSigmoid {
    static constexpr bool uses_input = false;
    float f(float x) const {
        const float v = x / 6.f + 0.5f;
        return v < 0.f ? 0.f : (v > 1.f ? 1.f : v);  // written so NaN passes through
    }
    float df(float, float y) const { return y > 0.f && y < 1.f ? 1.f / 6.f : 0.f; }
    // ONNX's HardSigmoid is max(0, min(1, alpha x + beta)).
    std::string onnx(soma::OnnxGraph& g, const std::string& x) const {
        return g.op("HardSigmoid", {x}, {soma::onnx_float("alpha", 1.f / 6.f), soma::onnx_float("beta", 0.5f)});
    }
};

}  // namespace

SOMA_ACTIVATION_PLUGIN(HardSigmoid, .name = "hard_sigmoid", .version = "1.0.0",
                       .help = "clip(x/6 + 1/2, 0, 1); generic", .init = "xavier")
