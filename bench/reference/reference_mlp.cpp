// soma_reference_mlp: a minimal hand-written oneDNN training loop for an MLP,
// the yardstick for soma's overhead. It uses NO soma code: its own IDX reader,
// shuffle, loss, SGD and oneDNN plumbing.
//
//   soma_reference_mlp [--arch 784-16-16-10] [--activation sigmoid|relu]
//                      [--batch 32] [--threads 1] [--epochs 2] [--lr 0.1]
//                      [--seed 1] [--data DIR] [--ip-pass]
//                      [--infer-latency N]
//
// Network: dense layers (oneDNN inner product, weights "oi", bias); every hidden
// layer's activation is a post-op of its inner product (eltwise_logistic or
// eltwise_relu) with the *_use_dst_for_bwd eltwise backward; the last layer's
// outputs are logits for a softmax cross-entropy (plain loop); plain SGD.
// Initialisation: xavier uniform for sigmoid, he normal for relu, bias 0.
// Data: Fashion-MNIST from DIR (default /usr/share/datasets/fashion-mnist),
// {train,t10k}-{images-idx3,labels-idx1}-ubyte.gz, kept as uint8 and scaled by
// 1/255 batch by batch. The training order is a Fisher-Yates shuffle per epoch;
// the last partial batch is trained too (its own primitives). Primitives and
// argument maps are made before the first step, once per batch size (training
// batch, its partial tail, evaluation batch 256 and its tail, 1); a step
// allocates nothing.
//
// OUTPUT (stable; one record per line, space-separated key=value, parse by key;
// keys may be appended at the end of a line in future, never removed/renamed):
//   config arch=784-16-16-10 activation=sigmoid batch=32 threads=1 epochs=2 lr=0.1 seed=1 train=60000 test=10000
//   epoch=1 seconds=S samples_per_second=R ip_seconds=P test_accuracy=A train_loss=L
//       [ip_pass_seconds=Q]            (only with --ip-pass)
//   latency samples=N p50_us=U p99_us=V mean_us=M       (only with --infer-latency)
// seconds: wall time of the epoch's training steps (gather+scale, forward,
//   loss, backward, SGD); evaluation is not included.
//   Epoch 1 includes oneDNN's one-time lazy sgemm JIT generation (~20 ms on
//   the first inner-product execute of the process); compare epochs >= 2 for
//   steady state.
// samples_per_second: training samples of the epoch / seconds.
// ip_seconds: the part of `seconds` spent inside the inner-product primitives
//   (forward with its fused post-op, backward_data, backward_weights), timed
//   around each execute in the real loop (see "Why time in place" below).
// test_accuracy: fraction of the 10,000 test samples classified correctly
//   after the epoch. train_loss: mean cross-entropy over the epoch's batches.
// ip_pass_seconds: a second pass after the epoch, outside `seconds`, that
//   executes only the inner products over the same sequence of batches.
// latency: with --infer-latency N and --epochs 0 (the default in that mode)
//   no training happens (latency does not depend on the weights' values); N
//   random test samples (seeded) are classified one at a time, batch 1
//   (scale + forward_inference of every layer + argmax), after 100 untimed
//   warm-up samples; percentiles in microseconds.
//
// Why time in place: timing each inner-product execute inside the real
// epoch measures exactly the time those primitives take in that loop, with
// the caches and OpenMP thread wake-ups the surrounding code leaves them, so
// seconds - ip_seconds is the cost of everything else. The clock reads cost
// ~2 x 20 ns per execute (under 0.1% of an epoch). A second pass that runs
// only the inner products back to back keeps weights hot and OpenMP threads
// spinning, so it is a lower bound nobody's training loop reaches; it is
// available as ip_pass_seconds for comparison but is not what ip_seconds means.
#include <omp.h>
#include <zlib.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include <oneapi/dnnl/dnnl.hpp>

