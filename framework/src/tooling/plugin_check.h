// `soma plugin check`: one plugin library through the checks a user needs
// before trusting it, each a line with PASS/FAIL and what was measured.
//   activations: derivative against finite differences (range with 0, +-20,
//     +-80; kinks accepted as subgradients), finite output for finite input,
//     NaN in -> NaN out, identical results for any array length, the oneDNN
//     algorithms it names against its generic path, and its speed against
//     the built-in relu (informative; fails only beyond 50x slower).
//   layers: input and parameter gradients against finite differences, alone
//     and inside a small network (dense 6->5 tanh, the layer, dense 3).
//   optimizers: sum (w - t)^2 lowered by >= 90% in 200 steps.
#pragma once

#include <string>
#include <vector>

namespace soma {

class Registry;

struct CheckResult {
    std::string name;    // "activation my_swish: derivative"
    bool passed = false;
    std::string detail;  // what was measured, or what went wrong and where
};

struct CheckReport {
    std::string target;  // the path or name given
    std::vector<CheckResult> checks;

    // At least one check ran and none failed.
    bool passed() const;
    // One line per check ("PASS  name  detail"), then a verdict line.
    std::string text() const;
};

// Whether check_plugin() treats the argument as a file: it contains '/' or
// ends in ".so".
bool looks_like_plugin_path(const std::string& path_or_name);

// path_or_name: a path (it contains '/' or ends in ".so") is loaded into the
// registry (a refusal, e.g. another ABI version, is the failed "loads" check
// with the registry's message); anything else names a plugin library or a
// feature of any kind already loaded into the registry. Every feature of the
// library (or the named feature) is then checked. The layer checks need the
// built-in dense layer and the timing needs relu: when the registry lacks
// them they are loaded from default_plugin_folders() into a registry of
// their own. Never throws for a plugin's failure: exceptions from plugin
// code become failed checks.
CheckReport check_plugin(const std::string& path_or_name, Registry& registry);

}  // namespace soma
