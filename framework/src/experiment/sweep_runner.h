// Runs every run of a sweep, N at a time, each in its own soma process
// (experiment/supervisor.h), and resumes: a run whose folder holds a
// summary.json that says ok or diverged is finished and never repeated;
// anything else is redone from scratch.
//
// Sweep folder (a soma output folder: train/output_folder.h):
//   experiment.toml  the resolved sweep (a rerun with another sweep is refused)
//   sweep.json       the runs: id, config_id, assignments
//   runs/<id>/       config.toml, metrics.csv, summary.json, weights.bin, log.txt;
//                    made when the run starts
#pragma once

#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "config/sweep.h"

namespace soma {

class Registry;

struct SweepOptions {
    std::filesystem::path out;           // "" = output.dir / name
    std::vector<std::string> overrides;  // --set
    int jobs = 1;                        // runs at once
    int threads = 0;                     // per run; 0 = the experiment's, else chosen by each run
    std::filesystem::path soma_exe;      // the executable that runs one run
    std::string resume_command;          // printed when interrupted
    std::vector<std::filesystem::path> allowed_plugins;  // --allow-plugins, passed on to every run
};

struct SweepOutcome {
    std::filesystem::path dir;
    int total = 0, skipped = 0, ok = 0, diverged = 0, failed = 0;
    bool interrupted = false;
};

// The folder a sweep writes to.
std::filesystem::path sweep_folder(const Sweep& sweep, const SweepOptions& options);

// Whether runs/<id>/summary.json marks a finished run (ok or diverged).
bool run_finished(const std::filesystem::path& run_dir);

// The thread count each run is told (0 = its own choice, see auto_threads)
// and the most it may use: the cores divided among the jobs.
int threads_per_run(const Experiment& experiment, const SweepOptions& options);
int cores_per_run(const SweepOptions& options);

// Runs the sweep. Ctrl-C (SIGINT) and SIGTERM, once install_stop_signal_handlers
// (experiment/supervisor.h) has run, stop it cleanly, in its preparation too:
// children are ended, finished runs kept, and it returns with interrupted set.
SweepOutcome run_sweep(const Sweep& sweep, const SweepOptions& options, std::ostream& out);

}  // namespace soma
