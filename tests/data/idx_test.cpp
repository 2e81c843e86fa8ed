// IDX reading and writing: round trips, and the errors a damaged or wrong
// file must produce.
#include <gtest/gtest.h>
#include <gmock/gmock.h>

#include <zlib.h>

#include "data/idx.h"
#include "test_util.h"

using ::testing::HasSubstr;
using namespace soma;
using soma::test::error_of;

namespace {

std::vector<std::uint8_t> iota_bytes(std::size_t n) {
    std::vector<std::uint8_t> v(n);
    for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::uint8_t>(i * 7 + 3);
    return v;
}

TEST(IdxTest, RawRoundTrip) {
    data::TempDir tmp;
    for (const std::vector<std::uint32_t>& dims :
         std::vector<std::vector<std::uint32_t>>{{5}, {3, 4}, {3, 4, 5}, {2, 3, 4, 5}, {0, 28, 28}}) {
        std::size_t n = 1;
        for (auto d : dims) n *= d;
        const auto data = iota_bytes(n);
        const auto path = tmp.path() / ("a" + std::to_string(dims.size()));
        write_idx(path, dims, data);
        EXPECT_EQ(std::filesystem::file_size(path), 4 + 4 * dims.size() + n);
        const IdxArray back = read_idx(path);
        EXPECT_EQ(back.dims, dims);
        EXPECT_EQ(back.data, data);
    }
}

TEST(IdxTest, RawHeaderIsBigEndian) {
    data::TempDir tmp;
    write_idx(tmp.path() / "x", {258, 1, 1}, std::vector<std::uint8_t>(258, 9));
    const std::string bytes = soma::test::read_bytes(tmp.path() / "x");
    EXPECT_EQ(bytes.substr(0, 8), std::string("\0\0\x08\x03\0\0\x01\x02", 8));
}

TEST(IdxTest, GzipRoundTrip) {
    data::TempDir tmp;
    const auto data = iota_bytes(10 * 28 * 28);
    const auto path = tmp.path() / "images.gz";
    write_idx(path, {10, 28, 28}, data, /*gzip=*/true);
    const std::string bytes = soma::test::read_bytes(path);
    ASSERT_GE(bytes.size(), 2u);
    EXPECT_EQ(static_cast<unsigned char>(bytes[0]), 0x1f);
    EXPECT_EQ(static_cast<unsigned char>(bytes[1]), 0x8b);
    const IdxArray back = read_idx(path);
    EXPECT_EQ(back.dims, (std::vector<std::uint32_t>{10, 28, 28}));
    EXPECT_EQ(back.data, data);
}

TEST(IdxTest, TruncatedSaysWhatHeaderPromised) {
    data::TempDir tmp;
    const auto path = tmp.path() / "train-images-idx3-ubyte";
    write_idx(path, {3, 2, 2}, iota_bytes(12));
    std::filesystem::resize_file(path, 4 + 12 + 7);
    const std::string msg = error_of([&] { read_idx(path); });
    EXPECT_THAT(msg, HasSubstr(path.string() + ": truncated: header says 3x2x2 = 12 bytes of data, file has 7"));
}

TEST(IdxTest, TruncatedGzip) {
    data::TempDir tmp;
    const auto path = tmp.path() / "t.gz";
    write_idx(path, {1000, 28, 28}, iota_bytes(1000 * 28 * 28), true);
    std::filesystem::resize_file(path, std::filesystem::file_size(path) / 2);
    const std::string msg = error_of([&] { read_idx(path); });
    EXPECT_THAT(msg, HasSubstr(path.string()));
    EXPECT_THAT(msg, HasSubstr(": gzip stream truncated after "));
}

TEST(IdxTest, TruncatedHeader) {
    data::TempDir tmp;
    const auto path = tmp.path() / "h";
    soma::test::write_bytes(path, std::string("\0\0\x08\x03\0\0\0\x05", 8));
    EXPECT_THAT(error_of([&] { read_idx(path); }),
                HasSubstr("truncated header: 3 dimensions need 16 header bytes, file has 8"));
    soma::test::write_bytes(path, std::string("\0\0", 2));
    EXPECT_THAT(error_of([&] { read_idx(path); }), HasSubstr("it has 2 bytes"));
}

TEST(IdxTest, WrongMagicShowsBytesAndExpectation) {
    data::TempDir tmp;
    const auto path = tmp.path() / "notidx";
    soma::test::write_bytes(path, "PK\x03\x04 and more bytes here");
    EXPECT_THAT(error_of([&] { read_idx(path); }),
                HasSubstr(path.string() + ": not an IDX file: magic is 50 4b 03 04, expected 00 00 08 0N"));
    soma::test::write_bytes(path, std::string("\0\0\x08\x05", 4) + std::string(20, '\0'));
    EXPECT_THAT(error_of([&] { read_idx(path); }), HasSubstr("magic is 00 00 08 05"));
}

TEST(IdxTest, OtherElementTypesAreNamed) {
    data::TempDir tmp;
    const auto path = tmp.path() / "floats";
    soma::test::write_bytes(path, std::string("\0\0\x0d\x01\0\0\0\x01", 8) + std::string(4, '\0'));
    EXPECT_THAT(error_of([&] { read_idx(path); }),
                HasSubstr("element type 0x0d (float) is not supported, expected 0x08 (unsigned byte)"));
}

TEST(IdxTest, TrailingBytesAreAnError) {
    data::TempDir tmp;
    const auto path = tmp.path() / "labels";
    write_idx(path, {4}, iota_bytes(4));
    soma::test::write_bytes(path, soma::test::read_bytes(path) + "xyz");
    EXPECT_THAT(error_of([&] { read_idx(path); }),
                HasSubstr(path.string() + ": 3 unexpected trailing bytes at byte offset 12: header says 4 = 4 "
                                          "bytes of data, file has 7"));
}

TEST(IdxTest, MissingFile) {
    data::TempDir tmp;
    EXPECT_THAT(error_of([&] { read_idx(tmp.path() / "nope"); }), HasSubstr("nope: cannot open"));
}

// A folder gave std::bad_alloc, with no file named.
TEST(IdxTest, OnlyRegularFilesAreRead) {
    data::TempDir tmp;
    EXPECT_EQ(error_of([&] { read_idx(tmp.path()); }), tmp.path().string() + ": is a folder, expected an IDX file");
    EXPECT_EQ(error_of([&] { read_idx("/dev/zero"); }),
              "/dev/zero: not a regular file (a device, pipe or socket), expected an IDX file");
}

// A header promising a few bytes, then `zeros` zero bytes, gzip-compressed in
// pieces (the whole never sits in memory here either).
void write_gzip_bomb(const std::filesystem::path& path, const std::string& header, std::size_t zeros) {
    z_stream zs{};
    ASSERT_EQ(deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY), Z_OK);
    std::string out;
    std::vector<unsigned char> chunk(1 << 20, 0), buf(1 << 16);
    auto pump = [&](const unsigned char* in, std::size_t n, int flush) {
        zs.next_in = const_cast<unsigned char*>(in);
        zs.avail_in = static_cast<uInt>(n);
        do {
            zs.next_out = buf.data();
            zs.avail_out = static_cast<uInt>(buf.size());
            deflate(&zs, flush);
            out.append(reinterpret_cast<const char*>(buf.data()), buf.size() - zs.avail_out);
        } while (zs.avail_out == 0);
    };
    pump(reinterpret_cast<const unsigned char*>(header.data()), header.size(), Z_NO_FLUSH);
    for (std::size_t left = zeros; left > 0;) {
        const std::size_t n = std::min(left, chunk.size());
        left -= n;
        pump(chunk.data(), n, left ? Z_NO_FLUSH : Z_FINISH);
    }
    deflateEnd(&zs);
    soma::test::write_bytes(path, out);
}

