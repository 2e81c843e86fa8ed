// The container of soma's model files (and checkpoints, which are a model
// file plus training-state sections): a header, named length-prefixed
// sections, and a SHA-256 over everything before it. docs/model-format.md is
// the contract; this file and container.cpp are its one writer and reader.
//
//   offset  size  field
//   0       8     magic 89 53 4F 4D 41 0D 0A 1A ("\x89SOMA\r\n\x1a")
//   8       4     format version (u32), 1
//   12      4     section count (u32)
//   16      8     file size in bytes (u64), checksum included
//   24      ...   sections: u32 name length (1..64), name ([a-z0-9_.-]),
//                 u64 payload length, payload
//   size-32 32    SHA-256 of bytes [0, size-32)
//
// Integers and floats are little endian. The reader checks, in this order,
// that the file is a regular file of at most max_container_bytes, the magic,
// the version, the declared size against the real one (truncated, or
// trailing bytes), the checksum, then every section against the bytes left
// before it allocates anything; each refusal names the file and what is wrong.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace soma {

inline constexpr char container_magic[8] = {'\x89', 'S', 'O', 'M', 'A', '\r', '\n', '\x1a'};
inline constexpr std::uint32_t container_format_version = 1;
inline constexpr std::size_t container_header_bytes = 24;
inline constexpr std::size_t container_checksum_bytes = 32;
inline constexpr std::size_t max_section_name_bytes = 64;
// The largest file read (a dense network of 250 million parameters).
inline constexpr std::uintmax_t max_container_bytes = std::uintmax_t{1} << 30;

struct Section {
    std::string name;   // "description", "tensors", ...
    std::string bytes;  // the payload
};

// The whole file: header, sections in order, checksum.
std::string container_bytes(const std::vector<Section>& sections);
// Writes it atomically (temporary file, then rename).
void write_container(const std::filesystem::path& file, const std::vector<Section>& sections, bool sync = true);

// The sections of a file, every check above passed; `source` names it in errors.
std::vector<Section> parse_container(std::string_view bytes, const std::string& source);
std::vector<Section> read_container(const std::filesystem::path& file);

// The section called `name`, or null.
const Section* find_section(const std::vector<Section>& sections, std::string_view name);

// Appends little-endian values to a payload.
class ByteWriter {
public:
    void u8(std::uint8_t v) { out_ += static_cast<char>(v); }
    void u32(std::uint32_t v);
    void u64(std::uint64_t v);
    void text(std::string_view s);  // u32 length, then the bytes
    void floats(const float* values, std::size_t count);
    std::string& bytes() { return out_; }

private:
    std::string out_;
};

// Reads a payload, never past its end: every read checks the bytes left and
// throws soma::Error "<source>: <context>, byte <offset>: <what> ..." when
// they do not suffice (context: "section 'tensors'").
class ByteReader {
public:
    ByteReader(std::string_view bytes, std::string source, std::string context);

    std::uint8_t u8(const char* what);
    std::uint32_t u32(const char* what);
    std::uint64_t u64(const char* what);
    // A u32 length (at most max_bytes) and that many bytes.
    std::string text(const char* what, std::size_t max_bytes);
    // The next n bytes as they are.
    std::string_view raw(const char* what, std::uint64_t n);
    // count little-endian float32 values, checked against the bytes left first.
    std::vector<float> floats(const char* what, std::uint64_t count);
    // A count of items of at least min_item_bytes each, refused when the
    // bytes left cannot hold that many (so nothing is sized by a false count).
    std::uint64_t count(const char* what, std::uint64_t value, std::size_t min_item_bytes) const;

    std::size_t left() const { return bytes_.size() - pos_; }
    std::size_t offset() const { return pos_; }
    // Refuses bytes after the last field.
    void expect_end() const;
    [[noreturn]] void fail(const std::string& message) const;

private:
    void need(std::uint64_t n, const char* what) const;

    std::string_view bytes_;
    std::size_t pos_ = 0;
    std::string source_, context_;
};

}  // namespace soma
