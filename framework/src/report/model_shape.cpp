#include "report/model_shape.h"

#include <algorithm>
#include <optional>
#include <toml++/toml.h>

#include "config/document.h"
#include "config/sweep_id.h"
#include "util/error.h"

namespace soma {

int ModelShape::total_units() const {
    int total = 0;
    for (int u : hidden) total += u;
    return total;
}

std::string ModelShape::hidden_label() const {
    if (hidden.empty()) return "none";
    std::string s;
    for (std::size_t i = 0; i < hidden.size(); ++i) s += (i ? "x" : "") + std::to_string(hidden[i]);
    return s;
}

namespace {

std::optional<toml::table> parse_value_doc(const std::string& text) {
    try {
        const std::string doc = "v = " + text;
        check_key_depth(doc, "sweep.json");  // the text comes from a file: it may hold a deep header
        return toml::parse(doc);
    } catch (const toml::parse_error&) {
        return std::nullopt;
    } catch (const ConfigError&) {
        return std::nullopt;
    }
}

std::optional<std::vector<int>> int_list(const toml::node* n) {
    if (!n || !n->is_array()) return std::nullopt;
    std::vector<int> out;
    for (const toml::node& item : *n->as_array()) {
        if (!item.is_integer()) return std::nullopt;
        out.push_back(static_cast<int>(item.as_integer()->get()));
    }
    return out;
}

}  // namespace

std::string toml_value_label(const std::string& toml_text) {
    try {
        const Node doc = parse_toml("v = " + toml_text, "value", {});
        const Node* v = doc.find("v");
        return v ? value_id(*v) : toml_text;
    } catch (const Error&) {
        return toml_text;
    }
}

ModelShape model_shape(const Assignments& assignments, const std::filesystem::path& config_toml) {
    ModelShape shape;
    bool have_activation = false;
    for (const auto& [path, text] : assignments) {
        auto doc = parse_value_doc(text);
        if (!doc) continue;
        const toml::node* v = doc->get("v");
        if (path == "model.hidden") {
            if (auto list = int_list(v)) shape.hidden = *list, shape.known = true;
        } else if (path == "model.activation" && v && v->is_string()) {
            shape.activation = v->as_string()->get();
            have_activation = true;
        }
    }
    if (shape.known && have_activation) return shape;

    std::error_code ec;
    if (config_toml.empty() || !std::filesystem::exists(config_toml, ec)) return shape;
    toml::table config;
    try {
        // Bounded like every config read: a regular file, its size, its key depth.
        const std::string text = read_config_text(config_toml);
        check_key_depth(text, config_toml.string());
        config = toml::parse(text, config_toml.string());
    } catch (const toml::parse_error&) {
        return shape;
    } catch (const ConfigError&) {
        return shape;
    }
    const toml::table* model = config["model"].as_table();
    if (!model) return shape;
    std::vector<int> hidden;
    std::string activation;
    bool found = false;
    if (auto list = int_list(model->get("hidden"))) {
        hidden = *list;
        found = true;
        if (auto a = model->get_as<std::string>("activation")) activation = a->get();
    } else if (const toml::array* layers = model->get_as<toml::array>("layers")) {
        found = true;
        std::vector<std::string> seen;
        for (const toml::node& layer : *layers) {
            const toml::table* t = layer.as_table();
            if (!t) continue;
            if (auto u = t->get_as<std::int64_t>("units")) hidden.push_back(static_cast<int>(u->get()));
            std::string a;
            if (auto s = t->get_as<std::string>("activation")) a = s->get();
            if (std::find(seen.begin(), seen.end(), a) == seen.end()) {
                activation += (seen.empty() ? "" : "/") + a;
                seen.push_back(a);
            }
        }
    }
    if (!shape.known && found) shape.hidden = hidden, shape.known = true;
    if (!have_activation) shape.activation = activation;
    return shape;
}

}  // namespace soma
