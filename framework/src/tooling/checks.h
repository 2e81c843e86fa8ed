// The checks of a plugin feature, written once: `soma plugin check` runs
// them (plugin_check.h) and the conformance suite wraps each in a GoogleTest
// test (tests/conformance), so both judge a plugin by the same code.
//   activations (check_activation.cpp): the derivative against finite
//     differences (real kinks accepted as subgradients), finite values, NaN
//     in -> NaN out, identical results at any array length, oneDNN's path
//     as dense runs it against the generic one (values, NaN, the range where
//     both must be finite), whole-network gradients with and without fusion,
//     the speed against relu.
//   layers (check_layer.cpp): shapes, inference per sample and repeatable,
//     input and parameter gradients against finite differences, alone and
//     inside a network, the whole training state exposed (a copy of the
//     parameters, buffers and state() trains on bit for bit).
//   optimizers (check_optimizer.cpp): convergence, determinism, the whole
//     state exposed (a copy of the weights and state() steps on bit for
//     bit), decay = false honoured, a zero lr_factor, no allocation in a step.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "plugin/registry.h"

namespace soma {

struct CheckResult {
    std::string name;    // "activation my_swish: derivative"
    bool passed = false;
    std::string detail;  // what was measured, or what went wrong and where
    // What was measured, by name ("points", "max_error", "kinks", ...).
    std::vector<std::pair<std::string, double>> numbers;

    // The number called `key`; NaN when the check did not measure it.
    double number(const std::string& key) const;
};

namespace tooling {

// A feature of `registry` under check, made with `params` (defaults filled
// in). The registry also holds the built-in plugins some checks lean on:
// dense (the network checks), tanh (the layer network), relu (the speed);
// add_support_plugins() loads them when it lacks them.
struct Subject {
    const Registry& registry;
    Kind kind;
    std::string name;
    Params params = {};
    // Operator new calls so far on this thread, when the program counts them
    // (the conformance suite replaces operator new); the allocation check
    // runs only with it.
    std::function<long long()> allocations = {};
};

enum class CheckId {
    description,  // every kind: help text, preferred init, valid defaults
    // activations
    activation_make, derivative, finite, nan, lengths, onednn, network_generic, network_onednn, speed,
    // layers
    layer_make, shapes, inference, input_gradient, parameter_gradients, network_gradient, layer_state,
    // optimizers
    optimizer_make, converges, deterministic, optimizer_state, decay_false, zero_lr_factor, allocations,
};

// The checks of `subject`, in report order: the description, making it
// with its parameters, then what applies (the oneDNN checks only when the
// activation names oneDNN algorithms, the allocation check only with a
// counter). When the feature cannot be made, the list ends after make.
// Makes the feature, so it runs plugin code.
std::vector<CheckId> checks_for(const Subject& subject);

// "activation relu: derivative"
std::string check_label(CheckId id, const Subject& subject);

// Runs one check. Never throws for what the plugin does: an exception from
// plugin code or oneDNN is a failed check naming it.
CheckResult run_check(CheckId id, const Subject& subject);

// Loads into `registry`, from default_plugin_folders(), the built-in plugins
// the checks of `kind` lean on and it lacks. Those that cannot be found make
// the checks that need them fail, saying so.
void add_support_plugins(Registry& registry, Kind kind);

// "1.2e-05", "0.25", "80": short numbers for details.
std::string num(double v);

}  // namespace tooling
}  // namespace soma
