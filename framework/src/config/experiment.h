// An experiment as soma runs it: every value resolved and validated.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/config_error.h"  // SourcePos, ConfigError
#include "plugin/folders.h"        // PluginPermission
#include "soma/init.h"
#include "soma/params.h"
#include "util/name_table.h"

namespace soma {

class Registry;

// The names data.dataset accepts (the data component loads each).
inline const std::vector<std::string>& dataset_names() {
    static const std::vector<std::string> names = {"mnist", "mnist-10k", "fashion-mnist", "idx", "synthetic"};
    return names;
}

// A synthetic sample in memory: a 28x28 image and its label (data/synthetic
// generates them; the config bounds their number by it).
inline constexpr std::uint64_t kSyntheticSampleBytes = 28 * 28 + 1;

struct DataConfig {
    std::string dataset = "mnist";  // one of dataset_names()
    // dataset = "idx": the four files (absolute, or relative to the config file)
    std::string train_images, train_labels, test_images, test_labels;
    // The number of classes; every label must be below it. 0 = the largest
    // label + 1, refused when a class below that has no sample (idx). Named
    // datasets know theirs; set, it must match.
    int classes = 0;
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

    bool operator==(const DataConfig&) const = default;
};

struct LayerConfig {
    std::string type = "dense";
    int units = 0;
    std::string activation;     // "" = no activation after this layer
    Params params;              // the layer plugin's parameters, resolved
    Params activation_params;   // the activation plugin's parameters, resolved
    SourcePos pos;              // where this layer was declared

    // Equal settings; pos (where they were written) is not compared.
    bool operator==(const LayerConfig& o) const {
        return type == o.type && units == o.units && activation == o.activation &&
               params.values() == o.params.values() && activation_params.values() == o.activation_params.values();
    }
};

// model.init's names for the weight schemes (soma/init.h).
inline constexpr auto init_scheme_names = name_table<InitScheme>({{InitScheme::xavier, "xavier"},
                                                                  {InitScheme::he, "he"},
                                                                  {InitScheme::uniform, "uniform"},
                                                                  {InitScheme::normal, "normal"}});
// model.bias_init's names (soma/init.h).
inline constexpr auto bias_init_names = name_table<BiasInit>(
    {{BiasInit::zero, "zero"}, {BiasInit::uniform, "uniform"}, {BiasInit::normal, "normal"}});

struct ModelConfig {
    // Hidden layers, from `hidden = [16, 16]` + `activation`, or from
    // [[model.layers]]. The output layer (dense, units = classes) is added
    // by the network builder.
    std::vector<LayerConfig> layers;
    std::string output_activation;  // "" = none (logits into the loss)
    Params output_activation_params;
    std::optional<InitScheme> init;  // none = each activation's preferred scheme
    double init_scale = 0.05;       // for uniform / normal weights and biases
    BiasInit bias_init = BiasInit::zero;

    bool operator==(const ModelConfig& o) const {
        return layers == o.layers && output_activation == o.output_activation &&
               output_activation_params.values() == o.output_activation_params.values() && init == o.init &&
               init_scale == o.init_scale && bias_init == o.bias_init;
    }
};

struct OptimizerConfig {
    std::string name = "sgd";
    Params params;  // resolved against the plugin's specs

    bool operator==(const OptimizerConfig& o) const { return name == o.name && params.values() == o.params.values(); }
};

// The learning-rate schedules (train/schedule.h gives their formulas).
enum class Schedule { constant, step, exponential, cosine };
inline constexpr auto schedule_names = name_table<Schedule>({{Schedule::constant, "constant"},
                                                             {Schedule::step, "step"},
                                                             {Schedule::exponential, "exponential"},
                                                             {Schedule::cosine, "cosine"}});

// The learning rate over training, as a factor on the optimizer's own rate.
struct ScheduleConfig {
    Schedule name = Schedule::constant;
    double warmup_epochs = 0;       // linear warmup from 0 (any schedule)
    int step_epochs = 10;           // step: multiply by gamma every step_epochs
    double gamma = 0.1;             // step; exponential: factor per epoch
    double min_factor = 0;          // cosine: the factor at the end

