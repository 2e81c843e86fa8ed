// An experiment as soma runs it: every value resolved and validated.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "soma/params.h"

namespace soma {

class Registry;

// Where a value came from, for error messages: "exp.toml:12:5".
struct SourcePos {
    std::string file;
    int line = 0;
    int column = 0;
    std::string str() const;  // "file:line:column" (or "file" / "<--set>")
};

struct DataConfig {
    std::string dataset = "mnist";  // mnist | fashion-mnist | idx | synthetic
    // dataset = "idx": the four files (absolute, or relative to the config file)
    std::string train_images, train_labels, test_images, test_labels;
    // dataset = "synthetic": sizes and seed of the generated problem
    int synthetic_train = 2000;
    int synthetic_test = 500;
    std::uint64_t synthetic_seed = 7;
    // optional: use only the first N training / test samples (0 = all)
    int train_limit = 0;
    int test_limit = 0;
    // fraction of the training set held out for validation (0 = none)
    double validation = 0.0;
    std::string cache_dir;  // "" = SOMA_DATA_DIR or ~/.cache/soma/data
};

struct LayerConfig {
    std::string type = "dense";
    int units = 0;
    std::string activation;     // "" = no activation after this layer
    Params params;              // the layer plugin's parameters, resolved
    Params activation_params;   // the activation plugin's parameters, resolved
    SourcePos pos;              // where this layer was declared
};

struct ModelConfig {
    // Hidden layers, from `hidden = [16, 16]` + `activation`, or from
    // [[model.layers]]. The output layer (dense, units = classes) is added
    // by the network builder.
    std::vector<LayerConfig> layers;
    std::string output_activation;  // "" = none (logits into the loss)
    Params output_activation_params;
    std::string init;               // "" = each activation's preferred scheme
    double init_scale = 0.05;       // for uniform / normal
};

struct OptimizerConfig {
    std::string name = "sgd";
    Params params;  // resolved against the plugin's specs
};

struct TrainingConfig {
    int epochs = 10;
    int batch_size = 32;
    OptimizerConfig optimizer;
    std::string loss = "cross_entropy";  // cross_entropy | mse
    std::uint64_t seed = 1;
    int threads = 0;  // 0 = all cores
};

struct OutputConfig {
    std::string dir = "runs";  // relative to the working directory
    std::string name;          // "" = the experiment file's stem
    bool save_weights = true;
};

struct Experiment {
    std::filesystem::path source;   // the experiment file
    std::string name;               // [experiment] name, or the file stem
    std::string description;
    DataConfig data;
    ModelConfig model;
    TrainingConfig training;
    OutputConfig output;
    std::vector<std::filesystem::path> plugin_paths;  // [plugins] paths, absolute
};

// Reads, merges --set overrides ("training.epochs=3", value in TOML syntax)
// and validates an experiment file. Plugin folders named in [plugins] paths
// are loaded into the registry first; then every plugin name and parameter is
// checked against it. Throws soma::ConfigError naming file:line:column, what
// was expected and, for unknown keys or names, the closest valid one.
Experiment load_experiment(const std::filesystem::path& file, Registry& registry,
                           const std::vector<std::string>& overrides = {});

// The resolved experiment as TOML (loads back to the same Experiment).
std::string to_toml(const Experiment& experiment);

}  // namespace soma
