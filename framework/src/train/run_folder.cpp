// Run folder files; all written atomically.
#include "train/run_folder.h"

#include <cmath>
#include <cstdint>
#include <algorithm>
#include <sstream>

#include "model/trained_model.h"
#include "nn/network.h"
#include "train/session.h"
#include "train/epoch_choice.h"
#include "util/atomic_file.h"
#include "util/error.h"
#include "util/memory.h"

namespace soma {

namespace {

std::string csv_number(double v) {
    if (std::isnan(v)) return "";
    std::ostringstream s;
    s.precision(6);
    s << v;
    return s.str();
}

// A flat classes x classes matrix as rows.
std::vector<std::vector<double>> matrix_rows(const std::vector<int>& flat, int classes) {
    std::vector<std::vector<double>> rows;
    for (int t = 0; t < classes && flat.size() == static_cast<std::size_t>(classes) * classes; ++t)
        rows.emplace_back(flat.begin() + static_cast<std::ptrdiff_t>(t) * classes,
                          flat.begin() + static_cast<std::ptrdiff_t>(t + 1) * classes);
    return rows;
}

}  // namespace

std::filesystem::path run_model_file(const std::filesystem::path& run_dir, ModelSelection selection,
                                     std::string* note) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path last = run_dir / model_last_file, best = run_dir / model_best_file;
    if (selection == ModelSelection::best && fs::exists(best, ec)) return best;
    if (selection == ModelSelection::last && fs::exists(last, ec)) return last;
    const fs::path summary_file = run_dir / "summary.json";
    if (selection == ModelSelection::best && fs::exists(last, ec) && fs::exists(summary_file, ec)) {
        const RunSummary summary = read_run_summary(summary_file);
        if (summary.validation_samples == 0) {
            if (note)
                *note = "the run had no validation split, so its last epoch is the chosen one: " +
                        last.filename().string();
            return last;
        }
    }
    std::string why;
    if (!fs::is_directory(run_dir, ec)) why = "not a folder";
    else if (fs::exists(run_dir / "weights.bin", ec))
        why = "a run of a soma before model files (it has weights.bin): train it again to get " +
              std::string(model_last_file);
    else if (!fs::exists(summary_file, ec)) why = "no model file yet (an unfinished run, or not a run folder)";
    else if (selection == ModelSelection::best) why = "the run wrote no validation-chosen model";
    else why = "the run saved no model (output.save_weights = false?)";
    throw Error(run_dir.string() + ": no " +
                (selection == ModelSelection::best ? std::string(model_best_file) : std::string(model_last_file)) +
                ": " + why);
}

std::string metrics_csv_header(bool with_validation) {
    std::string h = "epoch,train_loss,train_accuracy,test_loss,test_accuracy,seconds,samples_per_second";
    if (with_validation) h += ",validation_loss,validation_accuracy";
    return h + "\n";
}

std::string metrics_csv(const std::vector<EpochMetrics>& epochs, bool with_validation) {
    std::string out = metrics_csv_header(with_validation);
    for (const EpochMetrics& m : epochs) {
        out += std::to_string(m.epoch) + "," + csv_number(m.train_loss) + "," + csv_number(m.train_accuracy) +
               "," + csv_number(m.test_loss) + "," + csv_number(m.test_accuracy) + "," + csv_number(m.seconds) +
               "," + csv_number(m.samples_per_second);
        if (with_validation) out += "," + csv_number(m.validation_loss) + "," + csv_number(m.validation_accuracy);
        out += "\n";
    }
    return out;
}

RunSummary run_summary(const RunResult& r, const SummaryInfo& info) {
    RunSummary s;
    s.experiment = info.experiment;
    s.status = r.status;
    if (r.status == RunStatus::diverged) s.diverged_epoch = r.diverged_epoch;
    s.early_stopped_epoch = r.early_stopped_epoch;
    s.network = r.network;
    s.parameters = static_cast<double>(r.parameters);
    s.dataset = info.dataset;
    s.train_samples = static_cast<std::int64_t>(info.train_samples);
    s.validation_samples = static_cast<std::int64_t>(info.validation_samples);
    s.test_samples = static_cast<std::int64_t>(info.test_samples);
    s.epochs = static_cast<int>(r.epochs.size());
    for (const EpochMetrics& m : r.epochs) {
        if (std::isnan(s.best_test_accuracy) || m.test_accuracy > s.best_test_accuracy)
            s.best_test_accuracy = m.test_accuracy, s.best_test_epoch = m.epoch;
        if (!std::isnan(m.validation_accuracy) &&
            (std::isnan(s.best_validation_accuracy) || m.validation_accuracy > s.best_validation_accuracy))
            s.best_validation_accuracy = m.validation_accuracy, s.best_validation_epoch = m.epoch;
    }
    std::vector<double> validation;
    for (const EpochMetrics& m : r.epochs) validation.push_back(m.validation_accuracy);
    const EpochChoice chosen = choose_epoch(validation);
    if (chosen.index >= 0) {
        const EpochMetrics& c = r.epochs[static_cast<std::size_t>(chosen.index)];
        s.chosen_epoch = c.epoch;
        s.chosen_validation_accuracy = chosen.score;
        s.chosen_test_accuracy = c.test_accuracy;
        s.chosen_test_loss = c.test_loss;
    }
    if (!r.epochs.empty()) {
        const EpochMetrics& last = r.epochs.back();
        s.test_accuracy = last.test_accuracy;
        s.test_loss = last.test_loss;
        s.validation_accuracy = last.validation_accuracy;
        s.train_loss = last.train_loss;
        s.train_accuracy = last.train_accuracy;
    }
    s.train_seconds = r.train_seconds;
    s.samples_per_second = r.samples_per_second;
    s.threads = r.threads;
    s.ranks = r.ranks;
    s.seed = info.seed;
    s.batch_size = info.batch_size;
    s.optimizer = info.optimizer;
    s.loss = info.loss;
    s.classes = r.classes;
    s.confusion = matrix_rows(r.confusion, r.classes);
    if (s.chosen_epoch > 0 && r.chosen_epoch == s.chosen_epoch) s.chosen_confusion = matrix_rows(r.chosen_confusion, r.classes);
    else if (s.chosen_epoch > 0 && s.chosen_epoch == s.epochs) s.chosen_confusion = s.confusion;
    s.provenance = info.provenance;
    return s;
}

