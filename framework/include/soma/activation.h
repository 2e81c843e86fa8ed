// The activation interface: an elementwise function with a generic path over
// contiguous float arrays, and an optional oneDNN eltwise algorithm that a
// layer may fuse as a post-op.
#pragma once

#include <cstddef>
#include <optional>

#include <oneapi/dnnl/dnnl.hpp>

namespace soma {

// A oneDNN eltwise algorithm equal to the activation's forward, plus the
// algorithm whose backward computes the gradient from the saved output y
// (e.g. eltwise_logistic / eltwise_logistic_use_dst_for_bwd).
struct FusedEltwise {
    dnnl::algorithm forward;
    dnnl::algorithm backward_from_output;
    float alpha = 0.f;
    float beta = 0.f;
};

class Activation {
public:
    virtual ~Activation() = default;

    // y = f(x).   x, y: [n]
    virtual void forward(const float* x, float* y, std::size_t n) const = 0;
    // dx = dy * f'(x, y), overwriting dx.   x, y, dy, dx: [n]
    // x is null when needs_input() is false.
    virtual void backward(const float* x, const float* y, const float* dy, float* dx,
                          std::size_t n) const = 0;

    // Whether backward reads x; when false the network keeps only y.
    virtual bool needs_input() const { return true; }

    // The fused fast path, if oneDNN has the algorithm.
    virtual std::optional<FusedEltwise> fused() const { return std::nullopt; }
};

}  // namespace soma