namespace {

using dnnl::memory;
using tag = memory::format_tag;
using dt = memory::data_type;
using clock_type = std::chrono::steady_clock;
using ArgMap = std::unordered_map<int, memory>;

// ---- IDX (gzip or plain; gzread reads both) --------------------------------
struct Idx {
    std::vector<std::uint32_t> dims;
    std::vector<std::uint8_t> data;
};

Idx read_idx(const std::string& path) {
    gzFile gz = gzopen(path.c_str(), "rb");
    if (!gz) throw std::runtime_error(path + ": cannot open");
    std::vector<std::uint8_t> bytes;
    std::uint8_t buf[1 << 16];
    int n;
    while ((n = gzread(gz, buf, sizeof buf)) > 0) bytes.insert(bytes.end(), buf, buf + n);
    const bool failed = n < 0;
    gzclose(gz);
    if (failed) throw std::runtime_error(path + ": gzip read error");
    if (bytes.size() < 4 || bytes[0] || bytes[1] || bytes[2] != 0x08)
        throw std::runtime_error(path + ": not an unsigned-byte IDX file");
    Idx idx;
    const std::size_t rank = bytes[3];
    if (bytes.size() < 4 + 4 * rank) throw std::runtime_error(path + ": truncated header");
    std::size_t count = 1;
    for (std::size_t d = 0; d < rank; ++d) {
        const std::uint8_t* p = &bytes[4 + 4 * d];
        idx.dims.push_back(std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | p[3]);
        count *= idx.dims.back();
    }
    const std::size_t header = 4 + 4 * rank;
    if (bytes.size() != header + count) throw std::runtime_error(path + ": size does not match its dimensions");
    idx.data.assign(bytes.begin() + static_cast<std::ptrdiff_t>(header), bytes.end());
    return idx;
}

struct Set {
    std::vector<std::uint8_t> images;  // [n, features]
    std::vector<std::uint8_t> labels;  // [n]
    int n = 0, features = 0;
};

Set load_set(const std::string& dir, const std::string& prefix) {
    Idx images = read_idx(dir + "/" + prefix + "-images-idx3-ubyte.gz");
    Idx labels = read_idx(dir + "/" + prefix + "-labels-idx1-ubyte.gz");
    if (images.dims.size() != 3 || labels.dims.size() != 1 || images.dims[0] != labels.dims[0])
        throw std::runtime_error(dir + "/" + prefix + ": unexpected IDX shapes");
    Set s;
    s.n = static_cast<int>(images.dims[0]);
    s.features = static_cast<int>(images.dims[1] * images.dims[2]);
    s.images = std::move(images.data);
    s.labels = std::move(labels.data);
    return s;
}

// ---- options ---------------------------------------------------------------
struct Options {
    std::vector<int> arch{784, 16, 16, 10};
    std::string arch_text = "784-16-16-10";
    std::string activation = "sigmoid";
    int batch = 32, threads = 1, epochs = 2, latency_samples = 0;
    bool epochs_given = false, ip_pass = false;
    float lr = 0.1f;
    std::uint64_t seed = 1;
    std::string data = "/usr/share/datasets/fashion-mnist";
};

[[noreturn]] void usage(const char* why) {
    std::fprintf(stderr,
                 "soma_reference_mlp: %s\nusage: soma_reference_mlp [--arch 784-16-16-10] [--activation sigmoid|relu] "
                 "[--batch 32] [--threads 1] [--epochs 2] [--lr 0.1] [--seed 1] [--data DIR] [--ip-pass] "
                 "[--infer-latency N]\n",
                 why);
    std::exit(2);
}

int to_int(const std::string& s, const char* what, int min) {
    char* end = nullptr;
    const long v = std::strtol(s.c_str(), &end, 10);
    if (s.empty() || *end || v < min || v > 100000000) usage((std::string("bad ") + what + ": " + s).c_str());
    return static_cast<int>(v);
}

Options parse(int argc, char** argv) {
    Options o;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--ip-pass") {
            o.ip_pass = true;
            continue;
        }
        if (a == "--help" || a == "-h") usage("help");
        if (i + 1 >= argc) usage(("missing value for " + a).c_str());
        const std::string v = argv[++i];
        if (a == "--arch") {
            o.arch.clear();
            o.arch_text = v;
            std::size_t start = 0;
            for (;;) {
                const std::size_t dash = v.find('-', start);
                o.arch.push_back(to_int(v.substr(start, dash - start), "arch", 1));
                if (dash == std::string::npos) break;
                start = dash + 1;
            }
            if (o.arch.size() < 2) usage("arch needs at least inputs-outputs");
        } else if (a == "--activation") {
            if (v != "sigmoid" && v != "relu") usage("activation must be sigmoid or relu");
            o.activation = v;
        } else if (a == "--batch") {
            o.batch = to_int(v, "batch", 1);
        } else if (a == "--threads") {
            o.threads = to_int(v, "threads", 1);
        } else if (a == "--epochs") {
            o.epochs = to_int(v, "epochs", 0);
            o.epochs_given = true;
        } else if (a == "--lr") {
            o.lr = std::strtof(v.c_str(), nullptr);
        } else if (a == "--seed") {
            o.seed = std::strtoull(v.c_str(), nullptr, 10);
        } else if (a == "--data") {
            o.data = v;
        } else if (a == "--infer-latency") {
            o.latency_samples = to_int(v, "infer-latency", 1);
        } else {
            usage(("unknown option " + a).c_str());
        }
    }
    if (o.latency_samples && !o.epochs_given) o.epochs = 0;
    return o;
}

