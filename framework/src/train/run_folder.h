// A run folder: config.toml (the resolved experiment), metrics.csv (one row
// per epoch, rewritten whole after each), summary.json (written last: its
// presence marks a finished run) and weights.bin. Every file is written to a
// temporary name and renamed, so none is ever half-written.
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
// every epoch, summary.json when the run ends.
class RunWriter : public TrainObserver {
public:
    RunWriter(std::filesystem::path dir, const Experiment& experiment, SummaryInfo info);
    void on_epoch(const EpochMetrics& m, const RunResult& r, Network& net) override;
    // Writes summary.json (and a final weights.bin); call after train().
    void finish(const RunResult& result);
    const std::filesystem::path& dir() const { return dir_; }

private:
    std::filesystem::path dir_;
    bool save_weights_;
    bool with_validation_;
    bool weights_pending_sync_ = false;
    SummaryInfo info_;
};

}  // namespace soma
