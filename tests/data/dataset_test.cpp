// load_dataset as experiments use it: synthetic generation, limits, the
// validation split, idx files from a config, fashion-mnist, the cache folder.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include "data/dataset.h"
#include "data/fashion.h"
#include "data/idx.h"
#include "data/rng.h"
#include "data/split.h"
#include "data/synthetic.h"
#include "test_util.h"

using ::testing::EndsWith;
using ::testing::HasSubstr;
using namespace soma;
using soma::test::error_of;
using soma::test::ScopedEnv;

namespace {

DataConfig synthetic_config(int train = 300, int test = 100) {
    DataConfig c;
    c.dataset = "synthetic";
    c.synthetic_train = train;
    c.synthetic_test = test;
    return c;
}

// Each sample as (label, image bytes), for multiset comparisons.
std::multiset<std::string> rows_of(const Split& s, int features) {
    std::multiset<std::string> out;
    for (std::size_t i = 0; i < s.size(); ++i)
        out.insert(std::string(1, static_cast<char>(s.labels[i])) +
                   std::string(s.images.begin() + static_cast<std::ptrdiff_t>(i * features),
                               s.images.begin() + static_cast<std::ptrdiff_t>((i + 1) * features)));
    return out;
}

TEST(RngTest, GoldenValuesStayPortable) {
    // Any change here changes every shuffle and synthetic dataset: on purpose only.
    data::Rng rng(42);
    const std::uint64_t a = rng.next_u64(), b = rng.next_u64();
    data::Rng again(42);
    EXPECT_EQ(again.next_u64(), a);
    EXPECT_EQ(again.next_u64(), b);
    data::Rng r(1);
    std::uint64_t counts[7] = {};
    for (int i = 0; i < 70000; ++i) {
        const auto v = r.below(7);
        ASSERT_LT(v, 7u);
        ++counts[v];
    }
    for (auto c : counts) EXPECT_NEAR(static_cast<double>(c), 10000.0, 500.0);
    std::uint64_t s = 0;
    EXPECT_EQ(splitmix64(s), 0xe220a8397b1dcdafULL);  // the published first output for seed 0
}

TEST(SyntheticTest, ShapeLabelsAndBalance) {
    const Dataset d = load_dataset(synthetic_config(2000, 500), ".");
    EXPECT_EQ(d.name, "synthetic");
    EXPECT_EQ(d.rows, 28);
    EXPECT_EQ(d.cols, 28);
    EXPECT_EQ(d.classes, 10);
    ASSERT_EQ(d.train.size(), 2000u);
    ASSERT_EQ(d.test.size(), 500u);
    EXPECT_EQ(d.train.images.size(), 2000u * 784);
    std::map<int, int> counts;
    for (auto l : d.train.labels) ++counts[l];
    ASSERT_EQ(counts.size(), 10u);
    for (auto [label, n] : counts) {
        EXPECT_LT(label, 10);
        EXPECT_GT(n, 140) << "class " << label;
        EXPECT_LT(n, 260) << "class " << label;
    }
}

TEST(SyntheticTest, SameSeedSameBytesDifferentSeedDiffers) {
    const Dataset a = make_synthetic(200, 50, 7), b = make_synthetic(200, 50, 7), c = make_synthetic(200, 50, 8);
    EXPECT_EQ(a.train.images, b.train.images);
    EXPECT_EQ(a.train.labels, b.train.labels);
    EXPECT_EQ(a.test.images, b.test.images);
    EXPECT_NE(a.train.images, c.train.images);
    EXPECT_NE(a.test.images, c.test.images);
    // The test set does not depend on the training set size.
    EXPECT_EQ(make_synthetic(30, 50, 7).test.images, a.test.images);
    EXPECT_NE(a.train.images, a.test.images);
}

TEST(SyntheticTest, LearnableButNotTrivial) {
    // Nearest class mean: well above chance (10%), far from perfect.
    const Dataset d = make_synthetic(2000, 500, 7);
    const int f = d.features();
    std::vector<double> mean(10 * f, 0.0);
    std::vector<int> n(10, 0);
    for (std::size_t i = 0; i < d.train.size(); ++i) {
        ++n[d.train.labels[i]];
        for (int j = 0; j < f; ++j) mean[d.train.labels[i] * f + j] += d.train.images[i * f + j];
    }
    for (int c = 0; c < 10; ++c)
        for (int j = 0; j < f; ++j) mean[c * f + j] /= n[c];
    int right = 0;
    for (std::size_t i = 0; i < d.test.size(); ++i) {
        int best = 0;
        double best_d = 1e300;
        for (int c = 0; c < 10; ++c) {
            double s = 0;
            for (int j = 0; j < f; ++j) {
                const double t = d.test.images[i * f + j] - mean[c * f + j];
                s += t * t;
            }
            if (s < best_d) best_d = s, best = c;
        }
        right += best == d.test.labels[i];
    }
    const double accuracy = right / static_cast<double>(d.test.size());
    EXPECT_GT(accuracy, 0.45);
    EXPECT_LT(accuracy, 0.95);
}

TEST(SyntheticTest, RejectsEmptySizes) {
    EXPECT_THAT(error_of([] { load_dataset(synthetic_config(0, 10), "."); }), HasSubstr("at least 1"));
}

TEST(DatasetTest, LimitsKeepTheFirstSamples) {
    const Dataset all = load_dataset(synthetic_config(), ".");
    DataConfig c = synthetic_config();
    c.train_limit = 50;
    c.test_limit = 20;
    const Dataset d = load_dataset(c, ".");
    ASSERT_EQ(d.train.size(), 50u);
    ASSERT_EQ(d.test.size(), 20u);
    EXPECT_TRUE(std::equal(d.train.images.begin(), d.train.images.end(), all.train.images.begin()));
    EXPECT_TRUE(std::equal(d.train.labels.begin(), d.train.labels.end(), all.train.labels.begin()));
    EXPECT_TRUE(std::equal(d.test.images.begin(), d.test.images.end(), all.test.images.begin()));
    c.train_limit = 100000;  // more than there is: all
    EXPECT_EQ(load_dataset(c, ".").train.size(), 300u);
    c.train_limit = -1;
    EXPECT_THAT(error_of([&] { load_dataset(c, "."); }), HasSubstr("train_limit"));
}

TEST(DatasetTest, ValidationSplit) {
    const DataConfig plain = synthetic_config();
    const Dataset all = load_dataset(plain, ".");
    DataConfig c = plain;
    c.validation = 0.25;
    const Dataset a = load_dataset(c, ".", 5);
    EXPECT_EQ(a.validation.size(), 75u);  // round(0.25 * 300)
    EXPECT_EQ(a.train.size(), 225u);
    EXPECT_EQ(a.test.images, all.test.images);
    EXPECT_EQ(a.validation.images.size(), 75u * 784);
    // train + validation is the original multiset of samples.
    auto joined = rows_of(a.train, 784);
    const auto held = rows_of(a.validation, 784);
    joined.insert(held.begin(), held.end());
    EXPECT_EQ(joined, rows_of(all.train, 784));
    // Deterministic for a seed, different for another.
    const Dataset b = load_dataset(c, ".", 5);
    EXPECT_EQ(a.validation.images, b.validation.images);
    EXPECT_EQ(a.train.images, b.train.images);
    const Dataset other = load_dataset(c, ".", 6);
    EXPECT_NE(a.validation.images, other.validation.images);
    // The limit applies first: validation comes out of the limited set.
    c.train_limit = 100;
    c.validation = 0.1;
    const Dataset limited = load_dataset(c, ".");
    EXPECT_EQ(limited.train.size() + limited.validation.size(), 100u);
    EXPECT_EQ(limited.validation.size(), 10u);
}

TEST(DatasetTest, HoldOutKeepsOrderInPlace) {
    // Row r is (r % 256, r / 256, 7): every row says where it came from.
    Split train;
    const std::size_t n = 1000;
    for (std::size_t r = 0; r < n; ++r) {
        train.images.insert(train.images.end(), {static_cast<std::uint8_t>(r % 256), static_cast<std::uint8_t>(r / 256), 7});
        train.labels.push_back(static_cast<std::uint8_t>(r % 10));
    }
    const std::uint8_t* buffer = train.images.data();
    const Split held = hold_out(train, 3, 0.3, 11);
    ASSERT_EQ(held.size(), 300u);
    ASSERT_EQ(train.size(), 700u);
    ASSERT_EQ(train.images.size(), 700u * 3);
    EXPECT_EQ(train.images.data(), buffer);  // moved within its own buffer, not copied
    std::vector<bool> seen(n);
    for (const Split* s : {static_cast<const Split*>(&train), &held}) {
        long last = -1;
        for (std::size_t i = 0; i < s->size(); ++i) {
            const long r = s->images[3 * i] + 256 * s->images[3 * i + 1];
            EXPECT_GT(r, last) << "rows keep their original order";
            EXPECT_EQ(s->images[3 * i + 2], 7);
            EXPECT_EQ(s->labels[i], r % 10);
            EXPECT_FALSE(seen[static_cast<std::size_t>(r)]) << "row " << r << " twice";
            seen[static_cast<std::size_t>(r)] = true;
            last = r;
        }
    }
    EXPECT_EQ(std::count(seen.begin(), seen.end(), true), static_cast<long>(n));
}

TEST(DatasetTest, ValidationOutOfRange) {
    DataConfig c = synthetic_config();
    c.validation = 1.0;
    EXPECT_THAT(error_of([&] { load_dataset(c, "."); }), HasSubstr("data.validation must be in [0, 1), got 1"));
    c.validation = -0.1;
    EXPECT_THAT(error_of([&] { load_dataset(c, "."); }), HasSubstr("data.validation must be in [0, 1)"));
    c.validation = 0.999;
    c.synthetic_train = 10;  // would hold out everything
    EXPECT_THAT(error_of([&] { load_dataset(c, "."); }), HasSubstr("leaving none to train on"));
}

TEST(DatasetTest, IdxFilesResolveAgainstBaseDir) {
    data::TempDir tmp;
    const auto dir = tmp.path() / "exp";
    std::vector<std::uint8_t> images(4 * 3 * 2);
    for (std::size_t i = 0; i < images.size(); ++i) images[i] = static_cast<std::uint8_t>(i);
    write_idx(dir / "data" / "tr-i", {4, 3, 2}, images);
    write_idx(dir / "data" / "tr-l", {4}, {0, 1, 2, 1});
    write_idx(tmp.path() / "abs-te-i.gz", {2, 3, 2}, std::vector<std::uint8_t>(12, 5), true);
    write_idx(dir / "data" / "te-l", {2}, {2, 0});
    DataConfig c;
    c.dataset = "idx";
    c.train_images = "data/tr-i";
    c.train_labels = "data/tr-l";
    c.test_images = (tmp.path() / "abs-te-i.gz").string();
    c.test_labels = "data/te-l";
    const Dataset d = load_dataset(c, dir);
    EXPECT_EQ(d.name, "idx");
    EXPECT_EQ(d.rows, 3);
    EXPECT_EQ(d.cols, 2);
    EXPECT_EQ(d.classes, 3);  // largest label + 1
    EXPECT_EQ(d.train.images, images);
    EXPECT_EQ(d.test.size(), 2u);

    c.test_labels = "";
    EXPECT_THAT(error_of([&] { load_dataset(c, dir); }), HasSubstr("data.test_labels is not set"));
    c.test_labels = "data/missing";
    EXPECT_THAT(error_of([&] { load_dataset(c, dir); }), HasSubstr((dir / "data" / "missing").string()));
    write_idx(dir / "data" / "te-wide", {2, 2, 3}, std::vector<std::uint8_t>(12, 5));
    c.test_labels = "data/te-l";
    c.test_images = "data/te-wide";
    EXPECT_THAT(error_of([&] { load_dataset(c, dir); }), HasSubstr("image shapes differ"));
}

// Writes a 4-file idx dataset of 1x1 images with these labels; returns its config.
DataConfig idx_dataset(const std::filesystem::path& dir, const std::vector<std::uint8_t>& train,
                       const std::vector<std::uint8_t>& test) {
    const auto n = [](const std::vector<std::uint8_t>& v) { return static_cast<std::uint32_t>(v.size()); };
    write_idx(dir / "tr-i", {n(train), 1, 1}, std::vector<std::uint8_t>(train.size(), 7));
    write_idx(dir / "tr-l", {n(train)}, train);
    write_idx(dir / "te-i", {n(test), 1, 1}, std::vector<std::uint8_t>(test.size(), 7));
    write_idx(dir / "te-l", {n(test)}, test);
    DataConfig c;
    c.dataset = "idx";
    c.train_images = (dir / "tr-i").string();
    c.train_labels = (dir / "tr-l").string();
    c.test_images = (dir / "te-i").string();
    c.test_labels = (dir / "te-l").string();
    return c;
}

// A label of 200 in digit data silently built a 201-class network.
TEST(DatasetTest, AStrayLabelIsNotANewClass) {
    data::TempDir tmp;
    std::vector<std::uint8_t> train = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 200, 3};
    DataConfig c = idx_dataset(tmp.path(), train, {1, 2});
    EXPECT_EQ(error_of([&] { load_dataset(c, "."); }),
              (tmp.path() / "tr-l").string() +
                  ": label 200 of item 10 (byte offset 18) makes 201 classes, but 190 of them have no sample (10, 11, "
                  "12, 13, 14, ...); set data.classes to the number of classes to check every label against it, or "
                  "data.classes = 201 to train with 201 classes");
    c.classes = 10;
    EXPECT_THAT(error_of([&] { load_dataset(c, "."); }),
                HasSubstr("tr-l: label 200 of item 10 (byte offset 18) is out of range, expected 0..9"));
    c.classes = 201;
    EXPECT_EQ(load_dataset(c, ".").classes, 201);
    train[10] = 9;
    c = idx_dataset(tmp.path(), train, {1, 2});
    EXPECT_EQ(load_dataset(c, ".").classes, 10);
    // A named dataset knows its classes; data.classes must agree.
    DataConfig s = synthetic_config();
    s.classes = 12;
    EXPECT_EQ(error_of([&] { load_dataset(s, "."); }), "data.classes = 12, but dataset synthetic has 10 classes");
    s.classes = 10;
    EXPECT_EQ(load_dataset(s, ".").classes, 10);
}

