// What `soma data list` shows: each named dataset (dataset_names()), whether
// soma finds it, in which folder, how many files and bytes, and how many
// training and test samples their IDX headers declare.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace soma {

struct DatasetStatus {
    std::string name;
    std::string what;                // one line: what it is
    enum class State { present, missing, incomplete, not_cached } state = State::missing;
    std::filesystem::path folder;    // where soma reads it from (empty: idx, synthetic)
    std::filesystem::path source;    // fashion-mnist: the Debian package's folder
    std::size_t files = 0;           // of the dataset's files, how many are there
    std::uintmax_t bytes = 0;        // their size
    long long train = -1, test = -1; // samples, from the IDX headers (-1: unknown)
    std::string fetch;               // the command that fetches it ("" when nothing is fetched)
};

// "present", "missing", "incomplete", "-"
const char* state_name(DatasetStatus::State state);

// Every named dataset in dataset_names() order, looked up in cache_dir (and
// for fashion-mnist in fashion_mnist_dir()). Reads only file sizes and the
// IDX headers: fast, and nothing is verified beyond them.
std::vector<DatasetStatus> dataset_statuses(const std::filesystem::path& cache_dir);

// Folders in cache_dir no named dataset reads (e.g. mnist/, the 10,000-digit
// subset an earlier soma kept there), sorted.
std::vector<std::filesystem::path> unused_cache_folders(const std::filesystem::path& cache_dir);

// The table: NAME STATE FOLDER FILES SIZE TRAIN TEST, with what each is (and
// for fashion-mnist its source folder, for a missing one the fetch command)
// on a line under it; the cache folder above, unused folders below. Fitted
// to width (0 = unlimited).
std::string dataset_table(const std::filesystem::path& cache_dir, const std::vector<DatasetStatus>& datasets,
                          std::size_t width);

// The same as JSON: {"cache": ..., "datasets": [{"name", "what", "state",
// "folder", "source", "files", "bytes", "train", "test", "fetch"}],
// "unused_folders": [...]}; unknown values are null.
std::string dataset_json(const std::filesystem::path& cache_dir, const std::vector<DatasetStatus>& datasets);

}  // namespace soma