// ---- the network -----------------------------------------------------------
struct Layer {
    int in = 0, out = 0;
    bool hidden = false;  // has the fused activation
    std::vector<float> w, b, dw, db;
    memory w_mem, b_mem, dw_mem, db_mem;
};

// Everything that depends on the batch size.
struct Plan {
    int batch = 0;
    struct PerLayer {
        dnnl::inner_product_forward fwd_training, fwd_inference;
        dnnl::inner_product_backward_data bwd_data;  // not for layer 0
        dnnl::inner_product_backward_weights bwd_weights;
        dnnl::eltwise_backward act_bwd;  // hidden layers only
        ArgMap fwd_args, bwd_data_args, bwd_weights_args, act_bwd_args;
    };
    std::vector<PerLayer> layers;
};

struct Net {
    std::vector<Layer> layers;
    // Activations: acts[0] = x, acts[l+1] = output of layer l. [max_batch, width]
    std::vector<std::vector<float>> acts;
    // grads[l] = dL/d(output of layer l-1) = d acts[l]; dpre[l] = dL/dz of layer l.
    std::vector<std::vector<float>> grads, dpre;
    int max_batch = 0;
    dnnl::algorithm fwd_alg, bwd_alg;
};

Plan make_plan(Net& net, const dnnl::engine& eng, int batch) {
    Plan p;
    p.batch = batch;
    const std::size_t L = net.layers.size();
    p.layers.resize(L);
    for (std::size_t l = 0; l < L; ++l) {
        Layer& ly = net.layers[l];
        Plan::PerLayer& pl = p.layers[l];
        const memory::desc src_md({batch, ly.in}, dt::f32, tag::nc);
        const memory::desc dst_md({batch, ly.out}, dt::f32, tag::nc);
        const memory::desc w_md({ly.out, ly.in}, dt::f32, tag::oi);
        const memory::desc b_md({ly.out}, dt::f32, tag::x);
        dnnl::primitive_attr attr;
        if (ly.hidden) {
            dnnl::post_ops ops;
            ops.append_eltwise(1.f, net.fwd_alg, 0.f, 0.f);
            attr.set_post_ops(ops);
        }
        auto make_fwd = [&](dnnl::prop_kind kind) {
            dnnl::inner_product_forward::desc d(kind, src_md, w_md, b_md, dst_md);
            return dnnl::inner_product_forward::primitive_desc(d, attr, eng);
        };
        auto fwd_pd = make_fwd(dnnl::prop_kind::forward_training);
        pl.fwd_training = dnnl::inner_product_forward(fwd_pd);
        pl.fwd_inference = dnnl::inner_product_forward(make_fwd(dnnl::prop_kind::forward_inference));

        memory src(src_md, eng, net.acts[l].data());
        memory dst(dst_md, eng, net.acts[l + 1].data());
        memory diff_dst(dst_md, eng, net.grads[l + 1].data());
        // Without an activation dz is dy itself.
        memory diff_pre = ly.hidden ? memory(dst_md, eng, net.dpre[l].data()) : diff_dst;
        pl.fwd_args = {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, ly.w_mem}, {DNNL_ARG_BIAS, ly.b_mem}, {DNNL_ARG_DST, dst}};

        if (ly.hidden) {
            dnnl::eltwise_forward::desc hint_d(dnnl::prop_kind::forward_training, net.bwd_alg, dst_md, 0.f, 0.f);
            dnnl::eltwise_forward::primitive_desc hint_pd(hint_d, eng);
            dnnl::eltwise_backward::desc d(net.bwd_alg, dst_md, dst_md, 0.f, 0.f);
            pl.act_bwd = dnnl::eltwise_backward(dnnl::eltwise_backward::primitive_desc(d, eng, hint_pd));
            pl.act_bwd_args = {{DNNL_ARG_DST, dst}, {DNNL_ARG_DIFF_DST, diff_dst}, {DNNL_ARG_DIFF_SRC, diff_pre}};
        }
        if (l > 0) {
            dnnl::inner_product_backward_data::desc d(src_md, w_md, dst_md);
            pl.bwd_data = dnnl::inner_product_backward_data(
                dnnl::inner_product_backward_data::primitive_desc(d, eng, fwd_pd));
            pl.bwd_data_args = {{DNNL_ARG_DIFF_DST, diff_pre},
                                {DNNL_ARG_WEIGHTS, ly.w_mem},
                                {DNNL_ARG_DIFF_SRC, memory(src_md, eng, net.grads[l].data())}};
        }
        dnnl::inner_product_backward_weights::desc d(src_md, w_md, b_md, dst_md);
        pl.bwd_weights = dnnl::inner_product_backward_weights(
            dnnl::inner_product_backward_weights::primitive_desc(d, eng, fwd_pd));
        pl.bwd_weights_args = {{DNNL_ARG_SRC, src},
                               {DNNL_ARG_DIFF_DST, diff_pre},
                               {DNNL_ARG_DIFF_WEIGHTS, ly.dw_mem},
                               {DNNL_ARG_DIFF_BIAS, ly.db_mem}};
    }
    return p;
}

