// format_plugin_table and plugin_list_json: the `soma plugins` listing.
#include <sstream>
#include <vector>

#include <gtest/gtest.h>

#include "plugin/plugin_list.h"
#include "plugin_test_util.h"
#include "toolkit/json.h"

namespace soma {
namespace {

using test::fixture;
using test::fixture_dir;

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

TEST(PluginTable, ListsFeaturesSortedWithParametersUnderTheirRow) {
    Registry registry;
    ASSERT_FALSE(registry.load(fixture("fixture_valid")));
    const std::string table = format_plugin_table(registry, {fixture_dir()}, 0);
    const auto lines = lines_of(table);
    // Header, underline, three features (two with a parameter line), the folder.
    ASSERT_EQ(lines.size(), 8u) << table;
    EXPECT_EQ(lines[0].rfind("KIND", 0), 0u) << table;
    EXPECT_EQ(lines[1].find_first_not_of('-'), std::string::npos) << table;
    EXPECT_EQ(lines[2].rfind("activation", 0), 0u) << table;
    EXPECT_EQ(lines[3].rfind("layer", 0), 0u) << table;
    EXPECT_EQ(lines[5].rfind("optimizer", 0), 0u) << table;
    EXPECT_NE(lines[2].find("fixture_square"), std::string::npos);
    // Parameters on the line under their row, starting under NAME.
    const std::size_t name_col = lines[0].find("NAME");
    EXPECT_EQ(lines[4], std::string(name_col, ' ') + "parameters: factor=2") << table;
    EXPECT_EQ(lines[6], std::string(name_col, ' ') + "parameters: learning_rate=0.01, warmup_steps=0") << table;
    // Files relative to their folder; the folder named once, below.
    const std::size_t file_col = lines[0].find("FILE");
    for (std::size_t i : {2, 3, 5}) {
        EXPECT_NE(lines[i].find("1.2.3"), std::string::npos) << lines[i];
        EXPECT_EQ(lines[i].find("fixture_valid.so"), file_col) << table;
        EXPECT_EQ(lines[i].find(fixture_dir().string()), std::string::npos) << lines[i];
        EXPECT_EQ(lines[i].find("fixture_"), name_col) << table;
    }
    EXPECT_EQ(lines[7], "folder: " + fixture_dir().string());
}

TEST(PluginTable, FitsTheWidthByWrappingDescriptions) {
    Registry registry;
    ASSERT_FALSE(registry.load(fixture("fixture_valid")));
    const std::string wide = format_plugin_table(registry, {fixture_dir()}, 0);
    std::size_t widest = 0;
    for (const std::string& l : lines_of(wide)) widest = std::max(widest, l.size());
    const std::size_t width = widest - 8;
    const std::string narrow = format_plugin_table(registry, {fixture_dir()}, width);
    for (const std::string& l : lines_of(narrow)) EXPECT_LE(l.size(), width) << narrow;
    EXPECT_GT(lines_of(narrow).size(), lines_of(wide).size()) << narrow;
}

TEST(PluginTable, SeveralFoldersAreNumbered) {
    Registry registry;
    ASSERT_FALSE(registry.load(fixture("fixture_valid")));
    test::TempDir empty;
    const std::string table = format_plugin_table(registry, {empty.path(), fixture_dir()}, 0);
    EXPECT_NE(table.find("folder: " + fixture_dir().string() + "\n"), std::string::npos) << table;
    EXPECT_NE(table.find("also searched: " + empty.path().string() + "\n"), std::string::npos) << table;
}

TEST(PluginTable, EmptyRegistrySaysWhereItLooked) {
    Registry registry;
    test::TempDir empty;
    const auto lines = lines_of(format_plugin_table(registry, {empty.path()}, 0));
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_EQ(lines[2], "searched: " + empty.path().string());
}

TEST(PluginList, JsonHasEveryFeatureItsParametersAndTheRefused) {
    Registry registry;
    ASSERT_FALSE(registry.load(fixture("fixture_valid")));
    LoadError refused{LoadError::Code::not_a_plugin, "/x/bad.so", "/x/bad.so: not a soma plugin"};
    const Json j = parse_json(plugin_list_json(registry, {fixture_dir()}, {refused}), "plugins --json");
    EXPECT_EQ(j["folders"][0], fixture_dir().string());
    ASSERT_EQ(j["plugins"].size(), 3u);
    EXPECT_EQ(j["plugins"][0]["kind"], "activation");
    EXPECT_EQ(j["plugins"][0]["name"], "fixture_square");
    EXPECT_EQ(j["plugins"][0]["version"], "1.2.3");
    EXPECT_EQ(j["plugins"][0]["file"], fixture("fixture_valid").string());
    EXPECT_EQ(j["plugins"][1]["parameters"][0]["name"], "factor");
    EXPECT_EQ(j["plugins"][1]["parameters"][0]["default"], 2.0);
    EXPECT_EQ(j["refused"][0]["reason"], load_error_code_name(LoadError::Code::not_a_plugin));
    EXPECT_EQ(j["refused"][0]["message"], "/x/bad.so: not a soma plugin");
}

}  // namespace
}  // namespace soma
