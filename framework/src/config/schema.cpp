// The key lists of an experiment file.
#include "config/schema.h"

#include <map>

#include "util/names.h"

namespace soma {

namespace {

const std::map<std::string, std::vector<std::string>>& tables() {
    static const std::map<std::string, std::vector<std::string>> t = {
        {"", {"experiment", "include", "data", "model", "training", "output", "distributed", "plugins", "sweep"}},
        {"experiment", {"name", "description", "include"}},
        {"data",
         {"dataset", "train_images", "train_labels", "test_images", "test_labels", "classes", "synthetic_train",
          "synthetic_test", "synthetic_seed", "train_limit", "test_limit", "validation", "cache_dir"}},
        {"model",
         {"hidden", "activation", "activation_params", "output_activation", "output_activation_params",
          "init", "init_scale", "bias_init", "layers"}},
        {"model.layers", {"type", "units", "activation", "params", "activation_params"}},
        {"training",
         {"epochs", "batch_size", "loss", "seed", "threads", "clip_norm", "time_limit", "optimizer", "schedule",
          "early_stopping"}},
        {"training.schedule", {"name", "warmup_epochs", "step_epochs", "gamma", "min_factor"}},
        {"training.early_stopping", {"patience", "min_delta"}},
        {"training.optimizer", {"name"}},  // plus the optimizer's parameters
        {"output", {"dir", "name", "save_weights"}},
        {"distributed", {"mode"}},
        {"plugins", {"paths"}},
    };
    return t;
}

// Tables whose other keys are a plugin's parameters.
bool is_params_table(const std::string& path) {
    return path == "model.activation_params" || path == "model.output_activation_params" ||
           path == "training.optimizer";
}

}  // namespace

std::vector<std::string> settable_paths() {
    // Includes are consumed while reading files and [sweep] is the sweep
    // itself, so neither is settable.
    std::vector<std::string> out;
    for (const auto& [table, keys] : tables()) {
        if (table == "model.layers") continue;  // entries of a list: set model.layers whole
        for (const auto& k : keys) {
            if (k == "include" || k == "sweep") continue;
            out.push_back(table.empty() ? k : table + "." + k);
        }
    }
    return out;
}

const std::vector<std::string>& known_keys(const std::string& table_path) {
    static const std::vector<std::string> none;
    auto it = tables().find(table_path);
    return it == tables().end() ? none : it->second;
}

std::string dotted(const std::vector<std::string>& path) { return join(path, "."); }

std::vector<std::string> split_dotted(const std::string& path) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (true) {
        const auto dot = path.find('.', start);
        parts.push_back(path.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
        if (dot == std::string::npos) return parts;
        start = dot + 1;
    }
}

bool is_settable_path(const std::vector<std::string>& path, std::string& closest) {
    closest.clear();
    std::string table;
    for (std::size_t i = 0; i < path.size(); ++i) {
        if (is_params_table(table)) return true;  // a parameter: the plugin checks it
        const std::string full = table.empty() ? path[i] : table + "." + path[i];
        bool known = false;
        if (table != "model.layers")
            for (const auto& k : known_keys(table)) known = known || k == path[i];
        if (!known || full == "include" || full == "sweep" || full == "experiment.include") {
            closest = closest_name(dotted(path), settable_paths());
            return false;
        }
        table = full;
    }
    return !path.empty();
}

std::vector<std::string> displaced_keys(const std::string& table_path, const std::string& key) {
    if (table_path != "model") return {};
    if (key == "layers") return {"hidden", "activation", "activation_params"};
    if (key == "hidden") return {"layers"};
    return {};
}

}  // namespace soma
