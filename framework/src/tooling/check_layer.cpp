// The layer checks of check_plugin(), after tests/conformance/layer_test.cpp:
// shapes, then input and parameter gradients against central differences,
// alone and inside dense 6->5, tanh, the layer, dense 3, cross-entropy.
// Every evaluation starts from a freshly configured layer, so a random layer
// (dropout) draws the same mask each time.
#include <algorithm>
#include <cmath>

#include "nn/loss.h"
#include "soma/random.h"
#include "tooling/checks.h"

namespace soma::tooling {
namespace {

constexpr int kInputs = 5, kBatch = 4, kUnits = 4;

std::vector<float> uniform(std::size_t n, std::uint64_t seed, double lo = -1.0, double hi = 1.0) {
    Random r(seed);
    std::vector<float> v(n);
    for (float& x : v) x = static_cast<float>(r.uniform(lo, hi));
    return v;
}

// A layer as the network makes it: "units" set only when declared.
std::unique_ptr<Layer> make(const Registry& registry, const std::string& name, int units) {
    Params params;
    for (const ParamSpec& s : registry.feature(Kind::layer, name).info.params)
        if (s.name == "units") params.set("units", units);
    return registry.make_layer(name, params);
}

LayerContext context(int inputs, std::uint64_t seed) {
    static const dnnl::engine engine(dnnl::engine::kind::cpu, 0);
    LayerContext ctx;
    ctx.engine = engine;
    ctx.stream = dnnl::stream(engine);
    ctx.inputs = inputs;
    ctx.max_batch = kBatch;
    ctx.seed = seed;
    ctx.init.scheme = InitScheme::normal;
    ctx.init.scale = 0.8;  // large enough that curvature matters
    ctx.init.seed = seed + 7;
    return ctx;
}

// configure() resets the layer; its parameters are then moved off their
// initial values (batch_norm's scale 1, shift 0 would hide mistakes).
void prepare(Layer& layer, const LayerContext& ctx) {
    layer.configure(ctx);
    std::uint64_t seed = 100;
    for (const ParamTensor& t : layer.parameters()) {
        const std::vector<float> delta = uniform(t.size, seed++, -0.3, 0.3);
        for (std::size_t i = 0; i < t.size; ++i) t.value[i] += delta[i];
    }
}

bool near(double analytic, double numeric) {
    return std::isfinite(analytic) && std::fabs(analytic - numeric) <= 2e-3 + 2e-2 * std::fabs(numeric);
}

// Compares analytic against numeric values, reporting the first mismatch.
struct Tally {
    std::size_t checked = 0, bad = 0;
    double worst = 0;
    std::string first;
    void add(const std::string& what, double analytic, double numeric) {
        ++checked;
        if (near(analytic, numeric)) {
            worst = std::max(worst, std::fabs(analytic - numeric));
        } else if (bad++ == 0) {
            first = what + ": backward gives " + num(analytic) + ", finite differences " + num(numeric);
        }
    }
    CheckResult result(const std::string& what) const {
        if (bad) return {"", false, first + "; " + std::to_string(bad) + " of " + std::to_string(checked) + " wrong"};
        return {"", true, std::to_string(checked) + " " + what + ", max |error| " + num(worst)};
    }
};

CheckResult shapes(Layer& layer) {
    const LayerContext ctx = context(kInputs, 42);
    layer.configure(ctx);
    const int out = layer.outputs();
    if (out < 1) return {"", false, "outputs() = " + std::to_string(out) + " after configure"};
    std::string params;
    for (const ParamTensor& t : layer.parameters()) {
        if (t.name.empty()) return {"", false, "a parameter tensor has no name"};
        if (!t.value || !t.grad) return {"", false, "parameter '" + t.name + "' has a null value or grad"};
        std::size_t product = 1;
        for (int d : t.shape) product *= static_cast<std::size_t>(d);
        if (product != t.size)
            return {"", false, "parameter '" + t.name + "': shape product " + std::to_string(product) + " != size " +
                                   std::to_string(t.size)};
        for (std::size_t i = 0; i < t.size; ++i)
            if (!std::isfinite(t.value[i])) return {"", false, "parameter '" + t.name + "' starts non-finite"};
        params += (params.empty() ? "" : ", ") + t.name + " [" + std::to_string(t.size) + "]";
    }
    const std::vector<float> x = uniform(kBatch * kInputs, 3);
    for (int batch = 1; batch <= kBatch; ++batch)
        for (bool training : {true, false}) {
            const float* y = layer.forward(x.data(), batch, training);
            for (int i = 0; i < batch * out; ++i)
                if (!std::isfinite(y[i]))
                    return {"", false, std::string(training ? "training" : "inference") + " forward, batch " +
                                           std::to_string(batch) + ": output " + num(y[i])};
        }
    return {"", true, std::to_string(kInputs) + " -> " + std::to_string(out) + " features, parameters: " +
                          (params.empty() ? "none" : params) + "; finite outputs for batches 1.." +
                          std::to_string(kBatch)};
}

// L = sum_i r_i y_i for fixed r, so dL/dy = r: dx and every parameter
// gradient against central differences of L.
std::pair<CheckResult, CheckResult> alone(Layer& layer) {
    const LayerContext ctx = context(kInputs, 42);
    prepare(layer, ctx);
    const int out = layer.outputs();
    const std::vector<float> x = uniform(kBatch * kInputs, 5);
    const std::vector<float> r = uniform(static_cast<std::size_t>(kBatch) * out, 6);
    layer.forward(x.data(), kBatch, true);
    std::vector<float> dx(x.size());
    layer.backward(x.data(), r.data(), dx.data(), kBatch);
    std::vector<std::vector<float>> analytic;
    std::vector<std::string> names;
    for (const ParamTensor& t : layer.parameters()) {
        analytic.emplace_back(t.grad, t.grad + t.size);
        names.push_back(t.name);
    }
    // nudge(layer, xs) changes one value after a fresh prepare().
    auto loss = [&](const std::function<void(Layer&, std::vector<float>&)>& nudge) {
        prepare(layer, ctx);
        std::vector<float> xs = x;
        nudge(layer, xs);
        const float* ys = layer.forward(xs.data(), kBatch, true);
        double sum = 0;
        for (int j = 0; j < kBatch * out; ++j) sum += static_cast<double>(r[j]) * ys[j];
        return sum;
    };
    const float h = 1e-3f;
    Tally inputs, params;
    for (std::size_t i = 0; i < x.size(); ++i) {
        const double numeric = (loss([&](Layer&, std::vector<float>& xs) { xs[i] += h; }) -
                                loss([&](Layer&, std::vector<float>& xs) { xs[i] -= h; })) /
                               (2.0 * h);
        inputs.add("dx[" + std::to_string(i) + "]", dx[i], numeric);
    }
    for (std::size_t k = 0; k < analytic.size(); ++k)
        for (std::size_t i = 0; i < analytic[k].size(); ++i) {
            const double numeric = (loss([&](Layer& l, std::vector<float>&) { l.parameters()[k].value[i] += h; }) -
                                    loss([&](Layer& l, std::vector<float>&) { l.parameters()[k].value[i] -= h; })) /
                                   (2.0 * h);
            params.add(names[k] + "[" + std::to_string(i) + "]", analytic[k][i], numeric);
        }
    // Without dx (a network's first layer) the parameter gradients are the same.
    prepare(layer, ctx);
    layer.forward(x.data(), kBatch, true);
    layer.backward(x.data(), r.data(), nullptr, kBatch);
    for (std::size_t k = 0; k < analytic.size() && !params.bad; ++k) {
        const ParamTensor t = layer.parameters()[k];
        if (t.size != analytic[k].size() || !std::equal(analytic[k].begin(), analytic[k].end(), t.grad)) {
            params.bad = 1;
            params.first = names[k] + ": other gradients when backward gets dx = null";
        }
    }
    CheckResult p = analytic.empty() ? CheckResult{"", true, "no parameters"} : params.result("parameter values");
    return {inputs.result("inputs"), p};
}

// dense 6->5, tanh, the layer, dense 3, cross-entropy; every parameter's
// gradient against central differences, each on freshly configured layers.
CheckResult network(const Registry& registry, const std::string& name, const Registry& dense_registry) {
    struct Net {
        std::unique_ptr<Layer> first, tested, last;
        LayerContext c1, c2, c3;
        std::vector<float> t;  // tanh output [batch, 5]
    };
    const int inputs = 6, hidden = 5, classes = 3;
    Net n;
    n.first = make(dense_registry, "dense", hidden);
    n.tested = make(registry, name, kUnits);
    n.last = make(dense_registry, "dense", classes);
    n.c1 = context(inputs, 13);
    n.c2 = context(hidden, 14);
    n.first->configure(n.c1);
    n.tested->configure(n.c2);
    n.c3 = context(n.tested->outputs(), 15);
    auto prepare_all = [&] {
        prepare(*n.first, n.c1);
        prepare(*n.tested, n.c2);
        prepare(*n.last, n.c3);
    };
    const std::vector<float> x = uniform(kBatch * inputs, 9);
    const std::vector<std::int32_t> labels = {0, 2, 1, 2};
    const float* tested_out = nullptr;
    auto forward = [&] {
        const float* z = n.first->forward(x.data(), kBatch, true);
        n.t.assign(z, z + kBatch * hidden);
        for (float& v : n.t) v = std::tanh(v);
        tested_out = n.tested->forward(n.t.data(), kBatch, true);
        return n.last->forward(tested_out, kBatch, true);
    };
    auto all_params = [&] {
        std::vector<std::pair<std::string, ParamTensor>> out;
        const std::vector<std::pair<std::string, Layer*>> layers = {
            {"dense 6->5 ", n.first.get()}, {name + " ", n.tested.get()}, {"dense 3 ", n.last.get()}};
        for (const auto& [label, layer] : layers)
            for (const ParamTensor& t : layer->parameters()) out.emplace_back(label + t.name, t);
        return out;
    };

    prepare_all();
    std::vector<float> grad(kBatch * classes);
    loss_forward_backward(LossKind::cross_entropy, forward(), labels.data(), kBatch, classes, grad.data());
    const int mid = n.tested->outputs();
    std::vector<float> d_tested_out(static_cast<std::size_t>(kBatch) * mid), d_t(n.t.size());
    n.last->backward(tested_out, grad.data(), d_tested_out.data(), kBatch);
    n.tested->backward(n.t.data(), d_tested_out.data(), d_t.data(), kBatch);
    for (std::size_t i = 0; i < d_t.size(); ++i) d_t[i] *= 1.f - n.t[i] * n.t[i];
    n.first->backward(x.data(), d_t.data(), nullptr, kBatch);
    std::vector<std::vector<float>> analytic;
    for (const auto& [label, t] : all_params()) analytic.emplace_back(t.grad, t.grad + t.size);

    auto loss = [&](std::size_t k, std::size_t i, float delta) {
        prepare_all();
        all_params()[k].second.value[i] += delta;
        return loss_forward_backward(LossKind::cross_entropy, forward(), labels.data(), kBatch, classes, nullptr)
                   .loss_sum /
               kBatch;
    };
    const float h = 2e-3f;
    Tally tally;
    const auto params = all_params();
    for (std::size_t k = 0; k < params.size(); ++k)
        for (std::size_t i = 0; i < params[k].second.size; ++i) {
            const double numeric = (loss(k, i, h) - loss(k, i, -h)) / (2.0 * h);
            tally.add(params[k].first + "[" + std::to_string(i) + "]", analytic[k][i], numeric);
        }
    return tally.result("parameter values of dense 6->5, tanh, " + name + ", dense 3");
}

}  // namespace

void check_layer(const Registry& registry, const std::string& name, Support& support, std::vector<CheckResult>& out) {
    const std::string label = "layer " + name + ": ";
    std::unique_ptr<Layer> layer;
    out.push_back(run_check(label + "make", [&] {
        layer = make(registry, name, kUnits);
        return CheckResult{"", true, "default parameters" + std::string(layer->can_fuse() ? "; accepts a fused activation" : "")};
    }));
    if (!layer) return;
    out.push_back(run_check(label + "shapes", [&] { return shapes(*layer); }));
    std::pair<CheckResult, CheckResult> grads;
    bool ran = false;
    const CheckResult inputs = run_check(label + "input gradient", [&] {
        grads = alone(*layer);
        ran = true;
        return grads.first;
    });
    out.push_back(inputs);
    if (ran) {
        grads.second.name = label + "parameter gradients";
        out.push_back(grads.second);
    }
    out.push_back(run_check(label + "network gradient", [&] {
        const Registry* dense = support.find(Kind::layer, "dense");
        if (!dense) return CheckResult{"", false, "needs the built-in dense layer, found in no plugin folder"};
        return network(registry, name, *dense);
    }));
}

}  // namespace soma::tooling
