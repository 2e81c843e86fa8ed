// soma bench: architectures measured against each other on one dataset.
// Each architecture is measured in a fresh child process (fork), so its peak
// memory is its own: the child loads the plugins and the data, trains, times
// inference and batch-1 latency, reads VmHWM, and sends its row back.
//
// Per architecture (all on the same TrainingSession, built once):
//   parameters, FLOPs per sample (2 x forward multiply-adds; exact from the shape)
//   training samples/s   median over `epochs` epochs after one warm-up epoch
//                        on the training split (batch shuffle + uint8 scaling +
//                        TrainingSession::step, as the trainer times an epoch)
//   inference samples/s  forward in inference mode at batch 256 over the test
//                        split (scaling included), median of passes
//   latency p50 / p99    one random test sample at a time: scale, forward
//                        (inference, batch 1), argmax; microseconds, over
//                        `latency_samples` samples after 100 warm-ups
//   peak memory          VmHWM of the child after all of the above (MB = 2^20 B)
//   test accuracy        with accuracy_epochs > 0: after that many epochs, once
//                        per seed (seed, seed + 1, ...: accuracy_seeds of them;
//                        the first is the timed training), so that the
//                        architectures' accuracies carry 95% intervals and are
//                        compared by paired t-tests (the same seeds and data)
#pragma once

#include <cstddef>
#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

#include "bench/architecture.h"
#include "config/experiment.h"
#include "toolkit/stats.h"

namespace soma {

struct BenchOptions {
    std::vector<Architecture> architectures;
    DataConfig data;           // dataset = "fashion-mnist" by default (set below)
    int batch = 32;            // training batch
    int threads = 0;           // 0 = soma's automatic choice per architecture
    std::string activation = "sigmoid";
    int epochs = 3;            // timed epochs after the warm-up epoch
    int accuracy_epochs = 0;   // 0 = accuracy not measured
    int accuracy_seeds = 3;    // trainings per architecture for the accuracy (>= 1; 3 or more to compare)
    int latency_samples = 2000;
    std::uint64_t seed = 1;
    std::filesystem::path out = "runs/bench";
    // Plugin folders; empty = default_plugin_folders(). extra_plugin_folders
    // are searched as well ([plugins] paths of a bench file).
    std::vector<std::filesystem::path> plugin_folders;
    std::vector<std::filesystem::path> extra_plugin_folders;
    std::filesystem::path source;  // the bench file, if any (for the report)

    BenchOptions() { data.dataset = "fashion-mnist"; }
};

struct BenchRow {
    std::string architecture;
    std::size_t parameters = 0;
    double flops = 0;  // per sample, forward, 2 x multiply-adds
    int threads = 0;   // oneDNN threads used
    std::string network;  // Network::describe()
    double train_samples_per_second = 0;
    double infer_samples_per_second = 0;
    double latency_p50_us = 0, latency_p99_us = 0, latency_mean_us = 0;
    double peak_memory_mb = 0;
    std::vector<double> test_accuracies;  // one per seed (seed, seed + 1, ...); empty unless measured
    int accuracy_epochs = 0;
    std::vector<double> epoch_samples_per_second;  // every epoch, warm-up first

    Stat accuracy() const { return stat_of(test_accuracies); }
};

struct BenchResult {
    BenchOptions options;
    std::vector<BenchRow> rows;
    std::string machine;  // CPU model name
    int cores = 0;
    std::string date;     // UTC, ISO 8601
    int train_samples = 0, test_samples = 0;
};

// Reads a bench file: a [bench] table (architectures = [...], batch, threads,
// dataset, accuracy_epochs, activation, epochs, latency_samples, out) and an
// optional [plugins] paths, each a folder `permission` allows. Throws
// ConfigError with file:line:column.
BenchOptions load_bench_file(const std::filesystem::path& file,
                             const PluginPermission& permission = PluginPermission());

// Checks option values (ranges, dataset names); throws soma::Error.
// The datasets soma bench measures on (idx needs file paths it does not take).
const std::vector<std::string>& bench_dataset_names();

void validate_bench_options(const BenchOptions& options);

// Measures one architecture in this process (what each child runs).
BenchRow measure_architecture(const BenchOptions& options, const Architecture& arch, int* train_samples = nullptr,
                              int* test_samples = nullptr);

// Measures every architecture, each in a forked child, printing a line per
// architecture to log as it finishes. Throws soma::Error when a child fails
// (its message, naming the architecture).
BenchResult run_bench(const BenchOptions& options, std::ostream& log);

// The architectures' accuracies against the most accurate one (paired
// t-tests over the shared seeds, Holm-adjusted); no leader without accuracies.
LeaderVerdict accuracy_verdict(const BenchResult& result);
// Its sentences: "784-100-10 is ahead of all 3 other architectures ..." or
// "No architecture is significantly ahead ...", and the power estimate;
// "" without accuracies.
std::string accuracy_headline(const BenchResult& result);

// The outputs.
// The table for the terminal, fitted to width (0 = unlimited).
std::string bench_table_text(const BenchResult& result, std::size_t width = 0);
std::string bench_csv(const BenchResult& result);
std::string bench_json(const BenchResult& result);
// bench.json read back (the options it records, the rows); throws soma::Error
// naming the source and the line:column or the key.
BenchResult parse_bench_json(const std::string& text, const std::string& source);
BenchResult read_bench_json(const std::filesystem::path& file);
std::string bench_html(const BenchResult& result);

struct BenchPaths {
    std::filesystem::path csv, json, html;
};
// Writes bench.csv, bench.json and bench.html into options.out (created),
// each atomically.
BenchPaths write_bench_outputs(const BenchResult& result);

}  // namespace soma
