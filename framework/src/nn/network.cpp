// Network assembly: the one place that decides which activation is fused.
#include "nn/network.h"

#include "plugin/registry.h"
#include "soma/random.h"
#include "util/error.h"
#include "util/names.h"

namespace soma {

Network::Network(const Registry& registry, const ModelConfig& model, const NetworkOptions& options,
                 dnnl::engine engine, dnnl::stream stream)
    : options_(options), engine_(std::move(engine)), stream_(std::move(stream)), width_(options.inputs) {
    int index = 0;
    for (const LayerConfig& layer : model.layers) add_layer(registry, layer, index++, model);
    LayerConfig output;
    output.type = "dense";
    output.units = options_.classes;
    output.activation = model.output_activation;
    output.activation_params = model.output_activation_params;
    add_layer(registry, output, index, model);
}

Network::~Network() = default;

void Network::add_layer(const Registry& registry, const LayerConfig& config, int index,
                        const ModelConfig& model) {
    const FeatureRecord& feature = registry.feature(Kind::layer, config.type);
    Params params = config.params;
    for (const ParamSpec& spec : feature.info.params)
        if (spec.name == "units") params.set("units", config.units);
    Stage stage;
    stage.layer = registry.make_layer(config.type, params);
    stage.inputs = width_;

    std::unique_ptr<Activation> activation;
    InitScheme preferred_init = InitScheme::xavier;
    if (!config.activation.empty()) {
        activation = registry.make_activation(config.activation, config.activation_params);
        const std::string& pi = registry.feature(Kind::activation, config.activation).info.preferred_init;
        if (!pi.empty()) {
            const auto scheme = init_scheme_names.find(pi);
            if (!scheme)
                throw Error("activation '" + config.activation + "' prefers " +
                            unknown_name_message("init scheme", pi, init_scheme_names.names()));
            preferred_init = *scheme;
        }
    }

    LayerContext ctx;
    ctx.engine = engine_;
    ctx.stream = stream_;
    ctx.inputs = width_;
    ctx.max_batch = options_.max_batch;
    ctx.seed = derive_seed(options_.seed, 1000 + index);
    ctx.init.scheme = model.init.value_or(preferred_init);
    ctx.init.scale = model.init_scale;
    ctx.init.bias = model.bias_init;
    ctx.init.seed = derive_seed(options_.seed, index);
    const bool fuse = activation && options_.allow_fusion && activation->fused() && stage.layer->can_fuse();
    if (fuse) ctx.fused = activation->fused();
    stage.layer->configure(ctx);
    stage.outputs = stage.layer->outputs();
    // The first stage's input gradient is never needed: no buffer for it.
    if (!stages_.empty()) stage.grad.assign(static_cast<std::size_t>(options_.max_batch) * stage.inputs, 0.f);
    stage.description = config.type + " " + std::to_string(stage.outputs);
    if (fuse)
        stage.description += " + " + config.activation +
                             (ctx.fused->backward_reads == FusedEltwise::Reads::output ? " (fused)" : " (oneDNN eltwise)");
    width_ = stage.outputs;
    if (fuse) {
        stage.fused = true;
        stage.activation = std::move(activation);
    }
    stages_.push_back(std::move(stage));
    if (activation) add_activation_stage(std::move(activation), config.activation);
}

void Network::add_activation_stage(std::unique_ptr<Activation> activation, const std::string& name) {
    Stage stage;
    stage.activation = std::move(activation);
    stage.inputs = stage.outputs = width_;
    stage.out.assign(static_cast<std::size_t>(options_.max_batch) * width_, 0.f);
    stage.grad.assign(static_cast<std::size_t>(options_.max_batch) * width_, 0.f);
    stage.description = name + " (generic)";
    stages_.push_back(std::move(stage));
}

const float* Network::forward(const float* x, int batch, bool training) {
    if (batch < 1 || batch > options_.max_batch)
        throw Error("network: batch " + std::to_string(batch) + " outside 1.." +
                    std::to_string(options_.max_batch));
    const float* in = x;
    for (Stage& s : stages_) {
        s.last_in = in;
        if (s.layer) {
            in = s.layer->forward(in, batch, training);
        } else {
            s.activation->forward(in, s.out.data(), static_cast<std::size_t>(batch) * s.outputs);
            in = s.out.data();
        }
        s.last_out = in;
    }
    return in;
}

void Network::backward(const float* dout, int batch) {
    const float* dy = dout;
    for (std::size_t i = stages_.size(); i-- > 0;) {
        Stage& s = stages_[i];
        // The first stage's input gradient is never needed.
        float* dx = i == 0 ? nullptr : s.grad.data();
        if (s.layer) {
            s.layer->backward(s.last_in, dy, dx, batch);
        } else if (dx) {
            const float* x = s.activation->needs_input() ? s.last_in : nullptr;
            s.activation->backward(x, s.last_out, dy, dx, static_cast<std::size_t>(batch) * s.outputs);
        }
        dy = dx;
    }
}

template <class Item>
std::vector<Item> Network::layer_items(std::vector<Item> (Layer::*items)()) {
    std::vector<Item> all;
    int index = 0;
    for (Stage& s : stages_) {
        if (!s.layer) continue;
        for (Item t : ((*s.layer).*items)()) {
            t.name = "layer" + std::to_string(index) + "." + t.name;
            all.push_back(std::move(t));
        }
        ++index;
    }
    return all;
}

std::vector<ParamTensor> Network::parameters() { return layer_items(&Layer::parameters); }

std::vector<ParamTensor> Network::buffers() { return layer_items(&Layer::buffers); }

std::vector<StateBlock> Network::state() { return layer_items(&Layer::state); }

std::size_t Network::parameter_count() {
    std::size_t n = 0;
    for (const ParamTensor& t : parameters()) n += t.size;
    return n;
}

std::string Network::describe() const {
    std::string out = std::to_string(options_.inputs);
    for (const Stage& s : stages_) out += " -> " + s.description;
    return out;
}

}  // namespace soma
