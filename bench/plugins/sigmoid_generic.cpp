// sigmoid_generic: the logistic function written as a plugin author would,
// with no oneDNN algorithm, so soma runs it through the generic path (its own
// stage after each dense layer). The benchmarks compare it with the built-in
// sigmoid, which oneDNN fuses into the inner product. Two versions: with
// soma::exp, as the README and `soma plugin new` teach, and with std::exp,
// which GCC cannot vectorise (the difference is the point of soma/math.h).
//   f(x) = 1 / (1 + e^-x)            f'(x) = y (1 - y)
#include <cmath>

#include "soma/elementwise.h"
#include "soma/math.h"
#include "soma/plugin.h"

namespace {

struct SigmoidGeneric {
    static constexpr bool uses_input = false;
    float f(float x) const { return 1.f / (1.f + soma::exp(-x)); }
    float df(float, float y) const { return y * (1.f - y); }
};

struct SigmoidGenericStd {
    static constexpr bool uses_input = false;
    float f(float x) const { return 1.f / (1.f + std::exp(-x)); }
    float df(float, float y) const { return y * (1.f - y); }
};

void register_features(soma::Registrar& r) {
    soma::add_elementwise<SigmoidGeneric>(
        r, {.name = "sigmoid_generic", .help = "logistic 1/(1+e^-x), soma::exp, generic path (benchmark)", .init = "xavier"});
    soma::add_elementwise<SigmoidGenericStd>(r, {.name = "sigmoid_generic_std",
                                                 .help = "logistic 1/(1+e^-x), std::exp, generic path (benchmark)",
                                                 .init = "xavier"});
}

}  // namespace

SOMA_PLUGIN("sigmoid_generic", "1.0.0", register_features)
