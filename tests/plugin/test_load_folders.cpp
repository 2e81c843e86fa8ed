// Registry::load_folders: one error per bad file, the valid fixture loads,
// folders reached twice and files loaded before are not errors.
#include <stdlib.h>

#include <algorithm>
#include <vector>

#include <gtest/gtest.h>

#include "plugin/registry.h"
#include "plugin_test_util.h"

namespace soma {
namespace {

namespace fs = std::filesystem;
using Code = LoadError::Code;
using test::clash_fixture;
using test::fixture;
using test::fixture_dir;
using test::TempDir;

// The bad fixtures this folder of tests builds, with the code each must get.
// (Other test areas may add files to the same folder: the checks below look
// only at these.)
const std::vector<std::pair<std::string, Code>> kBad = {
    {"fixture_no_entry", Code::not_a_plugin},
    {"fixture_no_marker", Code::incomplete_descriptor},
    {"fixture_wrong_abi", Code::abi_mismatch},
    {"fixture_descriptor_abi", Code::abi_mismatch},
    {"fixture_incomplete", Code::incomplete_descriptor},
    {"fixture_throws", Code::registration_failed},
    {"fixture_duplicate_within", Code::duplicate_name},
    {"fixture_unresolved", Code::cannot_open},
};

std::size_t errors_for(const std::vector<LoadError>& errors, const fs::path& file) {
    return std::count_if(errors.begin(), errors.end(), [&](const LoadError& e) { return e.path == file; });
}

void expect_one_error_per_bad_fixture(const std::vector<LoadError>& errors) {
    for (const auto& [name, code] : kBad) {
        ASSERT_EQ(errors_for(errors, fixture(name)), 1u) << name;
        auto it = std::find_if(errors.begin(), errors.end(), [&](const LoadError& e) { return e.path == fixture(name); });
        EXPECT_EQ(std::string(load_error_code_name(it->code)), load_error_code_name(code)) << it->message;
    }
    EXPECT_EQ(errors_for(errors, fixture("fixture_valid")), 0u);
}

TEST(LoadFolders, OneErrorPerBadFileAndTheValidOneRegistered) {
    TempDir dir;
    ASSERT_EQ(0, setenv("SOMA_FIXTURE_TRIPWIRE", (dir.path() / "tripwire").c_str(), 1));
    Registry registry;
    const auto errors = registry.load_folders({fixture_dir()});
    expect_one_error_per_bad_fixture(errors);
    EXPECT_TRUE(registry.has(Kind::activation, "fixture_square"));
    EXPECT_EQ(registry.feature(Kind::activation, "fixture_square").path, fixture("fixture_valid"));
    EXPECT_FALSE(registry.has(Kind::activation, "fixture_twice"));
    EXPECT_FALSE(registry.has(Kind::activation, "fixture_thrown_before"));
    EXPECT_FALSE(fs::exists(dir.path() / "tripwire"));
    EXPECT_EQ(errors_for(errors, clash_fixture()), 0u) << "subfolders are not searched";
    unsetenv("SOMA_FIXTURE_TRIPWIRE");
}

TEST(LoadFolders, SameFolderTwiceIsTriedOnce) {
    Registry registry;
    const auto errors = registry.load_folders({fixture_dir(), fixture_dir() / ".", fixture_dir() / "plugin_clash" / ".."});
    expect_one_error_per_bad_fixture(errors);
    EXPECT_TRUE(registry.has(Kind::activation, "fixture_square"));
}

TEST(LoadFolders, FileLoadedBeforeIsSkippedSilently) {
    Registry registry;
    ASSERT_FALSE(registry.load(fixture("fixture_valid")));
    EXPECT_EQ(errors_for(registry.load_folders({fixture_dir()}), fixture("fixture_valid")), 0u);
    EXPECT_EQ(errors_for(registry.load_folders({fixture_dir()}), fixture("fixture_valid")), 0u);
    EXPECT_EQ(registry.plugins().size(), 1u);
}

TEST(LoadFolders, SymlinkedFolderDoesNotDuplicate) {
    TempDir dir;
    fs::create_directory_symlink(fixture_dir(), dir.path() / "link");
    Registry registry;
    const auto errors = registry.load_folders({fixture_dir(), dir.path() / "link"});
    expect_one_error_per_bad_fixture(errors);
    for (const auto& e : errors) EXPECT_EQ(e.path.parent_path(), fixture_dir()) << e.message;
}

TEST(LoadFolders, MissingFoldersAreSkipped) {
    TempDir dir;
    Registry registry;
    EXPECT_TRUE(registry.load_folders({dir.path() / "nope", dir.path()}).empty());
    EXPECT_TRUE(registry.plugins().empty());
}

TEST(LoadFolders, OnlyFilesEndingInSoSortedByName) {
    TempDir dir;
    dir.write("b_bogus.so", "not elf");
    dir.write("a_bogus.so", "not elf");
    dir.write("notes.txt", "not a plugin, not looked at");
    dir.write("c_bogus.so.1", "versioned name, not looked at");
    fs::create_directory(dir.path() / "d_folder.so");
    Registry registry;
    const auto errors = registry.load_folders({dir.path()});
    ASSERT_EQ(errors.size(), 2u);
    EXPECT_EQ(errors[0].path, dir.path() / "a_bogus.so");
    EXPECT_EQ(errors[1].path, dir.path() / "b_bogus.so");
}

TEST(LoadFolders, ClashAcrossFoldersNamesBothFiles) {
    Registry registry;
    const auto errors = registry.load_folders({fixture_dir(), fixture_dir() / "plugin_clash"});
    ASSERT_EQ(errors_for(errors, clash_fixture()), 1u);
    for (const auto& e : errors) {
        if (e.path != clash_fixture()) continue;
        EXPECT_EQ(e.code, Code::duplicate_name);
        EXPECT_NE(e.message.find(fixture("fixture_valid").string()), std::string::npos) << e.message;
        EXPECT_NE(e.message.find(clash_fixture().string()), std::string::npos) << e.message;
    }
}

}  // namespace
}  // namespace soma
