// ELF64 reading for the plugin pre-load checks; see elf_reader.h. Uses only
// open/pread, never dlopen, and checks every offset against the file size.
#include "plugin/elf_reader.h"

#include <elf.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bit>
#include <cerrno>
#include <cstring>

namespace soma {

namespace {

constexpr unsigned char kHostData = std::endian::native == std::endian::little ? ELFDATA2LSB : ELFDATA2MSB;

#if defined(__x86_64__)
constexpr std::uint16_t kHostMachine = EM_X86_64;
#elif defined(__aarch64__)
constexpr std::uint16_t kHostMachine = EM_AARCH64;
#else
constexpr std::uint16_t kHostMachine = EM_NONE;  // unknown host: skip the check
#endif

// offset + size lies within [0, limit], without overflow.
bool fits(std::uint64_t offset, std::uint64_t size, std::uint64_t limit) {
    return offset <= limit && size <= limit - offset;
}

template <class T>
T load_struct(const unsigned char* p) {
    T value;
    std::memcpy(&value, p, sizeof value);
    return value;
}

void check_ident(const Elf64_Ehdr& h) {
    if (std::memcmp(h.e_ident, ELFMAG, SELFMAG) != 0) throw ElfError("not an ELF file");
    if (h.e_ident[EI_CLASS] != ELFCLASS64) throw ElfError("not a 64-bit ELF file");
    if (h.e_ident[EI_DATA] != kHostData) throw ElfError("ELF file of the wrong byte order");
    if (h.e_type != ET_DYN)
        throw ElfError("an ELF file but not a shared object (ELF type " + std::to_string(h.e_type) + ")");
    if (kHostMachine != EM_NONE && h.e_machine != kHostMachine)
        throw ElfError("built for another machine (ELF machine " + std::to_string(h.e_machine) + ")");
}

}  // namespace

ElfFile::ElfFile(const std::filesystem::path& path) {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) throw ElfError(std::strerror(errno));
    struct stat st {};
    if (::fstat(fd_, &st) != 0) {
        int e = errno;
        ::close(fd_);
        throw ElfError(std::strerror(e));
    }
    if (!S_ISREG(st.st_mode)) {
        ::close(fd_);
        throw ElfError("not a regular file");
    }
    file_size_ = static_cast<std::uint64_t>(st.st_size);
    try {
        if (file_size_ < sizeof(Elf64_Ehdr)) {
            if (file_size_ >= SELFMAG && read(0, SELFMAG) == std::vector<unsigned char>(ELFMAG, ELFMAG + SELFMAG))
                throw ElfError("truncated ELF file (" + std::to_string(file_size_) + " bytes)");
            throw ElfError("not an ELF file");
        }
        const auto header = load_struct<Elf64_Ehdr>(read(0, sizeof(Elf64_Ehdr)).data());
        check_ident(header);
        read_sections(header.e_shoff, header.e_shentsize, header.e_shnum, header.e_shstrndx);
    } catch (...) {
        ::close(fd_);
        throw;
    }
}

ElfFile::~ElfFile() {
    if (fd_ >= 0) ::close(fd_);
}

std::vector<unsigned char> ElfFile::read(std::uint64_t offset, std::uint64_t size) const {
    if (!fits(offset, size, file_size_)) throw ElfError("malformed ELF file: data beyond the end of the file");
    std::vector<unsigned char> bytes(size);
    std::uint64_t done = 0;
    while (done < size) {
        ssize_t n = ::pread(fd_, bytes.data() + done, size - done, static_cast<off_t>(offset + done));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw ElfError(std::string("read failed: ") + std::strerror(errno));
        if (n == 0) throw ElfError("read failed: file shrank while reading");
        done += static_cast<std::uint64_t>(n);
    }
    return bytes;
}

