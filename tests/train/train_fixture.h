// Shared pieces of the trainer tests: the built plugins, a synthetic dataset
// and an experiment built in code.
#pragma once

#include "config/experiment.h"
#include "data/synthetic.h"
#include "plugin/registry.h"
#include "support/builtin_plugins.h"

namespace soma::test {

inline Registry& registry() { return builtin_registry(); }

inline Experiment synthetic_experiment(const std::string& activation, std::vector<int> hidden, int epochs) {
    Experiment e;
    e.name = "test";
    e.data.dataset = "synthetic";
    for (int units : hidden) {
        LayerConfig l;
        l.units = units;
        l.activation = activation;
        e.model.layers.push_back(l);
    }
    e.training.epochs = epochs;
    e.training.batch_size = 32;
    e.training.threads = 1;
    e.training.optimizer.name = "sgd";
    e.training.optimizer.params = Params({{"learning_rate", 0.1}, {"momentum", 0.9}, {"weight_decay", 0.0}, {"nesterov", 0.0}});
    return e;
}

}  // namespace soma::test
