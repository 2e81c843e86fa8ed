// The layer checks (checks.h): shapes; inference per sample and repeatable;
// input and parameter gradients against central differences, alone and
// inside dense 6->5 (tanh), the layer, dense 3, cross-entropy. Every
// evaluation starts from a freshly configured layer, so a random layer
// (dropout) draws the same mask each time. Last, the whole training state
// exposed: a copy of the parameters, buffers and state() trains on bit for bit.
#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>
#include <tuple>

#include "tooling/check_parts.h"

namespace soma::tooling {
namespace {

constexpr int kInputs = 5, kBatch = 4, kUnits = 4;

// A layer as the network makes it: "units" set only when declared.
std::unique_ptr<Layer> make(const Subject& s) {
    Params params = s.params;
    for (const ParamSpec& spec : s.registry.feature(Kind::layer, s.name).info.params)
        if (spec.name == "units" && !params.has("units")) params.set("units", kUnits);
    return s.registry.make_layer(s.name, params);
}

LayerContext context(const dnnl::engine& engine, std::uint64_t seed = 42) {
    LayerContext ctx;
    ctx.engine = engine;
    ctx.stream = dnnl::stream(engine);
    ctx.inputs = kInputs;
    ctx.max_batch = kBatch;
    ctx.seed = seed;
    ctx.init.scheme = InitScheme::normal;
    ctx.init.scale = 0.8;  // large enough that curvature matters
    ctx.init.seed = seed + 7;
    return ctx;
}

// configure() resets the layer: parameters and random streams start over.
// The parameters are then moved off their initial values (batch_norm's
// scale 1, shift 0 would hide mistakes).
void prepare(Layer& layer, const LayerContext& ctx) {
    layer.configure(ctx);
    std::uint64_t seed = 100;
    for (const ParamTensor& t : layer.parameters()) {
        const std::vector<float> delta = uniform(t.size, seed++, -0.3, 0.3);
        for (std::size_t i = 0; i < t.size; ++i) t.value[i] += delta[i];
    }
}

CheckResult made(const Subject& s) {
    const auto layer = make(s);
    return pass("default parameters" + std::string(layer->can_fuse() ? "; accepts a fused activation" : ""));
}

// outputs() >= 1 after configure; every parameter tensor named, with
// memory, a shape whose product is its size, and finite starting values.
CheckResult shapes(const Subject& s) {
    const dnnl::engine engine(dnnl::engine::kind::cpu, 0);
    const auto layer = make(s);
    layer->configure(context(engine));
    const int out = layer->outputs();
    if (out < 1) return fail("outputs() = " + std::to_string(out) + " after configure");
    std::string params;
    for (const ParamTensor& t : layer->parameters()) {
        if (t.name.empty()) return fail("a parameter tensor has no name");
        if (!t.value || !t.grad) return fail("parameter '" + t.name + "' has a null value or grad");
        std::size_t product = 1;
        for (int d : t.shape) product *= static_cast<std::size_t>(d);
        if (product != t.size)
            return fail("parameter '" + t.name + "': shape product " + std::to_string(product) + " != size " +
                        std::to_string(t.size));
        for (std::size_t i = 0; i < t.size; ++i)
            if (!std::isfinite(t.value[i])) return fail("parameter '" + t.name + "' starts non-finite");
        params += (params.empty() ? "" : ", ") + t.name + " [" + std::to_string(t.size) + "]";
    }
    return pass(std::to_string(kInputs) + " -> " + std::to_string(out) +
                    " features, parameters: " + (params.empty() ? "none" : params),
                {{"outputs", out}});
}

// Every batch size up to max_batch gives finite outputs in both modes;
// inference treats each sample on its own (a row alone gives what it gives
// inside a batch, within 1e-5) and is repeatable; a batch beyond max_batch
// is refused with an exception.
CheckResult inference(const Subject& s) {
    const dnnl::engine engine(dnnl::engine::kind::cpu, 0);
    const auto layer = make(s);
    prepare(*layer, context(engine));
    const int out = layer->outputs();
    const std::vector<float> x = uniform(kBatch * kInputs, 3);
    for (int batch = 1; batch <= kBatch; ++batch)
        for (bool training : {true, false}) {
            const float* y = layer->forward(x.data(), batch, training);
            for (int i = 0; i < batch * out; ++i)
                if (!std::isfinite(y[i]))
                    return fail(std::string(training ? "training" : "inference") + " forward, batch " +
                                std::to_string(batch) + ": output " + num(y[i]));
        }
    const float* y = layer->forward(x.data(), kBatch, false);
    const std::vector<float> full(y, y + kBatch * out);
    y = layer->forward(x.data(), kBatch, false);
    if (std::vector<float>(y, y + kBatch * out) != full) return fail("inference is not repeatable");
    for (int n = 0; n < kBatch; ++n) {
        y = layer->forward(x.data() + n * kInputs, 1, false);
        for (int k = 0; k < out; ++k)
            if (std::fabs(y[k] - full[n * out + k]) > 1e-5)
                return fail("sample " + std::to_string(n) + " alone gives " + num(y[k]) + " at output " +
                            std::to_string(k) + ", " + num(full[n * out + k]) + " inside the batch");
    }
    try {
        layer->forward(x.data(), kBatch + 1, false);
    } catch (const std::exception&) {
        return pass("finite outputs for batches 1.." + std::to_string(kBatch) +
                    " in training and inference; inference per sample and repeatable; batch " +
                    std::to_string(kBatch + 1) + " refused");
    }
    return fail("a batch of " + std::to_string(kBatch + 1) + " beyond max_batch " + std::to_string(kBatch) +
                " was accepted, not refused with an exception");
}

// L = sum_i r_i y_i for fixed r, so dL/dy = r: dx and every parameter
// gradient from backward against central differences of L, h = 1e-3.
// Without dx (a network's first layer) the parameter gradients must be the same.
CheckResult alone(const Subject& s, bool parameters) {
    const dnnl::engine engine(dnnl::engine::kind::cpu, 0);
    const LayerContext ctx = context(engine);
    const auto layer = make(s);
    prepare(*layer, ctx);
    const int out = layer->outputs();
    const std::vector<float> x = uniform(kBatch * kInputs, 5);
    const std::vector<float> r = uniform(static_cast<std::size_t>(kBatch) * out, 6);
    layer->forward(x.data(), kBatch, true);
    std::vector<float> dx(x.size());
    layer->backward(x.data(), r.data(), dx.data(), kBatch);
    std::vector<std::vector<float>> analytic;
    std::vector<std::string> names;
    for (const ParamTensor& t : layer->parameters()) {
        analytic.emplace_back(t.grad, t.grad + t.size);
        names.push_back(t.name);
    }
    // nudge(layer, xs) changes one value after a fresh prepare().
    auto loss = [&](const std::function<void(Layer&, std::vector<float>&)>& nudge) {
        prepare(*layer, ctx);
        std::vector<float> xs = x;
        nudge(*layer, xs);
        const float* ys = layer->forward(xs.data(), kBatch, true);
        double sum = 0;
        for (int j = 0; j < kBatch * out; ++j) sum += static_cast<double>(r[j]) * ys[j];
        return sum;
    };
    const float h = 1e-3f;
    Tally tally;
    if (!parameters) {
        for (std::size_t i = 0; i < x.size(); ++i) {
            const double numeric = (loss([&](Layer&, std::vector<float>& xs) { xs[i] += h; }) -
                                    loss([&](Layer&, std::vector<float>& xs) { xs[i] -= h; })) /
                                   (2.0 * h);
            tally.add("dx[" + std::to_string(i) + "]", dx[i], numeric);
        }
        return tally.result("inputs");
    }
    if (analytic.empty()) return pass("no parameters");
    for (std::size_t k = 0; k < analytic.size(); ++k)
        for (std::size_t i = 0; i < analytic[k].size(); ++i) {
            const double numeric = (loss([&](Layer& l, std::vector<float>&) { l.parameters()[k].value[i] += h; }) -
                                    loss([&](Layer& l, std::vector<float>&) { l.parameters()[k].value[i] -= h; })) /
                                   (2.0 * h);
            tally.add(names[k] + "[" + std::to_string(i) + "]", analytic[k][i], numeric);
        }
    prepare(*layer, ctx);
    layer->forward(x.data(), kBatch, true);
    layer->backward(x.data(), r.data(), nullptr, kBatch);
    for (std::size_t k = 0; k < analytic.size() && !tally.bad; ++k) {
        const ParamTensor t = layer->parameters()[k];
        if (t.size != analytic[k].size() || !std::equal(analytic[k].begin(), analytic[k].end(), t.grad)) {
            tally.bad = 1;
            tally.first = names[k] + ": other gradients when backward gets dx = null";
        }
    }
    return tally.result("parameter values");
}

// dense 6->5 (tanh), the layer, dense 3 into cross-entropy; the dense
// before the layer receives its input gradient, so its weight gradients
// check that too.
CheckResult network(const Subject& s) {
    for (const auto& [kind, name] : {std::pair{Kind::layer, "dense"}, std::pair{Kind::activation, "tanh"}})
        if (!s.registry.has(kind, name))
            return fail("needs the built-in " + std::string(kind_name(kind)) + " " + name +
                        ", found in no plugin folder");
    NetworkOptions o;
    o.inputs = 6;
    o.classes = 3;
    o.max_batch = kBatch;
    o.seed = 13;
    ModelConfig model;
    LayerConfig first;
    first.units = 5;
    first.activation = "tanh";
    LayerConfig tested;
    tested.type = s.name;
    tested.units = kUnits;
    tested.params = s.params;
    model.layers = {first, tested};
    model.init = InitScheme::normal;
    model.init_scale = 0.8;
    return network_gradient(s.registry, model, o, 9);
}

// Copies the values of each tensor of `from` into the same tensor of `to`;
// "" or why they do not match (`what`: "parameter", "buffer").
std::string copy_tensors(const std::vector<ParamTensor>& from, const std::vector<ParamTensor>& to,
                         const std::string& what) {
    if (from.size() != to.size())
        return "a freshly configured layer has " + std::to_string(to.size()) + " " + what + " tensors, the trained one " +
               std::to_string(from.size());
    for (std::size_t k = 0; k < from.size(); ++k) {
        if (from[k].size != to[k].size)
            return what + " '" + from[k].name + "' has " + std::to_string(from[k].size) +
                   " values in the trained layer, " + std::to_string(to[k].size) + " in a freshly configured one";
        std::copy(from[k].value, from[k].value + from[k].size, to[k].value);
    }
    return "";
}

// What a resumed run relies on (soma/state.h): after 3 training steps
// (forward and backward), a second layer configured with the same context
// (as a resumed run's is) gets the first's parameters, buffers and state();
// then 5 more training steps on the same inputs must give both the same
// bits: outputs (a random layer's masks), input and parameter gradients,
// and an inference forward at the end. A layer without state passes when
// its parameters and buffers are all it carries.
CheckResult state(const Subject& s) {
    constexpr int kBefore = 3, kAfter = 5;
    const std::string cause =
        ": forward or backward keeps state that state() does not return (a random generator, a step count, ...)";
    const dnnl::engine engine(dnnl::engine::kind::cpu, 0);
    const LayerContext ctx = context(engine);
    const auto a = make(s), b = make(s);
    prepare(*a, ctx);
    const std::vector<StateBlock> at_configure = a->state();
    if (std::string problem = state_names_problem(at_configure); !problem.empty()) return fail(problem);
    const int out = a->outputs();
    const std::size_t n_out = static_cast<std::size_t>(kBatch) * out, n_in = kBatch * kInputs;
    std::vector<float> dx_a(n_in), dx_b(n_in);
    // One training step on inputs and output gradients drawn for `step`.
    const auto train = [&](Layer& layer, int step, std::vector<float>& dx) {
        const std::vector<float> x = uniform(n_in, 40 + step), dy = uniform(n_out, 60 + step);
        const float* y = layer.forward(x.data(), kBatch, true);
        std::vector<float> output(y, y + n_out);
        layer.backward(x.data(), dy.data(), dx.data(), kBatch);
        return output;
    };
    for (int step = 0; step < kBefore; ++step) train(*a, step, dx_a);
    const std::vector<StateBlock> trained = a->state();
    const std::string after = "after " + std::to_string(kBefore) + " training steps";
    if (std::string d = state_layout_difference(at_configure, "after configure()", trained, after); !d.empty())
        return fail(d);
    b->configure(ctx);
    const std::vector<StateBlock> fresh = b->state();
    if (std::string d = state_layout_difference(trained, after, fresh, "in a freshly configured layer"); !d.empty())
        return fail(d);
    for (const auto& [from, to, what] : {std::tuple{a->parameters(), b->parameters(), "parameter"},
                                         std::tuple{a->buffers(), b->buffers(), "buffer"}})
        if (std::string d = copy_tensors(from, to, what); !d.empty()) return fail(d);
    copy_state(trained, fresh);
    const std::string copied = std::to_string(kBefore) + " training steps, then the parameters, buffers and state() (" +
                               state_summary(trained) + ") copied into a freshly configured layer";
    const Numbers numbers = {{"blocks", double(trained.size())}, {"bytes", double(state_bytes(trained))}};
    for (int step = 0; step < kAfter; ++step) {
        const std::vector<float> ya = train(*a, kBefore + step, dx_a), yb = train(*b, kBefore + step, dx_b);
        std::string d = first_difference("output", ya.data(), yb.data(), n_out);
        if (d.empty()) d = first_difference("dx", dx_a.data(), dx_b.data(), n_in);
        const std::vector<ParamTensor> pa = a->parameters(), pb = b->parameters();
        for (std::size_t k = 0; k < pa.size() && d.empty(); ++k)
            d = first_difference(pa[k].name + " gradient", pa[k].grad, pb[k].grad, pa[k].size);
        if (!d.empty())
            return fail(copied + ": training step " + std::to_string(step + 1) + " of the next " +
                            std::to_string(kAfter) + ": " + d + cause,
                        numbers);
    }
    const std::vector<float> x = uniform(n_in, 80);
    const float* y = a->forward(x.data(), kBatch, false);
    const std::vector<float> ya(y, y + n_out);
    y = b->forward(x.data(), kBatch, false);
    if (std::string d = first_difference("output", ya.data(), y, n_out); !d.empty())
        return fail(copied + ": the inference forward after " + std::to_string(kAfter) + " more training steps: " +
                        d + cause,
                    numbers);
    return pass(copied + ": the next " + std::to_string(kAfter) +
                    " training steps and an inference agree bit for bit",
                numbers);
}

}  // namespace

CheckResult layer_check(CheckId id, const Subject& s) {
    switch (id) {
        case CheckId::layer_make: return made(s);
        case CheckId::shapes: return shapes(s);
        case CheckId::inference: return inference(s);
        case CheckId::input_gradient: return alone(s, false);
        case CheckId::parameter_gradients: return alone(s, true);
        case CheckId::network_gradient: return network(s);
        case CheckId::layer_state: return state(s);
        default: return fail("not a layer check");
    }
}

}  // namespace soma::tooling