// A 2.7 MB .gz holding 600 MB was inflated whole (1.58 GB peak) before
// "unexpected trailing bytes". Now reading stops 64 KiB past the 10 bytes
// the header declares.
TEST(IdxTest, AGzipBombIsRefusedWithoutInflatingIt) {
    data::TempDir tmp;
    const auto path = tmp.path() / "labels.gz";
    write_gzip_bomb(path, std::string("\0\0\x08\x01\0\0\0\x0a", 8), 64u << 20);
    EXPECT_LT(std::filesystem::file_size(path), 1u << 20);
    EXPECT_EQ(error_of([&] { read_idx(path); }),
              path.string() + ": at least 65536 unexpected trailing bytes at byte offset 18: header says 10 = 10 "
                              "bytes of data, file has more than 65546");
}

TEST(IdxTest, AHeaderPromisingMoreThanMemoryIsRefusedBeforeAllocating) {
    data::TempDir tmp;
    const auto path = tmp.path() / "images.gz";
    write_gzip_bomb(path, std::string("\0\0\x08\x03\0\0\xff\xff\0\0\xff\xff\0\0\xff\xff", 16), 1000);
    const std::string msg = error_of([&] { read_idx(path); });
    EXPECT_THAT(msg, HasSubstr(path.string() + ": header says 65535x65535x65535 = 281462092005375 bytes of data, "
                                               "more than soma reads into memory: at most "));
    EXPECT_THAT(msg, HasSubstr("% of this machine's "));
    // 2^64 and more, raw.
    soma::test::write_bytes(path, std::string("\0\0\x08\x04", 4) + std::string(16, '\xff'));
    EXPECT_THAT(error_of([&] { read_idx(path); }),
                HasSubstr("header says 4294967295x4294967295x4294967295x4294967295 = more than 2^64 bytes of data"));
}