// An empty test set ended "ok" with "test accuracy nan%".
TEST(DatasetTest, AnEmptyTestSetIsRefused) {
    data::TempDir tmp;
    const DataConfig c = idx_dataset(tmp.path(), {0, 1, 1, 0}, {});
    EXPECT_EQ(error_of([&] { load_dataset(c, "."); }),
              "dataset idx has no test samples (" + (tmp.path() / "te-l").string() +
                  " holds 0 labels); every run is measured on the test set");
}

TEST(DatasetTest, UnknownNameSuggestsClosest) {
    DataConfig c;
    c.dataset = "mnsit";
    const std::string msg = error_of([&] { load_dataset(c, "."); });
    EXPECT_THAT(msg, HasSubstr("mnsit"));
    EXPECT_THAT(msg, HasSubstr("mnist"));
    std::ostringstream log;
    EXPECT_THAT(error_of([&] { fetch_dataset("fashion", "/tmp", log); }), HasSubstr("fashion-mnist"));
    EXPECT_EQ(dataset_names(), (std::vector<std::string>{"mnist", "mnist-10k", "fashion-mnist", "idx", "synthetic"}));
    EXPECT_NO_THROW(fetch_dataset("synthetic", "/tmp", log));
    EXPECT_THAT(error_of([&] { fetch_dataset("idx", "/tmp", log); }), HasSubstr("nothing to fetch"));
}

