// Internal to tooling: the per-kind checks behind check_plugin().
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "plugin/registry.h"
#include "tooling/plugin_check.h"

namespace soma::tooling {

// Runs one check; an exception (plugin code, oneDNN) is a failed check
// naming it.
CheckResult run_check(const std::string& name, const std::function<CheckResult()>& check);

// "1.2e-05", "0.25", "80": short numbers for details.
std::string num(double v);

// The built-in plugins some checks lean on (dense for the layer network,
// relu for the timing): taken from the registry under check when it has
// them, else loaded from default_plugin_folders() into a registry of its own
// (so they cannot clash with the plugin being checked). Must outlive every
// object made from it.
class Support {
public:
    explicit Support(const Registry& main) : main_(main) {}
    // The registry holding feature `name` of `kind`, or null when none could be found.
    const Registry* find(Kind kind, const std::string& name);

private:
    const Registry& main_;
    std::unique_ptr<Registry> own_;
};

void check_activation(const Registry& registry, const std::string& name, Support& support,
                      std::vector<CheckResult>& out);
void check_layer(const Registry& registry, const std::string& name, Support& support, std::vector<CheckResult>& out);
void check_optimizer(const Registry& registry, const std::string& name, std::vector<CheckResult>& out);

}  // namespace soma::tooling
