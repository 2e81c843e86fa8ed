// The activation interface: an elementwise function with a generic path over
// contiguous float arrays, and an optional oneDNN eltwise algorithm that a
// layer may fuse as a post-op.
#pragma once

#include <cstddef>
#include <optional>

#include <oneapi/dnnl/dnnl.hpp>

namespace soma {

// The activation as oneDNN eltwise algorithms: `forward` computes f, and
// `backward` is the eltwise_backward algorithm for f'. When the backward reads
// only the output y (the *_use_dst_for_bwd algorithms, or a constant
// derivative like linear's) a layer fuses f as a post-op and keeps nothing
// else; when it reads the input x (gelu, swish, mish, ...) the layer keeps the
// pre-activation and runs the eltwise primitives beside the inner product.
struct FusedEltwise {
    enum class Reads { output, input };
    dnnl::algorithm forward;
    dnnl::algorithm backward;
    float alpha = 0.f;
    float beta = 0.f;
    Reads backward_reads = Reads::output;
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

    // The oneDNN fast path, if oneDNN has the algorithm.
    virtual std::optional<FusedEltwise> fused() const { return std::nullopt; }
};

}  // namespace soma
