// Dense layer micro benchmarks: oneDNN inner product (f32, "nc" x "oi" + bias),
// forward_training and backward (backward_data + backward_weights with bias),
// over batch x in x out. Primitives, memories and argument maps are built
// outside the timed loop; each iteration executes and waits on the stream.
// items_per_second counts samples (batch rows). oneDNN's thread count is
// OMP_NUM_THREADS (default: all cores).
#include <benchmark/benchmark.h>

#include <unordered_map>
#include <vector>

#include <oneapi/dnnl/dnnl.hpp>

namespace {

using dnnl::memory;
using tag = memory::format_tag;
using dt = memory::data_type;

struct DenseSetup {
    dnnl::engine eng{dnnl::engine::kind::cpu, 0};
    dnnl::stream stream{eng};
    std::vector<float> x, w, b, y, dy, dx, dw, db;
    dnnl::inner_product_forward::primitive_desc fwd_pd;
    dnnl::inner_product_forward fwd;
    dnnl::inner_product_backward_data bwd_data;
    dnnl::inner_product_backward_weights bwd_weights;
    std::unordered_map<int, memory> fwd_args, bwd_data_args, bwd_weights_args;

    DenseSetup(int batch, int in, int out)
        : x(static_cast<std::size_t>(batch) * in, 0.5f),
          w(static_cast<std::size_t>(out) * in, 0.01f),
          b(out, 0.f),
          y(static_cast<std::size_t>(batch) * out),
          dy(static_cast<std::size_t>(batch) * out, 0.1f),
          dx(static_cast<std::size_t>(batch) * in),
          dw(w.size()),
          db(out) {
        const memory::desc src_md({batch, in}, dt::f32, tag::nc);
        const memory::desc dst_md({batch, out}, dt::f32, tag::nc);
        const memory::desc w_md({out, in}, dt::f32, tag::oi);
        const memory::desc b_md({out}, dt::f32, tag::x);
        fwd_pd = dnnl::inner_product_forward::primitive_desc(
            dnnl::inner_product_forward::desc(dnnl::prop_kind::forward_training, src_md, w_md, b_md, dst_md), eng);
        fwd = dnnl::inner_product_forward(fwd_pd);
        bwd_data = dnnl::inner_product_backward_data(dnnl::inner_product_backward_data::primitive_desc(
            dnnl::inner_product_backward_data::desc(src_md, w_md, dst_md), eng, fwd_pd));
        bwd_weights = dnnl::inner_product_backward_weights(dnnl::inner_product_backward_weights::primitive_desc(
            dnnl::inner_product_backward_weights::desc(src_md, w_md, b_md, dst_md), eng, fwd_pd));
        memory src(src_md, eng, x.data()), wm(w_md, eng, w.data()), bm(b_md, eng, b.data());
        memory dst(dst_md, eng, y.data()), diff_dst(dst_md, eng, dy.data()), diff_src(src_md, eng, dx.data());
        memory dwm(w_md, eng, dw.data()), dbm(b_md, eng, db.data());
        fwd_args = {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, wm}, {DNNL_ARG_BIAS, bm}, {DNNL_ARG_DST, dst}};
        bwd_data_args = {{DNNL_ARG_DIFF_DST, diff_dst}, {DNNL_ARG_WEIGHTS, wm}, {DNNL_ARG_DIFF_SRC, diff_src}};
        bwd_weights_args = {
            {DNNL_ARG_SRC, src}, {DNNL_ARG_DIFF_DST, diff_dst}, {DNNL_ARG_DIFF_WEIGHTS, dwm}, {DNNL_ARG_DIFF_BIAS, dbm}};
    }
};

void BM_DenseForward(benchmark::State& state) {
    const int batch = static_cast<int>(state.range(0));
    DenseSetup s(batch, static_cast<int>(state.range(1)), static_cast<int>(state.range(2)));
    for (auto _ : state) {
        s.fwd.execute(s.stream, s.fwd_args);
        s.stream.wait();
        benchmark::DoNotOptimize(s.y.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(state.iterations() * batch);
}

void BM_DenseBackward(benchmark::State& state) {
    const int batch = static_cast<int>(state.range(0));
    DenseSetup s(batch, static_cast<int>(state.range(1)), static_cast<int>(state.range(2)));
    for (auto _ : state) {
        s.bwd_data.execute(s.stream, s.bwd_data_args);
        s.bwd_weights.execute(s.stream, s.bwd_weights_args);
        s.stream.wait();
        benchmark::DoNotOptimize(s.dx.data());
        benchmark::DoNotOptimize(s.dw.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(state.iterations() * batch);
}

void DenseArgs(benchmark::internal::Benchmark* b) {
    b->ArgsProduct({{1, 32, 256}, {784, 16, 100}, {10, 16, 100}})->ArgNames({"batch", "in", "out"});
}

BENCHMARK(BM_DenseForward)->Apply(DenseArgs);
BENCHMARK(BM_DenseBackward)->Apply(DenseArgs);

}  // namespace
