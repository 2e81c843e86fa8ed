// Reads a run's metrics.csv back: one row per epoch, empty fields (NaN when
// written, e.g. the loss of a diverged epoch) read as NaN.
#pragma once

#include <filesystem>
#include <vector>

namespace soma {

struct EpochRow {
    int epoch = 0;
    double train_loss = 0, train_accuracy = 0, test_loss = 0, test_accuracy = 0;
    double seconds = 0, samples_per_second = 0;
    double validation_loss, validation_accuracy;  // NaN without validation columns
    EpochRow();
};

// Checks the header (with or without the validation columns) and every
// field; errors name the file, line and column.
std::vector<EpochRow> read_metrics_csv(const std::filesystem::path& file);

}  // namespace soma
