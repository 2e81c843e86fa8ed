// Runs an experiment file: loads plugins, config and data, trains, and writes
// the run folder. The CLI's `soma run` is a thin wrapper around this.
#pragma once

#include <filesystem>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "config/experiment.h"
#include "experiment/supervisor.h"
#include "plugin/folders.h"
#include "train/run_summary.h"
#include "train/trainer.h"

namespace soma {

class Registry;

struct RunOptions {
    std::filesystem::path out;               // "" = output.dir / output.name
    std::vector<std::string> overrides;      // --set PATH=VALUE
    bool live_progress = false;              // a redrawn bar (terminal) or plain lines
    PluginPermission permission;             // which folders [plugins] paths may load
    // The run folder is held by a supervising process (supervisor.h), which
    // claimed it: train into it without claiming it again.
    bool supervised = false;
    std::filesystem::path soma_exe;          // run_supervised: the executable of the child
};

struct RunOutcome {
    std::filesystem::path dir;
    Experiment experiment;
    RunResult result;
    RunSummary summary;  // as written to summary.json (the chosen epoch's figures)
};

// Loads the default plugin folders into registry, printing (not hiding) any
// library that was refused.
void load_default_plugins(Registry& registry, const PluginPermission& permission, std::ostream& err);

// The run folder of an experiment: options.out, else output.dir / (output.name or name).
std::filesystem::path run_folder(const Experiment& experiment, const RunOptions& options);

struct Dataset;
struct DataParallel;
class FolderClaim;

// Claims a run folder for a run trained as a whole (supervised, or
// data-parallel): its old summary.json removed (a rerun is unfinished until
// it ends), its resolved config.toml written.
std::unique_ptr<FolderClaim> claim_run_folder(const Experiment& experiment, const std::filesystem::path& dir);

// Trains outcome.experiment on the loaded data and writes the run folder
// outcome.dir, which the caller holds (result and summary into outcome): progress to out, metrics and weights after every epoch,
// summary.json at the end. With `parallel`, this is the writing rank of a
// data-parallel run (train/trainer.h).
void train_into(const Dataset& data, const RunOptions& options, const Registry& registry, std::ostream& out,
                RunOutcome& outcome, const DataParallel* parallel = nullptr);

// Trains in this process. Claims the run folder first (output_folder.h)
// unless options.supervised; once it is held, an error ends the run with a
// summary.json saying failed and why (and is thrown on).
RunOutcome run_experiment(const std::filesystem::path& file, const RunOptions& options, Registry& registry,
                          std::ostream& out);

struct SupervisedOutcome {
    std::filesystem::path dir;
    Experiment experiment;
    ChildEnd child;        // how the child ended
    RunEnd end;            // what its run folder now says
    bool interrupted = false;  // a stop signal ended it (recorded as failed)
};

// Validates the experiment and claims its folder here, then trains it in a
// child process (`soma run DIR/config.toml --out DIR --supervised`, sharing
// this process's terminal), which the time limit (training.time_limit) and
// a stop signal end. A child that crashes, aborts, is killed or exits
// without results leaves a summary.json saying failed and why.
SupervisedOutcome run_supervised(const std::filesystem::path& file, const RunOptions& options, Registry& registry);

}  // namespace soma
