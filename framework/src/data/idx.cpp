// IDX reading and writing; whole arrays in memory (MNIST-sized arrays are tens
// of MB), gzip through zlib. Reading streams: the header first, then exactly
// the bytes it declares, so memory is bounded by what the header says.
#include "data/idx.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string>

#include "util/atomic_file.h"
#include "util/error.h"
#include "util/memory.h"

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

// The first buffer for gzip data: see read_idx.
constexpr std::size_t kGzipFirstBuffer = std::size_t{16} << 20;
constexpr std::uint64_t kGzipRatio = 16;

// An IDX file's bytes in order, raw or gzip (detected by its magic bytes):
// read piece by piece, so nothing is inflated beyond what is asked for.
class IdxStream {
public:
    explicit IdxStream(const std::filesystem::path& path) : path_(path) {
        std::FILE* probe = std::fopen(path.c_str(), "rb");
        if (!probe) throw Error(path.string() + ": cannot open: " + std::strerror(errno));
        unsigned char magic[2] = {0, 0};
        gzip_ = std::fread(magic, 1, 2, probe) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
        if (!gzip_) {
            std::rewind(probe);
            raw_ = probe;
            return;
        }
        std::fclose(probe);
        gz_ = gzopen(path.c_str(), "rb");
        if (!gz_) throw Error(path.string() + ": cannot open: " + std::strerror(errno));
        gzbuffer(gz_, 1 << 17);
    }
    ~IdxStream() {
        if (raw_) std::fclose(raw_);
        if (gz_) gzclose(gz_);
    }
    IdxStream(const IdxStream&) = delete;
    IdxStream& operator=(const IdxStream&) = delete;

    bool gzip() const { return gzip_; }

    // Reads up to n bytes into p; fewer only at the end of the data.
    std::size_t read(std::uint8_t* p, std::size_t n) {
        std::size_t got = 0;
        while (got < n) {
            const std::size_t want = std::min<std::size_t>(n - got, std::size_t{1} << 30);
            std::size_t k = 0;
            if (raw_) {
                k = std::fread(p + got, 1, want, raw_);
                if (k < want && std::ferror(raw_)) throw Error(path_.string() + ": read failed: " + std::strerror(errno));
            } else {
                const int r = gzread(gz_, p + got, static_cast<unsigned>(want));
                if (r < 0) failed();
                k = static_cast<std::size_t>(r);
            }
            got += k;
            used_ += k;
            if (k == 0) break;
        }
        // zlib reports a stream cut short only once its end is reached.
        if (gz_ && got < n) {
            int errnum = 0;
            gzerror(gz_, &errnum);
            if (errnum != Z_OK && errnum != Z_STREAM_END) failed();
        }
        return got;
    }

private:
    // zlib's gzerror text starts with the path itself; keep only its reason.
    [[noreturn]] void failed() {
        int errnum = 0;
        std::string reason = gzerror(gz_, &errnum);
        const std::string prefix = path_.string() + ": ";
        if (reason.rfind(prefix, 0) == 0) reason.erase(0, prefix.size());
        const char* what = errnum == Z_BUF_ERROR ? "gzip stream truncated" : "gzip data is corrupt";
        throw Error(path_.string() + ": " + what + " after " + std::to_string(used_) + " decompressed bytes (" +
                    reason + ")");
    }

    std::filesystem::path path_;
    bool gzip_ = false;
    std::FILE* raw_ = nullptr;
    gzFile gz_ = nullptr;
    std::size_t used_ = 0;  // bytes read so far (decompressed)
};

