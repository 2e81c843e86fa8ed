// format_plugin_table: the `soma plugins` listing.
#include <sstream>
#include <vector>

#include <gtest/gtest.h>

#include "plugin/plugin_list.h"
#include "plugin_test_util.h"

namespace soma {
namespace {

using test::fixture;

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

TEST(PluginTable, ListsFeaturesSortedWithParametersAndPath) {
    Registry registry;
    ASSERT_FALSE(registry.load(fixture("fixture_valid")));
    const std::string table = format_plugin_table(registry);
    const auto lines = lines_of(table);
    ASSERT_EQ(lines.size(), 4u) << table;
    EXPECT_EQ(lines[0].rfind("KIND", 0), 0u) << table;
    EXPECT_NE(lines[0].find("NAME"), std::string::npos);
    EXPECT_EQ(lines[1].rfind("activation", 0), 0u) << table;
    EXPECT_EQ(lines[2].rfind("layer", 0), 0u) << table;
    EXPECT_EQ(lines[3].rfind("optimizer", 0), 0u) << table;
    EXPECT_NE(lines[1].find("fixture_square"), std::string::npos);
    EXPECT_NE(lines[2].find("factor=2"), std::string::npos) << table;
    EXPECT_NE(lines[3].find("learning_rate=0.01,warmup_steps=0"), std::string::npos) << table;
    for (std::size_t i = 1; i < lines.size(); ++i) {
        EXPECT_NE(lines[i].find("1.2.3"), std::string::npos) << lines[i];
        EXPECT_NE(lines[i].find(fixture("fixture_valid").string()), std::string::npos) << lines[i];
    }
    // Aligned: every row's NAME and FILE columns start where the header's do.
    const std::size_t name_col = lines[0].find("NAME"), file_col = lines[0].find("FILE");
    for (std::size_t i = 1; i < lines.size(); ++i) {
        EXPECT_EQ(lines[i].find("fixture_"), name_col) << table;
        EXPECT_EQ(lines[i].find(fixture("fixture_valid").string()), file_col) << table;
    }
}

TEST(PluginTable, EmptyRegistryHasOnlyTheHeader) {
    Registry registry;
    EXPECT_EQ(lines_of(format_plugin_table(registry)).size(), 1u);
}

}  // namespace
}  // namespace soma
