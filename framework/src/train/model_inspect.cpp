// `soma inspect`: a model file's description, tensors, dead units, provenance and config.
#include "train/model_inspect.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "config/document.h"
#include "config/overrides.h"
#include "config/validate.h"
#include "data/batcher.h"
#include "data/dataset.h"
#include "model/trained_model.h"
#include "toolkit/json.h"
#include "toolkit/text_table.h"
#include "train/model_eval.h"
#include "train/run_folder.h"
#include "util/error.h"
#include "util/number.h"

namespace soma {

namespace {

namespace fs = std::filesystem;

// The layer a tensor belongs to: "layer3.weights" -> 3; -1 when the name
// does not start with "layer<index>.".
int tensor_layer(const std::string& name) {
    constexpr std::string_view prefix = "layer";
    if (name.rfind(prefix, 0) != 0) return -1;
    std::size_t i = prefix.size();
    long index = 0;
    const std::size_t first = i;
    while (i < name.size() && name[i] >= '0' && name[i] <= '9' && i - first < 9) index = index * 10 + (name[i++] - '0');
    if (i == first || i >= name.size() || name[i] != '.') return -1;
    return static_cast<int>(index);
}

// The experiment a model file's config section holds, with the overrides:
// where a lone model file's data comes from.
Experiment file_experiment(const ModelFile& model, const fs::path& file, const std::vector<std::string>& overrides,
                           const PluginPermission& permission, Registry& registry) {
    if (model.config.empty())
        throw Error(file.string() +
                    ": the file has no config section, so no data to count dead units on (--samples 0 skips them)");
    Node root = parse_toml(model.config, file.string() + ": section 'config'", file.parent_path());
    apply_overrides(root, overrides);
    return build_experiment(root, registry, file, permission);
}

// Counts dead units on the experiment's test data.
void measure_dead_units(ModelInspection& m, TrainedModel& model, const Experiment& exp, const fs::path& base_dir,
                        std::size_t samples) {
    const Dataset data = load_dataset(exp.data, base_dir, exp.training.seed);
    check_data_fits(model.description(), data, exp.data.dataset, m.file);
    if (data.test.size() == 0) throw Error("dataset " + exp.data.dataset + " has no test samples to count dead units on");
    const std::vector<int> dead = dead_units(model, data.test, samples);
    for (std::size_t i = 0; i < m.layers.size() && i < dead.size(); ++i) m.layers[i].dead = dead[i];
    m.data = exp.data.dataset;
    m.samples = std::min(samples, data.test.size());
}

std::string number_text(double v) {
    if (!std::isfinite(v)) return "-";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.4g", v);
    return buf;
}

// " alpha=0.01 ..."; units, shown beside the layer's type, left out.
std::string params_text(const std::map<std::string, double>& params) {
    std::string s;
    for (const auto& [name, value] : params)
        if (name != "units") s += " " + name + "=" + shortest_number(value);
    return s;
}

// "name:" in a column of 14, then the value wrapped to the rest of the width.
void print_fact(std::ostream& out, const std::string& name, const std::string& value, std::size_t width) {
    constexpr std::size_t label = 14;
    const std::vector<std::string> lines = wrap_text(value, width > label + 20 ? width - label : 0);
    for (std::size_t i = 0; i < lines.size() || i == 0; ++i) {
        const std::string head = i == 0 ? name + ":" : "";
        out << head << std::string(label > head.size() ? label - head.size() : 1, ' ') << (i < lines.size() ? lines[i] : "")
            << "\n";
    }
}

const char* role_name(TensorRole role) { return role == TensorRole::buffer ? "buffer" : "parameter"; }

Json stats_json(const TensorStats& t) {
    Json j = Json::object();
    j["name"] = t.name;
    j["role"] = role_name(t.role);
    j["shape"] = t.shape;
    j["count"] = t.count;
    if (t.nonfinite > 0) j["nonfinite"] = t.nonfinite;
    const bool any = t.count > t.nonfinite;
    for (const auto& [key, v] : {std::pair{"mean", t.mean}, {"std", t.std}, {"min", t.min}, {"max", t.max}})
        j[key] = any ? Json(v) : Json(nullptr);
    return j;
}

std::vector<std::string> stats_row(const TensorStats& t) {
    const bool any = t.count > t.nonfinite;
    auto num = [&](double v) { return any ? number_text(v) : std::string("-"); };
    std::string count = std::to_string(t.count);
    if (t.nonfinite > 0) count += " (" + std::to_string(t.nonfinite) + " not finite)";
    return {t.name, role_name(t.role), shape_text(t.shape), count, num(t.mean), num(t.std), num(t.min), num(t.max)};
}

}  // namespace

TensorStats tensor_stats(const ModelTensor& tensor) {
    TensorStats s;
    s.name = tensor.name;
    s.role = tensor.role;
    s.shape = tensor.shape;
    s.count = tensor.values.size();
    double sum = 0;
    s.min = std::numeric_limits<double>::infinity();
    s.max = -s.min;
    for (float v : tensor.values) {
        if (!std::isfinite(v)) {
            ++s.nonfinite;
            continue;
        }
        sum += v;
        s.min = std::min(s.min, static_cast<double>(v));
        s.max = std::max(s.max, static_cast<double>(v));
    }
    const std::size_t n = s.count - s.nonfinite;
    if (n == 0) {
        s.min = s.max = 0;
        return s;
    }
    s.mean = sum / static_cast<double>(n);
    double squares = 0;
    for (float v : tensor.values)
        if (std::isfinite(v)) squares += (v - s.mean) * (v - s.mean);
    s.std = std::sqrt(squares / static_cast<double>(n));
    return s;
}

std::vector<int> dead_units(TrainedModel& model, const Split& split, std::size_t samples) {
    // The first `samples` images, fed as eval feeds them (the batcher: pixel / 255).
    const std::size_t n = std::min(samples, split.size());
    const std::size_t features = static_cast<std::size_t>(model.inputs());
    Split part;
    part.images.assign(split.images.begin(), split.images.begin() + static_cast<std::ptrdiff_t>(n * features));
    part.labels.assign(split.labels.begin(), split.labels.begin() + static_cast<std::ptrdiff_t>(n));
    Batcher batcher(part, model.inputs(), model.max_batch(), 0, /*shuffle=*/false);
    std::vector<float> x(static_cast<std::size_t>(model.max_batch()) * features);
    std::vector<std::int32_t> labels(static_cast<std::size_t>(model.max_batch()));

    // alive[layer][unit]: some sample gave the unit a non-zero output.
    std::vector<std::vector<char>> alive;
    for (const Stage& s : model.network().stages())
        if (s.layer) alive.emplace_back(static_cast<std::size_t>(s.outputs), 0);
    while (const int batch = batcher.next(x.data(), labels.data())) {
        model.forward(x.data(), batch);
        // After the forward, each stage's last_out is its output: a layer's
        // output after its activation is that of its own stage when fused,
        // else that of the activation stage that follows it.
        const std::vector<Stage>& stages = model.network().stages();
        std::size_t layer = 0;
        for (std::size_t i = 0; i < stages.size(); ++i) {
            if (!stages[i].layer) continue;
            const Stage& out = i + 1 < stages.size() && !stages[i + 1].layer ? stages[i + 1] : stages[i];
            std::vector<char>& a = alive[layer++];
            const std::size_t units = a.size();
            for (int b = 0; b < batch; ++b)
                for (std::size_t u = 0; u < units; ++u)
                    if (out.last_out[static_cast<std::size_t>(b) * units + u] != 0.f) a[u] = 1;
        }
    }
    std::vector<int> dead;
    for (const std::vector<char>& a : alive) dead.push_back(static_cast<int>(std::count(a.begin(), a.end(), 0)));
    return dead;
}

ModelInspection inspect_model(const InspectOptions& o, Registry& registry) {
    ModelInspection m;
    std::error_code ec;
    const bool folder = fs::is_directory(o.target, ec);
    if (!folder && !fs::exists(o.target, ec)) throw Error(o.target.string() + ": no such file or folder");
    m.file = folder ? run_model_file(o.target, o.model, &m.note) : o.target;
    std::unique_ptr<TrainedModel> model;
    Experiment experiment;
    if (o.samples > 0 && folder) {
        // As soma eval: the run's config.toml names the data (and the plugins).
        RunModel run = open_run_model(o.target, o.model, o.overrides, o.permission, registry);
        experiment = std::move(run.experiment);
        model = std::move(run.model);
        m.model = model->file();
    } else {
        m.model = read_model_file(m.file);
        if (o.samples > 0) {
            experiment = file_experiment(m.model, m.file, o.overrides, o.permission, registry);
            model = std::make_unique<TrainedModel>(m.model, registry, m.file.string());
        }
    }

    const ModelDescription& d = m.model.description;
    for (const LayerDescription& l : d.layers) m.layers.push_back({l, 0, {}, -1});
    for (const ModelTensor& t : m.model.tensors) {
        const int layer = tensor_layer(t.name);
        TensorStats s = tensor_stats(t);
        if (layer < 0 || static_cast<std::size_t>(layer) >= m.layers.size()) {
            m.unplaced.push_back(std::move(s));
            continue;
        }
        LayerInspection& l = m.layers[static_cast<std::size_t>(layer)];
        if (t.role == TensorRole::parameter) l.parameters += static_cast<std::int64_t>(t.values.size());
        l.tensors.push_back(std::move(s));
    }
    if (model) measure_dead_units(m, *model, experiment, folder ? o.target : m.file.parent_path(), o.samples);
    return m;
}

void print_inspection(std::ostream& out, const ModelInspection& m, std::size_t width) {
    const ModelDescription& d = m.model.description;
    if (!m.note.empty()) out << "note: " << m.note << "\n";
    auto fact = [&](const std::string& name, const std::string& value) { print_fact(out, name, value, width); };
    fact("model", m.file.string());
    fact("epoch", std::to_string(d.epoch) + " (" + std::string(model_selection_names.name(d.selection)) +
                      "; written when the run had trained " + std::to_string(d.epochs) + " epochs)");
    fact("experiment", d.experiment);
    fact("dataset", d.dataset);
    fact("network", d.network);
    fact("input", std::to_string(d.input_rows) + "x" + std::to_string(d.input_cols) + " pixels, each / " +
                      std::to_string(d.input_divisor));
    fact("classes", std::to_string(d.classes));
    fact("loss", d.loss);
    fact("parameters", std::to_string(d.parameters));
    if (!m.model.other.empty()) {
        std::string names;
        for (const Section& s : m.model.other) names += (names.empty() ? "" : ", ") + s.name;
        fact("sections", "also " + names + " (a checkpoint's training state)");
    }
    out << "\n";

    TextTable layers;
    layers.columns = {{"#", true, false},         {"layer", false, true},     {"activation", false, true},
                      {"inputs", true, false},    {"outputs", true, false},   {"parameters", true, false},
                      {"dead units", true, false}};
    for (std::size_t i = 0; i < m.layers.size(); ++i) {
        const LayerInspection& l = m.layers[i];
        const LayerDescription& ld = l.layer;
        std::string dead = "-";
        if (l.dead >= 0)
            dead = std::to_string(l.dead) + " of " + std::to_string(ld.outputs) + " (" +
                   number_text(100.0 * l.dead / std::max(ld.outputs, 1)) + "%)";
        layers.rows.push_back({std::to_string(i),
                               ld.type + (ld.units > 0 ? " " + std::to_string(ld.units) : "") + params_text(ld.params),
                               ld.activation.empty() ? "-" : ld.activation + params_text(ld.activation_params),
                               std::to_string(ld.inputs), std::to_string(ld.outputs), std::to_string(l.parameters),
                               dead});
    }
    out << render_text_table(layers, width);
    if (m.samples > 0)
        out << "dead units: output (after the activation) exactly 0 for each of the first " << m.samples << " "
            << m.data << " test samples\n\n";
    else out << "dead units: not counted (--samples 0)\n\n";

    TextTable tensors;
    tensors.columns = {{"tensor", false, true}, {"role", false, false}, {"shape", false, true}, {"count", true, false},
                       {"mean", true, false},   {"std", true, false},   {"min", true, false},  {"max", true, false}};
    for (const LayerInspection& l : m.layers)
        for (const TensorStats& t : l.tensors) tensors.rows.push_back(stats_row(t));
    for (const TensorStats& t : m.unplaced) tensors.rows.push_back(stats_row(t));
    out << render_text_table(tensors, width) << "\n";

    const Provenance& p = m.model.provenance;
    out << "provenance\n";
    auto row = [&](const std::string& name, const std::string& value) { print_fact(out, "  " + name, value, width); };
    row("soma", p.soma_version + (p.git_commit.empty() ? "" : " (git " + p.git_commit + ")"));
    row("oneDNN", p.onednn_version + ", kernels for " + p.onednn_isa);
    row("vector ISA", p.vector_isa);
    row("CPU", p.cpu_model + ", " + std::to_string(p.cores) + " cores, " + std::to_string(p.threads) + " threads used");
    row("host", p.host);
    row("started", p.started);
    row("ended", p.ended.empty() ? "- (the run had not ended)" : p.ended);
    for (const ResumeRecord& r : p.resumed)
        row("resumed", "after epoch " + std::to_string(r.after_epoch) + " at " + r.at + " on " + r.host + " (" +
                           r.onednn_isa + ", " + r.vector_isa + ")");
    for (const PluginUse& u : p.plugins) row("plugin", u.name + " " + u.version + ", " + u.file + ", sha256 " + u.sha256);
    out << "\n";

    if (m.model.config.empty()) out << "config: none in the file\n";
    else {
        out << "config (soma inspect --config prints it alone)\n" << m.model.config;
        if (m.model.config.back() != '\n') out << "\n";
    }
}

std::string inspection_json(const ModelInspection& m) {
    Json j = Json::object();
    j["model"] = m.file.string();
    if (!m.note.empty()) j["note"] = m.note;
    j["description"] = description_json(m.model.description);
    j["parameters"] = m.model.description.parameters;
    Json layers = Json::array();
    for (std::size_t i = 0; i < m.layers.size(); ++i) {
        const LayerInspection& l = m.layers[i];
        Json one = Json::object();
        one["index"] = i;
        one["type"] = l.layer.type;
        one["activation"] = l.layer.activation;
        one["outputs"] = l.layer.outputs;
        one["parameters"] = l.parameters;
        one["dead_units"] = l.dead >= 0 ? Json(l.dead) : Json(nullptr);
        Json tensors = Json::array();
        for (const TensorStats& t : l.tensors) tensors.push_back(stats_json(t));
        one["tensors"] = std::move(tensors);
        layers.push_back(std::move(one));
    }
    j["layers"] = std::move(layers);
    if (!m.unplaced.empty()) {
        Json unplaced = Json::array();
        for (const TensorStats& t : m.unplaced) unplaced.push_back(stats_json(t));
        j["other_tensors"] = std::move(unplaced);
    }
    Json dead = Json::object();
    dead["meaning"] = "units whose output (after the activation) is exactly 0 for every sample";
    dead["dataset"] = m.data;
    dead["split"] = "test";
    dead["samples"] = m.samples;
    j["dead_units"] = std::move(dead);
    JsonOut provenance;
    provenance_fields(provenance, m.model.provenance);
    j["provenance"] = std::move(provenance.json);
    std::vector<std::string> sections;
    for (const Section& s : m.model.other) sections.push_back(s.name);
    j["other_sections"] = sections;
    j["config"] = m.model.config;
    return json_text(j);
}

}  // namespace soma