// A folder opens as a stream on Linux and then reports a size of 2^63: only
// regular files are IDX files.
void check_regular_file(const std::filesystem::path& path) {
    std::error_code ec;
    const auto type = std::filesystem::status(path, ec).type();
    if (type == std::filesystem::file_type::not_found)
        throw Error(path.string() + ": cannot open: " + std::strerror(ENOENT));
    if (type == std::filesystem::file_type::directory)
        throw Error(path.string() + ": is a folder, expected an IDX file");
    if (ec) throw Error(path.string() + ": cannot open: " + ec.message());
    if (type != std::filesystem::file_type::regular)
        throw Error(path.string() + ": not a regular file (a device, pipe or socket), expected an IDX file");
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
    check_regular_file(path);
    IdxStream in(path);
    std::uint8_t head[4 + 4 * 4];
    const std::size_t got = in.read(head, 4);
    if (got < 4)
        throw Error(name + ": not an IDX file: it has " + std::to_string(got) +
                    " bytes, an IDX header needs at least 4 (magic 00 00 08 0N)");
    const std::uint8_t type = head[2], ndims = head[3];
    if (head[0] != 0 || head[1] != 0 || ndims < 1 || ndims > 4 || !idx_type_name(type)) {
        throw Error(name + ": not an IDX file: magic is " + hex_bytes(head, 4) +
                    ", expected 00 00 08 0N with N = 1..4 dimensions");
    }
    if (type != 0x08) {
        throw Error(name + ": IDX element type 0x" + hex_bytes(&head[2], 1) + " (" + idx_type_name(type) +
                    ") is not supported, expected 0x08 (unsigned byte)");
    }
    const std::size_t header = 4 + 4 * std::size_t{ndims};
    if (const std::size_t dims = in.read(head + 4, header - 4); dims < header - 4)
        throw Error(name + ": truncated header: " + std::to_string(ndims) + " dimensions need " +
                    std::to_string(header) + " header bytes, file has " + std::to_string(4 + dims));
    IdxArray out;
    std::uint64_t expected = 1;
    bool overflow = false;
    for (std::size_t i = 0; i < ndims; ++i) {
        const std::uint8_t* p = &head[4 + 4 * i];
        const std::uint32_t d = (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) |
                                (std::uint32_t{p[2]} << 8) | std::uint32_t{p[3]};
        out.dims.push_back(d);
        if (d && expected > std::numeric_limits<std::uint64_t>::max() / d) overflow = true;
        expected *= d;
    }
    const std::string says = "header says " + dims_string(out.dims) + " = " +
                             (overflow ? std::string("more than 2^64") : std::to_string(expected)) +
                             " bytes of data";
    auto trailing = [&](std::uint64_t extra, bool at_least, std::uint64_t have) {
        return Error(name + ": " + (at_least ? "at least " : "") + std::to_string(extra) +
                     " unexpected trailing bytes at byte offset " + std::to_string(header + expected) + ": " + says +
                     ", file has " + (at_least ? "more than " : "") + std::to_string(have));
    };
    // A raw file's size says at once whether the header is right.
    if (!in.gzip()) {
        const std::uint64_t have = std::filesystem::file_size(path) - header;
        if (overflow || have < expected)
            throw Error(name + ": truncated: " + says + ", file has " + std::to_string(have));
        if (have > expected) throw trailing(have - expected, false, have);
    }
    // Nothing is allocated on the header's word alone beyond what the machine
    // can hold: a gzip bomb's header may promise terabytes.
    if (overflow || expected > memory_budget())
        throw Error(name + ": " + says + ", more than soma reads into memory: " + memory_budget_text());
    // A raw file's size is checked: it gets its buffer at once. Compressed data
    // proves its size only as it inflates: its buffer starts at what the file
    // could plausibly hold (kGzipRatio times its size, at least 16 MiB; image
    // data compresses 2-8 times, so MNIST's files get theirs at once) and
    // doubles as more arrives, capped at the declared size. A small file
    // declaring gigabytes so allocates no more than that first buffer or
    // twice what it holds.
    std::size_t have = 0;
    const std::uint64_t plausible =
        std::max<std::uint64_t>(kGzipFirstBuffer, kGzipRatio * std::filesystem::file_size(path));
    out.data.resize(in.gzip() ? std::min(expected, plausible) : expected);
    for (;;) {
        const std::size_t want = out.data.size() - have;
        const std::size_t n = in.read(out.data.data() + have, want);
        have += n;
        if (n < want) throw Error(name + ": truncated: " + says + ", file has " + std::to_string(have));
        if (have == expected) break;
        const std::size_t next = std::min<std::uint64_t>(expected, 2 * out.data.size());
        out.data.reserve(next);  // exactly: resize alone may round the capacity up to twice the size
        out.data.resize(next);
    }
    // Inflate a little past the end: enough to tell trailing data, never the
    // whole of a bomb that follows a small header.
    std::uint8_t extra[1 << 16];
    if (const std::size_t n = in.read(extra, sizeof extra); n > 0) {
        const bool more = n == sizeof extra;
        throw trailing(n, more, expected + n);
    }
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

namespace {

// The largest label + 1, when every class up to it has a sample: a stray
// label (200 in digit data) would otherwise silently make a 201-class network.
int inferred_classes(const std::vector<std::uint8_t>& train, const std::vector<std::uint8_t>& test,
                     const std::filesystem::path& train_path, const std::filesystem::path& test_path) {
    std::vector<std::size_t> count(256, 0);
    for (auto l : train) ++count[l];
    for (auto l : test) ++count[l];
    int top = 0;
    for (int c = 0; c < 256; ++c)
        if (count[static_cast<std::size_t>(c)]) top = c;
    std::vector<int> empty;
    for (int c = 0; c < top; ++c)
        if (!count[static_cast<std::size_t>(c)]) empty.push_back(c);
    if (empty.empty()) return top + 1;
    // Where the largest label is, so a corrupt one can be found.
    const bool in_train = std::find(train.begin(), train.end(), top) != train.end();
    const auto& labels = in_train ? train : test;
    const std::size_t item = static_cast<std::size_t>(std::find(labels.begin(), labels.end(), top) - labels.begin());
    std::string missing;
    for (std::size_t i = 0; i < empty.size() && i < 5; ++i) missing += (i ? ", " : "") + std::to_string(empty[i]);
    if (empty.size() > 5) missing += ", ...";
    const std::string n = std::to_string(top + 1);
    throw Error((in_train ? train_path : test_path).string() + ": label " + std::to_string(top) + " of item " +
                std::to_string(item) + " (byte offset " + std::to_string(8 + item) + ") makes " + n +
                " classes, but " + std::to_string(empty.size()) + " of them have no sample (" + missing +
                "); set data.classes to the number of classes to check every label against it, or data.classes = " +
                n + " to train with " + n + " classes");
}

}  // namespace

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
    d.classes = classes > 0 ? classes : inferred_classes(train.split.labels, test.split.labels, train_labels, test_labels);
    d.train = std::move(train.split);
    d.test = std::move(test.split);
    return d;
}

}  // namespace soma
