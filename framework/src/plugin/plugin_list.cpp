// format_plugin_table and plugin_list_json: the listing of `soma plugins`.
#include "plugin/plugin_list.h"

#include <cmath>

#include "toolkit/json.h"
#include "toolkit/text_table.h"
#include "util/names.h"
#include "util/number.h"
#include "util/sanitize.h"

namespace soma {

namespace fs = std::filesystem;

namespace {

std::string format_params(const std::vector<ParamSpec>& specs) {
    std::vector<std::string> parts;
    for (const auto& s : specs) parts.push_back(s.name + "=" + shortest_number(s.default_value));
    return join(parts);
}

std::string plugin_version(const Registry& registry, const FeatureRecord& f) {
    for (const auto& p : registry.plugins())
        if (p.path == f.path) return p.version;
    return "?";
}

// Every feature, sorted by kind then name.
std::vector<const FeatureRecord*> features(const Registry& registry) {
    std::vector<const FeatureRecord*> out;
    for (Kind kind : {Kind::activation, Kind::layer, Kind::optimizer})
        for (const auto& name : registry.names(kind)) out.push_back(&registry.feature(kind, name));
    return out;
}

// The index in folders of the folder holding file, or folders.size().
std::size_t folder_of(const fs::path& file, const std::vector<fs::path>& folders) {
    for (std::size_t i = 0; i < folders.size(); ++i) {
        const fs::path rel = file.lexically_relative(folders[i]);
        if (!rel.empty() && *rel.begin() != "..") return i;
    }
    return folders.size();
}

}  // namespace

std::string format_plugin_table(const Registry& registry, const std::vector<fs::path>& folders, std::size_t width) {
    const std::vector<const FeatureRecord*> all = features(registry);
    std::vector<std::size_t> used;  // indices into folders holding a listed plugin, in order of folders
    for (std::size_t i = 0; i < folders.size(); ++i)
        for (const FeatureRecord* f : all)
            if (folder_of(f->path, folders) == i) {
                used.push_back(i);
                break;
            }
    const bool numbered = used.size() > 1;
    auto number_of = [&](std::size_t folder) {
        for (std::size_t k = 0; k < used.size(); ++k)
            if (used[k] == folder) return k + 1;
        return std::size_t{0};
    };

    TextTable t;
    t.columns = {{"KIND"}, {"NAME"}, {"VERSION"}, {"FILE", false, true}, {"DESCRIPTION", false, true}};
    for (const FeatureRecord* f : all) {
        const std::size_t folder = folder_of(f->path, folders);
        std::string file = f->path.string();  // outside every folder (loaded by path): whole
        if (folder < folders.size()) {
            file = f->path.lexically_relative(folders[folder]).string();
            if (numbered) file = "[" + std::to_string(number_of(folder)) + "] " + file;
        }
        t.rows.push_back({kind_name(f->kind), terminal_safe(f->name), plugin_version(registry, *f), terminal_safe(file),
                          terminal_safe(f->info.help)});
        t.notes.push_back(f->info.params.empty() ? "" : "parameters: " + format_params(f->info.params));
    }
    std::string out = render_text_table(t, width);
    if (used.size() == 1) {
        out += "folder: " + terminal_safe(folders[used.front()].string()) + "\n";
    } else if (numbered) {
        out += "folders:";
        for (std::size_t k = 0; k < used.size(); ++k)
            out += " [" + std::to_string(k + 1) + "] " + terminal_safe(folders[used[k]].string());
        out += "\n";
    }
    std::vector<std::string> empty;  // searched, holding no plugin
    for (std::size_t i = 0; i < folders.size(); ++i)
        if (number_of(i) == 0) empty.push_back(terminal_safe(folders[i].string()));
    if (!empty.empty()) out += std::string(used.empty() ? "searched: " : "also searched: ") + join(empty) + "\n";
    return out;
}

std::string plugin_list_json(const Registry& registry, const std::vector<fs::path>& folders,
                             const std::vector<LoadError>& refused) {
    auto bound = [](double v) { return std::isfinite(v) ? Json(v) : Json(); };
    Json j = Json::object();
    j["folders"] = Json::array();
    for (const fs::path& f : folders) j["folders"].push_back(f.string());
    j["plugins"] = Json::array();
    for (const FeatureRecord* f : features(registry)) {
        Json p = Json::object();
        p["kind"] = kind_name(f->kind);
        p["name"] = f->name;
        p["plugin"] = f->plugin;
        p["version"] = plugin_version(registry, *f);
        p["file"] = f->path.string();
        p["description"] = f->info.help;
        p["init"] = f->info.preferred_init;
        p["parameters"] = Json::array();
        for (const ParamSpec& s : f->info.params)
            p["parameters"].push_back({{"name", s.name},
                                       {"default", s.default_value},
                                       {"min", bound(s.min)},
                                       {"max", bound(s.max)},
                                       {"integer", s.integer},
                                       {"help", s.help}});
        j["plugins"].push_back(std::move(p));
    }
    j["refused"] = Json::array();
    for (const LoadError& e : refused)
        j["refused"].push_back(
            {{"file", e.path.string()}, {"reason", load_error_code_name(e.code)}, {"message", e.message}});
    return json_text(j);
}

}  // namespace soma
