// bench.json's layout, once: result_fields() writes it (bench.json, and each
// measuring child's answer through its pipe) and reads it back.
#include "bench/bench.h"
#include "toolkit/json.h"

namespace soma {

namespace {

constexpr std::int64_t max_int = std::numeric_limits<std::int32_t>::max();

template <class Io, class R>
void row_fields(Io& io, R& b) {
    io.text("architecture", b.architecture);
    io.text("network", b.network);
    io.integer("parameters", b.parameters, 0, std::numeric_limits<std::int64_t>::max());
    io.number("flops_per_sample", b.flops, 0.0);
    io.integer("threads", b.threads, 0, max_int);
    io.number("train_samples_per_second", b.train_samples_per_second, 0.0);
    io.number("infer_samples_per_second", b.infer_samples_per_second, 0.0);
    io.number("latency_p50_us", b.latency_p50_us, 0.0);
    io.number("latency_p99_us", b.latency_p99_us, 0.0);
    io.number("latency_mean_us", b.latency_mean_us, 0.0);
    io.number("peak_memory_mb", b.peak_memory_mb, 0.0);
    io.numbers("test_accuracies", b.test_accuracies, 0.0, 1.0);
    io.integer("accuracy_epochs", b.accuracy_epochs, 0, max_int);
    io.numbers("epoch_samples_per_second", b.epoch_samples_per_second, 0.0);
}

template <class Io, class R>
void result_fields(Io& io, R& r) {
    io.text("date", r.date);
    io.text("machine", r.machine);
    io.integer("cores", r.cores, 0, max_int);
    io.text("dataset", r.options.data.dataset);
    io.integer("train_samples", r.train_samples, 0, max_int);
    io.integer("test_samples", r.test_samples, 0, max_int);
    io.text("activation", r.options.activation);
    io.integer("batch", r.options.batch, 0, max_int);
    io.integer("threads_requested", r.options.threads, 0, max_int);
    io.integer("timed_epochs", r.options.epochs, 0, max_int);
    io.integer("accuracy_epochs", r.options.accuracy_epochs, 0, max_int);
    io.integer("accuracy_seeds", r.options.accuracy_seeds, 0, max_int);
    io.integer("seed", r.options.seed, 0, std::numeric_limits<std::int64_t>::max());
    io.integer("latency_samples", r.options.latency_samples, 0, max_int);
    io.note("flops_per_sample", "2 x multiply-adds of one forward pass (biases and activations not counted)");
    io.note("peak_memory_mb",
            "VmHWM of the child process that loaded the data and measured the architecture, 2^20 bytes");
    io.records("rows", r.rows, [](auto& sub, auto& row) { row_fields(sub, row); });
}

// The largest bench.json read: a row is under 1 KB.
constexpr std::uintmax_t max_bench_bytes = 16u << 20;

// The record as the helpers of toolkit/json.h take it.
constexpr auto fields = [](auto& io, auto& result) { result_fields(io, result); };

}  // namespace

std::string bench_json(const BenchResult& result) { return record_text(result, fields); }

BenchResult parse_bench_json(const std::string& text, const std::string& source) {
    return parse_record<BenchResult>(text, source, fields);
}

BenchResult read_bench_json(const std::filesystem::path& file) {
    return read_record<BenchResult>(file, max_bench_bytes, fields);
}

}  // namespace soma
