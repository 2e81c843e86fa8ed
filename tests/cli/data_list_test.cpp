// `soma data list` on a cache made for the test: which datasets are there,
// where, how big, how many samples; the Fashion-MNIST source folder; JSON.
#include <gtest/gtest.h>

#include <cstdlib>

#include "cli_util.h"
#include "data/idx.h"
#include "data/inventory.h"
#include "data/mnist.h"
#include "toolkit/json.h"

namespace soma::test {
namespace {

// An environment variable set for one test.
class ScopedEnv {
public:
    ScopedEnv(const char* name, const std::string& value) : name_(name) { ::setenv(name, value.c_str(), 1); }
    ~ScopedEnv() { ::unsetenv(name_); }

private:
    const char* name_;
};

// Four IDX files of n_train and n_test 28x28 images in dir (gzip-compressed with .gz names when gz).
void write_idx_set(const fs::path& dir, std::uint32_t n_train, std::uint32_t n_test, bool gz = false) {
    fs::create_directories(dir);
    const std::string ext = gz ? ".gz" : "";
    write_idx(dir / ("train-images-idx3-ubyte" + ext), {n_train, 28, 28}, std::vector<std::uint8_t>(n_train * 784, 7), gz);
    write_idx(dir / ("train-labels-idx1-ubyte" + ext), {n_train}, std::vector<std::uint8_t>(n_train, 1), gz);
    write_idx(dir / ("t10k-images-idx3-ubyte" + ext), {n_test, 28, 28}, std::vector<std::uint8_t>(n_test * 784, 7), gz);
    write_idx(dir / ("t10k-labels-idx1-ubyte" + ext), {n_test}, std::vector<std::uint8_t>(n_test, 2), gz);
}

class DataList : public ::testing::Test {
protected:
    void SetUp() override {
        cache = t.path() / "cache";
        write_idx_set(cache / kMnistFolder, 120, 30);
        write_idx_set(cache / "mnist-10k", 10, 5);
        fs::remove(cache / "mnist-10k" / "t10k-images-idx3-ubyte");
        fs::remove(cache / "mnist-10k" / "t10k-labels-idx1-ubyte");
        fs::create_directories(cache / "mnist");  // left by an earlier soma
        write_idx_set(fashion, 60, 20, /*gz=*/true);
    }
    TempDir t;
    fs::path cache;
    fs::path fashion = t.path() / "package";
    ScopedEnv fashion_env{"SOMA_FASHION_MNIST_DIR", fashion.string()};
    ScopedEnv columns{"COLUMNS", "100"};
};

const DatasetStatus& find(const std::vector<DatasetStatus>& all, const std::string& name) {
    for (const DatasetStatus& d : all)
        if (d.name == name) return d;
    throw std::runtime_error("no dataset " + name);
}

TEST_F(DataList, StatusesReadSizesAndSampleCounts) {
    const auto all = dataset_statuses(cache);
    ASSERT_EQ(all.size(), 5u);
    const DatasetStatus& mnist = find(all, "mnist");
    EXPECT_EQ(mnist.state, DatasetStatus::State::present);
    EXPECT_EQ(mnist.folder, cache / "mnist-full");
    EXPECT_EQ(mnist.files, 4u);
    EXPECT_EQ(mnist.bytes, (16 + 120 * 784) + (8 + 120) + (16 + 30 * 784) + (8 + 30));
    EXPECT_EQ(mnist.train, 120);
    EXPECT_EQ(mnist.test, 30);
    const DatasetStatus& small = find(all, "mnist-10k");
    EXPECT_EQ(small.state, DatasetStatus::State::incomplete);
    EXPECT_EQ(small.files, 2u);
    EXPECT_EQ(small.train, -1);
    const DatasetStatus& f = find(all, "fashion-mnist");
    EXPECT_EQ(f.state, DatasetStatus::State::present);
    EXPECT_EQ(f.source, fashion);
    EXPECT_EQ(f.folder, fashion);  // no uncompressed copy is made for a SOMA_FASHION_MNIST_DIR
    EXPECT_EQ(f.train, 60);        // read through gzip
    EXPECT_EQ(f.test, 20);
    EXPECT_EQ(find(all, "synthetic").state, DatasetStatus::State::not_cached);
    EXPECT_EQ(unused_cache_folders(cache), std::vector<fs::path>{cache / "mnist"});
}

TEST_F(DataList, TableSaysWhatIsWhereAndHowBig) {
    const Result r = soma("data list", t.path(), cache);
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("cache: " + cache.string()), std::string::npos) << r.output;
    // 120 and 30 images of 784 bytes plus headers and labels: 117,798 bytes.
    EXPECT_NE(r.output.find("\nmnist          present     mnist-full/ "), std::string::npos) << r.output;
    EXPECT_NE(r.output.find(" 4  115.0 KiB    120    30\n"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("\nmnist-10k      incomplete  mnist-10k/ "), std::string::npos) << r.output;
    EXPECT_NE(r.output.find(" 2    7.7 KiB      -     -\n"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("fetch: soma data fetch mnist-10k"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("source: " + fashion.string()), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("not read by any dataset: mnist/"), std::string::npos) << r.output;
    for (std::size_t at = 0, nl; (nl = r.output.find('\n', at)) != std::string::npos; at = nl + 1)
        EXPECT_LE(nl - at, 100u) << r.output.substr(at, nl - at);
}

TEST_F(DataList, JsonForScripts) {
    const Result r = soma("data list --json", t.path(), cache);
    ASSERT_EQ(r.status, 0) << r.output;
    const Json j = parse_json(r.output, "data list --json");
    EXPECT_EQ(j["cache"], cache.string());
    ASSERT_EQ(j["datasets"].size(), 5u);
    EXPECT_EQ(j["datasets"][0]["name"], "mnist");
    EXPECT_EQ(j["datasets"][0]["state"], "present");
    EXPECT_EQ(j["datasets"][0]["train"], 120);
    EXPECT_EQ(j["datasets"][0]["folder"], (cache / "mnist-full").string());
    EXPECT_EQ(j["datasets"][2]["source"], fashion.string());
    EXPECT_TRUE(j["datasets"][4]["files"].is_null());  // synthetic: nothing on disk
    EXPECT_EQ(j["unused_folders"][0], (cache / "mnist").string());
}

}  // namespace
}  // namespace soma::test
