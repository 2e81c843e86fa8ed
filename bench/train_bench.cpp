// soma_bench_train: Google Benchmark on soma itself.
//
//   BM_TrainStep/ARCH/batch:B/threads:T   one whole TrainingSession::step
//       (forward, loss, backward, SGD) of ARCH with sigmoid, for ARCH in
//       784-16-16-10, 784-30-10, 784-100-10, 784-128-64-10, 784-512-256-10.
//   BM_TrainStepActivation/NAME/batch:B   the same step of 784-16-16-10 with
//       every activation plugin found at run time (1 thread).
//   BM_ActivationGeneric/NAME/batch:B/units:U   Activation::forward + backward
//       on [B, U] arrays: the generic path soma runs for an activation that is
//       not fused (1 thread, as soma's generic loop is).
//   BM_ActivationOneDNN/NAME/batch:B/units:U    the activation's fused() pair as
//       oneDNN eltwise forward + backward primitives, built as
//       plugins/layers/dense.cpp builds them (only activations with fused()).
//   BM_InferBatch1/ARCH   forward only, inference mode, batch 1 (1 thread).
//
// items_per_second counts samples (BM_Activation*: elements). Sessions,
// primitives and input batches are made outside the timed loop; threads are
// set with omp_set_num_threads before anything is built. Plugins: the build's
// plugin folder and SOMA_PLUGIN_PATH (e.g. build/bench/plugins for
// sigmoid_generic), as soma finds them.
#include <omp.h>

#include <benchmark/benchmark.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "data/batcher.h"
#include "data/synthetic.h"
#include "plugin/registry.h"
#include "soma/onednn.h"
#include "train/session.h"

namespace {

using dnnl::memory;

soma::Registry& registry() {
    static soma::Registry* r = new soma::Registry();  // never destroyed: plugin code may still be referenced
    return *r;
}

const soma::Dataset& data() {
    static const soma::Dataset d = soma::make_synthetic(2048, 16, 1);
    return d;
}

soma::ModelConfig model(const std::vector<int>& hidden, const std::string& activation) {
    soma::ModelConfig m;
    for (int units : hidden) {
        soma::LayerConfig l;
        l.units = units;
        l.activation = activation;
        m.layers.push_back(l);
    }
    return m;
}

soma::TrainingConfig training(int batch) {
    soma::TrainingConfig t;
    t.batch_size = batch;
    t.optimizer.name = "sgd";  // learning rate 0.1, no momentum
    return t;
}

// Up to 2048 samples cut into batches, scaled once.
struct Batches {
    int batch = 0, count = 0;
    std::vector<std::vector<float>> x;
    std::vector<std::vector<std::int32_t>> labels;

