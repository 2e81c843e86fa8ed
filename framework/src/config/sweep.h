// Sweeps: one experiment file plus a [sweep] table of axes, expanded into
// runs before anything runs, each run validated like a file of its own.
//
//   [sweep]
//   mode = "product"                     # or "zip": lists of equal length
//   "model.activation" = ["sigmoid", "relu"]
//   "model.hidden" = [[16], [16, 16], [32]]
//   "training.seed" = [1, 2, 3]
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "config/experiment.h"

namespace soma {

struct RunSpec {
    // "activation=relu,hidden=16x16,seed=2": each axis as key=value, the key
    // the shortest unique tail of its path, lists joined by 'x', each part
    // made a folder name (util/sanitize.h: characters outside [A-Za-z0-9._=,-]
    // replaced by '_'). "" when there are no axes.
    std::string id;
    // The id without its training.seed part: runs that differ only in the
    // seed are repetitions of one configuration.
    std::string config_id;
    // (axis path, value as TOML) in axis order: {"model.hidden", "[16, 16]"}.
    std::vector<std::pair<std::string, std::string>> assignments;
    Experiment experiment;  // the base with the assignments, validated
};

struct Sweep {
    Experiment base;                 // the file (and --set) without the axes
    std::vector<RunSpec> runs;       // product: the first axis varies slowest
    std::vector<std::string> axes;   // axis paths in file order
    std::string mode = "product";    // "product" or "zip"
    // Each axis's values as TOML, as listed (relative file paths made absolute).
    std::vector<std::vector<std::string>> axis_values;
    // Plugin parameters the base document set explicitly, by table path
    // ("training.optimizer"). Where an axis changes the plugin, to_toml writes
    // only these, not the base plugin's defaults, which another plugin may lack.
    std::map<std::string, Params> explicit_params;
};

// Reads a sweep file (includes and --set as in load_experiment; --set changes
// the base, and setting a path an axis also sets is an error). Every run is
// validated before this returns; a bad axis value fails at its position in
// the [sweep] list, an axis path that is not a setting at its key with the
// closest valid path. A file without [sweep] gives one run with id "".
Sweep load_sweep(const std::filesystem::path& file, Registry& registry,
                 const std::vector<std::string>& overrides = {},
                 const PluginPermission& permission = PluginPermission());

// The resolved base and the [sweep] table; loads back to the same runs.
std::string to_toml(const Sweep& sweep);

}  // namespace soma
