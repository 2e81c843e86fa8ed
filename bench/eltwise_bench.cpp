// Sigmoid forward + backward over n elements: oneDNN eltwise (forward
// eltwise_logistic, backward eltwise_logistic_use_dst_for_bwd, the pair soma's
// dense fuses) against a plain C++ loop of the same function, written like
// soma's generic activation path (soma/elementwise.h with plugins' sigmoid):
//   y = 1 / (1 + exp(-x))        dx = dy * (y * (1 - y))
// This is the yardstick for "generic forward plus backward within 2x of
// oneDNN's eltwise". n = 1024, 32*16 (batch 32 x 16 units), 256*100.
// items_per_second counts elements. oneDNN's thread count is OMP_NUM_THREADS;
// the generic loop is single-threaded, as soma's is.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstddef>
#include <unordered_map>
#include <vector>

#include <oneapi/dnnl/dnnl.hpp>

namespace {

using dnnl::memory;

std::vector<float> inputs(std::size_t n) {
    std::vector<float> x(n);
    for (std::size_t i = 0; i < n; ++i) x[i] = static_cast<float>(static_cast<int>(i % 97) - 48) / 8.f;  // [-6, 6]
    return x;
}

// Kept out of line, as soma's are (virtual calls into a plugin).
[[gnu::noinline]] void generic_forward(const float* x, float* y, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) y[i] = 1.f / (1.f + std::exp(-x[i]));
}
[[gnu::noinline]] void generic_backward(const float* y, const float* dy, float* dx, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) dx[i] = dy[i] * (y[i] * (1.f - y[i]));
}

void BM_SigmoidOneDNN(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    std::vector<float> x = inputs(n), y(n), dy(n, 0.1f), dx(n);
    dnnl::engine eng(dnnl::engine::kind::cpu, 0);
    dnnl::stream stream(eng);
    const memory::desc md({static_cast<memory::dim>(n)}, memory::data_type::f32, memory::format_tag::x);
    dnnl::eltwise_forward::primitive_desc fwd_pd(
        dnnl::eltwise_forward::desc(dnnl::prop_kind::forward_training, dnnl::algorithm::eltwise_logistic, md, 0.f, 0.f),
        eng);
    // The backward's hint is the forward of the algorithm it uses.
    dnnl::eltwise_forward::primitive_desc hint_pd(
        dnnl::eltwise_forward::desc(dnnl::prop_kind::forward_training,
                                    dnnl::algorithm::eltwise_logistic_use_dst_for_bwd, md, 0.f, 0.f),
        eng);
    dnnl::eltwise_forward fwd(fwd_pd);
    dnnl::eltwise_backward bwd(dnnl::eltwise_backward::primitive_desc(
        dnnl::eltwise_backward::desc(dnnl::algorithm::eltwise_logistic_use_dst_for_bwd, md, md, 0.f, 0.f), eng,
        hint_pd));
    memory src(md, eng, x.data()), dst(md, eng, y.data()), diff_dst(md, eng, dy.data()), diff_src(md, eng, dx.data());
    const std::unordered_map<int, memory> fwd_args{{DNNL_ARG_SRC, src}, {DNNL_ARG_DST, dst}};
    const std::unordered_map<int, memory> bwd_args{
        {DNNL_ARG_DST, dst}, {DNNL_ARG_DIFF_DST, diff_dst}, {DNNL_ARG_DIFF_SRC, diff_src}};
    for (auto _ : state) {
        fwd.execute(stream, fwd_args);
        bwd.execute(stream, bwd_args);
        stream.wait();
        benchmark::DoNotOptimize(dx.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}

void BM_SigmoidGeneric(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    std::vector<float> x = inputs(n), y(n), dy(n, 0.1f), dx(n);
    for (auto _ : state) {
        generic_forward(x.data(), y.data(), n);
        generic_backward(y.data(), dy.data(), dx.data(), n);
        benchmark::DoNotOptimize(dx.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}

BENCHMARK(BM_SigmoidOneDNN)->ArgName("n")->Arg(1024)->Arg(32 * 16)->Arg(256 * 100);
BENCHMARK(BM_SigmoidGeneric)->ArgName("n")->Arg(1024)->Arg(32 * 16)->Arg(256 * 100);

}  // namespace
