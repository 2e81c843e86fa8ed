// Validation of each section of an experiment document.
#include "config/validate.h"

#include <algorithm>

#include <cmath>
#include <limits>
#include <system_error>

#include "config/checks.h"
#include "config/plugin_params.h"
#include "config/schema.h"
#include "config/toml_text.h"
#include "plugin/folders.h"
#include "plugin/registry.h"
#include "util/memory.h"
#include "util/names.h"
#include "util/quote.h"
#include "util/sanitize.h"

namespace soma {

namespace {

constexpr std::int64_t max_units = 100000;
constexpr std::size_t max_layers = 1000;  // each is a oneDNN primitive made at start

// A list of layers longer than max_layers is refused at the list.
void check_layer_count(const Node& list, const std::string& path) {
    if (list.items.size() > max_layers)
        fail(list.pos, path + ": " + std::to_string(list.items.size()) + " layers; soma builds at most " +
                           std::to_string(max_layers));
}

// One table of the document, possibly absent (then every key has its default).
// With `errors` set, a bad value is recorded there and its default used, so
// that one pass finds every mistake of the file.
struct Section {
    const Node* table = nullptr;
    std::string path;  // "training", "model.layers[0]"
    ConfigErrors* errors = nullptr;
    const std::vector<std::string>* elsewhere = nullptr;  // see check_keys

    // The table `t` at `path`, recording errors where this one does.
    Section child(const Node* t, std::string child_path_) const { return {t, std::move(child_path_), errors, elsewhere}; }

    const Node* get(const std::string& key) const { return table ? table->find(key) : nullptr; }
    std::string at(const std::string& key) const { return child_path(path, key); }

    // f(), or `def` when f fails and the failure is recorded.
    template <class T, class F>
    T kept(F&& f, T def) const {
        return errors ? errors->attempt(std::forward<F>(f), std::move(def)) : f();
    }