// Reads the section headers and names them from .shstrtab. Handles extended
// numbering (more than 0xff00 sections: the real counts live in section 0).
void ElfFile::read_sections(std::uint64_t shoff, std::uint16_t shentsize, std::uint64_t shnum,
                            std::uint32_t shstrndx) {
    if (shoff == 0) return;  // no section table (e.g. sstrip'ed): nothing to find
    if (shentsize < sizeof(Elf64_Shdr)) throw ElfError("malformed ELF file: bad section header size");
    if (!fits(shoff, shentsize, file_size_))
        throw ElfError("malformed ELF file: section headers beyond the end of the file");
    const auto first = load_struct<Elf64_Shdr>(read(shoff, sizeof(Elf64_Shdr)).data());
    if (shnum == 0) shnum = first.sh_size;
    if (shstrndx == SHN_XINDEX) shstrndx = first.sh_link;
    if (shnum > (file_size_ - shoff) / shentsize)
        throw ElfError("malformed ELF file: section headers beyond the end of the file");

    const std::vector<unsigned char> table = read(shoff, shnum * shentsize);
    std::vector<Elf64_Shdr> headers;
    headers.reserve(shnum);
    for (std::uint64_t i = 0; i < shnum; ++i) headers.push_back(load_struct<Elf64_Shdr>(table.data() + i * shentsize));
    for (const auto& h : headers) {
        if (h.sh_type != SHT_NOBITS && !fits(h.sh_offset, h.sh_size, file_size_))
            throw ElfError("malformed ELF file: a section lies beyond the end of the file");
    }

    std::vector<unsigned char> names;
    if (shstrndx != SHN_UNDEF && shstrndx < shnum && headers[shstrndx].sh_type == SHT_STRTAB)
        names = read(headers[shstrndx].sh_offset, headers[shstrndx].sh_size);
    for (const auto& h : headers) {
        Section s;
        if (h.sh_name < names.size()) {
            const char* begin = reinterpret_cast<const char*>(names.data()) + h.sh_name;
            s.name.assign(begin, strnlen(begin, names.size() - h.sh_name));
        }
        s.type = h.sh_type;
        s.offset = h.sh_offset;
        s.size = h.sh_size;
        s.entsize = h.sh_entsize;
        s.link = h.sh_link;
        sections_.push_back(std::move(s));
    }
}

const ElfFile::Section* ElfFile::find(std::string_view name) const {
    for (const auto& s : sections_)
        if (s.name == name) return &s;
    return nullptr;
}

bool ElfFile::has_dynamic_symbol(std::string_view name) const {
    const Section* dynsym = nullptr;
    for (const auto& s : sections_)
        if (s.type == SHT_DYNSYM) dynsym = &s;
    if (!dynsym || dynsym->entsize < sizeof(Elf64_Sym) || dynsym->link >= sections_.size()) return false;
    const Section& strtab = sections_[dynsym->link];
    if (strtab.type != SHT_STRTAB) return false;

    const std::vector<unsigned char> symbols = read(dynsym->offset, dynsym->size);
    const std::vector<unsigned char> strings = read(strtab.offset, strtab.size);
    const std::uint64_t count = dynsym->size / dynsym->entsize;
    for (std::uint64_t i = 1; i < count; ++i) {  // entry 0 is the reserved null symbol
        const auto sym = load_struct<Elf64_Sym>(symbols.data() + i * dynsym->entsize);
        if (sym.st_shndx == SHN_UNDEF || sym.st_name >= strings.size()) continue;
        const unsigned char bind = ELF64_ST_BIND(sym.st_info);
        if (bind != STB_GLOBAL && bind != STB_WEAK && bind != STB_GNU_UNIQUE) continue;
        const char* begin = reinterpret_cast<const char*>(strings.data()) + sym.st_name;
        if (std::string_view(begin, strnlen(begin, strings.size() - sym.st_name)) == name) return true;
    }
    return false;
}

std::optional<std::vector<unsigned char>> ElfFile::section(std::string_view name) const {
    const Section* s = find(name);
    if (!s || s->type == SHT_NOBITS) return std::nullopt;
    return read(s->offset, s->size);
}

}  // namespace soma
