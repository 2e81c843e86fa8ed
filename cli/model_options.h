// The options eval, predict and export share: which run, which of its models.
#pragma once

#include <string>
#include <vector>

#include "command.h"
#include "model/model_file.h"

namespace soma::cli {

// RUN_DIR (required) and --model best|last (default best) into run_dir and model.
template <class Path>
void add_run_model_options(Cli& cli, CLI::App* cmd, Path& run_dir, std::string& model) {
    cli.complete(cmd->add_option("RUN_DIR", run_dir, "a run folder (model-best.soma, model-last.soma)")->required(),
                 {Completion::Kind::folders});
    cli.complete(cmd->add_option("--model", model,
                                 "best: the epoch validation chose (the last without a validation split); last: the "
                                 "last epoch")
                     ->check(one_of(model_selection_names.names()))
                     ->capture_default_str(),
                 choices(model_selection_names.names()));
}

// --allow-plugins DIR...: folders the run's [plugins] paths may load from.
inline void add_run_plugin_option(Cli& cli, CLI::App* cmd, std::vector<std::string>& folders) {
    cli.complete(cmd->add_option("--allow-plugins", folders,
                                 "a folder whose plugins the run's [plugins] paths may load; repeatable")
                     ->type_name("DIR")
                     ->allow_extra_args(false),
                 {Completion::Kind::folders});
}

}  // namespace soma::cli
