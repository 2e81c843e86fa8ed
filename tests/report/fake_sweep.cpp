#include "fake_sweep.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <sstream>

#include "train/epoch_choice.h"
#include "train/run_folder.h"
#include "experiment/sweep_record.h"

namespace soma::test {

namespace fs = std::filesystem;

TempDir::TempDir(const std::string& tag) {
    static int counter = 0;
    path_ = fs::temp_directory_path() /
            ("soma_report_" + tag + "_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::remove_all(path_);
    fs::create_directories(path_);
}

TempDir::~TempDir() {
    if (!std::getenv("SOMA_REPORT_KEEP")) {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
}

std::string read_text(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

void write_text(const fs::path& file, const std::string& text) {
    fs::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << text;
}

std::size_t Csv::col(const std::string& name) const {
    auto it = std::find(header.begin(), header.end(), name);
    EXPECT_NE(it, header.end()) << "no column " << name;
    return static_cast<std::size_t>(it - header.begin());
}

std::vector<std::string> split_csv_line(const std::string& line) {
    std::vector<std::string> out(1);
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        char c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') out.back() += '"', ++i;
            else if (c == '"') quoted = false;
            else out.back() += c;
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            out.emplace_back();
        } else {
            out.back() += c;
        }
    }
    return out;
}

Csv read_csv(const fs::path& file) {
    Csv csv;
    std::istringstream in(read_text(file));
    std::string line;
    std::getline(in, line);
    csv.header = split_csv_line(line);
    while (std::getline(in, line))
        if (!line.empty()) csv.rows.push_back(split_csv_line(line));
    return csv;
}

namespace {

// Exactly representable in metrics.csv's 6 significant digits.
double q4(double v) { return std::round(v * 1e4) / 1e4; }
double q2(double v) { return std::round(v * 1e2) / 1e2; }

std::string hidden_toml(const std::vector<int>& h) {
    std::string s = "[";
    for (std::size_t i = 0; i < h.size(); ++i) s += (i ? ", " : "") + std::to_string(h[i]);
    return s + "]";
}

std::string hidden_id(const std::vector<int>& h) {
    std::string s;
    for (std::size_t i = 0; i < h.size(); ++i) s += (i ? "x" : "") + std::to_string(h[i]);
    return s;
}

// Deterministic small noise per (seed, epoch, salt) in [-1, 1].
double noise(int seed, int epoch, int salt) {
    unsigned x = static_cast<unsigned>(seed * 7919 + epoch * 104729 + salt * 1299709) * 2654435761u;
    x ^= x >> 13;
    x *= 0x5bd1e995u;
    x ^= x >> 15;
    return static_cast<double>(x % 2001) / 1000.0 - 1.0;
}

std::vector<float> fake_weights(int units, int seed) {
    // Blob detectors: a positive Gaussian blob and a negative one, placed per neuron.
    std::vector<float> w(static_cast<std::size_t>(units) * 784);
    for (int n = 0; n < units; ++n) {
        double cx = 7 + (n * 5 + seed) % 14, cy = 7 + (n * 3 + 2 * seed) % 14;
        double nx = 27 - cx, ny = 27 - cy + (n % 3);
        double scale = 0.05 * (1 + n % 4);
        for (int y = 0; y < 28; ++y)
            for (int x = 0; x < 28; ++x) {
                double p = std::exp(-((x - cx) * (x - cx) + (y - cy) * (y - cy)) / 18.0);
                double q = std::exp(-((x - nx) * (x - nx) + (y - ny) * (y - ny)) / 30.0);
                w[static_cast<std::size_t>(n) * 784 + y * 28 + x] = static_cast<float>(scale * (p - 0.8 * q));
            }
    }
    return w;
}

}  // namespace

std::vector<FakeRun> write_fake_sweep(const fs::path& dir, const FakeSweepOptions& o) {
    std::vector<FakeRun> runs;
    for (const std::string& act : o.activations)
        for (const auto& h : o.hidden) {
            std::vector<int> seeds = o.seeds;
            const bool diverges = o.extra_failed_and_diverged && act == "relu" && h == std::vector<int>{16};
            const bool fails = o.extra_failed_and_diverged && act == "sigmoid" && h == std::vector<int>{64};
            if (diverges || fails) seeds.push_back(4);
            for (int seed : seeds) {
                FakeRun r;
                r.activation = act;
                r.hidden = h;
                r.seed = seed;
                r.config_id = "activation=" + act + ",hidden=" + hidden_id(h);
                r.id = r.config_id + ",seed=" + std::to_string(seed);
                r.status = seed == 4 ? (diverges ? "diverged" : "failed") : "ok";
                runs.push_back(r);
            }
        }

    SweepIndex index;
    index.experiment = o.experiment;
    index.mode = "product";
    index.axes = {"model.activation", "model.hidden", "training.seed"};
    for (const FakeRun& r : runs)
        index.runs.push_back({r.id, r.config_id, {{"model.activation", "\"" + r.activation + "\""},
                                                  {"model.hidden", hidden_toml(r.hidden)},
                                                  {"training.seed", std::to_string(r.seed)}}});
    write_text(dir / "sweep.json", sweep_index_text(index));
    write_text(dir / "experiment.toml", "[experiment]\nname = \"" + o.experiment + "\"\n");

    const double nan = std::numeric_limits<double>::quiet_NaN();
    for (const FakeRun& r : runs) {
        const fs::path run_dir = dir / "runs" / r.id;
        int units = 0;
        for (int u : r.hidden) units += u;
        write_text(run_dir / "config.toml", "[experiment]\nname = \"" + o.experiment + "\"\n\n[model]\nhidden = " +
                                                hidden_toml(r.hidden) + "\nactivation = \"" + r.activation +
                                                "\"\n\n[training]\nseed = " + std::to_string(r.seed) + "\n");
        if (r.status == "failed") {
            write_text(run_dir / "summary.json", "{\n  \"experiment\": \"" + o.experiment +
                                                     "\",\n  \"status\": \"failed\",\n  \"error\": \"" + fake_error() +
                                                     "\"\n}\n");
            continue;
        }
        // Accuracy approaches a ceiling set by the configuration; relu learns faster.
        const bool relu = r.activation == "relu";
        const double ceiling = 0.93 + (relu ? 0.012 : 0.0) + (units >= 64 ? 0.025 : 0.0) + o.accuracy_offset;
        const double tau = relu ? 1.4 : 2.6;
        RunResult result;
        result.parameters = static_cast<std::size_t>(784 * units + units + units * 10 + 10);
        result.network = "dense(" + std::to_string(units) + ") " + r.activation + ", dense(10)";
        result.threads = 2;
        result.classes = 10;
        const int epochs = r.status == "diverged" ? 3 : o.epochs;
        double seconds_total = 0;
        for (int e = 1; e <= epochs; ++e) {
            EpochMetrics m;
            m.epoch = e;
            const double progress = 1 - std::exp(-e / tau);
            const double acc = 0.3 + (ceiling - 0.3) * progress;
            m.train_accuracy = q4(acc + 0.01 + 0.002 * noise(r.seed, e, 1));
            m.train_loss = q4((units >= 64 ? 0.04 : 0.09) + (units >= 64 ? 1.9 : 2.1) * std::exp(-e / tau) + 0.01 * noise(r.seed, e, 2));
            m.validation_accuracy = o.validation ? q4(acc + 0.004 * noise(r.seed, e, 3)) : nan;
            m.validation_loss = o.validation ? q4(0.1 + 1.8 * std::exp(-e / tau)) : nan;
            m.test_accuracy = q4(acc - 0.003 + 0.004 * noise(r.seed, e, 4));
            m.test_loss = q4(0.1 + 1.8 * std::exp(-e / tau) + 0.01 * noise(r.seed, e, 5));
            m.seconds = q2(1.5 + units / 64.0 + 0.1 * noise(r.seed, e, 6));
            m.samples_per_second = std::round(54000 / m.seconds);
            if (r.status == "diverged" && e == epochs) {
                m.train_loss = nan;
                m.test_loss = nan;
                m.validation_loss = nan;
                m.train_accuracy = 0.0987;
                m.test_accuracy = 0.098;
                m.validation_accuracy = o.validation ? 0.0991 : nan;
            } else if (r.status == "diverged" && e == epochs - 1) {
                m.train_loss = 37.5;  // blowing up
                m.train_accuracy = 0.5;
                m.test_accuracy = 0.448;
                m.validation_accuracy = o.validation ? 0.452 : nan;
            }
            seconds_total += m.seconds;
            result.epochs.push_back(m);
        }
        result.status = *run_status_names.find(r.status);
        result.diverged_epoch = r.status == "diverged" ? epochs : 0;
        result.train_seconds = seconds_total;
        result.samples_per_second = result.epochs.back().samples_per_second;
        // The confusion matrix of a test accuracy: 1,000 digits per class, the classic mix-ups taking most errors.
        auto confusion_of = [](double a) {
            std::vector<int> m(100, 0);
            for (int t = 0; t < 10; ++t) {
                const int total = 1000;
                const int correct = static_cast<int>(std::round(total * a));
                m[t * 10 + t] = correct;
                const int mix = t == 4 ? 9 : t == 9 ? 4 : t == 3 ? 5 : t == 5 ? 3 : t == 7 ? 2 : (t + 6) % 10;
                m[t * 10 + mix] += (total - correct) * 2 / 3;
                const int other = (t + 1) % 10 == mix ? (t + 2) % 10 : (t + 1) % 10;
                m[t * 10 + other] += total - correct - (total - correct) * 2 / 3;
            }
            return m;
        };
        result.confusion = confusion_of(result.epochs.back().test_accuracy);
        std::vector<double> validation;
        for (const EpochMetrics& m : result.epochs) validation.push_back(m.validation_accuracy);
        const int chosen = choose_epoch(validation).index;
        result.chosen_epoch = chosen + 1;
        result.chosen_confusion = confusion_of(result.epochs[static_cast<std::size_t>(chosen)].test_accuracy);
        SummaryInfo info;
        info.experiment = o.experiment;
        info.dataset = "mnist";
        info.train_samples = 54000;
        info.validation_samples = o.validation ? 6000 : 0;
        info.test_samples = 10000;
        info.seed = static_cast<std::uint64_t>(r.seed);
        info.batch_size = 32;
        info.optimizer = "sgd";
        info.loss = "cross_entropy";
        write_text(run_dir / "metrics.csv", metrics_csv(result.epochs, o.validation));
        write_text(run_dir / "summary.json", summary_json(result, info));

        std::vector<float> w0 = fake_weights(units, r.seed), b0(static_cast<std::size_t>(units), 0.f);
        std::vector<float> w1(static_cast<std::size_t>(units) * 10, 0.01f), b1(10, 0.f), grad(w0.size());
        std::vector<ParamTensor> params = {
            {"layer0.weights", w0.data(), grad.data(), w0.size(), {units, 784}, true},
            {"layer0.bias", b0.data(), grad.data(), b0.size(), {units}, false},
            {"layer1.weights", w1.data(), grad.data(), w1.size(), {10, units}, true},
            {"layer1.bias", b1.data(), grad.data(), b1.size(), {10}, false}};
        write_weights(run_dir / "weights.bin", params);
        if (o.validation) {  // the chosen epoch's weights: other blobs than the last epoch's
            std::vector<float> chosen_w0 = fake_weights(units, r.seed + 100);
            params[0].value = chosen_w0.data();
            write_weights(run_dir / "weights-best.bin", params);
        }
    }
    return runs;
}

}  // namespace soma::test
