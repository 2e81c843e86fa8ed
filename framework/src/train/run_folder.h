// A run folder: config.toml (the resolved experiment), metrics.csv (one row
// per epoch, rewritten whole after each), summary.json (written last: its
// presence marks a finished run), weights.bin (the last epoch's) and, with a
// validation split, weights-best.bin (the chosen epoch's, train/epoch_choice.h).
// Every file is written to a temporary name and renamed, so none is ever
// half-written.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "config/experiment.h"
#include "soma/tensor.h"
#include "train/run_summary.h"
#include "train/trainer.h"

namespace soma {

struct SavedTensor {
    std::string name;
    std::vector<int> shape;
    std::vector<float> values;
};

// weights.bin: "SOMAWTS1", u32 count, then per tensor: u32 name length, name,
// u32 rank, rank x u32 dims, float32 values (little endian).
void write_weights(const std::filesystem::path& path, const std::vector<ParamTensor>& params, bool sync = true);
std::vector<SavedTensor> read_weights(const std::filesystem::path& path);

// The network's state files in a run folder, named here only (RunWriter::save_state writes them).
inline constexpr const char* last_weights_file = "weights.bin";
inline constexpr const char* chosen_weights_file = "weights-best.bin";
// The file holding the chosen epoch's weights (summary.chosen_epoch):
// weights-best.bin, or weights.bin when the chosen epoch is the last one;
// empty when the folder has neither (an older run, or save_weights = false).
std::filesystem::path chosen_weights_path(const std::filesystem::path& run_dir, const RunSummary& summary);

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
};
// The summary of a finished run (best epochs, last epoch's numbers, confusion matrix).
RunSummary run_summary(const RunResult& result, const SummaryInfo& info);
// Its summary.json text.
std::string summary_json(const RunResult& result, const SummaryInfo& info);

// Writes the run folder as training goes: metrics.csv and weights.bin after
// every epoch, weights-best.bin at each newly chosen epoch, summary.json when
// the run ends.
class RunWriter : public TrainObserver {
public:
    RunWriter(std::filesystem::path dir, const Experiment& experiment, SummaryInfo info);
    void on_epoch(const EpochMetrics& m, const RunResult& r, Network& net) override;
    // Writes summary.json (and syncs the weights); call after train(). Returns the summary written.
    RunSummary finish(const RunResult& result);
    const std::filesystem::path& dir() const { return dir_; }

private:
    void save_state(bool chosen, Network& net);

    std::filesystem::path dir_;
    bool save_weights_;
    bool with_validation_;
    bool state_written_ = false;
    SummaryInfo info_;
};

}  // namespace soma
