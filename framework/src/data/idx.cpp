// IDX reading and writing; whole files in memory (MNIST-sized arrays are tens
// of MB), gzip through zlib.
#include "data/idx.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>
#include <string>

#include "util/atomic_file.h"
#include "util/error.h"

namespace soma {
namespace {

std::string hex_bytes(const std::uint8_t* p, std::size_t n) {
    std::string s;
    char buf[4];
    for (std::size_t i = 0; i < n; ++i) {
        std::snprintf(buf, sizeof buf, "%02x", p[i]);
        if (i) s += ' ';
        s += buf;
    }
    return s;
}

const char* idx_type_name(std::uint8_t type) {
    switch (type) {
        case 0x08: return "unsigned byte";
        case 0x09: return "signed byte";
        case 0x0B: return "short";
        case 0x0C: return "int";
        case 0x0D: return "float";
        case 0x0E: return "double";
        default: return nullptr;
    }
}

std::vector<std::uint8_t> read_raw(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw Error(path.string() + ": cannot open: " + std::strerror(errno));
    in.seekg(0, std::ios::end);
    const auto size = static_cast<std::size_t>(in.tellg());
    in.seekg(0);
    std::vector<std::uint8_t> bytes(size);
    if (size && !in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(size)))
        throw Error(path.string() + ": read failed");
    return bytes;
}

// zlib's gzerror text starts with the path itself; keep only its reason.
[[noreturn]] void gzip_failed(gzFile gz, const std::filesystem::path& path, std::size_t used) {
    int errnum = 0;
    std::string reason = gzerror(gz, &errnum);
    gzclose(gz);
    const std::string prefix = path.string() + ": ";
    if (reason.rfind(prefix, 0) == 0) reason.erase(0, prefix.size());
    const char* what = errnum == Z_BUF_ERROR ? "gzip stream truncated" : "gzip data is corrupt";
    throw Error(path.string() + ": " + what + " after " + std::to_string(used) + " decompressed bytes (" + reason + ")");
}

std::vector<std::uint8_t> read_gzip(const std::filesystem::path& path) {
    gzFile gz = gzopen(path.c_str(), "rb");
    if (!gz) throw Error(path.string() + ": cannot open: " + std::strerror(errno));
    gzbuffer(gz, 1 << 17);
    std::vector<std::uint8_t> bytes(std::size_t{1} << 20);
    std::size_t used = 0;
    for (;;) {
        if (used == bytes.size()) bytes.resize(bytes.size() * 2);
        const auto want = static_cast<unsigned>(std::min<std::size_t>(bytes.size() - used, std::size_t{1} << 30));
        const int n = gzread(gz, bytes.data() + used, want);
        if (n < 0) gzip_failed(gz, path, used);
        if (n == 0) break;
        used += static_cast<std::size_t>(n);
    }
    // zlib reports a stream cut short as an error only after the last read.
    int errnum = 0;
    gzerror(gz, &errnum);
    if (errnum != Z_OK && errnum != Z_STREAM_END) gzip_failed(gz, path, used);
    gzclose(gz);
    bytes.resize(used);
    return bytes;
}

std::string compress_gzip(const std::filesystem::path& path, const std::string& raw) {
    z_stream zs{};
    // windowBits 15 + 16 selects the gzip wrapper rather than zlib's.
    if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        throw Error(path.string() + ": cannot start gzip compression");
    std::string out(deflateBound(&zs, raw.size()), '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(raw.data()));
    zs.avail_in = static_cast<uInt>(raw.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    const int rc = deflate(&zs, Z_FINISH);
    out.resize(zs.total_out);
    deflateEnd(&zs);
    if (rc != Z_STREAM_END) throw Error(path.string() + ": gzip compression failed");
    return out;
}

}  // namespace

std::string dims_string(const std::vector<std::uint32_t>& dims) {
    std::string s;
    for (std::size_t i = 0; i < dims.size(); ++i) {
        if (i) s += 'x';
        s += std::to_string(dims[i]);
    }
    return s;
}

IdxArray read_idx(const std::filesystem::path& path) {
    const std::string name = path.string();
    std::vector<std::uint8_t> bytes;
    {
        std::ifstream probe(path, std::ios::binary);
        if (!probe) throw Error(name + ": cannot open: " + std::strerror(errno));
        unsigned char magic[2] = {0, 0};
        probe.read(reinterpret_cast<char*>(magic), 2);
        const bool gzip = probe.gcount() == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
        probe.close();
        bytes = gzip ? read_gzip(path) : read_raw(path);
    }
    if (bytes.size() < 4)
        throw Error(name + ": not an IDX file: it has " + std::to_string(bytes.size()) +
                    " bytes, an IDX header needs at least 4 (magic 00 00 08 0N)");
    const std::uint8_t type = bytes[2], ndims = bytes[3];
    if (bytes[0] != 0 || bytes[1] != 0 || ndims < 1 || ndims > 4 || !idx_type_name(type)) {
        throw Error(name + ": not an IDX file: magic is " + hex_bytes(bytes.data(), 4) +
                    ", expected 00 00 08 0N with N = 1..4 dimensions");
    }
    if (type != 0x08) {
        throw Error(name + ": IDX element type 0x" + hex_bytes(&bytes[2], 1) + " (" + idx_type_name(type) +
                    ") is not supported, expected 0x08 (unsigned byte)");
    }
    const std::size_t header = 4 + 4 * std::size_t{ndims};
    if (bytes.size() < header)
        throw Error(name + ": truncated header: " + std::to_string(ndims) + " dimensions need " +
                    std::to_string(header) + " header bytes, file has " + std::to_string(bytes.size()));
    IdxArray out;
    std::uint64_t expected = 1;
    bool overflow = false;
    for (std::size_t i = 0; i < ndims; ++i) {
        const std::uint8_t* p = &bytes[4 + 4 * i];
        const std::uint32_t d = (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) |
                                (std::uint32_t{p[2]} << 8) | std::uint32_t{p[3]};
        out.dims.push_back(d);
        if (d && expected > std::numeric_limits<std::uint64_t>::max() / d) overflow = true;
        expected *= d;
    }
    const std::uint64_t have = bytes.size() - header;
    const std::string says = "header says " + dims_string(out.dims) + " = " +
                             (overflow ? std::string("more than 2^64") : std::to_string(expected)) +
                             " bytes of data";
    if (overflow || have < expected)
        throw Error(name + ": truncated: " + says + ", file has " + std::to_string(have));
    if (have > expected)
        throw Error(name + ": " + std::to_string(have - expected) + " unexpected trailing bytes at byte offset " +
                    std::to_string(header + expected) + ": " + says + ", file has " + std::to_string(have));
    // Drop the header in place: a copy would double the peak memory of a
    // 47 MB training set.
    bytes.erase(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(header));
    out.data = std::move(bytes);
    return out;
}

void write_idx(const std::filesystem::path& path, const std::vector<std::uint32_t>& dims,
               const std::vector<std::uint8_t>& data, bool gzip) {
    if (dims.empty() || dims.size() > 4)
        throw Error(path.string() + ": cannot write IDX with " + std::to_string(dims.size()) +
                    " dimensions, expected 1..4");
    std::uint64_t expected = 1;
    for (auto d : dims) expected *= d;
    if (expected != data.size())
        throw Error(path.string() + ": cannot write IDX: dimensions " + dims_string(dims) + " = " +
                    std::to_string(expected) + " bytes, data has " + std::to_string(data.size()));
    std::string raw;
    raw.reserve(4 + 4 * dims.size() + data.size());
    raw.push_back('\0');
    raw.push_back('\0');
    raw.push_back('\x08');
    raw.push_back(static_cast<char>(dims.size()));
    for (auto d : dims) {
        raw.push_back(static_cast<char>((d >> 24) & 0xff));
        raw.push_back(static_cast<char>((d >> 16) & 0xff));
        raw.push_back(static_cast<char>((d >> 8) & 0xff));
        raw.push_back(static_cast<char>(d & 0xff));
    }
    raw.append(reinterpret_cast<const char*>(data.data()), data.size());
    write_file_atomic(path, gzip ? compress_gzip(path, raw) : raw);
}

LabeledImages load_image_label_pair(const std::filesystem::path& images_path,
                                    const std::filesystem::path& labels_path, int classes) {
    IdxArray images = read_idx(images_path);
    IdxArray labels = read_idx(labels_path);
    if (images.dims.size() != 3)
        throw Error(images_path.string() + ": expected an images file of 3 dimensions (count x rows x cols), found " +
                    std::to_string(images.dims.size()) + " (" + dims_string(images.dims) + ")");
    if (labels.dims.size() != 1)
        throw Error(labels_path.string() + ": expected a labels file of 1 dimension (count), found " +
                    std::to_string(labels.dims.size()) + " (" + dims_string(labels.dims) + ")");
    if (images.dims[0] != labels.dims[0])
        throw Error("image and label counts differ: " + images_path.string() + " has " +
                    std::to_string(images.dims[0]) + " images, " + labels_path.string() + " has " +
                    std::to_string(labels.dims[0]) + " labels");
    if (images.dims[1] == 0 || images.dims[2] == 0 || images.dims[1] > 65535 || images.dims[2] > 65535)
        throw Error(images_path.string() + ": image size " + std::to_string(images.dims[1]) + "x" +
                    std::to_string(images.dims[2]) + " is not usable, expected 1..65535 rows and columns");
    for (std::size_t i = 0; i < labels.data.size(); ++i) {
        if (labels.data[i] >= classes)
            throw Error(labels_path.string() + ": label " + std::to_string(labels.data[i]) + " of item " +
                        std::to_string(i) + " (byte offset " + std::to_string(8 + i) +
                        ") is out of range, expected 0.." + std::to_string(classes - 1));
    }
    LabeledImages out;
    out.rows = static_cast<int>(images.dims[1]);
    out.cols = static_cast<int>(images.dims[2]);
    out.split.images = std::move(images.data);
    out.split.labels = std::move(labels.data);
    return out;
}

Dataset dataset_from_idx_files(const std::string& name, const std::filesystem::path& train_images,
                               const std::filesystem::path& train_labels, const std::filesystem::path& test_images,
                               const std::filesystem::path& test_labels, int classes) {
    const int limit = classes > 0 ? classes : 256;
    LabeledImages train = load_image_label_pair(train_images, train_labels, limit);
    LabeledImages test = load_image_label_pair(test_images, test_labels, limit);
    if (train.rows != test.rows || train.cols != test.cols)
        throw Error("image shapes differ: " + train_images.string() + " has " + std::to_string(train.rows) + "x" +
                    std::to_string(train.cols) + " images, " + test_images.string() + " has " +
                    std::to_string(test.rows) + "x" + std::to_string(test.cols));
    Dataset d;
    d.name = name;
    d.rows = train.rows;
    d.cols = train.cols;
    if (classes > 0) {
        d.classes = classes;
    } else {
        int top = 0;
        for (auto l : train.split.labels) top = std::max(top, int{l});
        for (auto l : test.split.labels) top = std::max(top, int{l});
        d.classes = top + 1;
    }
    d.train = std::move(train.split);
    d.test = std::move(test.split);
    return d;
}

}  // namespace soma
