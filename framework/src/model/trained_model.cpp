// Saving a network into a model's description and tensors, and building it
// again from them.
#include "model/trained_model.h"

#include <unistd.h>

#include <cmath>
#include <set>

#include "plugin/registry.h"
#include "util/error.h"

namespace soma {

namespace {

std::map<std::string, double> resolved(const Registry& registry, Kind kind, const std::string& name, Params given,
                                       int units) {
    const FeatureRecord& feature = registry.feature(kind, name);
    for (const ParamSpec& spec : feature.info.params)
        if (spec.name == "units") given.set("units", units);
    return resolve_params(feature.info.params, given).values();
}

const char* role_name(TensorRole role) { return role == TensorRole::buffer ? "buffer" : "parameter"; }

// Refuses a description naming a plugin feature the registry lacks, before
// anything is built: what it needs, what is loaded, what the run used.
void check_plugins(const ModelFile& m, const Registry& registry, const std::string& source) {
    for (const auto& [kind, name] : model_features(m.description)) {
        if (registry.has(kind, name)) continue;
        std::string used;
        for (const PluginUse& p : m.provenance.plugins)
            used += (used.empty() ? "" : ", ") + p.name + " " + p.version + " (" + p.file + ")";
        std::string known;
        for (const std::string& n : registry.names(kind)) known += (known.empty() ? "" : ", ") + n;
        throw Error(source + ": the model needs the " + kind_name(kind) + " '" + name +
                    "', which no loaded plugin provides (known " + kind_name(kind) + "s: " +
                    (known.empty() ? "none" : known) + ")" + (used.empty() ? "" : "; the run used " + used) +
                    ". Load its plugin folder with --allow-plugins DIR or SOMA_PLUGIN_PATH");
    }
}

// What building the network would take, counted as if every layer with units
// were dense (weights and gradients) and every layer kept four buffers of its
// outputs per row: refused above half the machine's memory before anything
// is allocated, so a description cannot make soma allocate what no file holds.
void check_memory(const ModelDescription& d, int max_batch, const std::string& source) {
    double floats = 0;
    for (const LayerDescription& l : d.layers) {
        if (l.units > 0) floats += 2.0 * (static_cast<double>(l.inputs) + 1) * l.units;
        floats += 4.0 * max_batch * l.outputs;
    }
    const double bytes = 4 * floats;
    const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGESIZE);
    const double budget = pages > 0 && page > 0 ? 0.5 * static_cast<double>(pages) * static_cast<double>(page) : 4e9;
    if (bytes > budget)
        throw Error(source + ": the described network needs about " + std::to_string(std::llround(bytes / 1e6)) +
                    " MB, more than half of this machine's memory (" + std::to_string(std::llround(budget / 1e6)) +
                    " MB)");
}

}  // namespace

ModelDescription describe_model(const Registry& registry, const ModelConfig& model, const Network& network,
                                int rows, int cols, const std::string& loss) {
    ModelDescription d;
    d.input_rows = rows;
    d.input_cols = cols;
    d.classes = network.classes();
    d.loss = loss;
    d.network = network.describe();
    std::vector<LayerConfig> layers = model.layers;
    LayerConfig output;
    output.type = "dense";
    output.units = network.classes();
    output.activation = model.output_activation;
    output.activation_params = model.output_activation_params;
    layers.push_back(output);
    std::vector<const Stage*> layer_stages;
    for (const Stage& s : network.stages())
        if (s.layer) layer_stages.push_back(&s);
    if (layer_stages.size() != layers.size())
        throw Error("describe_model: the network has " + std::to_string(layer_stages.size()) + " layers, the config " +
                    std::to_string(layers.size()));
    for (std::size_t i = 0; i < layers.size(); ++i) {
        const LayerConfig& c = layers[i];
        LayerDescription l;
        l.type = c.type;
        l.units = c.units;
        l.params = resolved(registry, Kind::layer, c.type, c.params, c.units);
        l.activation = c.activation;
        if (!c.activation.empty())
            l.activation_params = resolved(registry, Kind::activation, c.activation, c.activation_params, 0);
        l.inputs = layer_stages[i]->inputs;
        l.outputs = layer_stages[i]->outputs;
        d.layers.push_back(std::move(l));
    }
    return d;
}

std::vector<ModelTensor> network_tensors(Network& network) {
    std::vector<ModelTensor> out;
    auto add = [&](const std::vector<ParamTensor>& tensors, TensorRole role) {
        for (const ParamTensor& t : tensors) {
            ModelTensor m;
            m.name = t.name;
            m.role = role;
            m.shape = t.shape.empty() ? std::vector<int>{static_cast<int>(t.size)} : t.shape;
            m.values.assign(t.value, t.value + t.size);
            out.push_back(std::move(m));
        }
    };
    add(network.parameters(), TensorRole::parameter);
    add(network.buffers(), TensorRole::buffer);
    return out;
}

