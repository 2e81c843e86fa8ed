// Measuring architectures: one forked child per architecture.
#include "bench/bench.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <limits>
#include <thread>

#include "data/batcher.h"
#include "data/dataset.h"
#include "nn/loss.h"
#include "plugin/registry.h"
#include "soma/random.h"
#include "train/session.h"
#include "train/threads.h"
#include "util/error.h"
#include "util/names.h"

namespace soma {

namespace {

using clock_type = std::chrono::steady_clock;

double median(std::vector<double> v) {
    if (v.empty()) return std::numeric_limits<double>::quiet_NaN();
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// The q-quantile as the reference loop computes it: the ceil(q n)-th smallest.
double percentile_sorted(const std::vector<double>& sorted, double q) {
    if (sorted.empty()) return std::numeric_limits<double>::quiet_NaN();
    std::size_t i = static_cast<std::size_t>(std::ceil(q * static_cast<double>(sorted.size())));
    i = i == 0 ? 0 : i - 1;
    return sorted[std::min(i, sorted.size() - 1)];
}

// VmHWM (peak resident set) of this process in kB, 0 if unreadable.
long peak_rss_kb() {
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("VmHWM:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
    return 0;
}

std::string cpu_model() {
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("model name", 0) == 0) {
            const std::size_t colon = line.find(':');
            if (colon != std::string::npos) {
                std::string v = line.substr(colon + 1);
                v.erase(0, v.find_first_not_of(" \t"));
                return v;
            }
        }
    return "unknown CPU";
}

std::string utc_now() {
    const std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return buf;
}

void write_all(int fd, const std::string& s) {
    std::size_t done = 0;
    while (done < s.size()) {
        const ssize_t n = ::write(fd, s.data() + done, s.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        done += static_cast<std::size_t>(n);
    }
}

// Runs measure_architecture in a forked child; returns its row.
BenchRow measure_in_child(const BenchOptions& o, const Architecture& a, int& train_samples, int& test_samples) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw Error(std::string("bench: pipe: ") + std::strerror(errno));
    std::fflush(nullptr);  // nothing buffered is written twice
    const pid_t pid = ::fork();
    if (pid < 0) {
        ::close(fds[0]);
        ::close(fds[1]);
        throw Error(std::string("bench: fork: ") + std::strerror(errno));
    }
    if (pid == 0) {
        ::close(fds[0]);
        int code = 0;
        std::string message;
        try {
            // The answer is a bench.json of one row, read back by the same definition.
            BenchResult answer;
            answer.rows.push_back(measure_architecture(o, a, &answer.train_samples, &answer.test_samples));
            message = "ok\n" + bench_json(answer);
        } catch (const std::exception& e) {
            message = std::string("error\n") + e.what();
            code = 1;
        } catch (...) {
            message = "error\nunknown exception";
            code = 1;
        }
        write_all(fds[1], message);
        ::close(fds[1]);
        ::_exit(code);  // no destructors or atexit handlers of the parent's state
    }
    ::close(fds[1]);
    std::string text;
    char buf[4096];
    for (;;) {
        const ssize_t n = ::read(fds[0], buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        text.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fds[0]);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (text.rfind("ok\n", 0) != 0) {
        std::string why = text.rfind("error\n", 0) == 0 ? text.substr(6) : std::string();
        if (why.empty())
            why = WIFSIGNALED(status) ? "the measuring process was killed by signal " + std::to_string(WTERMSIG(status))
                                      : "the measuring process exited with status " +
                                            std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        throw Error("bench " + a.text + ": " + why);
    }
    const BenchResult answer = parse_bench_json(text.substr(3), "bench " + a.text + ": the measuring process's answer");
    if (answer.rows.size() != 1) throw Error("bench " + a.text + ": the measuring process answered without a row");
    train_samples = answer.train_samples;
    test_samples = answer.test_samples;
    return answer.rows.front();
}

}  // namespace

const std::vector<std::string>& bench_dataset_names() {
    static const std::vector<std::string> names = {"mnist", "mnist-10k", "fashion-mnist", "synthetic"};
    return names;
}

void validate_bench_options(const BenchOptions& o) {
    if (o.architectures.empty()) throw Error("bench: no architectures given (e.g. soma bench 784-16-16-10)");
    if (o.batch < 1) throw Error("bench: batch must be >= 1");
    if (o.threads < 0) throw Error("bench: threads must be >= 0 (0 = automatic)");
    if (o.epochs < 1) throw Error("bench: epochs must be >= 1");
    if (o.accuracy_epochs < 0) throw Error("bench: accuracy epochs must be >= 0");
    if (o.accuracy_seeds < 1) throw Error("bench: accuracy seeds must be >= 1");
    if (o.latency_samples < 1) throw Error("bench: latency samples must be >= 1");
    if (o.activation.empty()) throw Error("bench: activation must not be empty");
    const std::vector<std::string>& names = bench_dataset_names();
    if (std::find(names.begin(), names.end(), o.data.dataset) == names.end())
        throw Error("bench: " + unknown_name_message("dataset", o.data.dataset, names));
}

namespace {

// The plugins a measurement needs: the activation, dense and sgd.
void load_bench_plugins(Registry& registry, const BenchOptions& o) {
    std::vector<std::filesystem::path> folders = o.plugin_folders.empty() ? default_plugin_folders() : o.plugin_folders;
    folders.insert(folders.end(), o.extra_plugin_folders.begin(), o.extra_plugin_folders.end());
    const std::vector<LoadError> refused = registry.load_folders(folders);
    registry.feature(Kind::activation, o.activation);  // an unknown name fails here, before the data loads
    if (!registry.has(Kind::layer, "dense") || !registry.has(Kind::optimizer, "sgd")) {
        std::string why = "the plugins dense and sgd were not found";
        for (const LoadError& e : refused) why += "; " + e.message;
        throw Error(why);
    }
}

// The dataset, checked against the architecture's ends.
Dataset load_bench_data(const BenchOptions& o, const Architecture& a) {
    Dataset data = load_dataset(o.data, o.source.empty() ? std::filesystem::current_path() : o.source.parent_path(),
                                o.seed);
    if (a.inputs() != data.features() || a.outputs() != data.classes)
        throw Error("architecture '" + a.text + "' must start with " + std::to_string(data.features()) +
                    " inputs and end with " + std::to_string(data.classes) + " outputs for dataset '" + data.name +
                    "'");
    if (data.train.size() == 0 || data.test.size() == 0)
        throw Error("dataset '" + data.name + "' has no training or no test samples");
    return data;
}

// Batch buffers large enough for training and evaluation batches.
struct BatchBuffers {
    std::vector<float> x;
    std::vector<std::int32_t> labels;
    BatchBuffers(int batch, int features)
        : x(static_cast<std::size_t>(std::max(batch, TrainingSession::kEvalBatch)) * features),
          labels(static_cast<std::size_t>(std::max(batch, TrainingSession::kEvalBatch))) {}
};

// One epoch of training as the trainer runs it (shuffle, uint8 scaling,
// TrainingSession::step); its seconds.
double train_epoch(Batcher& batcher, int epoch, TrainingSession& session, BatchBuffers& buf) {
    batcher.start_epoch(epoch);
    const auto t0 = clock_type::now();
    while (int b = batcher.next(buf.x.data(), buf.labels.data())) session.step(buf.x.data(), buf.labels.data(), b);
    return std::chrono::duration<double>(clock_type::now() - t0).count();
}

// Training: epochs exactly as the trainer times them; the median of the timed
// ones, and the test accuracy after accuracy_epochs when asked (this is the
// first seed's).
void time_training(const BenchOptions& o, const Dataset& data, TrainingSession& session, BatchBuffers& buf,
                   BenchRow& row) {
    Batcher batcher(data.train, data.features(), o.batch, derive_seed(o.seed, 77), /*shuffle=*/true);
    const int total_epochs = std::max(1 + o.epochs, o.accuracy_epochs);
    std::vector<double> timed;
    for (int epoch = 1; epoch <= total_epochs; ++epoch) {
        const double s = train_epoch(batcher, epoch, session, buf);
        const double rate = s > 0 ? static_cast<double>(data.train.size()) / s : 0;
        row.epoch_samples_per_second.push_back(rate);
        if (epoch >= 2 && epoch <= 1 + o.epochs) timed.push_back(rate);
        if (epoch == o.accuracy_epochs) {
            row.test_accuracies.push_back(session.evaluate(data.test).accuracy);
            row.accuracy_epochs = epoch;
        }
    }
    row.train_samples_per_second = median(timed);
}

// The test accuracy of a fresh network trained accuracy_epochs with `seed`.
double seed_accuracy(const BenchOptions& o, const Dataset& data, const Registry& registry, const ModelConfig& model,
                     TrainingConfig tc, std::uint64_t seed, BatchBuffers& buf) {
    tc.seed = seed;
    TrainingSession session(registry, model, tc, data.features(), data.classes, o.batch);
    Batcher batcher(data.train, data.features(), o.batch, derive_seed(seed, 77), /*shuffle=*/true);
    for (int epoch = 1; epoch <= o.accuracy_epochs; ++epoch) train_epoch(batcher, epoch, session, buf);
    return session.evaluate(data.test).accuracy;
}

// Inference at batch 256 over the test split: one untimed pass, then at
// least 3 timed passes and 0.2 s; the median rate.
double time_inference(const Dataset& data, Network& net, BatchBuffers& buf) {
    Batcher eval(data.test, data.features(), TrainingSession::kEvalBatch, 0, /*shuffle=*/false);
    volatile int sink = 0;
    auto pass = [&] {
        eval.start_epoch(0);
        while (int b = eval.next(buf.x.data(), buf.labels.data())) {
            const float* out = net.forward(buf.x.data(), b, /*training=*/false);
            sink = sink + argmax(out, data.classes);
        }
    };
    pass();
    std::vector<double> rates;
    double spent = 0;
    while (rates.size() < 3 || (spent < 0.2 && rates.size() < 1000)) {
        const auto t0 = clock_type::now();
        pass();
        const double s = std::chrono::duration<double>(clock_type::now() - t0).count();
        spent += s;
        rates.push_back(s > 0 ? static_cast<double>(data.test.size()) / s : 0);
    }
    return median(rates);
}

// Batch-1 latency: random test samples, one at a time (scale, forward, argmax).
void time_latency(const BenchOptions& o, const Dataset& data, Network& net, BatchBuffers& buf, BenchRow& row) {
    const int features = data.features();
    Random rng(derive_seed(o.seed, 99));
    std::vector<double> us(static_cast<std::size_t>(o.latency_samples));
    volatile int sink = 0;
    constexpr int kWarmup = 100;
    constexpr float kScale = 1.f / 255.f;
    for (int i = -kWarmup; i < o.latency_samples; ++i) {
        const std::uint8_t* src = data.test.images.data() + rng.below(data.test.size()) * static_cast<std::size_t>(features);
        const auto t0 = clock_type::now();
        for (int j = 0; j < features; ++j) buf.x[static_cast<std::size_t>(j)] = static_cast<float>(src[j]) * kScale;
        const float* out = net.forward(buf.x.data(), 1, /*training=*/false);
        sink = sink + argmax(out, data.classes);
        const double t = std::chrono::duration<double, std::micro>(clock_type::now() - t0).count();
        if (i >= 0) us[static_cast<std::size_t>(i)] = t;
    }
    double mean = 0;
    for (double t : us) mean += t;
    row.latency_mean_us = mean / static_cast<double>(us.size());
    std::sort(us.begin(), us.end());
    row.latency_p50_us = percentile_sorted(us, 0.50);
    row.latency_p99_us = percentile_sorted(us, 0.99);
}

}  // namespace

BenchRow measure_architecture(const BenchOptions& o, const Architecture& a, int* train_samples, int* test_samples) {
    Registry registry;
    load_bench_plugins(registry, o);
    const Dataset data = load_bench_data(o, a);
    if (train_samples) *train_samples = static_cast<int>(data.train.size());
    if (test_samples) *test_samples = static_cast<int>(data.test.size());

    const ModelConfig model = architecture_model(a, o.activation);
    TrainingConfig tc;
    tc.batch_size = o.batch;
    tc.threads = o.threads;
    tc.seed = o.seed;
    tc.optimizer.name = "sgd";  // learning_rate 0.1, no momentum: as the reference loop

    BenchRow row;
    row.architecture = a.text;
    row.parameters = architecture_parameters(a);
    row.flops = architecture_flops(a);
    row.threads = apply_threads(o.threads, model, data.features(), data.classes, o.batch);
    TrainingSession session(registry, model, tc, data.features(), data.classes, o.batch);
    row.network = session.network().describe();
    if (session.parameters() != row.parameters)
        throw Error("architecture '" + a.text + "': the network has " + std::to_string(session.parameters()) +
                    " parameters, the shape says " + std::to_string(row.parameters));

    BatchBuffers buf(o.batch, data.features());
    time_training(o, data, session, buf, row);
    row.infer_samples_per_second = time_inference(data, session.network(), buf);
    time_latency(o, data, session.network(), buf, row);
    if (o.accuracy_epochs > 0)
        for (int k = 1; k < o.accuracy_seeds; ++k)
            row.test_accuracies.push_back(seed_accuracy(o, data, registry, model, tc, o.seed + k, buf));
    row.peak_memory_mb = static_cast<double>(peak_rss_kb()) / 1024.0;
    return row;
}

BenchResult run_bench(const BenchOptions& options, std::ostream& log) {
    validate_bench_options(options);
    BenchResult result;
    result.options = options;
    result.machine = cpu_model();
    result.cores = static_cast<int>(std::thread::hardware_concurrency());
    result.date = utc_now();
    for (const Architecture& a : options.architectures) {
        log << "measuring " << a.text << " ..." << std::flush;
        int train_samples = 0, test_samples = 0;
        BenchRow r;
        try {
            r = measure_in_child(options, a, train_samples, test_samples);
        } catch (...) {
            log << " failed\n" << std::flush;
            throw;
        }
        r.architecture = a.text;
        r.parameters = architecture_parameters(a);
        r.flops = architecture_flops(a);
        r.accuracy_epochs = r.test_accuracies.empty() ? 0 : options.accuracy_epochs;
        result.train_samples = train_samples;
        result.test_samples = test_samples;
        char line[256];
        std::snprintf(line, sizeof line, " %.0f samples/s training, p50 %.1f us\n", r.train_samples_per_second,
                      r.latency_p50_us);
        log << line << std::flush;
        result.rows.push_back(std::move(r));
    }
    return result;
}

}  // namespace soma
