// The section container: one writer, one reader, every size checked against
// the bytes that are really there.
#include "model/container.h"

#include <bit>
#include <cstring>
#include <fstream>
#include <set>

#include "data/sha256.h"
#include "util/atomic_file.h"
#include "util/error.h"

namespace soma {

namespace {

constexpr std::size_t min_file_bytes = container_header_bytes + container_checksum_bytes;
constexpr std::size_t min_section_bytes = 4 + 1 + 8;  // name length, one name byte, payload length

std::uint64_t load_le(const char* p, int bytes) {
    std::uint64_t v = 0;
    for (int i = 0; i < bytes; ++i) v |= static_cast<std::uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
    return v;
}

void store_le(std::string& out, std::uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) out += static_cast<char>((v >> (8 * i)) & 0xff);
}

bool valid_name_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
}

std::string printable(std::string_view bytes) {
    std::string out;
    for (char c : bytes) {
        const auto u = static_cast<unsigned char>(c);
        if (u >= 0x20 && u < 0x7f) {
            out += c;
        } else {
            static constexpr char hex[] = "0123456789abcdef";
            out += "\\x";
            out += hex[u >> 4];
            out += hex[u & 0xf];
        }
    }
    return out;
}

void check_section_name(std::string_view name, const std::string& where) {
    if (name.empty() || name.size() > max_section_name_bytes)
        throw Error(where + ": a section name has 1 to " + std::to_string(max_section_name_bytes) + " bytes, got " +
                    std::to_string(name.size()));
    for (char c : name)
        if (!valid_name_char(c))
            throw Error(where + ": section name \"" + printable(name) + "\" has a byte outside [a-z0-9_.-]");
}

std::string size_text(std::uint64_t bytes) { return std::to_string(bytes) + (bytes == 1 ? " byte" : " bytes"); }

}  // namespace

void ByteWriter::u32(std::uint32_t v) { store_le(out_, v, 4); }
void ByteWriter::u64(std::uint64_t v) { store_le(out_, v, 8); }

void ByteWriter::text(std::string_view s) {
    u32(static_cast<std::uint32_t>(s.size()));
    out_.append(s);
}

void ByteWriter::floats(const float* values, std::size_t count) {
    const std::size_t at = out_.size();
    out_.resize(at + count * 4);
    if (count == 0) return;
    if constexpr (std::endian::native == std::endian::little) {
        std::memcpy(out_.data() + at, values, count * 4);
    } else {
        for (std::size_t i = 0; i < count; ++i) {
            const std::uint32_t bits = std::bit_cast<std::uint32_t>(values[i]);
            for (int b = 0; b < 4; ++b) out_[at + 4 * i + b] = static_cast<char>((bits >> (8 * b)) & 0xff);
        }
    }
}

ByteReader::ByteReader(std::string_view bytes, std::string source, std::string context)
    : bytes_(bytes), source_(std::move(source)), context_(std::move(context)) {}

void ByteReader::fail(const std::string& message) const {
    throw Error(source_ + ": " + context_ + ", byte " + std::to_string(pos_) + ": " + message);
}

void ByteReader::need(std::uint64_t n, const char* what) const {
    if (n > left())
        fail(std::string("truncated: ") + what + " needs " + size_text(n) + ", " + size_text(left()) + " left");
}

std::uint8_t ByteReader::u8(const char* what) {
    need(1, what);
    return static_cast<std::uint8_t>(bytes_[pos_++]);
}

std::uint32_t ByteReader::u32(const char* what) {
    need(4, what);
    const auto v = static_cast<std::uint32_t>(load_le(bytes_.data() + pos_, 4));
    pos_ += 4;
    return v;
}

std::uint64_t ByteReader::u64(const char* what) {
    need(8, what);
    const std::uint64_t v = load_le(bytes_.data() + pos_, 8);
    pos_ += 8;
    return v;
}

std::string ByteReader::text(const char* what, std::size_t max_bytes) {
    const std::uint32_t n = u32(what);
    if (n > max_bytes)
        fail(std::string(what) + ": " + size_text(n) + ", more than the " + std::to_string(max_bytes) + " allowed");
    need(n, what);
    std::string s(bytes_.substr(pos_, n));
    pos_ += n;
    return s;
}

std::uint64_t ByteReader::count(const char* what, std::uint64_t value, std::size_t min_item_bytes) const {
    if (min_item_bytes > 0 && value > left() / min_item_bytes)
        fail(std::string(what) + " is " + std::to_string(value) + ", but the " + size_text(left()) +
             " left hold at most " + std::to_string(left() / min_item_bytes));
    return value;
}

std::string_view ByteReader::raw(const char* what, std::uint64_t n) {
    need(n, what);
    const std::string_view v = bytes_.substr(pos_, static_cast<std::size_t>(n));
    pos_ += v.size();
    return v;
}

std::vector<float> ByteReader::floats(const char* what, std::uint64_t count) {
    if (count > left() / 4)
        fail(std::string("truncated: ") + what + " needs " + std::to_string(count) + " float32 values, " +
             size_text(left()) + " left");
    std::vector<float> values(static_cast<std::size_t>(count));
    const char* p = bytes_.data() + pos_;
    if (count > 0) {
        if constexpr (std::endian::native == std::endian::little) {
            std::memcpy(values.data(), p, values.size() * 4);
        } else {
            for (std::size_t i = 0; i < values.size(); ++i)
                values[i] = std::bit_cast<float>(static_cast<std::uint32_t>(load_le(p + 4 * i, 4)));
        }
    }
    pos_ += values.size() * 4;
    return values;
}

void ByteReader::expect_end() const {
    if (left() != 0) fail(size_text(left()) + " after the last field");
}

