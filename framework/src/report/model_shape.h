// What a run's model looks like, for the report's hidden-size chart: the
// hidden layer sizes and activation, from the sweep's assignments (TOML
// text, as sweep.json holds them) or else from the run's config.toml.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace soma {

using Assignments = std::vector<std::pair<std::string, std::string>>;  // (axis path, TOML text)

struct ModelShape {
    std::vector<int> hidden;   // units per hidden layer
    std::string activation;    // the hidden layers' activation ("" unknown; "a/b" when they differ)
    bool known = false;        // hidden was found
    int total_units() const;
    std::string hidden_label() const;  // "16x16", "none" for no hidden layer
};

// A TOML value in id form, as run ids write it (config/sweep_id.h value_id):
// "relu" for "\"relu\"", "16x16" for "[16, 16]", numbers in shortest form.
// Text that is not a TOML value is returned unchanged.
std::string toml_value_label(const std::string& toml_text);

// model.hidden and model.activation from the assignments where the sweep
// varies them, the rest from config_toml (hidden = [...] or [[model.layers]]).
// A missing or unreadable config.toml leaves the parts it would give unknown.
ModelShape model_shape(const Assignments& assignments, const std::filesystem::path& config_toml);

}  // namespace soma
