// to_toml: the resolved experiment with every value explicit, in the order a
// person reads it, so a run folder records exactly what ran.
#include "config/writer.h"

#include <ostream>
#include <sstream>

#include "config/toml_text.h"

namespace soma {

namespace {

std::string inline_params(const Params& p, const char* skip = nullptr) {
    std::string out;
    for (const auto& [k, v] : p.values()) {
        if (skip && k == skip) continue;
        out += (out.empty() ? "" : ", ") + toml_key(k) + " = " + toml_float(v);
    }
    return out.empty() ? "{}" : "{ " + out + " }";
}

std::string str(const std::string& s) { return toml_quote(s); }

}  // namespace

bool has_hidden_form(const ModelConfig& model) {
    for (const auto& l : model.layers)
        if (l.type != "dense" || l.activation != model.layers.front().activation ||
            l.activation_params.values() != model.layers.front().activation_params.values())
            return false;
    return true;
}

namespace {

void write_data(std::ostream& o, const DataConfig& d) {
    o << "[data]\n";
    o << "dataset = " << str(d.dataset) << "\n";
    o << "train_images = " << str(d.train_images) << "\n";
    o << "train_labels = " << str(d.train_labels) << "\n";
    o << "test_images = " << str(d.test_images) << "\n";
    o << "test_labels = " << str(d.test_labels) << "\n";
    o << "classes = " << d.classes << "\n";
    o << "synthetic_train = " << d.synthetic_train << "\n";
    o << "synthetic_test = " << d.synthetic_test << "\n";
    o << "synthetic_seed = " << d.synthetic_seed << "\n";
    o << "train_limit = " << d.train_limit << "\n";
    o << "test_limit = " << d.test_limit << "\n";
    o << "validation = " << toml_float(d.validation) << "\n";
    o << "cache_dir = " << str(d.cache_dir) << "\n\n";
}

// [model], then the layers as [[model.layers]] unless hidden = [...] says it all.
void write_model(std::ostream& o, const ModelConfig& m, bool hidden_form) {
    o << "[model]\n";
    const bool hidden = hidden_form && has_hidden_form(m);
    if (hidden) {
        o << "hidden = [";
        for (std::size_t i = 0; i < m.layers.size(); ++i) o << (i ? ", " : "") << m.layers[i].units;
        o << "]\n";
        if (!m.layers.empty()) {
            o << "activation = " << str(m.layers.front().activation) << "\n";
            o << "activation_params = " << inline_params(m.layers.front().activation_params) << "\n";
        }
    } else if (m.layers.empty()) {
        o << "layers = []\n";
    }
    o << "output_activation = " << str(m.output_activation) << "\n";
    o << "output_activation_params = " << inline_params(m.output_activation_params) << "\n";
    o << "init = " << str(m.init ? std::string(init_scheme_names.name(*m.init)) : "") << "\n";
    o << "init_scale = " << toml_float(m.init_scale) << "\n";
    o << "bias_init = " << str(std::string(bias_init_names.name(m.bias_init))) << "\n\n";
    if (hidden) return;
    for (const auto& l : m.layers) {
        o << "[[model.layers]]\n";
        o << "type = " << str(l.type) << "\n";
        // units is the layer's own key; params holds everything else.
        if (l.units > 0) o << "units = " << l.units << "\n";
        o << "activation = " << str(l.activation) << "\n";
        o << "params = " << inline_params(l.params, l.units > 0 ? "units" : nullptr) << "\n";
        o << "activation_params = " << inline_params(l.activation_params) << "\n\n";
    }
}

// [training] and its subtables: schedule, early stopping, optimizer.
void write_training(std::ostream& o, const TrainingConfig& t) {
    o << "[training]\n";
    o << "epochs = " << t.epochs << "\n";
    o << "batch_size = " << t.batch_size << "\n";
    o << "loss = " << str(t.loss) << "\n";
    o << "seed = " << t.seed << "\n";
    o << "threads = " << t.threads << "\n";
    o << "clip_norm = " << toml_float(t.clip_norm) << "\n";
    o << "time_limit = " << toml_float(t.time_limit) << "\n\n";
    o << "[training.schedule]\n";
    o << "name = " << str(std::string(schedule_names.name(t.schedule.name))) << "\n";
    o << "warmup_epochs = " << toml_float(t.schedule.warmup_epochs) << "\n";
    o << "step_epochs = " << t.schedule.step_epochs << "\n";
    o << "gamma = " << toml_float(t.schedule.gamma) << "\n";
    o << "min_factor = " << toml_float(t.schedule.min_factor) << "\n\n";
    o << "[training.early_stopping]\n";
    o << "patience = " << t.early_stopping.patience << "\n";
    o << "min_delta = " << toml_float(t.early_stopping.min_delta) << "\n\n";
    o << "[training.optimizer]\n";
    o << "name = " << str(t.optimizer.name) << "\n";
    for (const auto& [k, v] : t.optimizer.params.values()) o << toml_key(k) << " = " << toml_float(v) << "\n";
    o << "\n";
}

// [output] and [plugins].
void write_output(std::ostream& o, const Experiment& e) {
    o << "[output]\n";
    o << "dir = " << str(e.output.dir) << "\n";
    o << "name = " << str(e.output.name) << "\n";
    o << "save_weights = " << (e.output.save_weights ? "true" : "false") << "\n\n";
    o << "[plugins]\n";
    o << "paths = [";
    for (std::size_t i = 0; i < e.plugin_paths.size(); ++i)
        o << (i ? ", " : "") << str(e.plugin_paths[i].string());
    o << "]\n";
}

}  // namespace

std::string to_toml(const Experiment& e, bool hidden_form) {
    std::ostringstream o;
    o << "# soma experiment, resolved: every setting explicit, paths absolute\n\n";
    o << "[experiment]\n";
    o << "name = " << str(e.name) << "\n";
    o << "description = " << str(e.description) << "\n\n";
    write_data(o, e.data);
    write_model(o, e.model, hidden_form);
    write_training(o, e.training);
    write_output(o, e);
    // Written only when set: the resolved file of every run without it stays
    // as earlier somas wrote it (a sweep folder compares its experiment.toml).
    if (e.distributed.mode != DistributedMode::none)
        o << "\n[distributed]\nmode = " << str(std::string(distributed_mode_names.name(e.distributed.mode))) << "\n";
    return o.str();
}

std::string to_toml(const Experiment& experiment) { return to_toml(experiment, false); }

}  // namespace soma
