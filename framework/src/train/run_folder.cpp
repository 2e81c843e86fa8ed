// Run folder files; all written atomically.
#include "train/run_folder.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <sstream>

#include "nn/network.h"
#include "train/epoch_choice.h"
#include "util/atomic_file.h"
#include "util/error.h"

namespace soma {

namespace {

void put_u32(std::string& out, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}

std::string csv_number(double v) {
    if (std::isnan(v)) return "";
    std::ostringstream s;
    s.precision(6);
    s << v;
    return s.str();
}

// A flat classes x classes matrix as rows.
std::vector<std::vector<double>> matrix_rows(const std::vector<int>& flat, int classes) {
    std::vector<std::vector<double>> rows;
    for (int t = 0; t < classes && flat.size() == static_cast<std::size_t>(classes) * classes; ++t)
        rows.emplace_back(flat.begin() + static_cast<std::ptrdiff_t>(t) * classes,
                          flat.begin() + static_cast<std::ptrdiff_t>(t + 1) * classes);
    return rows;
}

}  // namespace

void write_weights(const std::filesystem::path& path, const std::vector<ParamTensor>& params, bool sync) {
    std::string out = "SOMAWTS1";
    put_u32(out, static_cast<std::uint32_t>(params.size()));
    for (const ParamTensor& t : params) {
        put_u32(out, static_cast<std::uint32_t>(t.name.size()));
        out += t.name;
        std::vector<int> shape = t.shape.empty() ? std::vector<int>{static_cast<int>(t.size)} : t.shape;
        put_u32(out, static_cast<std::uint32_t>(shape.size()));
        for (int d : shape) put_u32(out, static_cast<std::uint32_t>(d));
        out.append(reinterpret_cast<const char*>(t.value), t.size * sizeof(float));
    }
    write_file_atomic(path, out, sync);
}

std::vector<SavedTensor> read_weights(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(path.string() + ": cannot open");
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::size_t pos = 0;
    auto need = [&](std::size_t n, const char* what) {
        if (pos + n > bytes.size())
            throw Error(path.string() + ": truncated at byte " + std::to_string(pos) + " reading " + what);
    };
    auto u32 = [&](const char* what) {
        need(4, what);
        std::uint32_t v = 0;
        for (int i = 0; i < 4; ++i) v |= static_cast<std::uint32_t>(static_cast<unsigned char>(bytes[pos + i])) << (8 * i);
        pos += 4;
        return v;
    };
    need(8, "magic");
    if (bytes.compare(0, 8, "SOMAWTS1") != 0) throw Error(path.string() + ": not a soma weights file (magic)");
    pos = 8;
    std::vector<SavedTensor> tensors(u32("tensor count"));
    for (SavedTensor& t : tensors) {
        std::uint32_t len = u32("name length");
        need(len, "name");
        t.name = bytes.substr(pos, len);
        pos += len;
        std::uint32_t rank = u32("rank");
        std::size_t count = 1;
        for (std::uint32_t i = 0; i < rank; ++i) {
            t.shape.push_back(static_cast<int>(u32("dimension")));
            count *= static_cast<std::size_t>(t.shape.back());
        }
        need(count * sizeof(float), "values");
        t.values.resize(count);
        std::memcpy(t.values.data(), bytes.data() + pos, count * sizeof(float));
        pos += count * sizeof(float);
    }
    if (pos != bytes.size()) throw Error(path.string() + ": " + std::to_string(bytes.size() - pos) + " trailing bytes");
    return tensors;
}

std::string metrics_csv_header(bool with_validation) {
    std::string h = "epoch,train_loss,train_accuracy,test_loss,test_accuracy,seconds,samples_per_second";
    if (with_validation) h += ",validation_loss,validation_accuracy";
    return h + "\n";
}

std::string metrics_csv(const std::vector<EpochMetrics>& epochs, bool with_validation) {
    std::string out = metrics_csv_header(with_validation);
    for (const EpochMetrics& m : epochs) {
        out += std::to_string(m.epoch) + "," + csv_number(m.train_loss) + "," + csv_number(m.train_accuracy) +
               "," + csv_number(m.test_loss) + "," + csv_number(m.test_accuracy) + "," + csv_number(m.seconds) +
               "," + csv_number(m.samples_per_second);
        if (with_validation) out += "," + csv_number(m.validation_loss) + "," + csv_number(m.validation_accuracy);
        out += "\n";
    }
    return out;
}

RunSummary run_summary(const RunResult& r, const SummaryInfo& info) {
    RunSummary s;
    s.experiment = info.experiment;
    s.status = r.status;
    if (r.status == RunStatus::diverged) s.diverged_epoch = r.diverged_epoch;
    s.early_stopped_epoch = r.early_stopped_epoch;
    s.network = r.network;
    s.parameters = static_cast<double>(r.parameters);
    s.dataset = info.dataset;
    s.train_samples = static_cast<std::int64_t>(info.train_samples);
    s.validation_samples = static_cast<std::int64_t>(info.validation_samples);
    s.test_samples = static_cast<std::int64_t>(info.test_samples);
    s.epochs = static_cast<int>(r.epochs.size());
    for (const EpochMetrics& m : r.epochs) {
        if (std::isnan(s.best_test_accuracy) || m.test_accuracy > s.best_test_accuracy)
            s.best_test_accuracy = m.test_accuracy, s.best_test_epoch = m.epoch;
        if (!std::isnan(m.validation_accuracy) &&
            (std::isnan(s.best_validation_accuracy) || m.validation_accuracy > s.best_validation_accuracy))
            s.best_validation_accuracy = m.validation_accuracy, s.best_validation_epoch = m.epoch;
    }
    std::vector<double> validation;
    for (const EpochMetrics& m : r.epochs) validation.push_back(m.validation_accuracy);
    const EpochChoice chosen = choose_epoch(validation);
    if (chosen.index >= 0) {
        const EpochMetrics& c = r.epochs[static_cast<std::size_t>(chosen.index)];
        s.chosen_epoch = c.epoch;
        s.chosen_validation_accuracy = chosen.score;
        s.chosen_test_accuracy = c.test_accuracy;
        s.chosen_test_loss = c.test_loss;
    }
    if (!r.epochs.empty()) {
        const EpochMetrics& last = r.epochs.back();
        s.test_accuracy = last.test_accuracy;
        s.test_loss = last.test_loss;
        s.validation_accuracy = last.validation_accuracy;
        s.train_loss = last.train_loss;
        s.train_accuracy = last.train_accuracy;
    }
    s.train_seconds = r.train_seconds;
    s.samples_per_second = r.samples_per_second;
    s.threads = r.threads;
    s.ranks = r.ranks;
    s.seed = info.seed;
    s.batch_size = info.batch_size;
    s.optimizer = info.optimizer;
    s.loss = info.loss;
    s.classes = r.classes;
    s.confusion = matrix_rows(r.confusion, r.classes);
    if (s.chosen_epoch > 0 && r.chosen_epoch == s.chosen_epoch) s.chosen_confusion = matrix_rows(r.chosen_confusion, r.classes);
    else if (s.chosen_epoch > 0 && s.chosen_epoch == s.epochs) s.chosen_confusion = s.confusion;
    return s;
}

std::string summary_json(const RunResult& result, const SummaryInfo& info) {
    return run_summary_text(run_summary(result, info));
}

RunWriter::RunWriter(std::filesystem::path dir, const Experiment& experiment, SummaryInfo info)
    : dir_(std::move(dir)),
      save_weights_(experiment.output.save_weights),
      with_validation_(experiment.data.validation > 0),
      info_(std::move(info)) {
    std::filesystem::create_directories(dir_);
    // A rerun in the same folder must not leave an old summary marking it
    // finished, nor an old chosen epoch's weights.
    std::filesystem::remove(dir_ / "summary.json");
    std::filesystem::remove(dir_ / chosen_weights_file);
    write_file_atomic(dir_ / "config.toml", to_toml(experiment));
}

// Every epoch: metrics and weights so far, without fsync (cheap; a run is
// only finished once summary.json exists, and that is written durably).
void RunWriter::on_epoch(const EpochMetrics& m, const RunResult& r, Network& net) {
    write_file_atomic(dir_ / "metrics.csv", metrics_csv(r.epochs, with_validation_), /*sync=*/false);
    if (save_weights_) save_state(m.epoch == r.chosen_epoch && with_validation_, net);
}

// The network's state: the last epoch's always, the chosen epoch's beside it.
// Without a validation split the chosen epoch is the last: one file holds both.
void RunWriter::save_state(bool chosen, Network& net) {
    write_weights(dir_ / last_weights_file, net.parameters(), /*sync=*/false);
    if (chosen) write_weights(dir_ / chosen_weights_file, net.parameters(), /*sync=*/false);
    state_written_ = true;
}

// The final files durably, summary.json last: its presence marks the run finished.
RunSummary RunWriter::finish(const RunResult& result) {
    write_file_atomic(dir_ / "metrics.csv", metrics_csv(result.epochs, with_validation_));
    std::error_code ec;
    if (state_written_)
        for (const char* file : {last_weights_file, chosen_weights_file})
            if (std::filesystem::exists(dir_ / file, ec)) sync_file(dir_ / file);
    const RunSummary summary = run_summary(result, info_);
    write_file_atomic(dir_ / "summary.json", run_summary_text(summary));
    return summary;
}

std::filesystem::path chosen_weights_path(const std::filesystem::path& run_dir, const RunSummary& summary) {
    std::error_code ec;
    if (std::filesystem::exists(run_dir / chosen_weights_file, ec)) return run_dir / chosen_weights_file;
    if (summary.chosen_epoch > 0 && summary.chosen_epoch == summary.epochs &&
        std::filesystem::exists(run_dir / last_weights_file, ec))
        return run_dir / last_weights_file;
    return {};
}

}  // namespace soma
