// gelu: the Gaussian error linear unit, tanh approximation (BERT, GPT-2),
// exactly oneDNN's eltwise_gelu_tanh.
//   g(x) = sqrt(2/pi) (x + 0.044715 x^3)          g'(x) = sqrt(2/pi) (1 + 3 * 0.044715 x^2)
//   f(x) = x/2 (1 + tanh g) = x s,  s = sigmoid(2g)
//   f'(x) = 1/2 (1 + tanh g) (1 + x (1 - tanh g) g') = s (1 + 2 x (1 - s) g')
// The sigmoid form (1 + tanh g) / 2 = 1 / (1 + e^-2g) is the same function
// without the cancellation of 1 + tanh g for x < 0. The derivative needs the
// input, so oneDNN runs it as eltwise beside the inner product (dense keeps z).
#include <cmath>

#include "soma/elementwise.h"

namespace {

constexpr float kSqrt2OverPi = 0.7978845608028654f;
constexpr float kFit = 0.044715f;

struct Gelu {
    static constexpr bool uses_input = true;
    // Past |x| = 30, s is exactly 0 or 1 in float; the guard also keeps x^3
    // from overflowing for huge x (which would give 0 * inf = NaN in f').
    float f(float x) const {
        if (x > 30.f) return x;
        if (x < -30.f) return 0.f;
        return x * s(x);
    }
    float df(float x, float) const {
        if (x > 30.f) return 1.f;
        if (x < -30.f) return 0.f;
        const float sx = s(x);
        const float dg = kSqrt2OverPi * (1.f + 3.f * kFit * x * x);
        return sx * (1.f + 2.f * x * (1.f - sx) * dg);
    }
    static float s(float x) {
        const float g = kSqrt2OverPi * x * (1.f + kFit * x * x);
        return 1.f / (1.f + std::exp(-2.f * g));  // exp overflow -> 1/inf = 0
    }
    std::optional<soma::FusedEltwise> fused() const {
        return soma::FusedEltwise{dnnl::algorithm::eltwise_gelu_tanh, dnnl::algorithm::eltwise_gelu_tanh, 0.f, 0.f,
                                  soma::FusedEltwise::Reads::input};
    }
    // x sigmoid(2 g(x)), as f: ONNX 13 has no Gelu.
    std::string onnx(soma::OnnxGraph& g, const std::string& x) const {
        const std::string cube = g.op("Mul", {x, g.op("Mul", {x, x})});
        const std::string inner = g.op("Add", {x, g.op("Mul", {cube, g.scalar(kFit)})});
        const std::string two_g = g.op("Mul", {inner, g.scalar(2.f * kSqrt2OverPi)});
        return g.op("Mul", {x, g.op("Sigmoid", {two_g})});
    }
};

}  // namespace

SOMA_ACTIVATION_PLUGIN(Gelu, .name = "gelu", .version = "1.0.0",
                       .help = "x/2 (1 + tanh(sqrt(2/pi)(x + 0.044715 x^3))); oneDNN eltwise", .init = "he")
