// Makes an activation out of two functions. A plugin writes a struct
//   struct Fn {
//       explicit Fn(const soma::Params& p);       // read parameters (alpha...)
//       float f(float x) const;                   // y = f(x)
//       float df(float x, float y) const;         // f'(x), may use y = f(x)
//       static constexpr bool uses_input = true;  // false if df reads only y
//       std::optional<soma::FusedEltwise> fused() const;  // optional
//   };
// and registers it with soma::add_elementwise<Fn>(registrar, "name", info).
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "soma/activation.h"
#include "soma/math.h"
#include "soma/registrar.h"

namespace soma {

namespace detail {
template <class F>
concept HasFused = requires(const F& f) { f.fused(); };
}



template <class F>
class ElementwiseActivation final : public Activation {
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
    // dx = dy * f'(x, y).   x, y, dy, dx: [n]; x unused when !F::uses_input
    SOMA_VECTOR_CLONES static void backward_loop(const F fn, const float* __restrict x, const float* __restrict y,
                                                 const float* __restrict dy, float* __restrict dx, std::size_t n) {
        if constexpr (F::uses_input) {
            for (std::size_t i = 0; i < n; ++i) dx[i] = dy[i] * fn.df(x[i], y[i]);
        } else {
            for (std::size_t i = 0; i < n; ++i) dx[i] = dy[i] * fn.df(0.f, y[i]);
        }
    }

    F fn_;
};

template <class F>
void add_elementwise(Registrar& r, const std::string& name, FeatureInfo info) {
    r.add_activation(name, std::move(info), [](const Params& p) -> std::unique_ptr<Activation> {
        return std::make_unique<ElementwiseActivation<F>>(F(p));
    });
}

}  // namespace soma