    std::string string(const std::string& key, std::string def, bool non_empty = false) const {
        const Node* v = get(key);
        if (!v) return def;
        return kept(
            [&] {
                expect_type(*v, Node::Type::string, at(key));
                if (non_empty && v->string.empty()) fail(v->pos, at(key) + ": expected a non-empty string");
                return v->string;
            },
            def);
    }
    std::int64_t integer(const std::string& key, std::int64_t def, std::int64_t min,
                         std::int64_t max = std::numeric_limits<int>::max()) const {
        const Node* v = get(key);
        return v ? kept([&] { return check_integer(*v, at(key), min, max); }, def) : def;
    }
    bool boolean(const std::string& key, bool def) const {
        const Node* v = get(key);
        if (!v) return def;
        return kept(
            [&] {
                expect_type(*v, Node::Type::boolean, at(key));
                return v->boolean;
            },
            def);
    }
    std::string choice(const std::string& key, std::string def, const std::vector<std::string>& allowed) const {
        const Node* v = get(key);
        return v ? kept([&] { return check_choice(*v, at(key), allowed); }, def) : def;
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
    // Checks that the keys of this table are known; `elsewhere` (when set)
    // are the dotted paths of the whole document, for a key written in the
    // wrong table.
    void check_keys(const std::string& schema_path, const std::string& label) const {
        if (!table) return;
        kept([&] { return (check_known_keys(*table, schema_path, label, elsewhere ? *elsewhere : none()), 0); }, 0);
    }

private:
    static const std::vector<std::string>& none() {
        static const std::vector<std::string> empty;
        return empty;
    }
};

// The value at a dotted path of tables, if there is one.
const Node* find_path(const Node& root, const std::string& path) {
    const Node* n = &root;
    for (const std::string& key : split_dotted(path))
        if (!(n = n->is_table() ? n->find(key) : nullptr)) return nullptr;
    return n;
}

// Every dotted path this document may set: the schema's, and the parameters
// of the optimizer it names (so that learning_rate written under [training]
// is pointed to training.optimizer.learning_rate).
std::vector<std::string> document_paths(const Node& root, const Registry& registry) {
    std::vector<std::string> out = settable_paths();
    std::string optimizer = TrainingConfig{}.optimizer.name;
    const Node* training = root.find("training");
    const Node* opt = training && training->is_table() ? training->find("optimizer") : nullptr;
    const Node* name = opt && opt->is_table() ? opt->find("name") : nullptr;
    if (name && name->type == Node::Type::string && registry.has(Kind::optimizer, name->string))
        optimizer = name->string;
    if (registry.has(Kind::optimizer, optimizer))
        for (const ParamSpec& p : registry.feature(Kind::optimizer, optimizer).info.params)
            out.push_back("training.optimizer." + p.name);
    return out;
}

// The table at top-level `key` of the document `top` stands for, checked to
// be a table with known keys.
Section section(const Section& top, const std::string& key) {
    Section s = top.child(top.get(key), key);
    if (s.table) {
        expect_type(*s.table, Node::Type::table, key);
        s.check_keys(key, "in [" + key + "]");
    }
    return s;
}

std::vector<std::filesystem::path> load_plugin_paths(const Section& root, Registry& registry,
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

DataConfig read_data(const Section& root) {
    const Section s = section(root, "data");
    const std::size_t before = s.errors->size();
    DataConfig d;
    d.dataset = s.choice("dataset", d.dataset, dataset_names());
    d.train_images = s.file_path("train_images");
    d.train_labels = s.file_path("train_labels");
    d.test_images = s.file_path("test_images");
    d.test_labels = s.file_path("test_labels");
    // After a mistake above, a file read as "" is not a missing file.
    if (d.dataset == "idx" && s.errors->size() == before) {
        std::vector<std::string> missing;
        if (d.train_images.empty()) missing.push_back("train_images");
        if (d.train_labels.empty()) missing.push_back("train_labels");
        if (d.test_images.empty()) missing.push_back("test_images");
        if (d.test_labels.empty()) missing.push_back("test_labels");
        if (!missing.empty())
            fail(s.get("dataset")->pos, "data.dataset = \"idx\" needs the files train_images, train_labels, "
                                        "test_images and test_labels; missing: " + join(missing));
    }
    d.classes = static_cast<int>(s.integer("classes", d.classes, 0, 256));  // labels are bytes
    d.synthetic_train = static_cast<int>(s.integer("synthetic_train", d.synthetic_train, 1));
    d.synthetic_test = static_cast<int>(s.integer("synthetic_test", d.synthetic_test, 1));
    // Generated in memory before anything else runs: bounded by the machine first.
    const double synthetic_bytes =
        (static_cast<double>(d.synthetic_train) + d.synthetic_test) * static_cast<double>(kSyntheticSampleBytes);
    if (d.dataset == "synthetic" && synthetic_bytes > static_cast<double>(memory_budget())) {
        const char* key = d.synthetic_train >= d.synthetic_test ? "synthetic_train" : "synthetic_test";
        const Node* v = s.get(key);
        fail(v ? v->pos : s.get("dataset")->pos, s.at(key) + ": " + std::to_string(d.synthetic_train) + " + " +
                                  std::to_string(d.synthetic_test) + " synthetic samples would take " +
                                  bytes_text(synthetic_bytes) + " of memory; soma uses " + memory_budget_text());
    }
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

// A plugin's parameter written beside type and units ([[model.layers]]
// rate = 0.2 for a dropout layer): said so, with the table it belongs in.
void check_displaced_params(const Registry& registry, const Section& l) {
    auto plugin = [&](Kind kind, const char* key, const std::string& fallback) -> std::string {
        const Node* v = l.get(key);
        const std::string name = v && v->type == Node::Type::string ? v->string : fallback;
        return registry.has(kind, name) ? name : "";
    };
    const std::string layer = plugin(Kind::layer, "type", LayerConfig{}.type);
    const std::string activation = plugin(Kind::activation, "activation", "");
    auto param_names = [&](Kind kind, const std::string& name) {
        std::vector<std::string> names;
        if (!name.empty())
            for (const ParamSpec& spec : registry.feature(kind, name).info.params) names.push_back(spec.name);
        return names;
    };
    const std::vector<std::string> layer_params = param_names(Kind::layer, layer),
                                   activation_params = param_names(Kind::activation, activation);
    auto has = [](const std::vector<std::string>& names, const std::string& key) {
        return std::find(names.begin(), names.end(), key) != names.end();
    };
    const auto& known = known_keys("model.layers");
    for (const auto& [key, value] : l.table->entries) {
        if (has(known, key)) continue;
        if (has(layer_params, key))
            fail(value.key_pos, l.at(key) + ": '" + key + "' is a parameter of layer '" + layer +
                                    "': write it in params, as params = { " + key + " = ... }");
        if (has(activation_params, key))
            fail(value.key_pos, l.at(key) + ": '" + key + "' is a parameter of activation '" + activation +
                                    "': write it in activation_params, as activation_params = { " + key + " = ... }");
        // Misspelt as well: the closest parameter, if one is close.
        if (const std::string close = closest_name(key, layer_params); !close.empty() && !has(known, close))
            fail(value.key_pos, "unknown key '" + key + "' in [[model.layers]] (did you mean '" + close +
                                    "', a parameter of layer '" + layer + "'? as params = { " + close + " = ... })");
    }
}

// One [[model.layers]] entry; its first mistake ends it (a layer whose
// units are misspelt or invalid would only add "needs units" to the real error).
LayerConfig read_layer(const Registry& registry, const Section& l) {
    expect_type(*l.table, Node::Type::table, l.path);
    check_displaced_params(registry, l);
    check_known_keys(*l.table, "model.layers", "in [[model.layers]]", l.elsewhere ? *l.elsewhere : settable_paths());
    const Node& t = *l.table;
    LayerConfig layer;
    layer.pos = t.pos;
    if (const Node* type = l.get("type"))
        layer.type = check_plugin_name(registry, Kind::layer, *type, l.at("type"));
    else if (!registry.has(Kind::layer, layer.type))
        fail(t.pos, unknown_name_message("layer", layer.type, registry.names(Kind::layer)) + " (the default type)");
    const Node* units = l.get("units");
    layer.units = units ? static_cast<int>(check_integer(*units, l.at("units"), 1, max_units)) : 0;
    read_activation(registry, l, "activation", "activation_params", "", layer.activation, layer.activation_params);
    layer.params = layer_params(registry, layer.type, layer.units, l.get("params"), l.path, t.pos, units);
    return layer;
}

ModelConfig read_model(const Section& root, const Registry& registry) {
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
        check_layer_count(*layers, "model.layers");
        for (std::size_t i = 0; i < layers->items.size(); ++i) {
            const Node& t = layers->items[i];
            const std::string path = "model.layers[" + std::to_string(i) + "]";
            // A layer's mistakes do not hide the next layer's.
            s.kept([&] { return (m.layers.push_back(read_layer(registry, s.child(&t, path))), 0); }, 0);
        }
    } else {
        std::string activation;
        Params activation_params;
        s.kept([&] {
            read_activation(registry, s, "activation", "activation_params", "sigmoid", activation, activation_params);
            return 0;
        }, 0);
        if (hidden) {
            expect_type(*hidden, Node::Type::array, "model.hidden");
            check_layer_count(*hidden, "model.hidden");
            const std::string default_type = LayerConfig{}.type;
            if (!registry.has(Kind::layer, default_type))
                fail(hidden->pos, unknown_name_message("layer", default_type, registry.names(Kind::layer)) +
                                      " (the default type)");
            for (std::size_t i = 0; i < hidden->items.size(); ++i) {
                const Node& item = hidden->items[i];
                const std::string path = "model.hidden[" + std::to_string(i) + "]";
                s.kept([&] {
                    LayerConfig layer;
                    layer.units = static_cast<int>(check_integer(item, path, 1, max_units));
                    layer.activation = activation;
                    layer.activation_params = activation_params;
                    layer.params = layer_params(registry, layer.type, layer.units, nullptr, path, item.pos, nullptr);
                    layer.pos = item.pos;
                    m.layers.push_back(std::move(layer));
                    return 0;
                }, 0);
            }
        }
    }
    s.kept([&] {
        read_activation(registry, s, "output_activation", "output_activation_params", "", m.output_activation,
                        m.output_activation_params);
        return 0;
    }, 0);
    std::vector<std::string> inits = init_scheme_names.names();
    inits.insert(inits.begin(), "");  // "": each activation's preferred scheme
    m.init = init_scheme_names.find(s.choice("init", "", inits));
    m.bias_init = *bias_init_names.find(s.choice("bias_init", "zero", bias_init_names.names()));
    if (const Node* v = s.get("init_scale")) {
        m.init_scale = s.kept([&] {
            expect_number(*v, "model.init_scale");
            const double x = v->number();
            if (!(x > 0.0 && std::isfinite(x)))
                fail(v->pos, "model.init_scale: expected a number > 0, got " + toml_text(*v));
            return x;
        }, m.init_scale);
    }
    return m;
}

// A number in [min, max] (or (min, max] when min_open), else an error at its position.
double read_number(const Section& s, const std::string& key, double def, double min, double max, bool min_open = false) {
    const Node* v = s.get(key);
    if (!v) return def;
    return s.kept([&] {
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
    }, def);
}

ScheduleConfig read_schedule(const Section& training) {
    ScheduleConfig c;
    const Node* table = training.get("schedule");
    if (!table) return c;
    expect_type(*table, Node::Type::table, "training.schedule");
    const Section s = training.child(table, "training.schedule");
    s.check_keys("training.schedule", "in [training.schedule]");
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
    const Section s = training.child(table, "training.early_stopping");
    s.check_keys("training.early_stopping", "in [training.early_stopping]");
    c.patience = static_cast<int>(s.integer("patience", c.patience, 0));
    c.min_delta = read_number(s, "min_delta", c.min_delta, 0, 1);
    return c;
}

TrainingConfig read_training(const Section& root, const Registry& registry) {
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
    t.schedule = s.kept([&] { return read_schedule(s); }, t.schedule);
    t.early_stopping = s.kept([&] { return read_early_stopping(s); }, t.early_stopping);

    const Node* opt = s.get("optimizer");
    if (opt) expect_type(*opt, Node::Type::table, "training.optimizer");
    const Section o{opt, "training.optimizer"};
    if (const Node* name = o.get("name")) {
        t.optimizer.name = check_plugin_name(registry, Kind::optimizer, *name, o.at("name"));
    } else if (!registry.has(Kind::optimizer, t.optimizer.name)) {
        fail(opt ? opt->pos : s.table ? s.table->pos : root.table->pos,
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

OutputConfig read_output(const Section& root) {
    const Section s = section(root, "output");
    OutputConfig o;
    o.dir = s.string("dir", o.dir, true);
    const Node* name = s.get("name");
    const bool unnamed = name && name->type == Node::Type::string && name->string.empty();
    o.name = unnamed ? "" : folder_name_at(s, "name", o.name);  // "" = the experiment's name
    o.save_weights = s.boolean("save_weights", o.save_weights);
    return o;
}

DistributedConfig read_distributed(const Section& root) {
    const Section s = section(root, "distributed");
    DistributedConfig d;
    d.mode = s.named("mode", d.mode, distributed_mode_names);
    if (const Node* mode = s.get("mode")) d.pos = mode->pos;
    return d;
}

}  // namespace

Experiment build_experiment(const Node& root, Registry& registry, const std::filesystem::path& file,
                            const PluginPermission& permission) {
    if (const Node* sweep = root.find("sweep"))
        fail(sweep->key_pos, "a [sweep] table makes this file a sweep; load it as a sweep, not as one experiment");

    // read_document consumes includes; one left here came from --set or a sweep.
    const Node* top_include = root.find("include");
    const Node* experiment = root.find("experiment");
    const Node* inner_include = experiment && experiment->is_table() ? experiment->find("include") : nullptr;
    if (const Node* inc = top_include ? top_include : inner_include)
        fail(inc->key_pos, "includes are read from files only, not from --set or [sweep]");

    // Every mistake of the file at once: each value's error is recorded and
    // its default used, each section read to its end.
    ConfigErrors errors;
    const std::vector<std::string> paths = document_paths(root, registry);
    const Section top{&root, "", &errors, &paths};
    top.check_keys("", "at the top level");

    Experiment e;
    e.source = std::filesystem::absolute(file).lexically_normal();
    // Plugin folders first: the names below may come from them. A folder that
    // fails to load would make every later name unknown, so it ends the check.
    try {
        e.plugin_paths = load_plugin_paths(top, registry, permission);
    } catch (const ConfigError& failure) {
        errors.add(failure);
        errors.throw_if_any();
    }

    errors.attempt([&] {
        const Section x = section(top, "experiment");
        // Unnamed, an experiment is named after its file, made a folder name.
        e.name = folder_name_at(x, "name", folder_name(file.stem().string()));
        e.description = x.string("description", "");
    });
    e.data = errors.attempt([&] { return read_data(top); }, e.data);
    e.model = errors.attempt([&] { return read_model(top, registry); }, e.model);
    e.training = errors.attempt([&] { return read_training(top, registry); }, e.training);
    // Values read as defaults after a mistake would make this one up.
    if (errors.empty() && e.training.early_stopping.patience > 0 && e.data.validation <= 0) {
        const Node* training = root.find("training");
        const Node* es = training ? training->find("early_stopping") : nullptr;
        const Node* patience = es ? es->find("patience") : nullptr;
        errors.add(ConfigError(patience ? patience->pos : root.pos,
                               "training.early_stopping.patience: early stopping watches validation accuracy; set "
                               "data.validation (e.g. 0.1) so there is a validation split"));
    }
    e.output = errors.attempt([&] { return read_output(top); }, e.output);
    for (const char* path : {"data.dataset", "data.synthetic_train", "training.batch_size", "training.threads",
                             "model.hidden", "model.layers"})
        if (const Node* v = find_path(root, path)) e.positions[path] = v->pos;
    e.distributed = errors.attempt([&] { return read_distributed(top); }, e.distributed);
    errors.throw_if_any();
    return e;
}

}  // namespace soma