    bool operator==(const ScheduleConfig&) const = default;
};

// Stop when the score that chooses the epoch (train/epoch_choice.h) has not improved
// by more than min_delta for `patience` epochs (0 = never). Needs data.validation > 0.
struct EarlyStoppingConfig {
    int patience = 0;
    double min_delta = 0;

    bool operator==(const EarlyStoppingConfig&) const = default;
};

struct TrainingConfig {
    int epochs = 10;
    int batch_size = 32;
    OptimizerConfig optimizer;
    std::string loss = "cross_entropy";  // cross_entropy | mse
    std::uint64_t seed = 1;
    int threads = 0;        // 0 = soma chooses (train/threads.h)
    double clip_norm = 0;   // clip the global gradient L2 norm to this (0 = off)
    // Wall-clock seconds a run may take, data loading included (0 = no limit);
    // past it the supervising process kills the run and marks it failed "timed out".
    double time_limit = 0;
    ScheduleConfig schedule;
    EarlyStoppingConfig early_stopping;

    bool operator==(const TrainingConfig&) const = default;
};

struct OutputConfig {
    std::string dir = "runs";  // relative to the working directory
    std::string name;          // "" = the experiment file's stem
    bool save_weights = true;

    bool operator==(const OutputConfig&) const = default;
};

// [distributed]: how one run uses the processes an MPI launcher started
// (mpirun -np N soma run EXP.toml). "none": a run is one process (a sweep
// under mpirun spreads its runs over the ranks instead). "data": data-parallel
// training, every global batch split across the ranks (distributed/).
enum class DistributedMode { none, data };
inline constexpr auto distributed_mode_names =
    name_table<DistributedMode>({{DistributedMode::none, "none"}, {DistributedMode::data, "data"}});

struct DistributedConfig {
    DistributedMode mode = DistributedMode::none;
    SourcePos pos;  // where mode was set (for errors about it); not compared

    bool operator==(const DistributedConfig& o) const { return mode == o.mode; }
};

struct Experiment {
    std::filesystem::path source;   // the experiment file
    std::string name;               // [experiment] name, or the file stem
    std::string description;
    DataConfig data;
    ModelConfig model;
    TrainingConfig training;
    OutputConfig output;
    DistributedConfig distributed;
    std::vector<std::filesystem::path> plugin_paths;  // [plugins] paths, absolute
    // Where the settings that checks after loading name were written (the
    // memory estimate: "training.batch_size", "data.synthetic_train",
    // "model.hidden" ...; each layer keeps its own pos). Not compared.
    std::map<std::string, SourcePos> positions;

    // Equal settings; source (which file they were read from) is not compared,
    // so an experiment equals its to_toml() loaded back.
    bool operator==(const Experiment& o) const {
        return name == o.name && description == o.description && data == o.data && model == o.model &&
               training == o.training && output == o.output && distributed == o.distributed &&
               plugin_paths == o.plugin_paths;
    }
};

// Reads (following includes), merges --set overrides ("training.epochs=3", value in TOML syntax)
// and validates an experiment file. Plugin folders named in [plugins] paths
// are loaded into the registry first, each only if `permission` allows it
// (else a ConfigError at the path, before any library of it is opened);
// then every plugin name and parameter is checked against the registry. Throws soma::ConfigError naming file:line:column, what
// was expected and, for unknown keys or names, the closest valid one.
// Relative paths in the file (include, idx files, plugin folders) resolve
// against the file that writes them, in --set against the working directory;
// the Experiment holds them absolute. A file with a [sweep] table is refused
// (see load_sweep).
Experiment load_experiment(const std::filesystem::path& file, Registry& registry,
                           const std::vector<std::string>& overrides = {},
                           const PluginPermission& permission = PluginPermission());

// The resolved experiment as TOML (loads back to the same Experiment).
std::string to_toml(const Experiment& experiment);

}  // namespace soma