std::string container_bytes(const std::vector<Section>& sections) {
    std::string out(container_magic, sizeof container_magic);
    store_le(out, container_format_version, 4);
    store_le(out, sections.size(), 4);
    const std::size_t size_at = out.size();
    store_le(out, 0, 8);  // the file size, known at the end
    std::set<std::string_view> names;
    for (const Section& s : sections) {
        check_section_name(s.name, "writing a model file");
        if (!names.insert(s.name).second) throw Error("writing a model file: section '" + s.name + "' twice");
        store_le(out, s.name.size(), 4);
        out += s.name;
        store_le(out, s.bytes.size(), 8);
        out += s.bytes;
    }
    std::string size;
    store_le(size, out.size() + container_checksum_bytes, 8);
    out.replace(size_at, 8, size);
    const auto digest = data::sha256(out);
    out.append(reinterpret_cast<const char*>(digest.data()), digest.size());
    return out;
}

void write_container(const std::filesystem::path& file, const std::vector<Section>& sections, bool sync) {
    write_file_atomic(file, container_bytes(sections), sync);
}

std::vector<Section> parse_container(std::string_view bytes, const std::string& source) {
    auto refuse = [&](const std::string& what) -> Error { return Error(source + ": " + what); };
    const std::size_t size = bytes.size();
    if (size >= 8 && bytes.substr(0, 8) == "SOMAWTS1")
        throw refuse("a weights.bin of soma before model files, not a model file: train the run again to get "
                     "model-last.soma");
    if (size < 8 || bytes.substr(0, 8) != std::string_view(container_magic, 8))
        throw refuse("not a soma model file (it starts with \"" + printable(bytes.substr(0, 8)) +
                     "\", a model file with \"\\x89SOMA\\r\\n\\x1a\")");
    if (size < 12) throw refuse("truncated: " + size_text(size) + ", the header alone has 24");
    const auto version = static_cast<std::uint32_t>(load_le(bytes.data() + 8, 4));
    if (version == 0 || version > container_format_version)
        throw refuse("format version " + std::to_string(version) + (version == 0 ? " is not a version" : " is newer than") +
                     " this soma reads (" + std::to_string(container_format_version) + ")" +
                     (version == 0 ? " (corrupt)" : ": read it with a newer soma"));
    if (size < min_file_bytes)
        throw refuse("truncated: " + size_text(size) + ", a model file has at least " + std::to_string(min_file_bytes));
    const std::uint64_t declared = load_le(bytes.data() + 16, 8);
    if (size < declared)
        throw refuse("truncated: " + size_text(size) + " of the " + std::to_string(declared) + " its header declares");
    if (size > declared)
        throw refuse(size_text(size) + ", but its header declares " + std::to_string(declared) + ": " +
                     size_text(size - declared) + " of trailing data (or a corrupt header)");
    const std::size_t body = size - container_checksum_bytes;
    const auto digest = data::sha256(bytes.substr(0, body));
    if (std::memcmp(digest.data(), bytes.data() + body, container_checksum_bytes) != 0) {
        std::array<unsigned char, 32> recorded{};
        std::memcpy(recorded.data(), bytes.data() + body, recorded.size());
        throw refuse("checksum mismatch: the content's SHA-256 is " + data::hex_digest(digest) +
                     ", the file records " + data::hex_digest(recorded) + " (corrupt, or changed after writing)");
    }

    ByteReader in(bytes.substr(container_header_bytes, body - container_header_bytes), source, "the section list");
    const std::uint64_t count =
        in.count("the section count", load_le(bytes.data() + 12, 4), min_section_bytes);
    std::vector<Section> sections;
    sections.reserve(static_cast<std::size_t>(count));
    std::set<std::string> names;
    for (std::uint64_t i = 0; i < count; ++i) {
        const std::string where = source + ": section " + std::to_string(i + 1) + " of " + std::to_string(count);
        Section s;
        s.name = in.text("a section name", max_section_name_bytes);
        check_section_name(s.name, where);
        if (!names.insert(s.name).second) throw Error(where + ": a second section '" + s.name + "'");
        const std::uint64_t length = in.u64("a section length");
        if (length > in.left())
            throw Error(where + " ('" + s.name + "'): its length " + std::to_string(length) + " runs past the last " +
                        size_text(in.left()) + " before the checksum");
        s.bytes.assign(in.raw("the payload", length));
        sections.push_back(std::move(s));
    }
    // The section count says where the list ends: nothing may follow it.
    if (in.left() != 0)
        throw refuse(size_text(in.left()) + " between the last of the " + std::to_string(count) +
                     " sections and the checksum");
    return sections;
}

std::vector<Section> read_container(const std::filesystem::path& file) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::file_status status = fs::status(file, ec);
    if (ec || !fs::exists(status)) throw Error(file.string() + ": no such file");
    if (!fs::is_regular_file(status)) throw Error(file.string() + ": not a regular file");
    const std::uintmax_t size = fs::file_size(file, ec);
    if (ec) throw Error(file.string() + ": cannot read its size: " + ec.message());
    if (size > max_container_bytes)
        throw Error(file.string() + ": " + size_text(size) + ", more than the " + size_text(max_container_bytes) +
                    " a model file may have");
    std::ifstream in(file, std::ios::binary);
    if (!in) throw Error(file.string() + ": cannot open");
    // Sized by the file itself, and read no further than that (a file growing
    // while it is read shows up as trailing data in parse_container).
    std::string bytes(static_cast<std::size_t>(size) + 1, '\0');
    in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    bytes.resize(static_cast<std::size_t>(in.gcount()));
    return parse_container(bytes, file.string());
}

const Section* find_section(const std::vector<Section>& sections, std::string_view name) {
    for (const Section& s : sections)
        if (s.name == name) return &s;
    return nullptr;
}

}  // namespace soma