ModelConfig model_config(const ModelDescription& d) {
    ModelConfig m;
    for (std::size_t i = 0; i + 1 < d.layers.size(); ++i) {
        const LayerDescription& l = d.layers[i];
        LayerConfig c;
        c.type = l.type;
        c.units = l.units;
        c.params = Params(l.params);
        c.activation = l.activation;
        c.activation_params = Params(l.activation_params);
        m.layers.push_back(std::move(c));
    }
    if (!d.layers.empty()) {
        m.output_activation = d.layers.back().activation;
        m.output_activation_params = Params(d.layers.back().activation_params);
    }
    return m;
}

std::vector<std::pair<Kind, std::string>> model_features(const ModelDescription& d) {
    std::vector<std::pair<Kind, std::string>> features;
    for (const LayerDescription& l : d.layers) {
        features.emplace_back(Kind::layer, l.type);
        if (!l.activation.empty()) features.emplace_back(Kind::activation, l.activation);
    }
    return features;
}

void load_network_tensors(Network& network, const ModelFile& file, const std::string& source) {
    std::set<std::string> used;
    auto load = [&](const std::vector<ParamTensor>& tensors, TensorRole role) {
        for (const ParamTensor& t : tensors) {
            const std::vector<int> shape = t.shape.empty() ? std::vector<int>{static_cast<int>(t.size)} : t.shape;
            const ModelTensor* m = find_tensor(file, t.name);
            if (!m)
                throw Error(source + ": the described network has the " + role_name(role) + " " + t.name + " " +
                            shape_text(shape) + ", which the file lacks");
            if (m->role != role || m->shape != shape || m->values.size() != t.size)
                throw Error(source + ": the described network has the " + role_name(role) + " " + t.name + " " +
                            shape_text(shape) + ", the file holds a " + role_name(m->role) + " " +
                            shape_text(m->shape));
            std::copy(m->values.begin(), m->values.end(), t.value);
            used.insert(t.name);
        }
    };
    load(network.parameters(), TensorRole::parameter);
    load(network.buffers(), TensorRole::buffer);
    for (const ModelTensor& m : file.tensors)
        if (!used.count(m.name))
            throw Error(source + ": the file holds the tensor " + m.name + " " + shape_text(m.shape) +
                        ", which the described network does not have");
}

TrainedModel::TrainedModel(ModelFile file, const Registry& registry, const std::string& source, int max_batch)
    : file_(std::move(file)),
      source_(source),
      max_batch_(max_batch),
      loss_(parse_loss(file_.description.loss)),
      engine_(dnnl::engine::kind::cpu, 0),
      stream_(engine_) {
    const ModelDescription& d = file_.description;
    check_plugins(file_, registry, source_);
    check_memory(d, max_batch_, source_);
    NetworkOptions options;
    options.inputs = d.features();
    options.classes = d.classes;
    options.max_batch = max_batch_;
    try {
        network_ = std::make_unique<Network>(registry, model_config(d), options, engine_, stream_);
    } catch (const std::exception& e) {
        throw Error(source_ + ": cannot build the described network: " + e.what());
    }

    // The network as built against the description's widths.
    std::size_t layer = 0;
    for (const Stage& s : network_->stages()) {
        if (!s.layer) continue;
        const LayerDescription& l = d.layers[layer];
        if (s.outputs != l.outputs)
            throw Error(source_ + ": layer " + std::to_string(layer) + " (" + l.type + ") gives " +
                        std::to_string(s.outputs) + " outputs as built by this plugin, the description says " +
                        std::to_string(l.outputs));
        ++layer;
    }

    load_network_tensors(*network_, file_, source_);
}

TrainedModel::~TrainedModel() = default;

std::unique_ptr<TrainedModel> TrainedModel::load(const std::filesystem::path& file, const Registry& registry,
                                                 int max_batch) {
    return std::make_unique<TrainedModel>(read_model_file(file), registry, file.string(), max_batch);
}

const float* TrainedModel::forward(const float* x, int batch) { return network_->forward(x, batch, false); }

void class_scores(LossKind loss, const float* out, int classes, float* scores) {
    if (loss == LossKind::mse) {
        std::copy(out, out + classes, scores);
        return;
    }
    const float zmax = out[argmax(out, classes)];
    double sum = 0;
    for (int k = 0; k < classes; ++k) sum += std::exp(static_cast<double>(out[k]) - zmax);
    for (int k = 0; k < classes; ++k) scores[k] = static_cast<float>(std::exp(static_cast<double>(out[k]) - zmax) / sum);
}

const char* class_score_name(LossKind loss) { return loss == LossKind::mse ? "output" : "probability"; }

}  // namespace soma