Net make_net(const Options& o, const dnnl::engine& eng, int max_batch) {
    Net net;
    const bool sigmoid = o.activation == "sigmoid";
    net.fwd_alg = sigmoid ? dnnl::algorithm::eltwise_logistic : dnnl::algorithm::eltwise_relu;
    net.bwd_alg = sigmoid ? dnnl::algorithm::eltwise_logistic_use_dst_for_bwd
                          : dnnl::algorithm::eltwise_relu_use_dst_for_bwd;
    net.max_batch = max_batch;
    std::mt19937_64 rng(o.seed);
    const std::size_t L = o.arch.size() - 1;
    for (std::size_t l = 0; l < L; ++l) {
        Layer ly;
        ly.in = o.arch[l];
        ly.out = o.arch[l + 1];
        ly.hidden = l + 1 < L;
        const std::size_t nw = static_cast<std::size_t>(ly.in) * ly.out;
        ly.w.resize(nw);
        if (sigmoid) {
            std::uniform_real_distribution<float> u(-1.f, 1.f);
            const float a = std::sqrt(6.f / static_cast<float>(ly.in + ly.out));
            for (float& v : ly.w) v = a * u(rng);
        } else {
            std::normal_distribution<float> g(0.f, std::sqrt(2.f / static_cast<float>(ly.in)));
            for (float& v : ly.w) v = g(rng);
        }
        ly.b.assign(ly.out, 0.f);
        ly.dw.assign(nw, 0.f);
        ly.db.assign(ly.out, 0.f);
        ly.w_mem = memory({{ly.out, ly.in}, dt::f32, tag::oi}, eng, ly.w.data());
        ly.b_mem = memory({{ly.out}, dt::f32, tag::x}, eng, ly.b.data());
        ly.dw_mem = memory({{ly.out, ly.in}, dt::f32, tag::oi}, eng, ly.dw.data());
        ly.db_mem = memory({{ly.out}, dt::f32, tag::x}, eng, ly.db.data());
        net.layers.push_back(std::move(ly));
    }
    for (std::size_t l = 0; l <= L; ++l) {
        const std::size_t n = static_cast<std::size_t>(max_batch) * o.arch[l];
        net.acts.emplace_back(n, 0.f);
        net.grads.emplace_back(n, 0.f);
    }
    for (std::size_t l = 0; l < L; ++l)
        net.dpre.emplace_back(static_cast<std::size_t>(max_batch) * o.arch[l + 1], 0.f);
    return net;
}

