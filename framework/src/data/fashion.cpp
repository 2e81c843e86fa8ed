// Fashion-MNIST loading and installing; the Debian package is the only source
// reachable here, so fetching means apt-get.
#include "data/fashion.h"

#include <unistd.h>

#include <cstdlib>
#include <ostream>

#include "data/idx.h"
#include "data/process.h"

namespace soma {
namespace {

constexpr const char* kDefaultDir = "/usr/share/datasets/fashion-mnist";
constexpr const char* kPackage = "dataset-fashion-mnist";

// The first of the four files that is missing, or "" when all are there.
std::string first_missing(const std::filesystem::path& dir) {
    for (const char* f : kFashionFiles)
        if (!std::filesystem::exists(dir / f)) return (dir / f).string();
    return "";
}

bool install_with_apt(std::ostream& log) {
    const std::vector<std::string> install = {"apt-get", "install", "-y", kPackage};
    log << "fashion-mnist: running " << data::command_string(install) << "\n" << std::flush;
    if (data::run_command(install) == 0) return true;
    // A machine whose package lists were never downloaded cannot find the package.
    log << "fashion-mnist: install failed; running apt-get update and trying again\n" << std::flush;
    if (data::run_command({"apt-get", "update"}) != 0) return false;
    return data::run_command(install) == 0;
}

}  // namespace

std::filesystem::path fashion_mnist_dir() {
    const char* env = std::getenv("SOMA_FASHION_MNIST_DIR");
    return env && *env ? std::filesystem::path(env) : std::filesystem::path(kDefaultDir);
}

// The uncompressed copy's file names: the package's without ".gz".
static std::filesystem::path raw_name(const char* gz_name) {
    std::string n = gz_name;
    return n.size() > 3 && n.compare(n.size() - 3, 3, ".gz") == 0 ? n.substr(0, n.size() - 3) : n;
}

// The copy is of the package's files; a SOMA_FASHION_MNIST_DIR elsewhere has none.
static bool raw_copy_present(const std::filesystem::path& cache) {
    if (cache.empty() || fashion_mnist_dir() != kDefaultDir) return false;
    for (const char* f : kFashionFiles)
        if (!std::filesystem::exists(cache / raw_name(f))) return false;
    return true;
}

std::filesystem::path fashion_mnist_cache_copy(const std::filesystem::path& cache_dir) {
    const auto cache = cache_dir.empty() ? cache_dir : cache_dir / kFashionFolder;
    return raw_copy_present(cache) ? cache : std::filesystem::path();
}

Dataset load_fashion_mnist(const std::filesystem::path& cache_dir) {
    if (const auto cache = fashion_mnist_cache_copy(cache_dir); !cache.empty())
        return dataset_from_idx_files("fashion-mnist", cache / raw_name(kFashionFiles[0]),
                                      cache / raw_name(kFashionFiles[1]), cache / raw_name(kFashionFiles[2]),
                                      cache / raw_name(kFashionFiles[3]), 10);
    const auto dir = fashion_mnist_dir();
    if (auto missing = first_missing(dir); !missing.empty())
        throw DatasetMissing("dataset fashion-mnist is not installed: " + missing +
                             " is missing; install it with: soma data fetch fashion-mnist");
    return dataset_from_idx_files("fashion-mnist", dir / kFashionFiles[0], dir / kFashionFiles[1],
                                  dir / kFashionFiles[2], dir / kFashionFiles[3], 10);
}

// Writes the uncompressed copy (atomically, file by file) into cache/fashion-mnist.
static void write_raw_copy(const std::filesystem::path& cache_dir, std::ostream& log) {
    if (cache_dir.empty() || fashion_mnist_dir() != kDefaultDir) return;
    const auto cache = cache_dir / kFashionFolder;
    if (raw_copy_present(cache)) {
        load_fashion_mnist(cache_dir);  // throws, naming the file, if one is damaged
        log << "fashion-mnist: uncompressed copy already in " << cache.string() << "\n";
        return;
    }
    const auto dir = fashion_mnist_dir();
    for (const char* f : kFashionFiles) {
        IdxArray a = read_idx(dir / f);
        write_idx(cache / raw_name(f), a.dims, a.data, /*gzip=*/false);
    }
    log << "fashion-mnist: wrote an uncompressed copy to " << cache.string() << " (faster start-up)\n";
}

void fetch_fashion_mnist(std::ostream& log, const std::filesystem::path& cache_dir) {
    const auto dir = fashion_mnist_dir();
    auto missing = first_missing(dir);
    if (missing.empty()) {
        load_fashion_mnist();  // throws, naming the file, if one is damaged
        log << "fashion-mnist: already in " << dir.string() << "\n";
        write_raw_copy(cache_dir, log);
        return;
    }
    const std::string command = std::string("apt-get install -y ") + kPackage;
    if (dir != kDefaultDir)
        throw Error("fashion-mnist: " + missing + " is missing; SOMA_FASHION_MNIST_DIR points at " + dir.string() +
                    ", which apt-get does not install into (" + command + " installs into " + kDefaultDir + ")");
    if (::geteuid() != 0)
        throw Error("fashion-mnist: " + missing + " is missing and installing needs root; run: sudo " + command);
    if (!data::on_path("apt-get")) throw Error("fashion-mnist: " + missing + " is missing and apt-get is not on PATH");
    if (!install_with_apt(log)) throw Error("fashion-mnist: `" + command + "` failed");
    if (auto still = first_missing(dir); !still.empty())
        throw Error("fashion-mnist: installed " + std::string(kPackage) + " but " + still + " is still missing");
    load_fashion_mnist();
    log << "fashion-mnist: installed into " << dir.string() << "\n";
    write_raw_copy(cache_dir, log);
}

}  // namespace soma
