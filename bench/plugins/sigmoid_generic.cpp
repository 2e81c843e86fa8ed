// sigmoid_generic: the logistic function written as an ordinary plugin author
// would, with no oneDNN algorithm, so soma runs it through the generic path
// (its own stage after each dense layer). The benchmarks compare it with the
// built-in sigmoid, which oneDNN fuses into the inner product.
//   f(x) = 1 / (1 + e^-x)            f'(x) = y (1 - y)
#include <cmath>

#include "soma/elementwise.h"
#include "soma/plugin.h"

namespace {

struct SigmoidGeneric {
    explicit SigmoidGeneric(const soma::Params&) {}
    static constexpr bool uses_input = false;
    float f(float x) const { return 1.f / (1.f + std::exp(-x)); }
    float df(float, float y) const { return y * (1.f - y); }
};

void register_features(soma::Registrar& r) {
    soma::add_elementwise<SigmoidGeneric>(r, "sigmoid_generic",
                                          {"logistic 1/(1+e^-x) through the generic path (benchmark)", {}, "xavier"});
}

}  // namespace

SOMA_PLUGIN("sigmoid_generic", "1.0.0", register_features)