// Rows `idx[0..b)` of the set into acts[0], scaled to [0,1].
void gather(const Set& s, const std::uint32_t* idx, int b, float* x) {
    constexpr float scale = 1.f / 255.f;
    const std::size_t f = static_cast<std::size_t>(s.features);
    for (int n = 0; n < b; ++n) {
        const std::uint8_t* src = s.images.data() + idx[n] * f;
        float* dst = x + n * f;
        for (std::size_t j = 0; j < f; ++j) dst[j] = static_cast<float>(src[j]) * scale;
    }
}

int argmax(const float* z, int k) {
    int best = 0;
    for (int j = 1; j < k; ++j)
        if (z[j] > z[best]) best = j;
    return best;
}

// Softmax cross-entropy over logits z [b, k]; writes dL/dz (mean over the
// batch) into g, returns the summed loss and counts correct predictions.
double softmax_xent(const float* z, const std::uint8_t* labels_all, const std::uint32_t* idx, int b, int k,
                    float* g, long& correct) {
    double loss = 0;
    const float inv_b = 1.f / static_cast<float>(b);
    for (int n = 0; n < b; ++n) {
        const float* zn = z + static_cast<std::size_t>(n) * k;
        float* gn = g + static_cast<std::size_t>(n) * k;
        const int label = labels_all[idx[n]];
        const int top = argmax(zn, k);
        correct += top == label;
        const float zmax = zn[top];
        float sum = 0;
        for (int j = 0; j < k; ++j) sum += (gn[j] = std::exp(zn[j] - zmax));
        const float inv_sum = 1.f / sum;
        loss += std::log(sum) - (zn[label] - zmax);
        for (int j = 0; j < k; ++j) gn[j] = (gn[j] * inv_sum - (j == label ? 1.f : 0.f)) * inv_b;
    }
    return loss;
}

struct Trainer {
    Net& net;
    dnnl::stream& stream;
    float lr;
    double ip_seconds = 0;

    void timed(const dnnl::primitive& p, const ArgMap& args) {
        const auto t0 = clock_type::now();
        p.execute(stream, args);
        stream.wait();
        ip_seconds += std::chrono::duration<double>(clock_type::now() - t0).count();
    }

