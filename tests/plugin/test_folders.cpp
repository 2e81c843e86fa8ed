// default_plugin_folders and the rule behind it: order, the build folder only
// from inside the build tree, SOMA_PLUGIN_PATH, dedup, missing folders dropped.
#include <stdlib.h>

#include <algorithm>

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

}  // namespace
}  // namespace soma
