// Fashion-MNIST as Debian's dataset-fashion-mnist package installs it: read
// from /usr/share/datasets, or from the uncompressed copy that `soma data
// fetch fashion-mnist` leaves in the cache.
#pragma once

#include <array>
#include <filesystem>
#include <iosfwd>

#include "data/dataset.h"

namespace soma {

inline constexpr std::array<const char*, 4> kFashionFiles = {
    "train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz"};

// The cache folder of the uncompressed copy, under the data cache.
inline constexpr const char* kFashionFolder = "fashion-mnist";

// $SOMA_FASHION_MNIST_DIR if set (tests), else /usr/share/datasets/fashion-mnist.
std::filesystem::path fashion_mnist_dir();

// Reads the uncompressed copy in cache_dir/fashion-mnist when `soma data fetch
// fashion-mnist` made one (start-up in milliseconds instead of ~0.3 s of
// gunzip), else the package's .gz files. Throws DatasetMissing (ending
// "soma data fetch fashion-mnist") if a package file is missing.
Dataset load_fashion_mnist(const std::filesystem::path& cache_dir = {});

// The folder of the uncompressed copy in cache_dir (cache_dir/fashion-mnist)
// when load_fashion_mnist would read it, else empty.
std::filesystem::path fashion_mnist_cache_copy(const std::filesystem::path& cache_dir);

// Installs dataset-fashion-mnist with apt-get when running as root; otherwise
// throws soma::Error giving the command to run.
// With a cache_dir, also writes the uncompressed copy there.
void fetch_fashion_mnist(std::ostream& log, const std::filesystem::path& cache_dir = {});

}  // namespace soma