TEST(IdxTest, GzipTrailingBytesAreCounted) {
    data::TempDir tmp;
    const auto path = tmp.path() / "labels.gz";
    write_gzip_bomb(path, std::string("\0\0\x08\x01\0\0\0\x04", 8), 4 + 3);
    EXPECT_EQ(error_of([&] { read_idx(path); }),
              path.string() + ": 3 unexpected trailing bytes at byte offset 12: header says 4 = 4 bytes of data, "
                              "file has 7");
}

TEST(IdxTest, WriteChecksDataSize) {
    data::TempDir tmp;
    EXPECT_THAT(error_of([&] { write_idx(tmp.path() / "w", {2, 2}, iota_bytes(3)); }),
                HasSubstr("dimensions 2x2 = 4 bytes, data has 3"));
    EXPECT_FALSE(std::filesystem::exists(tmp.path() / "w"));
}

TEST(IdxPairTest, LoadsImagesWithLabels) {
    data::TempDir tmp;
    write_idx(tmp.path() / "i", {3, 2, 4}, iota_bytes(24));
    write_idx(tmp.path() / "l", {3}, {0, 9, 4});
    const LabeledImages li = load_image_label_pair(tmp.path() / "i", tmp.path() / "l");
    EXPECT_EQ(li.rows, 2);
    EXPECT_EQ(li.cols, 4);
    EXPECT_EQ(li.split.size(), 3u);
    EXPECT_EQ(li.split.images, iota_bytes(24));
    EXPECT_EQ(li.split.labels, (std::vector<std::uint8_t>{0, 9, 4}));
}

TEST(IdxPairTest, CountsThatDifferNameBothFiles) {
    data::TempDir tmp;
    const auto images = tmp.path() / "train-images", labels = tmp.path() / "train-labels";
    write_idx(images, {3, 2, 2}, iota_bytes(12));
    write_idx(labels, {4}, {1, 2, 3, 4});
    const std::string msg = error_of([&] { load_image_label_pair(images, labels); });
    EXPECT_THAT(msg, HasSubstr(images.string() + " has 3 images"));
    EXPECT_THAT(msg, HasSubstr(labels.string() + " has 4 labels"));
}

TEST(IdxPairTest, LabelOutOfRange) {
    data::TempDir tmp;
    write_idx(tmp.path() / "i", {3, 1, 1}, {1, 2, 3});
    write_idx(tmp.path() / "l", {3}, {0, 1, 10});
    EXPECT_THAT(error_of([&] { load_image_label_pair(tmp.path() / "i", tmp.path() / "l"); }),
                HasSubstr("label 10 of item 2 (byte offset 10) is out of range, expected 0..9"));
    EXPECT_THAT(error_of([&] { load_image_label_pair(tmp.path() / "i", tmp.path() / "l", 2); }),
                HasSubstr("label 10 of item 2 (byte offset 10) is out of range, expected 0..1"));
    EXPECT_NO_THROW(load_image_label_pair(tmp.path() / "i", tmp.path() / "l", 11));
}

TEST(IdxPairTest, WrongDimensionCounts) {
    data::TempDir tmp;
    write_idx(tmp.path() / "flat", {3, 4}, iota_bytes(12));
    write_idx(tmp.path() / "l", {3}, {0, 1, 2});
    write_idx(tmp.path() / "l2", {3, 1}, {0, 1, 2});
    write_idx(tmp.path() / "i", {3, 2, 2}, iota_bytes(12));
    EXPECT_THAT(error_of([&] { load_image_label_pair(tmp.path() / "flat", tmp.path() / "l"); }),
                HasSubstr("expected an images file of 3 dimensions (count x rows x cols), found 2 (3x4)"));
    EXPECT_THAT(error_of([&] { load_image_label_pair(tmp.path() / "i", tmp.path() / "l2"); }),
                HasSubstr("expected a labels file of 1 dimension (count), found 2 (3x1)"));
}

}  // namespace
