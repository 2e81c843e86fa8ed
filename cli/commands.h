// The subcommands of the soma executable: each file cli/NAME.cpp declares
// its own with add_NAME (main.cpp says how to add one).
#pragma once

#include <string>

#include "command.h"
#include "util/quote.h"  // shell_quote, for commands printed to paste

namespace soma::cli {

void add_run(Cli& cli);      // run.cpp
void add_eval(Cli& cli);     // eval.cpp
void add_predict(Cli& cli);  // predict.cpp
void add_export(Cli& cli);   // export.cpp: --onnx
void add_inspect(Cli& cli);  // inspect.cpp
void add_report(Cli& cli);   // report.cpp
void add_sweep(Cli& cli);    // sweep.cpp: sweep sbatch
void add_compare(Cli& cli);  // compare.cpp
void add_bench(Cli& cli);    // bench.cpp
void add_plugins(Cli& cli);  // plugins.cpp
void add_plugin(Cli& cli);   // plugin.cpp: plugin new, plugin check
void add_data(Cli& cli);     // data.cpp: data fetch, data list
void add_help(Cli& cli);     // help.cpp
void add_complete(Cli& cli); // complete.cpp: the hidden __complete behind shell completion

}  // namespace soma::cli
