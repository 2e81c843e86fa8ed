// softsign: a sigmoid-shaped curve with polynomial instead of exponential tails.
//   f(x) = x / (1 + |x|)               f'(x) = 1 / (1 + |x|)^2 = (1 - |y|)^2
// oneDNN 2.6 has no softsign algorithm, so it always runs on the generic path;
// the derivative reads only the output.
#include <cmath>

#include "soma/elementwise.h"

namespace {

struct Softsign {
    static constexpr bool uses_input = false;
    float f(float x) const { return x / (1.f + std::fabs(x)); }  // |f| < 1, no overflow
    float df(float, float y) const {
        const float d = 1.f - std::fabs(y);
        return d * d;
    }
    std::string onnx(soma::OnnxGraph& g, const std::string& x) const { return g.op("Softsign", {x}); }
};

}  // namespace

SOMA_ACTIVATION_PLUGIN(Softsign, .name = "softsign", .version = "1.0.0",
                       .help = "x / (1 + |x|); generic", .init = "xavier")
