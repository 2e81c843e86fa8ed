// Makes an activation out of two functions. A plugin writes a struct
//   struct Fn {
//       static constexpr bool uses_input = true;  // false if df reads only y
//       float f(float x) const;                   // y = f(x)
//       float df(float x, float y) const;         // f'(x), may use y = f(x)
//       explicit Fn(const soma::Params& p);       // only with parameters (alpha...)
//       std::optional<soma::FusedEltwise> fused() const;  // optional: oneDNN's algorithms
//       std::string onnx(soma::OnnxGraph& g, const std::string& x) const;  // optional: ONNX form (onnx.h)
//   };
// and declares the whole plugin (a library with this one activation) in one line:
//   SOMA_ACTIVATION_PLUGIN(Fn, .name = "relu", .version = "1.0.0", .help = "max(0, x); fused", .init = "he")
// with `.params = {{"alpha", 0.01, 0.0, 1.0, "slope for x <= 0"}}` last when
// it has parameters. A library with several activations registers each with
// soma::add_elementwise<Fn>(registrar, {.name = ..., ...}) and uses SOMA_PLUGIN.
#pragma once

#include <concepts>
#include <cstddef>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "soma/activation.h"
#include "soma/math.h"
#include "soma/onnx.h"
#include "soma/plugin.h"
#include "soma/registrar.h"

namespace soma {

// An activation's registration: the designated fields of SOMA_ACTIVATION_PLUGIN.
// (Designated fields keep this order; left out, a text is empty.)
struct ActivationSpec {
    const char* name = "";               // the activation, and the plugin library
    const char* version = "";            // the plugin's own version, e.g. "1.0.0" (SOMA_ACTIVATION_PLUGIN)
    const char* help = "";               // one line for `soma plugins`
    const char* init = "";               // preferred weight initialisation: "he" or "xavier"
    std::vector<ParamSpec> params = {};  // its parameters, if any
};

namespace detail {
template <class F>
concept HasFused = requires(const F& f) { f.fused(); };
template <class F>
concept HasOnnx = requires(const F& f, OnnxGraph& g, const std::string& x) {
    { f.onnx(g, x) } -> std::convertible_to<std::string>;
};
template <class F>
concept ElementwiseFunctions = requires(const F& fn, float v) {
    { F::uses_input } -> std::convertible_to<bool>;
    { fn.f(v) } -> std::convertible_to<float>;
    { fn.df(v, v) } -> std::convertible_to<float>;
};
}  // namespace detail

template <class F>
class ElementwiseActivation final : public Activation {
    static_assert(detail::ElementwiseFunctions<F>,
                  "an elementwise activation needs float f(float) const, float df(float x, float y) const and "
                  "static constexpr bool uses_input");

public:
    explicit ElementwiseActivation(F fn) : fn_(std::move(fn)) {}

    void forward(const float* x, float* y, std::size_t n) const override { forward_loop(fn_, x, y, n); }
    void backward(const float* x, const float* y, const float* dy, float* dx,
                  std::size_t n) const override {
        backward_loop(fn_, x, y, dy, dx, n);
    }
    bool needs_input() const override { return F::uses_input; }
    std::optional<FusedEltwise> fused() const override {
        if constexpr (detail::HasFused<F>) return fn_.fused();
        else return std::nullopt;
    }

private:
    // y = f(x).   x, y: [n]
    SOMA_VECTOR_CLONES static void forward_loop(const F fn, const float* __restrict x, float* __restrict y,
                                                std::size_t n) {
        for (std::size_t i = 0; i < n; ++i) y[i] = fn.f(x[i]);
    }
    // dx = dy * f'(x, y).   x, y, dy, dx: [n]; x unused when !F::uses_input:
    // df then gets NaN for x, so a df that reads x all the same gives NaN
    // (which `soma plugin check` traces back to uses_input) rather than a
    // plausible wrong gradient. A df that ignores x compiles to the same code.
    SOMA_VECTOR_CLONES static void backward_loop(const F fn, const float* __restrict x, const float* __restrict y,
                                                 const float* __restrict dy, float* __restrict dx, std::size_t n) {
        if constexpr (F::uses_input) {
            for (std::size_t i = 0; i < n; ++i) dx[i] = dy[i] * fn.df(x[i], y[i]);
        } else {
            constexpr float no_input = std::numeric_limits<float>::quiet_NaN();
            for (std::size_t i = 0; i < n; ++i) dx[i] = dy[i] * fn.df(no_input, y[i]);
        }
    }

    F fn_;
};

// F made from the validated parameters when it has a constructor taking
// them, else default-constructed.
template <class F>
F make_elementwise(const Params& p) {
    if constexpr (std::is_constructible_v<F, const Params&>) return F(p);
    else return F{};
}

// Registers F under spec.name, with F::onnx as its ONNX form when F has one.
template <class F>
void add_elementwise(Registrar& r, const ActivationSpec& spec) {
    FeatureInfo info{spec.help, spec.params, spec.init};
    if constexpr (detail::HasOnnx<F>)
        info.onnx = [](OnnxGraph& g, const std::string& x, const Params& p) {
            return std::string(make_elementwise<F>(p).onnx(g, x));
        };
    r.add_activation(spec.name, std::move(info), [](const Params& p) -> std::unique_ptr<Activation> {
        return std::make_unique<ElementwiseActivation<F>>(make_elementwise<F>(p));
    });
}

}  // namespace soma

// A plugin library holding one elementwise activation: the marker, the entry
// point and the registration, the name written once. At namespace scope.
#define SOMA_ACTIVATION_PLUGIN(TYPE, ...)                                                          \
    namespace {                                                                                    \
    const soma::ActivationSpec soma_activation_spec{__VA_ARGS__};                                  \
    void soma_register_activation(soma::Registrar& r) { soma::add_elementwise<TYPE>(r, soma_activation_spec); } \
    }                                                                                              \
    SOMA_PLUGIN(soma_activation_spec.name, soma_activation_spec.version, soma_register_activation)
