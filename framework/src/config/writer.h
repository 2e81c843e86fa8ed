// The TOML writer's pieces the sweep writer reuses.
#pragma once

#include <string>

#include "config/experiment.h"

namespace soma {

// Whether the model can be written as hidden = [...] + activation: every
// layer dense with one activation and the same parameters. A sweep over
// model.hidden or model.activation needs its base written that way.
bool has_hidden_form(const ModelConfig& model);

// to_toml with the model as hidden = [...] when has_hidden_form (the
// layers' own parameters are then the ones hidden = [...] fills in).
std::string to_toml(const Experiment& experiment, bool hidden_form);

}  // namespace soma
