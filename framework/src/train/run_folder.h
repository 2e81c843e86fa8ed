// A run folder: config.toml (the resolved experiment), metrics.csv (one row
// per epoch, rewritten whole after each), summary.json (written last: its
// presence marks a finished run), model-last.soma (the last epoch's network)
// and, with a validation split, model-best.soma (the network at the epoch
// chosen on validation, train/epoch_choice.h); checkpoint.soma
// (train/checkpoint.h) while the run is unfinished. Every file is written to a temporary name and
// renamed, so none is ever half-written.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "config/experiment.h"
#include "model/model_file.h"
#include "model/provenance.h"
#include "train/checkpoint.h"
#include "train/run_summary.h"
#include "train/trainer.h"

namespace soma {

class Registry;

// The model files of a run folder, named here only.
inline constexpr const char* model_last_file = "model-last.soma";
inline constexpr const char* model_best_file = "model-best.soma";

// The model file of a run folder for `selection`: model-last.soma, or
// model-best.soma; for best in a finished run without a validation split (no
// model-best.soma: its last epoch is the chosen one), model-last.soma, with
// `note` saying so. Throws soma::Error naming the folder when the file is not
// there (an unfinished run, output.save_weights = false, or a folder of a soma
// before model files, which wrote weights.bin: train it again).
std::filesystem::path run_model_file(const std::filesystem::path& run_dir, ModelSelection selection,
                                     std::string* note = nullptr);

std::string metrics_csv_header(bool with_validation);
std::string metrics_csv(const std::vector<EpochMetrics>& epochs, bool with_validation);

struct SummaryInfo {
    std::string experiment;
    std::string dataset;
    std::size_t train_samples = 0, validation_samples = 0, test_samples = 0;
    std::uint64_t seed = 0;
    int batch_size = 0;
    std::string optimizer;
    std::string loss;
    int rows = 0, cols = 0;  // the dataset's image shape (model files record it)
    Provenance provenance;   // threads and ended are filled from the result
};
// The summary of a finished run (best epochs, last epoch's numbers, confusion matrix).
RunSummary run_summary(const RunResult& result, const SummaryInfo& info);
// Its summary.json text.
std::string summary_json(const RunResult& result, const SummaryInfo& info);

// Writes the run folder as training goes: metrics.csv and model-last.soma
// after every epoch, model-best.soma at every epoch that validation chooses,
// then checkpoint.soma; summary.json when the run ends, and the checkpoint
// removed.
class RunWriter : public TrainObserver {
public:
    // The registry resolves the model's plugins for its model files; it must
    // outlive the writer. `data` is recorded in checkpoints. With `resume`
    // (the checkpoint train() continues from), the folder's model-best.soma
    // is kept and the provenance records the resume.
    RunWriter(std::filesystem::path dir, const Experiment& experiment, SummaryInfo info, const Registry& registry,
              DataShape data, const Checkpoint* resume = nullptr);
    void on_start(const Network& net, int epochs, std::size_t batches_per_epoch) override;
    void on_epoch(const EpochMetrics& m, const RunResult& r, Network& net) override;
    void on_checkpoint(const RunResult& r, TrainingSession& session) override;
    // Writes summary.json (and syncs the model files), then removes the
    // checkpoint; call after train(). Returns the summary written.
    RunSummary finish(const RunResult& result);
    const std::filesystem::path& dir() const { return dir_; }

private:
    std::filesystem::path dir_;
    ModelConfig model_config_;
    std::string config_text_;  // the resolved experiment, config.toml
    std::string optimizer_;
    const Registry& registry_;
    bool save_models_;
    bool with_validation_;
    SummaryInfo info_;
    DataShape data_;
    ModelFile model_;  // the description and provenance, set at the start; tensors per write
    std::vector<std::filesystem::path> unsynced_;
};

}  // namespace soma
