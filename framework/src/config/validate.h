// From a merged config document to an Experiment: every key known, every
// value of the right type and range, every plugin name and parameter checked
// against the registry (after loading the folders in [plugins] paths).
#pragma once

#include <filesystem>

#include "config/document.h"
#include "config/experiment.h"

namespace soma {

Experiment build_experiment(const Node& root, Registry& registry, const std::filesystem::path& file,
                            const PluginPermission& permission);

}  // namespace soma
