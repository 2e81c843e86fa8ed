// summary.json, the record a run folder ends with: written by the run when
// training ends (train/run_folder.h) or, for a run that died without writing
// it, by the sweep runner; read back by the sweep runner (to resume) and the
// report. Its layout, the keys, their order and the range of every value, is
// defined once, in run_summary.cpp, for writing and reading alike.
//
// Reading checks what it reads: a summary whose numbers cannot be a run's
// (test_accuracy 5.0, epochs -7, a confusion matrix that is not classes x
// classes or does not add up to the test samples) is refused with an error
// naming the file, the key and the range expected. Every key but status may
// be missing (a failed run's summary has only experiment, status, error, id);
// a missing number reads as NaN, a missing count as 0.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "model/provenance.h"
#include "train/run_status.h"

namespace soma {

struct RunSummary {
    std::string experiment;
    RunStatus status = RunStatus::pending;  // ok, diverged or failed in a file
    std::string error;                      // a failed run's message
    std::string id;                         // a failed sweep run's id
    int diverged_epoch = 0;                 // the epoch whose loss was not finite (diverged)
    int early_stopped_epoch = 0;            // the epoch after which early stopping ended training
    std::string network;                    // Network::describe()
    double parameters;
    std::string dataset;
    std::int64_t train_samples = 0, validation_samples = 0, test_samples = 0;
    int epochs = 0;                         // epochs completed
    // The epoch that counts, chosen on validation only (train/epoch_choice.h;
    // the last epoch without a validation split), and the run's figures there:
    // its score (the mean validation accuracy over it and the 2 epochs
    // before it) and the test set's accuracy and loss, soma's test figure.
    int chosen_epoch = 0;
    double chosen_validation_accuracy, chosen_test_accuracy, chosen_test_loss;
    double test_accuracy, test_loss, best_test_accuracy;
    int best_test_epoch = 0;
    double validation_accuracy, best_validation_accuracy;
    int best_validation_epoch = 0;
    double train_loss, train_accuracy;
    double train_seconds, samples_per_second;
    int threads = 0;
    int ranks = 0;                          // data-parallel runs: the processes that trained it (0: one)
    std::uint64_t seed = 0;
    int batch_size = 0;
    std::string optimizer, loss;
    int classes = 0;                               // 0 in files written before soma recorded it
    std::vector<std::vector<double>> confusion;    // [true label][predicted], test set, last epoch
    Provenance provenance;                         // what built and ran it (empty in older files)
    std::vector<std::vector<double>> chosen_confusion;  // the same at the chosen epoch

    RunSummary();  // every number NaN
};

// The largest summary.json read (a 256-class confusion matrix takes under 1 MB).
inline constexpr std::uintmax_t max_summary_bytes = 16u << 20;

std::string run_summary_text(const RunSummary& summary);
// Throws soma::Error naming `source` (and line:column, or the key).
RunSummary parse_run_summary(const std::string& text, const std::string& source);
RunSummary read_run_summary(const std::filesystem::path& file);

// A finished run in a few words for the terminal: "ok, epoch 14 chosen on
// validation (95.12%), test accuracy 94.83% there (last epoch 94.80%)", or
// without a validation split "ok, test accuracy 94.80% at the last epoch
// (no validation split)".
std::string run_result_text(const RunSummary& summary);

}  // namespace soma