    explicit Batches(int b) : batch(b) {
        const soma::Dataset& d = data();
        soma::Batcher batcher(d.train, d.features(), b, 1, /*shuffle=*/true);
        count = std::min(8, static_cast<int>(d.train.size()) / b);
        for (int i = 0; i < count; ++i) {
            x.emplace_back(static_cast<std::size_t>(b) * d.features());
            labels.emplace_back(static_cast<std::size_t>(b));
            batcher.next(x.back().data(), labels.back().data());
        }
    }
};

struct Arch {
    std::string name;
    std::vector<int> hidden;
};

const std::vector<Arch>& architectures() {
    static const std::vector<Arch> a = {{"784-16-16-10", {16, 16}},
                                        {"784-30-10", {30}},
                                        {"784-100-10", {100}},
                                        {"784-128-64-10", {128, 64}},
                                        {"784-512-256-10", {512, 256}}};
    return a;
}

void run_steps(benchmark::State& state, soma::TrainingSession& session, const Batches& b) {
    int i = 0;
    for (auto _ : state) {
        soma::LossResult r = session.step(b.x[i].data(), b.labels[i].data(), b.batch);
        benchmark::DoNotOptimize(r);
        i = i + 1 == b.count ? 0 : i + 1;
    }
    state.SetItemsProcessed(state.iterations() * b.batch);
}

void BM_TrainStep(benchmark::State& state, const Arch& arch) {
    const int batch = static_cast<int>(state.range(0));
    omp_set_num_threads(static_cast<int>(state.range(1)));
    const soma::Dataset& d = data();
    soma::TrainingSession session(registry(), model(arch.hidden, "sigmoid"), training(batch), d.features(), d.classes,
                                  batch);
    Batches b(batch);
    run_steps(state, session, b);
}

void BM_TrainStepActivation(benchmark::State& state, const std::string& activation) {
    const int batch = static_cast<int>(state.range(0));
    omp_set_num_threads(1);
    const soma::Dataset& d = data();
    soma::TrainingSession session(registry(), model({16, 16}, activation), training(batch), d.features(), d.classes,
                                  batch);
    state.SetLabel(session.network().describe());
    Batches b(batch);
    run_steps(state, session, b);
}

std::vector<float> inputs(std::size_t n) {
    std::vector<float> x(n);
    for (std::size_t i = 0; i < n; ++i) x[i] = static_cast<float>(static_cast<int>(i % 97) - 48) / 8.f;  // [-6, 6]
    return x;
}

void BM_ActivationGeneric(benchmark::State& state, const std::string& name) {
    omp_set_num_threads(1);
    const auto n = static_cast<std::size_t>(state.range(0) * state.range(1));
    std::unique_ptr<soma::Activation> act = registry().make_activation(name);
    std::vector<float> x = inputs(n), y(n), dy(n, 0.1f), dx(n);
    const float* xin = act->needs_input() ? x.data() : nullptr;
    for (auto _ : state) {
        act->forward(x.data(), y.data(), n);
        act->backward(xin, y.data(), dy.data(), dx.data(), n);
        benchmark::DoNotOptimize(dx.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}

void BM_ActivationOneDNN(benchmark::State& state, const std::string& name) {
    omp_set_num_threads(1);
    const int batch = static_cast<int>(state.range(0)), units = static_cast<int>(state.range(1));
    const auto n = static_cast<std::size_t>(batch) * units;
    std::unique_ptr<soma::Activation> act = registry().make_activation(name);
    const soma::FusedEltwise f = *act->fused();
    std::vector<float> x = inputs(n), y(n), dy(n, 0.1f), dx(n);
    dnnl::engine eng(dnnl::engine::kind::cpu, 0);
    dnnl::stream stream(eng);
    const memory::desc md({batch, units}, memory::data_type::f32, memory::format_tag::nc);
    dnnl::eltwise_forward fwd(dnnl::eltwise_forward::primitive_desc(
        dnnl::eltwise_forward::desc(dnnl::prop_kind::forward_training, f.forward, md, f.alpha, f.beta), eng));
    // As dense: the backward's hint is the forward of the backward's algorithm.
    dnnl::eltwise_forward::primitive_desc hint_pd(
        dnnl::eltwise_forward::desc(dnnl::prop_kind::forward_training, f.backward, md, f.alpha, f.beta), eng);
    dnnl::eltwise_backward bwd(dnnl::eltwise_backward::primitive_desc(
        dnnl::eltwise_backward::desc(f.backward, md, md, f.alpha, f.beta), eng, hint_pd));
    memory src(md, eng, x.data()), dst(md, eng, y.data()), diff_dst(md, eng, dy.data()), diff_src(md, eng, dx.data());
    const bool reads_output = f.backward_reads == soma::FusedEltwise::Reads::output;
    const soma::ExecArgs fwd_args{{DNNL_ARG_SRC, &src}, {DNNL_ARG_DST, &dst}};
    const soma::ExecArgs bwd_args{{DNNL_ARG_DST, &dst},
                                  {DNNL_ARG_SRC, reads_output ? &dst : &src},
                                  {DNNL_ARG_DIFF_DST, &diff_dst},
                                  {DNNL_ARG_DIFF_SRC, &diff_src}};
    for (auto _ : state) {
        fwd_args.execute(fwd, stream);
        bwd_args.execute(bwd, stream);
        stream.wait();
        benchmark::DoNotOptimize(dx.data());
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
}

void BM_InferBatch1(benchmark::State& state, const Arch& arch) {
    omp_set_num_threads(1);
    const soma::Dataset& d = data();
    soma::TrainingSession session(registry(), model(arch.hidden, "sigmoid"), training(1), d.features(), d.classes, 1);
    Batches b(1);
    soma::Network& net = session.network();
    int i = 0;
    for (auto _ : state) {
        const float* out = net.forward(b.x[i].data(), 1, /*training=*/false);
        benchmark::DoNotOptimize(out[0]);
        i = i + 1 == b.count ? 0 : i + 1;
    }
    state.SetItemsProcessed(state.iterations());
}

}  // namespace

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    for (const soma::LoadError& e : registry().load_folders(soma::default_plugin_folders()))
        std::fprintf(stderr, "soma_bench_train: %s\n", e.message.c_str());
    if (!registry().has(soma::Kind::layer, "dense") || !registry().has(soma::Kind::optimizer, "sgd") ||
        !registry().has(soma::Kind::activation, "sigmoid")) {
        std::fprintf(stderr, "soma_bench_train: the plugins dense, sgd and sigmoid were not found (build them first)\n");
        return 1;
    }

    for (const Arch& a : architectures())
        benchmark::RegisterBenchmark(("BM_TrainStep/" + a.name).c_str(), BM_TrainStep, a)
            ->ArgsProduct({{1, 32, 256}, {1, 2}})
            ->ArgNames({"batch", "threads"});
    const std::vector<std::string> activations = registry().names(soma::Kind::activation);
    for (const std::string& name : activations)
        benchmark::RegisterBenchmark(("BM_TrainStepActivation/" + name).c_str(), BM_TrainStepActivation, name)
            ->ArgName("batch")
            ->Arg(32)
            ->Arg(256);
    for (const std::string& name : activations) {
        benchmark::RegisterBenchmark(("BM_ActivationGeneric/" + name).c_str(), BM_ActivationGeneric, name)
            ->Args({32, 16})
            ->Args({256, 100})
            ->ArgNames({"batch", "units"});
        if (registry().make_activation(name)->fused())
            benchmark::RegisterBenchmark(("BM_ActivationOneDNN/" + name).c_str(), BM_ActivationOneDNN, name)
                ->Args({32, 16})
                ->Args({256, 100})
                ->ArgNames({"batch", "units"});
    }
    for (const Arch& a : architectures())
        benchmark::RegisterBenchmark(("BM_InferBatch1/" + a.name).c_str(), BM_InferBatch1, a);

    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
