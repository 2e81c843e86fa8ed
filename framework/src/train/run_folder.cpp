// Run folder files; all written atomically.
#include "train/run_folder.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>

#include "nn/network.h"
#include "util/atomic_file.h"
#include "util/error.h"
#include "util/json.h"

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

std::string summary_json(const RunResult& r, const SummaryInfo& info) {
    double best = std::numeric_limits<double>::quiet_NaN(), best_val = best;
    int best_epoch = 0, best_val_epoch = 0;
    for (const EpochMetrics& m : r.epochs) {
        if (std::isnan(best) || m.test_accuracy > best) best = m.test_accuracy, best_epoch = m.epoch;
        if (!std::isnan(m.validation_accuracy) && (std::isnan(best_val) || m.validation_accuracy > best_val))
            best_val = m.validation_accuracy, best_val_epoch = m.epoch;
    }
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const EpochMetrics* last = r.epochs.empty() ? nullptr : &r.epochs.back();
    JsonWriter j;
    j.begin_object();
    j.field("experiment", info.experiment).field("status", r.status);
    if (r.status == "diverged") j.field("diverged_epoch", r.diverged_epoch);
    if (r.early_stopped_epoch > 0) j.field("early_stopped_epoch", r.early_stopped_epoch);
    j.field("network", r.network).field("parameters", r.parameters);
    j.field("dataset", info.dataset).field("train_samples", info.train_samples);
    j.field("validation_samples", info.validation_samples).field("test_samples", info.test_samples);
    j.field("epochs", static_cast<int>(r.epochs.size()));
    j.field("test_accuracy", last ? last->test_accuracy : nan);
    j.field("test_loss", last ? last->test_loss : nan);
    j.field("best_test_accuracy", best).field("best_test_epoch", best_epoch);
    j.field("validation_accuracy", last ? last->validation_accuracy : nan);
    j.field("best_validation_accuracy", best_val).field("best_validation_epoch", best_val_epoch);
    j.field("train_loss", last ? last->train_loss : nan);
    j.field("train_accuracy", last ? last->train_accuracy : nan);
    j.field("train_seconds", r.train_seconds).field("samples_per_second", r.samples_per_second);
    j.field("threads", r.threads).field("seed", static_cast<std::int64_t>(info.seed));
    j.field("batch_size", info.batch_size).field("optimizer", info.optimizer).field("loss", info.loss);
    j.key("confusion").begin_array();
    for (int t = 0; t < r.classes && !r.confusion.empty(); ++t) {
        j.begin_array();
        for (int p = 0; p < r.classes; ++p) j.value(r.confusion[static_cast<std::size_t>(t) * r.classes + p]);
        j.end_array();
    }
    j.end_array();
    j.end_object();
    return j.str();
}

RunWriter::RunWriter(std::filesystem::path dir, const Experiment& experiment, SummaryInfo info)
    : dir_(std::move(dir)),
      save_weights_(experiment.output.save_weights),
      with_validation_(experiment.data.validation > 0),
      info_(std::move(info)) {
    std::filesystem::create_directories(dir_);
    // A rerun in the same folder must not leave an old summary marking it finished.
    std::filesystem::remove(dir_ / "summary.json");
    write_file_atomic(dir_ / "config.toml", to_toml(experiment));
}

// Every epoch: metrics and weights so far, without fsync (cheap; a run is
// only finished once summary.json exists, and that is written durably).
void RunWriter::on_epoch(const EpochMetrics&, const RunResult& r, Network& net) {
    write_file_atomic(dir_ / "metrics.csv", metrics_csv(r.epochs, with_validation_), /*sync=*/false);
    if (save_weights_) {
        write_weights(dir_ / "weights.bin", net.parameters(), /*sync=*/false);
        weights_pending_sync_ = true;
    }
}

// The final files durably, summary.json last: its presence marks the run finished.
void RunWriter::finish(const RunResult& result) {
    write_file_atomic(dir_ / "metrics.csv", metrics_csv(result.epochs, with_validation_));
    if (weights_pending_sync_) sync_file(dir_ / "weights.bin");
    write_file_atomic(dir_ / "summary.json", summary_json(result, info_));
}

}  // namespace soma