    // One SGD step on the batch already in acts[0]; returns the summed loss.
    double step(Plan& p, const Set& s, const std::uint32_t* idx, long& correct) {
        const std::size_t L = net.layers.size();
        for (std::size_t l = 0; l < L; ++l) timed(p.layers[l].fwd_training, p.layers[l].fwd_args);
        const int k = net.layers.back().out;
        const double loss = softmax_xent(net.acts[L].data(), s.labels.data(), idx, p.batch, k, net.grads[L].data(),
                                          correct);
        for (std::size_t l = L; l-- > 0;) {
            Plan::PerLayer& pl = p.layers[l];
            if (net.layers[l].hidden) {
                pl.act_bwd.execute(stream, pl.act_bwd_args);
                stream.wait();
            }
            timed(pl.bwd_weights, pl.bwd_weights_args);
            if (l > 0) timed(pl.bwd_data, pl.bwd_data_args);
        }
        for (Layer& ly : net.layers) {
            float* w = ly.w.data();
            const float* dw = ly.dw.data();
            for (std::size_t i = 0, n = ly.w.size(); i < n; ++i) w[i] -= lr * dw[i];
            for (int i = 0; i < ly.out; ++i) ly.b[i] -= lr * ly.db[i];
        }
        return loss;
    }

    // Only the inner products of a step, untouched data (for ip_pass_seconds).
    void ip_only(Plan& p) {
        const std::size_t L = net.layers.size();
        for (std::size_t l = 0; l < L; ++l) p.layers[l].fwd_training.execute(stream, p.layers[l].fwd_args);
        for (std::size_t l = L; l-- > 0;) {
            p.layers[l].bwd_weights.execute(stream, p.layers[l].bwd_weights_args);
            if (l > 0) p.layers[l].bwd_data.execute(stream, p.layers[l].bwd_data_args);
        }
        stream.wait();
    }
};

Plan* find_plan(std::vector<std::unique_ptr<Plan>>& plans, int batch) {
    for (auto& p : plans)
        if (p->batch == batch) return p.get();
    throw std::logic_error("no plan for batch " + std::to_string(batch));
}

constexpr int kEvalBatch = 256;

double evaluate(Net& net, std::vector<std::unique_ptr<Plan>>& plans, dnnl::stream& stream, const Set& test,
                const std::vector<std::uint32_t>& order) {
    long correct = 0;
    const std::size_t L = net.layers.size();
    const int k = net.layers.back().out;
    for (int start = 0; start < test.n; start += kEvalBatch) {
        const int b = std::min(kEvalBatch, test.n - start);
        Plan& p = *find_plan(plans, b);
        gather(test, order.data() + start, b, net.acts[0].data());
        for (std::size_t l = 0; l < L; ++l) p.layers[l].fwd_inference.execute(stream, p.layers[l].fwd_args);
        stream.wait();
        for (int n = 0; n < b; ++n)
            correct += argmax(net.acts[L].data() + static_cast<std::size_t>(n) * k, k) == test.labels[order[start + n]];
    }
    return static_cast<double>(correct) / test.n;
}