TEST(DatasetTest, CacheDirPrecedence) {
    ScopedEnv data("SOMA_DATA_DIR", std::nullopt), xdg("XDG_CACHE_HOME", std::nullopt),
        home("HOME", std::string("/home/u"));
    DataConfig c;
    EXPECT_EQ(data_cache_dir(c), "/home/u/.cache/soma/data");
    {
        ScopedEnv x("XDG_CACHE_HOME", std::string("/xdg"));
        EXPECT_EQ(data_cache_dir(c), "/xdg/soma/data");
        ScopedEnv d("SOMA_DATA_DIR", std::string("/data"));
        EXPECT_EQ(data_cache_dir(c), "/data");
        c.cache_dir = "/config";
        EXPECT_EQ(data_cache_dir(c), "/config");
    }
}

TEST(FashionMnistTest, MissingFilesThrowDatasetMissing) {
    data::TempDir tmp;
    ScopedEnv dir("SOMA_FASHION_MNIST_DIR", tmp.path().string());
    DataConfig c;
    c.dataset = "fashion-mnist";
    try {
        load_dataset(c, ".");
        FAIL() << "expected DatasetMissing";
    } catch (const DatasetMissing& e) {
        EXPECT_THAT(std::string(e.what()), HasSubstr((tmp.path() / kFashionFiles[0]).string() + " is missing"));
        EXPECT_THAT(std::string(e.what()), EndsWith("soma data fetch fashion-mnist"));
    }
    // A fetch cannot install into an overridden folder; it says so.
    std::ostringstream log;
    EXPECT_THAT(error_of([&] { fetch_dataset("fashion-mnist", tmp.path(), log); }),
                HasSubstr("apt-get install -y dataset-fashion-mnist"));
}

