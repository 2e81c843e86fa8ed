// load_dataset and fetch_dataset: dispatch on the dataset name, then the
// limits and validation split every dataset shares.
#include "data/dataset.h"

#include <cstdlib>
#include <ostream>

#include "data/fashion.h"
#include "data/idx.h"
#include "data/mnist.h"
#include "data/mnist_10k.h"
#include "data/split.h"
#include "data/synthetic.h"
#include "util/names.h"

namespace soma {
namespace {

std::filesystem::path resolve(const std::string& file, const char* key, const std::filesystem::path& base_dir) {
    if (file.empty())
        throw Error(std::string("data.") + key +
                    " is not set; dataset = \"idx\" needs train_images, train_labels, test_images and test_labels");
    std::filesystem::path p(file);
    return p.is_absolute() ? p : base_dir / p;
}

// mnist and mnist-10k: the four kMnistFiles in a folder of the cache.
Dataset load_cached_mnist(const std::string& name, const std::filesystem::path& cache_dir, const char* folder) {
    const auto dir = cache_dir / folder;
    for (const char* f : kMnistFiles) {
        if (!std::filesystem::exists(dir / f))
            throw DatasetMissing("dataset " + name + " is not in the cache " + cache_dir.string() + ": " +
                                 (dir / f).string() + " is missing; fetch it with: soma data fetch " + name);
    }
    return dataset_from_idx_files(name, dir / kMnistFiles[0], dir / kMnistFiles[1], dir / kMnistFiles[2],
                                  dir / kMnistFiles[3], 10);
}

const char* env(const char* name) {
    const char* v = std::getenv(name);
    return v && *v ? v : nullptr;
}

}  // namespace

std::filesystem::path data_cache_dir(const DataConfig& config) {
    if (!config.cache_dir.empty()) return config.cache_dir;
    if (const char* d = env("SOMA_DATA_DIR")) return d;
    if (const char* x = env("XDG_CACHE_HOME")) return std::filesystem::path(x) / "soma" / "data";
    if (const char* h = env("HOME")) return std::filesystem::path(h) / ".cache" / "soma" / "data";
    throw Error("cannot choose a data cache folder: set data.cache_dir, SOMA_DATA_DIR or HOME");
}

Dataset load_dataset(const DataConfig& config, const std::filesystem::path& base_dir, std::uint64_t split_seed) {
    if (config.train_limit < 0 || config.test_limit < 0)
        throw Error("data.train_limit and data.test_limit must be >= 0 (0 = all), got " +
                    std::to_string(config.train_limit) + " and " + std::to_string(config.test_limit));
    if (!(config.validation >= 0.0 && config.validation < 1.0))
        throw Error("data.validation must be in [0, 1), got " + std::to_string(config.validation));
    Dataset d;
    if (config.dataset == "mnist") {
        d = load_cached_mnist("mnist", data_cache_dir(config), kMnistFolder);
    } else if (config.dataset == "mnist-10k") {
        d = load_cached_mnist("mnist-10k", data_cache_dir(config), kMnist10kFolder);
    } else if (config.dataset == "fashion-mnist") {
        d = load_fashion_mnist(data_cache_dir(config));
    } else if (config.dataset == "idx") {
        d = dataset_from_idx_files("idx", resolve(config.train_images, "train_images", base_dir),
                                   resolve(config.train_labels, "train_labels", base_dir),
                                   resolve(config.test_images, "test_images", base_dir),
                                   resolve(config.test_labels, "test_labels", base_dir), config.classes);
    } else if (config.dataset == "synthetic") {
        d = make_synthetic(config.synthetic_train, config.synthetic_test, config.synthetic_seed);
    } else {
        throw Error("data.dataset: " + unknown_name_message("dataset", config.dataset, dataset_names()));
    }
    if (config.classes > 0 && config.classes != d.classes)
        throw Error("data.classes = " + std::to_string(config.classes) + ", but dataset " + d.name + " has " +
                    std::to_string(d.classes) + " classes");
    // Test accuracy is every run's result: without test samples it would be NaN.
    if (d.test.size() == 0)
        throw Error("dataset " + d.name + " has no test samples" +
                    (config.dataset == "idx" ? " (" + resolve(config.test_labels, "test_labels", base_dir).string() +
                                                   " holds 0 labels)"
                                             : std::string()) +
                    "; every run is measured on the test set");
    keep_first(d.train, d.features(), static_cast<std::size_t>(config.train_limit));
    keep_first(d.test, d.features(), static_cast<std::size_t>(config.test_limit));
    d.validation = hold_out(d.train, d.features(), config.validation, split_seed);
    if (d.train.size() == 0) throw Error("dataset " + d.name + " has no training samples");
    return d;
}

void fetch_dataset(const std::string& name, const std::filesystem::path& cache_dir, std::ostream& log) {
    if (name == "mnist") {
        fetch_mnist(cache_dir, log);
    } else if (name == "mnist-10k") {
        fetch_mnist_10k(cache_dir, log);
    } else if (name == "fashion-mnist") {
        fetch_fashion_mnist(log, cache_dir);
    } else if (name == "synthetic") {
        log << "synthetic: generated from data.synthetic_seed when loaded; nothing to fetch\n";
    } else if (name == "idx") {
        throw Error("idx datasets are files you provide (data.train_images ...); there is nothing to fetch");
    } else {
        throw Error(unknown_name_message("dataset", name, dataset_names()));
    }
}

}  // namespace soma
