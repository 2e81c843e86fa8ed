#include "report/results.h"

#include <cmath>

#include "experiment/sweep_record.h"
#include "train/epoch_choice.h"
#include "util/error.h"

namespace soma {

namespace fs = std::filesystem;

namespace {

std::string folder_name(const fs::path& dir) {
    fs::path p = fs::absolute(dir).lexically_normal();
    if (p.filename().empty()) p = p.parent_path();
    return p.filename().string();
}

}  // namespace

bool RunRecord::has_validation() const {
    if (std::isfinite(best_validation_accuracy)) return true;
    for (const EpochRow& r : metrics)
        if (std::isfinite(r.validation_accuracy)) return true;
    return false;
}

namespace {

// A summary.json from before soma kept the chosen epoch: the epoch chosen
// from metrics.csv by the same rule (its confusion matrix is known only when
// it is the last epoch).
void choose_from_metrics(RunRecord& run) {
    if (run.chosen_epoch > 0 || run.metrics.empty() || !run.finished() || run.status == RunStatus::failed) return;
    std::vector<double> validation;
    for (const EpochRow& row : run.metrics) validation.push_back(row.validation_accuracy);
    const EpochChoice c = choose_epoch(validation);
    const EpochRow& row = run.metrics[static_cast<std::size_t>(c.index)];
    run.chosen_epoch = row.epoch;
    run.chosen_validation_accuracy = c.score;
    run.chosen_test_accuracy = row.test_accuracy;
    run.chosen_test_loss = row.test_loss;
    if (run.chosen_epoch == run.epochs) run.chosen_confusion = run.confusion;
}

}  // namespace

void load_run_files(RunRecord& run) {
    std::error_code ec;
    // The summary's fields only: id, assignments and the rest stay as the sweep gave them.
    if (fs::exists(run.dir / "summary.json", ec)) static_cast<RunSummary&>(run) = read_run_summary(run.dir / "summary.json");
    if (fs::exists(run.dir / "metrics.csv", ec)) run.metrics = read_metrics_csv(run.dir / "metrics.csv");
    run.model = model_shape(run.assignments, run.dir / "config.toml");
    choose_from_metrics(run);
}

SweepRecord load_results(const fs::path& dir) {
    SweepRecord sweep;
    sweep.dir = dir;
    std::error_code ec;
    const fs::path index_file = dir / "sweep.json";
    if (!fs::exists(index_file, ec)) {
        if (!fs::exists(dir / "summary.json", ec) && !fs::exists(dir / "metrics.csv", ec))
            throw Error(dir.string() + ": neither a sweep folder (no sweep.json) nor a run folder (no summary.json)");
        sweep.single_run = true;
        RunRecord run;
        run.dir = dir;
        run.id = folder_name(dir);
        load_run_files(run);
        sweep.experiment = run.experiment.empty() ? run.id : run.experiment;
        sweep.runs.push_back(std::move(run));
        return sweep;
    }

    SweepIndex index = read_sweep_index(index_file);
    sweep.experiment = index.experiment;
    sweep.axes = std::move(index.axes);
    for (SweepRunEntry& entry : index.runs) {
        RunRecord run;
        run.id = std::move(entry.id);
        run.config_id = std::move(entry.config_id);
        run.assignments = std::move(entry.assignments);
        run.dir = dir / "runs" / (run.id.empty() ? std::string("run") : run.id);
        load_run_files(run);
        sweep.runs.push_back(std::move(run));
    }
    if (sweep.experiment.empty()) sweep.experiment = folder_name(dir);
    return sweep;
}

}  // namespace soma