std::string summary_json(const RunResult& result, const SummaryInfo& info) {
    return run_summary_text(run_summary(result, info));
}

RunWriter::RunWriter(std::filesystem::path dir, const Experiment& experiment, SummaryInfo info,
                     const Registry& registry, DataShape data, const Checkpoint* resume)
    : dir_(std::move(dir)),
      model_config_(experiment.model),
      config_text_(to_toml(experiment)),
      optimizer_(experiment.training.optimizer.name),
      registry_(registry),
      save_models_(experiment.output.save_weights),
      with_validation_(experiment.data.validation > 0),
      info_(std::move(info)),
      data_(data) {
    std::filesystem::create_directories(dir_);
    remove_temporaries(dir_);  // of a run killed mid-write
    // A rerun in the same folder must not leave an old summary marking it
    // finished, nor an old run's models (nor, starting afresh, its checkpoint);
    // a resumed run keeps the best model of its first epochs.
    std::filesystem::remove(dir_ / "summary.json");
    std::filesystem::remove(dir_ / model_last_file);
    if (!resume) {
        std::filesystem::remove(dir_ / model_best_file);
        std::filesystem::remove(dir_ / checkpoint_file);
    } else {
        const Provenance& before = resume->model.provenance;
        info_.provenance.resumed = before.resumed;
        info_.provenance.resumed.push_back({static_cast<int>(resume->result.epochs.size()), info_.provenance.started,
                                            info_.provenance.host, info_.provenance.onednn_isa,
                                            info_.provenance.vector_isa});
        info_.provenance.started = before.started;
        info_.provenance.host = before.host;
    }
    write_file_atomic(dir_ / "config.toml", config_text_);
}

// The description and provenance every model file of the run shares.
void RunWriter::on_start(const Network& net, int, std::size_t) {
    ModelDescription& d = model_.description;
    d = describe_model(registry_, model_config_, net, info_.rows, info_.cols, info_.loss);
    d.experiment = info_.experiment;
    d.dataset = info_.dataset;
    d.parameters = 0;
    std::vector<std::pair<Kind, std::string>> features = model_features(d);
    features.emplace_back(Kind::optimizer, optimizer_);
    info_.provenance.plugins = plugins_used(registry_, features);
    model_.provenance = info_.provenance;
    model_.config = config_text_;
}

// Every epoch: metrics and the last model (and the best one when validation
// chooses this epoch), without fsync (cheap; a run is only finished once
// summary.json exists, and that is written durably).
void RunWriter::on_epoch(const EpochMetrics& m, const RunResult& r, Network& net) {
    write_file_atomic(dir_ / "metrics.csv", metrics_csv(r.epochs, with_validation_), /*sync=*/false);
    model_.tensors = network_tensors(net);
    ModelDescription& d = model_.description;
    d.parameters = static_cast<std::int64_t>(r.parameters);
    d.epoch = m.epoch;
    d.epochs = static_cast<int>(r.epochs.size());
    model_.provenance.threads = r.threads;
    model_.provenance.ended = utc_now();
    if (!save_models_) return;
    auto save = [&](const char* file, ModelSelection selection) {
        d.selection = selection;
        write_model_file(dir_ / file, model_, /*sync=*/false);
        if (std::find(unsynced_.begin(), unsynced_.end(), dir_ / file) == unsynced_.end())
            unsynced_.push_back(dir_ / file);
    };
    save(model_last_file, ModelSelection::last);
    // The epoch validation chooses (train/epoch_choice.h), as summary.json's chosen_epoch.
    if (with_validation_ && m.epoch == r.chosen_epoch) save(model_best_file, ModelSelection::best);
}

// After the epoch's files: the model as on_epoch left it (selection last),
// with the state and the run so far.
void RunWriter::on_checkpoint(const RunResult& r, TrainingSession& session) {
    model_.description.selection = ModelSelection::last;
    write_checkpoint(dir_ / checkpoint_file, model_, save_state(session.state()), r, data_);
}

// The final files durably, summary.json last: its presence marks the run
// finished; then the checkpoint goes (a finished run is not resumed).
RunSummary RunWriter::finish(const RunResult& result) {
    write_file_atomic(dir_ / "metrics.csv", metrics_csv(result.epochs, with_validation_));
    for (const auto& file : unsynced_) sync_file(file);
    SummaryInfo info = info_;
    info.provenance.threads = result.threads;
    info.provenance.ended = utc_now();
    const RunSummary summary = run_summary(result, info);
    write_file_atomic(dir_ / "summary.json", run_summary_text(summary));
    std::filesystem::remove(dir_ / checkpoint_file);
    return summary;
}

}  // namespace soma
