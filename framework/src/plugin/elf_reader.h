// A small ELF64 reader: looks inside a shared object *without loading it*, so
// soma can check a plugin's entry symbol and ABI marker before any of its code runs.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace soma {

// Why a file is not a readable ELF64 shared object ("not an ELF file", ...).
class ElfError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Reads the header and the section table at construction; every later read is
// bounds-checked against the file, so a malformed file cannot crash the host.
// Only ELF64 files of the host's byte order and machine are accepted.
class ElfFile {
public:
    // Throws ElfError: the file cannot be opened, is not ELF, not 64-bit, not
    // a shared object, or its section table is malformed.
    explicit ElfFile(const std::filesystem::path& path);
    ~ElfFile();
    ElfFile(const ElfFile&) = delete;
    ElfFile& operator=(const ElfFile&) = delete;

    // Whether .dynsym (the symbols dlsym can find) defines `name` as a global
    // or weak symbol. False when the file has no .dynsym.
    bool has_dynamic_symbol(std::string_view name) const;
    // The bytes of the section called `name`; nullopt if there is none or it
    // occupies no file space (SHT_NOBITS). Throws ElfError on a read error.
    std::optional<std::vector<unsigned char>> section(std::string_view name) const;

private:
    struct Section {
        std::string name;
        std::uint32_t type = 0;
        std::uint64_t offset = 0;
        std::uint64_t size = 0;
        std::uint64_t entsize = 0;
        std::uint32_t link = 0;
    };

    std::vector<unsigned char> read(std::uint64_t offset, std::uint64_t size) const;
    void read_sections(std::uint64_t shoff, std::uint16_t shentsize, std::uint64_t shnum,
                       std::uint32_t shstrndx);
    const Section* find(std::string_view name) const;

    int fd_ = -1;
    std::uint64_t file_size_ = 0;
    std::vector<Section> sections_;
};

}  // namespace soma
