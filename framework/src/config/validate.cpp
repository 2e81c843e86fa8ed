// Validation of each section of an experiment document.
#include "config/validate.h"

#include <cmath>
#include <limits>
#include <system_error>

#include "config/checks.h"
#include "config/plugin_params.h"
#include "config/schema.h"
#include "config/toml_text.h"
#include "plugin/folders.h"
#include "plugin/registry.h"
#include "util/names.h"
#include "util/quote.h"
#include "util/sanitize.h"

namespace soma {

namespace {

constexpr std::int64_t max_units = 100000;

// One table of the document, possibly absent (then every key has its default).
struct Section {
    const Node* table = nullptr;
    std::string path;  // "training", "model.layers[0]"

    const Node* get(const std::string& key) const { return table ? table->find(key) : nullptr; }
    std::string at(const std::string& key) const { return child_path(path, key); }

    std::string string(const std::string& key, std::string def, bool non_empty = false) const {
        const Node* v = get(key);
        if (!v) return def;
        expect_type(*v, Node::Type::string, at(key));
        if (non_empty && v->string.empty()) fail(v->pos, at(key) + ": expected a non-empty string");
        return v->string;
    }
    std::int64_t integer(const std::string& key, std::int64_t def, std::int64_t min,
                         std::int64_t max = std::numeric_limits<int>::max()) const {
        const Node* v = get(key);
        return v ? check_integer(*v, at(key), min, max) : def;
    }
    bool boolean(const std::string& key, bool def) const {
        const Node* v = get(key);
        if (!v) return def;
        expect_type(*v, Node::Type::boolean, at(key));
        return v->boolean;
    }
    std::string choice(const std::string& key, std::string def, const std::vector<std::string>& allowed) const {
        const Node* v = get(key);
        return v ? check_choice(*v, at(key), allowed) : def;
    }
    // A name from an enum's table (refused with the list and the closest name otherwise).
    template <class E, std::size_t N>
    E named(const std::string& key, E def, const NameTable<E, N>& names) const {
        return *names.find(choice(key, std::string(names.name(def)), names.names()));
    }
    // A path relative to the file that wrote it, made absolute ("" stays "").
    std::string file_path(const std::string& key) const {
        const Node* v = get(key);
        const std::string s = string(key, "");
        if (s.empty()) return s;
        return std::filesystem::absolute(v->dir / s).lexically_normal().string();
    }
};

// The table at top-level `key`, checked to be a table with known keys.
Section section(const Node& root, const std::string& key) {
    Section s{root.find(key), key};
    if (s.table) {
        expect_type(*s.table, Node::Type::table, key);
        check_known_keys(*s.table, key, "in [" + key + "]");
    }
    return s;
}

std::vector<std::filesystem::path> load_plugin_paths(const Node& root, Registry& registry,
                                                     const PluginPermission& permission) {
    std::vector<std::filesystem::path> out;
    const Section plugins = section(root, "plugins");
    const Node* paths = plugins.get("paths");
    if (!paths) return out;
    expect_type(*paths, Node::Type::array, "plugins.paths");
    for (std::size_t i = 0; i < paths->items.size(); ++i) {
        const Node& item = paths->items[i];
        const std::string where = "plugins.paths[" + std::to_string(i) + "]";
        expect_type(item, Node::Type::string, where);
        const auto folder = std::filesystem::absolute(item.dir / item.string).lexically_normal();
        std::error_code ec;
        if (!std::filesystem::is_directory(folder, ec))
            fail(item.pos, where + ": plugin folder '" + folder.string() + "' does not exist");
        // Nothing from a folder the user did not allow is opened, not even to look.
        if (const auto why = permission.refusal(folder)) fail(item.pos, where + ": " + *why);
        // Names are checked after this, so plugins from these folders count.
        const auto errors = permission.load(registry, folder);
        if (!errors.empty()) fail(item.pos, where + ": " + errors.front().message);
        out.push_back(folder);
    }
    return out;
}

DataConfig read_data(const Node& root) {
    const Section s = section(root, "data");
    DataConfig d;
    d.dataset = s.choice("dataset", d.dataset, dataset_names());
    d.train_images = s.file_path("train_images");
    d.train_labels = s.file_path("train_labels");
    d.test_images = s.file_path("test_images");
    d.test_labels = s.file_path("test_labels");
    if (d.dataset == "idx") {
        std::vector<std::string> missing;
        if (d.train_images.empty()) missing.push_back("train_images");
        if (d.train_labels.empty()) missing.push_back("train_labels");
        if (d.test_images.empty()) missing.push_back("test_images");
        if (d.test_labels.empty()) missing.push_back("test_labels");
        if (!missing.empty())
            fail(s.get("dataset")->pos, "data.dataset = \"idx\" needs the files train_images, train_labels, "
                                        "test_images and test_labels; missing: " + join(missing));
    }
    d.synthetic_train = static_cast<int>(s.integer("synthetic_train", d.synthetic_train, 1));
    d.synthetic_test = static_cast<int>(s.integer("synthetic_test", d.synthetic_test, 1));
    d.synthetic_seed = static_cast<std::uint64_t>(s.integer(
        "synthetic_seed", static_cast<std::int64_t>(d.synthetic_seed), 0, std::numeric_limits<std::int64_t>::max()));
    d.train_limit = static_cast<int>(s.integer("train_limit", d.train_limit, 0));
    d.test_limit = static_cast<int>(s.integer("test_limit", d.test_limit, 0));
    if (const Node* v = s.get("validation")) {
        expect_number(*v, "data.validation");
        d.validation = v->number();
        if (!(d.validation >= 0.0 && d.validation < 1.0))
            fail(v->pos, "data.validation: expected a number >= 0 and < 1, got " + toml_text(*v));
    }
    d.cache_dir = s.string("cache_dir", d.cache_dir);
    return d;
}

// A layer's own parameters; `units` goes in as the plugin's "units"
// parameter when the plugin declares one (dense does).
Params layer_params(const Registry& registry, const std::string& type, int units, const Node* params,
                    const std::string& path, const SourcePos& pos, const Node* units_node) {
    Params preset;
    if (declares_param(registry, Kind::layer, type, "units")) {
        if (units == 0)
            fail(pos, path + ": layer '" + type + "' needs units (an integer in 1.." + std::to_string(max_units) + ")");
        preset.set("units", units);
    } else if (units_node) {
        fail(units_node->key_pos, child_path(path, "units") + ": layer '" + type + "' takes no units");
    }
    return check_plugin_params(registry, Kind::layer, type, params, child_path(path, "params"), {}, preset);
}

// An activation and its parameters; parameters without an activation are a mistake.
void read_activation(const Registry& registry, const Section& s, const std::string& key,
                     const std::string& params_key, const std::string& def, std::string& name, Params& params) {
    const Node* v = s.get(key);
    if (v) expect_type(*v, Node::Type::string, s.at(key));
    // "" is no activation: a layer or output left linear.
    name = !v ? def : v->string.empty() ? "" : check_plugin_name(registry, Kind::activation, *v, s.at(key));
    const Node* p = s.get(params_key);
    if (name.empty()) {
        if (p) {
            expect_type(*p, Node::Type::table, s.at(params_key));
            if (!p->entries.empty())
                fail(p->entries.front().second.key_pos, s.at(params_key) + ": parameters given but no " +
                                                            s.at(key) + " is set");
        }
        params = Params{};
        return;
    }
    params = check_plugin_params(registry, Kind::activation, name, p, s.at(params_key));
}

ModelConfig read_model(const Node& root, const Registry& registry) {
    const Section s = section(root, "model");
    ModelConfig m;
    const Node* hidden = s.get("hidden");
    const Node* layers = s.get("layers");
    if (hidden && layers)
        fail(layers->key_pos, "model: give either hidden = [...] (with activation) or [[model.layers]], not both "
                              "(hidden is set at " + hidden->key_pos.str() + ")");

    if (layers) {
        for (const char* key : {"activation", "activation_params"})
            if (const Node* v = s.get(key))
                fail(v->key_pos, std::string("model.") + key + " applies to hidden = [...]; with [[model.layers]] "
                                 "give each layer its own activation");
        expect_type(*layers, Node::Type::array, "model.layers");
        for (std::size_t i = 0; i < layers->items.size(); ++i) {
            const Node& t = layers->items[i];
            const std::string path = "model.layers[" + std::to_string(i) + "]";
            expect_type(t, Node::Type::table, path);
            check_known_keys(t, "model.layers", "in [[model.layers]]");
            const Section l{&t, path};
            LayerConfig layer;
            layer.pos = t.pos;
            if (const Node* type = l.get("type"))
                layer.type = check_plugin_name(registry, Kind::layer, *type, l.at("type"));
            else if (!registry.has(Kind::layer, layer.type))
                fail(t.pos, unknown_name_message("layer", layer.type, registry.names(Kind::layer)) +
                                " (the default type)");
            layer.units = static_cast<int>(l.integer("units", 0, 1, max_units));
            read_activation(registry, l, "activation", "activation_params", "", layer.activation,
                            layer.activation_params);
            layer.params =
                layer_params(registry, layer.type, layer.units, l.get("params"), path, t.pos, l.get("units"));
            m.layers.push_back(std::move(layer));
        }
    } else {
        std::string activation;
        Params activation_params;
        read_activation(registry, s, "activation", "activation_params", "sigmoid", activation, activation_params);
        if (hidden) {
            expect_type(*hidden, Node::Type::array, "model.hidden");
            const std::string default_type = LayerConfig{}.type;
            if (!registry.has(Kind::layer, default_type))
                fail(hidden->pos, unknown_name_message("layer", default_type, registry.names(Kind::layer)) +
                                      " (the default type)");
            for (std::size_t i = 0; i < hidden->items.size(); ++i) {
                const Node& item = hidden->items[i];
                const std::string path = "model.hidden[" + std::to_string(i) + "]";
                LayerConfig layer;
                layer.units = static_cast<int>(check_integer(item, path, 1, max_units));
                layer.activation = activation;
                layer.activation_params = activation_params;
                layer.params = layer_params(registry, layer.type, layer.units, nullptr, path, item.pos, nullptr);
                layer.pos = item.pos;
                m.layers.push_back(std::move(layer));
            }
        }
    }
    read_activation(registry, s, "output_activation", "output_activation_params", "", m.output_activation,
                    m.output_activation_params);
    std::vector<std::string> inits = init_scheme_names.names();
    inits.insert(inits.begin(), "");  // "": each activation's preferred scheme
    m.init = init_scheme_names.find(s.choice("init", "", inits));
    m.bias_init = *bias_init_names.find(s.choice("bias_init", "zero", bias_init_names.names()));
    if (const Node* v = s.get("init_scale")) {
        expect_number(*v, "model.init_scale");
        m.init_scale = v->number();
        if (!(m.init_scale > 0.0 && std::isfinite(m.init_scale)))
            fail(v->pos, "model.init_scale: expected a number > 0, got " + toml_text(*v));
    }
    return m;
}

// A number in [min, max] (or (min, max] when min_open), else an error at its position.
double read_number(const Section& s, const std::string& key, double def, double min, double max, bool min_open = false) {
    const Node* v = s.get(key);
    if (!v) return def;
    const std::string path = s.at(key);
    expect_number(*v, path);
    const double x = v->number();
    const bool ok = std::isfinite(x) && (min_open ? x > min : x >= min) && x <= max;
    if (!ok) {
        std::string range = std::string(min_open ? "> " : ">= ") + toml_float(min);
        if (std::isfinite(max)) range += " and <= " + toml_float(max);
        fail(v->pos, path + ": expected a number " + range + ", got " + toml_text(*v));
    }
    return x;
}

ScheduleConfig read_schedule(const Section& training) {
    ScheduleConfig c;
    const Node* table = training.get("schedule");
    if (!table) return c;
    expect_type(*table, Node::Type::table, "training.schedule");
    check_known_keys(*table, "training.schedule", "in [training.schedule]");
    const Section s{table, "training.schedule"};
    const double inf = std::numeric_limits<double>::infinity();
    c.name = s.named("name", c.name, schedule_names);
    c.warmup_epochs = read_number(s, "warmup_epochs", c.warmup_epochs, 0, inf);
    c.step_epochs = static_cast<int>(s.integer("step_epochs", c.step_epochs, 1));
    c.gamma = read_number(s, "gamma", c.gamma, 0, 1, /*min_open=*/true);
    c.min_factor = read_number(s, "min_factor", c.min_factor, 0, 1);
    return c;
}

EarlyStoppingConfig read_early_stopping(const Section& training) {
    EarlyStoppingConfig c;
    const Node* table = training.get("early_stopping");
    if (!table) return c;
    expect_type(*table, Node::Type::table, "training.early_stopping");
    check_known_keys(*table, "training.early_stopping", "in [training.early_stopping]");
    const Section s{table, "training.early_stopping"};
    c.patience = static_cast<int>(s.integer("patience", c.patience, 0));
    c.min_delta = read_number(s, "min_delta", c.min_delta, 0, 1);
    return c;
}

TrainingConfig read_training(const Node& root, const Registry& registry) {
    const Section s = section(root, "training");
    TrainingConfig t;
    t.epochs = static_cast<int>(s.integer("epochs", t.epochs, 1));
    t.batch_size = static_cast<int>(s.integer("batch_size", t.batch_size, 1));
    t.loss = s.choice("loss", t.loss, {"cross_entropy", "mse"});
    t.seed = static_cast<std::uint64_t>(
        s.integer("seed", static_cast<std::int64_t>(t.seed), 0, std::numeric_limits<std::int64_t>::max()));
    t.threads = static_cast<int>(s.integer("threads", t.threads, 0));
    t.clip_norm = read_number(s, "clip_norm", t.clip_norm, 0, std::numeric_limits<double>::infinity());
    t.time_limit = read_number(s, "time_limit", t.time_limit, 0, std::numeric_limits<double>::infinity());
    t.schedule = read_schedule(s);
    t.early_stopping = read_early_stopping(s);

    const Node* opt = s.get("optimizer");
    if (opt) expect_type(*opt, Node::Type::table, "training.optimizer");
    const Section o{opt, "training.optimizer"};
    if (const Node* name = o.get("name")) {
        t.optimizer.name = check_plugin_name(registry, Kind::optimizer, *name, o.at("name"));
    } else if (!registry.has(Kind::optimizer, t.optimizer.name)) {
        fail(opt ? opt->pos : s.table ? s.table->pos : root.pos,
             unknown_name_message("optimizer", t.optimizer.name, registry.names(Kind::optimizer)) +
                 " (the default; set training.optimizer.name)");
    }
    t.optimizer.params =
        check_plugin_params(registry, Kind::optimizer, t.optimizer.name, opt, "training.optimizer", {"name"});
    return t;
}

// A name that becomes a folder (experiment.name, output.name): never a path.
std::string folder_name_at(const Section& s, const std::string& key, const std::string& def) {
    const std::string name = s.string(key, def, /*non_empty=*/true);
    if (const std::string problem = folder_name_problem(name); !problem.empty() && s.get(key))
        fail(s.get(key)->pos, s.at(key) + ": " + quote_escaped(name) + " " + problem + "; it names the output "
                              "folder, so it may hold " + kFolderNameRule + " (e.g. " +
                              quote_escaped(folder_name(name)) + ")");
    return name;
}

OutputConfig read_output(const Node& root) {
    const Section s = section(root, "output");
    OutputConfig o;
    o.dir = s.string("dir", o.dir, true);
    const Node* name = s.get("name");
    const bool unnamed = name && name->type == Node::Type::string && name->string.empty();
    o.name = unnamed ? "" : folder_name_at(s, "name", o.name);  // "" = the experiment's name
    o.save_weights = s.boolean("save_weights", o.save_weights);
    return o;
}

DistributedConfig read_distributed(const Node& root) {
    const Section s = section(root, "distributed");
    DistributedConfig d;
    d.mode = s.named("mode", d.mode, distributed_mode_names);
    if (const Node* mode = s.get("mode")) d.pos = mode->pos;
    return d;
}

}  // namespace

Experiment build_experiment(const Node& root, Registry& registry, const std::filesystem::path& file,
                            const PluginPermission& permission) {
    check_known_keys(root, "", "at the top level");
    if (const Node* sweep = root.find("sweep"))
        fail(sweep->key_pos, "a [sweep] table makes this file a sweep; load it as a sweep, not as one experiment");

    // read_document consumes includes; one left here came from --set or a sweep.
    const Node* top_include = root.find("include");
    const Node* experiment = root.find("experiment");
    const Node* inner_include = experiment && experiment->is_table() ? experiment->find("include") : nullptr;
    if (const Node* inc = top_include ? top_include : inner_include)
        fail(inc->key_pos, "includes are read from files only, not from --set or [sweep]");

    Experiment e;
    e.source = std::filesystem::absolute(file).lexically_normal();
    // Plugin folders first: the names below may come from them.
    e.plugin_paths = load_plugin_paths(root, registry, permission);

    const Section x = section(root, "experiment");
    // Unnamed, an experiment is named after its file, made a folder name.
    e.name = folder_name_at(x, "name", folder_name(file.stem().string()));
    e.description = x.string("description", "");
    e.data = read_data(root);
    e.model = read_model(root, registry);
    e.training = read_training(root, registry);
    if (e.training.early_stopping.patience > 0 && e.data.validation <= 0) {
        const Node* training = root.find("training");
        const Node* es = training ? training->find("early_stopping") : nullptr;
        const Node* patience = es ? es->find("patience") : nullptr;
        fail(patience ? patience->pos : root.pos,
             "training.early_stopping.patience: early stopping watches validation accuracy; set data.validation "
             "(e.g. 0.1) so there is a validation split");
    }
    e.output = read_output(root);
    e.distributed = read_distributed(root);
    return e;
}

}  // namespace soma
