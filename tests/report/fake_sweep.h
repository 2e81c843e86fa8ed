// A fake sweep folder on disk, as the sweep runner would leave it: hand-made
// metrics, summaries and weights, no training involved.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace soma::test {

// A temporary folder, removed with the object (unless SOMA_REPORT_KEEP is set).
class TempDir {
public:
    explicit TempDir(const std::string& tag);
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

struct FakeRun {
    std::string id, config_id;
    std::string activation;
    std::vector<int> hidden;
    int seed = 0;
    std::string status;  // ok | diverged | failed
};

struct FakeSweepOptions {
    std::vector<std::string> activations = {"sigmoid", "relu"};
    std::vector<std::vector<int>> hidden = {{16}, {64}};
    std::vector<int> seeds = {1, 2, 3};
    bool validation = true;
    bool extra_failed_and_diverged = true;  // relu,16 seed 4 diverges; sigmoid,64 seed 4 fails
    double accuracy_offset = 0;             // added to every accuracy (for compare tests)
    int epochs = 8;
    std::string experiment = "fake_mnist";
};

// Writes sweep.json, experiment.toml and runs/<id>/{config.toml, metrics.csv,
// summary.json, weights.bin and, with validation, weights-best.bin (the
// chosen epoch's, other pictures than the last epoch's)}; returns the runs in
// sweep.json order.
std::vector<FakeRun> write_fake_sweep(const std::filesystem::path& dir, const FakeSweepOptions& options = {});

std::string read_text(const std::filesystem::path& file);
void write_text(const std::filesystem::path& file, const std::string& text);

// The test's own CSV reading: a header and rows of fields split on commas,
// double-quoted fields unquoted.
struct Csv {
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;
    std::size_t col(const std::string& name) const;  // fails the test when missing
};
std::vector<std::string> split_csv_line(const std::string& line);
Csv read_csv(const std::filesystem::path& file);

// The failed run's error message.
inline const char* fake_error() { return "cannot allocate 3.2 GB for the training set"; }

}  // namespace soma::test
