// default_plugin_folders and the rule behind it: order, the build folder only
// from inside the build tree, SOMA_PLUGIN_PATH, dedup, missing folders dropped;
// PluginPermission: which other folders may be loaded, and saying so.
#include <stdlib.h>

#include <algorithm>
#include <sstream>

#include <gtest/gtest.h>

#include "plugin/folders.h"
#include "plugin/registry.h"
#include "plugin_test_util.h"

namespace soma {
namespace {

namespace fs = std::filesystem;
using test::TempDir;

// A fake build tree and install prefix inside a temp folder.
struct Layout {
    TempDir dir;
    fs::path build = dir.path() / "build";
    fs::path build_plugins = build / "lib" / "soma" / "plugins";
    fs::path prefix = dir.path() / "prefix";
    fs::path install_plugins = prefix / "lib" / "soma" / "plugins";
    fs::path extra = dir.path() / "extra";
    Layout() {
        fs::create_directories(build_plugins);
        fs::create_directories(build / "bin");
        fs::create_directories(install_plugins);
        fs::create_directories(prefix / "bin");
        fs::create_directories(extra);
    }
};

TEST(PluginFolders, BuildFolderFirstWhenRunningFromTheBuildTree) {
    Layout l;
    PluginFolderInputs in{l.build / "tests" / "test_x", l.build_plugins, l.install_plugins, l.extra.string()};
    EXPECT_EQ(plugin_folders(in), (std::vector<fs::path>{l.build_plugins, l.install_plugins, l.extra}));
}

TEST(PluginFolders, BuildFolderSkippedOutsideTheBuildTree) {
    Layout l;
    fs::create_directories(l.dir.path() / "build2");
    PluginFolderInputs in{l.dir.path() / "build2" / "soma", l.build_plugins, l.install_plugins, ""};
    EXPECT_EQ(plugin_folders(in), (std::vector<fs::path>{l.install_plugins}));
}

TEST(PluginFolders, RelocatedInstallFolderNextToTheExecutable) {
    Layout l;
    const fs::path moved = l.dir.path() / "moved";
    fs::create_directories(moved / "bin");
    fs::create_directories(moved / "lib" / "soma" / "plugins");
    PluginFolderInputs in{moved / "bin" / "soma", l.build_plugins, l.install_plugins, ""};
    EXPECT_EQ(plugin_folders(in), (std::vector<fs::path>{moved / "lib" / "soma" / "plugins", l.install_plugins}));
    // Installed where it was configured: the two rules give one folder.
    in.exe = l.prefix / "bin" / "soma";
    EXPECT_EQ(plugin_folders(in), (std::vector<fs::path>{l.install_plugins}));
}

TEST(PluginFolders, PluginPathEntriesInOrderDeduplicatedExistingOnly) {
    Layout l;
    const fs::path a = l.dir.path() / "a", b = l.dir.path() / "b";
    fs::create_directories(a);
    fs::create_directories(b);
    fs::create_directory_symlink(a, l.dir.path() / "a_link");
    PluginFolderInputs in{"", "", "", ":" + b.string() + "::" + a.string() + ":" + (l.dir.path() / "none").string() +
                                          ":" + (l.dir.path() / "a_link").string() + ":" + b.string() + ":"};
    EXPECT_EQ(plugin_folders(in), (std::vector<fs::path>{b, a}));
}

TEST(PluginFolders, PathIsWithinComparesWholeComponents) {
    EXPECT_TRUE(path_is_within("/a/build/bin/soma", "/a/build"));
    EXPECT_TRUE(path_is_within("/a/build", "/a/build/"));
    EXPECT_FALSE(path_is_within("/a/build2/bin/soma", "/a/build"));
    EXPECT_FALSE(path_is_within("/a", "/a/build"));
}

TEST(PluginFolders, DefaultHonoursSomaPluginPath) {
    TempDir a, b;
    const std::string value = a.path().string() + "::" + b.path().string() + ":/no/such/soma/folder:" + a.path().string();
    ASSERT_EQ(0, setenv("SOMA_PLUGIN_PATH", value.c_str(), 1));
    const auto folders = default_plugin_folders();
    unsetenv("SOMA_PLUGIN_PATH");
    ASSERT_GE(folders.size(), 2u);
    EXPECT_EQ(folders[folders.size() - 2], a.path());
    EXPECT_EQ(folders.back(), b.path());
    EXPECT_EQ(std::count(folders.begin(), folders.end(), a.path()), 1);
    EXPECT_EQ(std::count(folders.begin(), folders.end(), fs::path("/no/such/soma/folder")), 0);
    // This test runs from the build tree: its plugin folder, if built, comes first.
    std::error_code ec;
    if (fs::is_directory(SOMA_TEST_PLUGIN_DIR, ec)) {
        EXPECT_EQ(folders.front(), fs::canonical(SOMA_TEST_PLUGIN_DIR));
    }
}

TEST(PluginPermission, AllowsTheDefaultFoldersAndWhatTheUserAllowed) {
    TempDir theirs;
    PluginPermission permission;
    for (const fs::path& folder : default_plugin_folders()) EXPECT_FALSE(permission.refusal(folder)) << folder;
    const auto why = permission.refusal(theirs.path());
    ASSERT_TRUE(why);
    EXPECT_EQ(*why, "plugin folder " + theirs.path().string() +
                        " is named by the config but not allowed: soma loads code only from its own plugin folders, "
                        "SOMA_PLUGIN_PATH and folders you allow on the command line; to load it, add "
                        "--allow-plugins " + theirs.path().string());
    // Allowed by any path that leads to the same folder.
    fs::create_directory_symlink(theirs.path(), theirs.path() / "link");
    permission.allow(theirs.path() / "link");
    EXPECT_FALSE(permission.refusal(theirs.path()));
    EXPECT_FALSE(permission.refusal(theirs.path() / "link" / "."));
    EXPECT_EQ(permission.allowed(), std::vector<fs::path>{theirs.path()});
    // The exact folder: not what lies below it.
    fs::create_directories(theirs.path() / "below");
    EXPECT_TRUE(permission.refusal(theirs.path() / "below"));
}

TEST(PluginPermission, RefusesToAllowWhatIsNotAFolder) {
    TempDir t;
    PluginPermission permission;
    const fs::path file = t.write("lib.so", "x");
    try {
        permission.allow(file);
        ADD_FAILURE() << "allowed a file";
    } catch (const std::exception& e) {
        EXPECT_EQ(std::string(e.what()), "--allow-plugins " + file.string() + ": not a folder");
    }
    EXPECT_THROW(permission.allow(t.path() / "none"), std::exception);
    EXPECT_TRUE(permission.allowed().empty());
}

TEST(PluginPermission, SaysOnceWhichLibrariesComeFromWhere) {
    TempDir theirs;
    fs::copy_file(test::fixture("fixture_valid"), theirs.path() / "fixture_valid.so");
    PluginPermission permission;
    permission.allow(theirs.path());
    std::ostringstream said;
    permission.announce_to = &said;
    Registry registry;
    EXPECT_TRUE(permission.load(registry, theirs.path()).empty());
    EXPECT_TRUE(permission.load(registry, theirs.path()).empty());
    EXPECT_EQ(said.str(), "soma: loading plugins from " + theirs.path().string() + ": fixture_valid.so\n");
    EXPECT_TRUE(registry.has(Kind::activation, "fixture_square"));
    // soma's own plugins are loaded without a word.
    std::error_code ec;
    if (fs::is_directory(SOMA_TEST_PLUGIN_DIR, ec)) {
        said.str("");
        permission.load_defaults(registry);
        EXPECT_EQ(said.str(), "");
    }
}

TEST(PluginFolders, PluginLibrariesAreTheSoFilesSorted) {
    TempDir t;
    t.write("b.so", "");
    t.write("a.so", "");
    t.write("notes.txt", "");
    fs::create_directories(t.path() / "dir.so");
    std::error_code ec;
    EXPECT_EQ(plugin_libraries(t.path(), ec), (std::vector<fs::path>{t.path() / "a.so", t.path() / "b.so"}));
    EXPECT_FALSE(ec);
    plugin_libraries(t.path() / "none", ec);
    EXPECT_TRUE(ec);
}

}  // namespace
}  // namespace soma