int run(const Options& o) {
    omp_set_num_threads(o.threads);
    const Set train = load_set(o.data, "train");
    const Set test = load_set(o.data, "t10k");
    if (o.arch.front() != train.features || o.arch.back() != 10)
        usage(("arch must start with " + std::to_string(train.features) + " and end with 10").c_str());

    dnnl::engine eng(dnnl::engine::kind::cpu, 0);
    dnnl::stream stream(eng);
    const int max_batch = std::max(o.batch, kEvalBatch);
    Net net = make_net(o, eng, max_batch);

    std::vector<std::unique_ptr<Plan>> plans;
    for (int b : {o.batch, train.n % o.batch, kEvalBatch, test.n % kEvalBatch, 1}) {
        bool have = b == 0;
        for (auto& p : plans) have = have || p->batch == b;
        if (!have) plans.push_back(std::make_unique<Plan>(make_plan(net, eng, b)));
    }

    std::printf("config arch=%s activation=%s batch=%d threads=%d epochs=%d lr=%g seed=%llu train=%d test=%d\n",
                o.arch_text.c_str(), o.activation.c_str(), o.batch, o.threads, o.epochs, static_cast<double>(o.lr),
                static_cast<unsigned long long>(o.seed), train.n, test.n);
    std::fflush(stdout);

    std::vector<std::uint32_t> order(static_cast<std::size_t>(train.n)), test_order(static_cast<std::size_t>(test.n));
    for (int i = 0; i < train.n; ++i) order[i] = static_cast<std::uint32_t>(i);
    for (int i = 0; i < test.n; ++i) test_order[i] = static_cast<std::uint32_t>(i);
    std::mt19937_64 rng(o.seed * 0x9E3779B97F4A7C15ull + 77);
    Trainer trainer{net, stream, o.lr};

    for (int epoch = 1; epoch <= o.epochs; ++epoch) {
        // Fisher-Yates, not std::shuffle, so the order is the same on every libstdc++.
        for (std::size_t i = order.size() - 1; i > 0; --i) std::swap(order[i], order[rng() % (i + 1)]);
        trainer.ip_seconds = 0;
        double loss = 0;
        long correct = 0;
        const auto t0 = clock_type::now();
        for (int start = 0; start < train.n; start += o.batch) {
            const int b = std::min(o.batch, train.n - start);
            Plan& p = *find_plan(plans, b);
            gather(train, order.data() + start, b, net.acts[0].data());
            loss += trainer.step(p, train, order.data() + start, correct);
        }
        const double seconds = std::chrono::duration<double>(clock_type::now() - t0).count();
        const double acc = evaluate(net, plans, stream, test, test_order);
        std::printf("epoch=%d seconds=%.6f samples_per_second=%.1f ip_seconds=%.6f test_accuracy=%.4f train_loss=%.6f",
                    epoch, seconds, train.n / seconds, trainer.ip_seconds, acc, loss / train.n);
        if (o.ip_pass) {
            const auto p0 = clock_type::now();
            for (int start = 0; start < train.n; start += o.batch) trainer.ip_only(*find_plan(plans, std::min(o.batch, train.n - start)));
            std::printf(" ip_pass_seconds=%.6f", std::chrono::duration<double>(clock_type::now() - p0).count());
        }
        std::printf("\n");
        std::fflush(stdout);
    }

    if (o.latency_samples) {
        Plan& p = *find_plan(plans, 1);
        const std::size_t L = net.layers.size();
        const int k = net.layers.back().out;
        std::uniform_int_distribution<std::uint32_t> pick(0, static_cast<std::uint32_t>(test.n - 1));
        std::vector<double> us(static_cast<std::size_t>(o.latency_samples));
        volatile int sink = 0;
        constexpr int kWarmup = 100;
        for (int i = -kWarmup; i < o.latency_samples; ++i) {
            const std::uint32_t idx = pick(rng);
            const auto t0 = clock_type::now();
            gather(test, &idx, 1, net.acts[0].data());
            for (std::size_t l = 0; l < L; ++l) p.layers[l].fwd_inference.execute(stream, p.layers[l].fwd_args);
            stream.wait();
            sink = sink + argmax(net.acts[L].data(), k);
            const double t = std::chrono::duration<double, std::micro>(clock_type::now() - t0).count();
            if (i >= 0) us[static_cast<std::size_t>(i)] = t;
        }
        double mean = 0;
        for (double t : us) mean += t;
        mean /= static_cast<double>(us.size());
        std::sort(us.begin(), us.end());
        auto pct = [&](double q) {
            const std::size_t i = static_cast<std::size_t>(std::ceil(q * static_cast<double>(us.size()))) - 1;
            return us[std::min(i, us.size() - 1)];
        };
        std::printf("latency samples=%d p50_us=%.3f p99_us=%.3f mean_us=%.3f\n", o.latency_samples, pct(0.50),
                    pct(0.99), mean);
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    try {
        return run(parse(argc, argv));
    } catch (const dnnl::error& e) {
        std::fprintf(stderr, "soma_reference_mlp: oneDNN error %d: %s\n", static_cast<int>(e.status), e.what());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "soma_reference_mlp: %s\n", e.what());
    }
    return 1;
}