TEST(FashionMnistTest, LoadsFromOverriddenFolder) {
    data::TempDir tmp;
    write_idx(tmp.path() / kFashionFiles[0], {3, 28, 28}, std::vector<std::uint8_t>(3 * 784, 1), true);
    write_idx(tmp.path() / kFashionFiles[1], {3}, {9, 0, 4}, true);
    write_idx(tmp.path() / kFashionFiles[2], {1, 28, 28}, std::vector<std::uint8_t>(784, 2), true);
    write_idx(tmp.path() / kFashionFiles[3], {1}, {3}, true);
    ScopedEnv dir("SOMA_FASHION_MNIST_DIR", tmp.path().string());
    DataConfig c;
    c.dataset = "fashion-mnist";
    const Dataset d = load_dataset(c, ".");
    EXPECT_EQ(d.name, "fashion-mnist");
    EXPECT_EQ(d.train.size(), 3u);
    EXPECT_EQ(d.test.size(), 1u);
    EXPECT_EQ(d.classes, 10);
    std::ostringstream log;
    fetch_dataset("fashion-mnist", "/unused", log);
    EXPECT_THAT(log.str(), HasSubstr("fashion-mnist: already in"));
}

TEST(FashionMnistTest, LoadsInstalledPackage) {
    ScopedEnv dir("SOMA_FASHION_MNIST_DIR", std::nullopt);
    if (!std::filesystem::exists("/usr/share/datasets/fashion-mnist"))
        GTEST_SKIP() << "/usr/share/datasets/fashion-mnist is not installed (apt-get install dataset-fashion-mnist)";
    DataConfig c;
    c.dataset = "fashion-mnist";
    const Dataset d = load_dataset(c, ".");
    EXPECT_EQ(d.train.size(), 60000u);
    EXPECT_EQ(d.test.size(), 10000u);
    EXPECT_EQ(d.rows, 28);
    EXPECT_EQ(d.cols, 28);
    EXPECT_EQ(d.train.images.size(), 60000u * 784);
    std::vector<int> counts(10);
    for (auto l : d.train.labels) ++counts[l];
    for (int n : counts) EXPECT_EQ(n, 6000);
}

}  // namespace
