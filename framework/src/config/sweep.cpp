// Sweep expansion: axes from [sweep], runs as the base document with each
// axis value set at its path, every run validated before any of them runs.
#include "config/sweep.h"

#include <algorithm>
#include <map>

#include "config/checks.h"
#include "config/include.h"
#include "config/overrides.h"
#include "config/schema.h"
#include "config/sweep_id.h"
#include "config/toml_text.h"
#include "config/validate.h"
#include "config/writer.h"
#include "util/names.h"
#include "util/sanitize.h"

namespace soma {

namespace {

constexpr std::size_t max_runs = 100000;

struct Axis {
    std::vector<std::string> path;
    std::string name;   // dotted path
    SourcePos key_pos;  // where the axis is named
    SourcePos list_pos; // where its list of values starts
    std::vector<Node> values;
};

bool is_prefix(const std::vector<std::string>& a, const std::vector<std::string>& b) {
    return a.size() <= b.size() && std::equal(a.begin(), a.end(), b.begin());
}

// Axis keys are quoted dotted paths ("model.activation" = [...]); unquoted
// dotted keys (model.activation = [...]) arrive as nested tables, so both work.
void collect_axes(const Node& table, const std::vector<std::string>& prefix, std::vector<Axis>& out) {
    for (const auto& [key, value] : table.entries) {
        if (prefix.empty() && key == "mode") continue;
        std::vector<std::string> path = prefix;
        for (const std::string& part : split_dotted(key)) {
            if (part.empty()) fail(value.key_pos, "sweep: '" + key + "' is not a dotted path of settings");
            path.push_back(part);
        }
        if (value.is_table()) {
            collect_axes(value, path, out);
            continue;
        }
        const std::string name = dotted(path);
        std::string closest;
        if (!is_settable_path(path, closest))
            fail(value.key_pos, "unknown setting '" + name + "' in [sweep]" +
                                    (closest.empty() ? std::string() : " (did you mean '" + closest + "'?)"));
        if (value.type != Node::Type::array)
            fail(value.pos, "sweep \"" + name + "\": expected a list of values, got " + type_name(value.type));
        if (value.items.empty()) fail(value.pos, "sweep \"" + name + "\": expected at least one value, got []");
        out.push_back({path, name, value.key_pos, value.pos, value.items});
    }
}

// idx file paths are relative to the file that writes them; assignments and
// the written sweep hold them absolute so they work from any folder.
std::string value_text(const Axis& axis, const Node& value) {
    const bool file_key = axis.path.size() == 2 && axis.path[0] == "data" &&
                          (axis.path[1] == "train_images" || axis.path[1] == "train_labels" ||
                           axis.path[1] == "test_images" || axis.path[1] == "test_labels");
    if (file_key && value.type == Node::Type::string && !value.string.empty())
        return toml_quote(std::filesystem::absolute(value.dir / value.string).lexically_normal().string());
    return toml_text(value);
}

// The numeric entries of the parameter table at `path`, as written.
void keep_explicit(const Node& root, const std::vector<std::string>& path, std::map<std::string, Params>& out) {
    const Node* t = &root;
    for (const auto& p : path)
        if (!(t = t->is_table() ? t->find(p) : nullptr)) return;
    if (!t->is_table()) return;
    Params p;
    for (const auto& [k, v] : t->entries)
        if (k != "name" && v.is_number()) p.set(k, v.number());
    out[dotted(path)] = p;
}

std::vector<std::vector<std::size_t>> combinations(const std::vector<Axis>& axes, const std::string& mode,
                                                   const SourcePos& sweep_pos) {
    if (axes.empty()) return {{}};
    std::vector<std::vector<std::size_t>> out;
    if (mode == "zip") {
        for (const auto& a : axes)
            if (a.values.size() != axes.front().values.size())
                fail(a.list_pos, "sweep: mode \"zip\" needs lists of equal length; \"" + a.name + "\" has " +
                                     std::to_string(a.values.size()) + " values, \"" + axes.front().name +
                                     "\" has " + std::to_string(axes.front().values.size()));
        for (std::size_t k = 0; k < axes.front().values.size(); ++k) out.emplace_back(axes.size(), k);
        return out;
    }
    std::size_t total = 1;
    for (const auto& a : axes) {
        total *= a.values.size();
        if (total > max_runs)
            fail(sweep_pos, "sweep: more than " + std::to_string(max_runs) + " runs; use fewer values");
    }
    // An odometer: the last axis turns fastest, like nested loops in file order.
    std::vector<std::size_t> index(axes.size(), 0);
    for (std::size_t n = 0; n < total; ++n) {
        out.push_back(index);
        for (std::size_t i = axes.size(); i-- > 0;) {
            if (++index[i] < axes[i].values.size()) break;
            index[i] = 0;
        }
    }
    return out;
}

}  // namespace

Sweep load_sweep(const std::filesystem::path& file, Registry& registry, const std::vector<std::string>& overrides,
                 const PluginPermission& permission) {
    Node root = read_document(file);
    Sweep sweep;
    std::vector<Axis> axes;
    SourcePos sweep_pos{display_path(file)};
    if (const Node* table = root.find("sweep")) {
        expect_type(*table, Node::Type::table, "sweep");
        sweep_pos = table->key_pos;
        if (const Node* mode = table->find("mode")) sweep.mode = check_choice(*mode, "sweep.mode", {"product", "zip"});
        collect_axes(*table, {}, axes);
        root.erase("sweep");
    }
    for (std::size_t j = 0; j < axes.size(); ++j)
        for (std::size_t i = 0; i < j; ++i)
            if (is_prefix(axes[i].path, axes[j].path) || is_prefix(axes[j].path, axes[i].path))
                fail(axes[j].key_pos, "sweep axis '" + axes[j].name + "' overlaps axis '" + axes[i].name + "' (" +
                                          axes[i].key_pos.str() + "); sweep one of them");

    for (const auto& o : apply_overrides(root, overrides))
        for (const auto& a : axes)
            if (is_prefix(o.path, a.path) || is_prefix(a.path, o.path))
                fail(o.value.pos, "--set " + dotted(o.path) + " conflicts with the sweep axis '" + a.name + "' (" +
                                      a.key_pos.str() + "); set it in one place");

    sweep.base = build_experiment(root, registry, file, permission);
    for (const auto& path : std::vector<std::vector<std::string>>{{"model", "activation_params"},
                                                                  {"model", "output_activation_params"},
                                                                  {"training", "optimizer"}})
        keep_explicit(root, path, sweep.explicit_params);

    std::vector<std::vector<std::string>> paths;
    for (const auto& a : axes) {
        sweep.axes.push_back(a.name);
        paths.push_back(a.path);
        std::vector<std::string> texts;
        for (const auto& v : a.values) texts.push_back(value_text(a, v));
        sweep.axis_values.push_back(std::move(texts));
    }
    const std::vector<std::string> keys = axis_keys(paths);

    std::map<std::string, std::size_t> seen;
    for (const auto& combo : combinations(axes, sweep.mode, sweep_pos)) {
        Node doc = root;
        RunSpec run;
        std::vector<std::string> parts, config_parts;
        for (std::size_t i = 0; i < axes.size(); ++i) {
            Node value = axes[i].values[combo[i]];
            value.key_pos = axes[i].key_pos;  // an unknown key inside it points at the axis
            const std::string part = folder_name(keys[i] + "=" + value_id(value));
            parts.push_back(part);
            if (axes[i].name != "training.seed") config_parts.push_back(part);
            run.assignments.emplace_back(axes[i].name, value_text(axes[i], value));
            set_at_path(doc, axes[i].path, std::move(value));
        }
        // Each part is a folder name already; this keeps the whole within NAME_MAX.
        run.id = parts.empty() ? "" : folder_name(join(parts, ","));
        run.config_id = join(config_parts, ",");
        if (auto [it, fresh] = seen.emplace(run.id, sweep.runs.size()); !fresh)
            fail(sweep_pos, "sweep: runs " + std::to_string(it->second + 1) + " and " +
                                std::to_string(sweep.runs.size() + 1) + " both get the id '" + run.id +
                                "'; every run needs its own (is a value listed twice?)");
        run.experiment = build_experiment(doc, registry, file, permission);
        sweep.runs.push_back(std::move(run));
    }
    return sweep;
}

std::string to_toml(const Sweep& sweep) {
    Experiment base = sweep.base;
    bool hidden_form = false;
    auto explicit_params = [&](const std::string& path) {
        auto it = sweep.explicit_params.find(path);
        return it == sweep.explicit_params.end() ? Params{} : it->second;
    };
    for (const auto& axis : sweep.axes) {
        if (axis == "model.hidden" || axis == "model.activation" || axis.starts_with("model.activation_params"))
            hidden_form = true;
        // Where an axis changes the plugin, only what was written applies to every plugin.
        if (axis == "model.activation")
            for (auto& l : base.model.layers) l.activation_params = explicit_params("model.activation_params");
        if (axis == "model.output_activation")
            base.model.output_activation_params = explicit_params("model.output_activation_params");
        if (axis == "training.optimizer.name" || axis == "training.optimizer")
            base.training.optimizer.params = explicit_params("training.optimizer");
    }
    std::string out = to_toml(base, hidden_form);
    out += "\n[sweep]\nmode = " + toml_quote(sweep.mode) + "\n";
    for (std::size_t i = 0; i < sweep.axes.size(); ++i)
        out += toml_quote(sweep.axes[i]) + " = [" + join(sweep.axis_values[i], ", ") + "]\n";
    return out;
}

}  // namespace soma
