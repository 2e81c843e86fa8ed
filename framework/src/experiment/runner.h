// Runs an experiment file: loads plugins, config and data, trains, and writes
// the run folder. The CLI's `soma run` is a thin wrapper around this.
#pragma once

#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "config/experiment.h"
#include "train/run_summary.h"
#include "train/trainer.h"

namespace soma {

class Registry;

struct RunOptions {
    std::filesystem::path out;               // "" = output.dir / output.name
    std::vector<std::string> overrides;      // --set PATH=VALUE
    bool live_progress = false;              // a redrawn bar (terminal) or plain lines
};

struct RunOutcome {
    std::filesystem::path dir;
    Experiment experiment;
    RunResult result;
    RunSummary summary;  // as written to summary.json (the chosen epoch's figures)
};

// Loads the default plugin folders into registry, printing (not hiding) any
// library that was refused.
void load_default_plugins(Registry& registry, std::ostream& err);

RunOutcome run_experiment(const std::filesystem::path& file, const RunOptions& options, Registry& registry,
                          std::ostream& out);

}  // namespace soma
