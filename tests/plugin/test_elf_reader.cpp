// ElfFile: finds dynamic symbols and section bytes without loading the file,
// and refuses non-ELF, truncated and corrupted files without crashing.
#include <elf.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

#include <gtest/gtest.h>

#include "plugin/elf_reader.h"
#include "plugin_test_util.h"
#include "soma/plugin.h"

namespace soma {
namespace {

using test::fixture;
using test::TempDir;

std::string read_all(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(ElfReader, FindsEntrySymbolAndMarkerInValidFixture) {
    ElfFile elf(fixture("fixture_valid"));
    EXPECT_TRUE(elf.has_dynamic_symbol("soma_plugin_entry"));
    EXPECT_FALSE(elf.has_dynamic_symbol("soma_plugin_entr"));
    EXPECT_FALSE(elf.has_dynamic_symbol("no_such_symbol"));
    auto marker = elf.section(SOMA_PLUGIN_MARKER_SECTION);
    ASSERT_TRUE(marker.has_value());
    ASSERT_GE(marker->size(), sizeof(soma_plugin_marker));
    EXPECT_EQ(0, std::memcmp(marker->data(), "SOMAPLUG", 8));
    soma_plugin_marker m;
    std::memcpy(&m, marker->data(), sizeof m);
    EXPECT_EQ(m.abi_version, SOMA_PLUGIN_ABI_VERSION);
    // What the build used, as the host sees it before loading.
    EXPECT_EQ(m.onednn_major, static_cast<std::uint32_t>(DNNL_VERSION_MAJOR));
    EXPECT_EQ(m.onednn_minor, static_cast<std::uint32_t>(DNNL_VERSION_MINOR));
    EXPECT_EQ(m.cxx_library, SOMA_PLUGIN_CXX_LIBSTDCXX);
    EXPECT_EQ(m.cxx_abi, static_cast<std::uint32_t>(_GLIBCXX_USE_CXX11_ABI));
    EXPECT_EQ(m.cxx_release, static_cast<std::uint32_t>(_GLIBCXX_RELEASE));
    EXPECT_FALSE(elf.section(".no_such_section").has_value());
}

TEST(ElfReader, UndefinedSymbolsDoNotCount) {
    // fixture_unresolved references soma_fixture_missing_function without defining it.
    ElfFile elf(fixture("fixture_unresolved"));
    EXPECT_FALSE(elf.has_dynamic_symbol("soma_fixture_missing_function"));
    EXPECT_TRUE(elf.has_dynamic_symbol("soma_plugin_entry"));
}

TEST(ElfReader, NoEntryFixtureHasNoEntrySymbol) {
    ElfFile elf(fixture("fixture_no_entry"));
    EXPECT_FALSE(elf.has_dynamic_symbol("soma_plugin_entry"));
    EXPECT_TRUE(elf.has_dynamic_symbol("fixture_no_entry_answer"));
}

TEST(ElfReader, RefusesMissingNonElfShortAndNonRegularFiles) {
    TempDir dir;
    auto expect_error = [](const std::filesystem::path& p, const std::string& text) {
        try {
            ElfFile elf(p);
            ADD_FAILURE() << p << " was accepted";
        } catch (const ElfError& e) {
            EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << e.what();
        }
    };
    expect_error(dir.path() / "missing.so", "No such file");
    expect_error(dir.write("text.so", "this is not a library\n"), "not an ELF file");
    expect_error(dir.write("tiny.so", "x"), "not an ELF file");
    expect_error(dir.path(), "not a regular file");
    expect_error(dir.write("short.so", read_all(fixture("fixture_valid")).substr(0, 40)), "truncated");
}

TEST(ElfReader, TruncatedSectionTableIsMalformed) {
    TempDir dir;
    const std::string bytes = read_all(fixture("fixture_valid"));
    EXPECT_THROW(ElfFile(dir.write("cut.so", bytes.substr(0, bytes.size() / 2))), ElfError);
}

// Overwrites bytes of the ELF header and of the section headers one at a time
// with 0xff: each parse must either succeed or throw ElfError, never crash.
TEST(ElfReader, SurvivesCorruptedHeaders) {
    TempDir dir;
    const std::string original = read_all(fixture("fixture_valid"));
    Elf64_Ehdr header;
    std::memcpy(&header, original.data(), sizeof header);
    const auto file = dir.write("corrupt.so", original);

    std::vector<std::size_t> offsets;
    for (std::size_t i = 0; i < sizeof header; ++i) offsets.push_back(i);
    const std::size_t table_end = header.e_shoff + std::size_t(header.e_shnum) * header.e_shentsize;
    for (std::size_t i = header.e_shoff; i < table_end && i < original.size(); i += 5) offsets.push_back(i);

    const int fd = ::open(file.c_str(), O_WRONLY);
    ASSERT_GE(fd, 0);
    for (std::size_t offset : offsets) {
        const char bad = '\xff';
        ASSERT_EQ(1, ::pwrite(fd, &bad, 1, static_cast<off_t>(offset)));
        try {
            ElfFile elf(file);
            (void)elf.has_dynamic_symbol("soma_plugin_entry");
            (void)elf.section(SOMA_PLUGIN_MARKER_SECTION);
        } catch (const ElfError&) {
        }
        ASSERT_EQ(1, ::pwrite(fd, &original[offset], 1, static_cast<off_t>(offset)));
    }
    ::close(fd);
}

}  // namespace
}  // namespace soma
