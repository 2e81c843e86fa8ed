// The plugin folder as a whole: every library loads, each kind is there,
// every feature describes itself (the description check of `soma plugin check`).
#include "conformance.h"

namespace soma::conformance {
namespace {

TEST(PluginFolder, EveryLibraryLoads) {
    for (const LoadError& e : builtin_plugins().errors) ADD_FAILURE() << e.message;
    EXPECT_FALSE(registry().plugins().empty()) << "no plugins in " << SOMA_TEST_PLUGIN_DIR;
}

TEST(PluginFolder, EveryKindHasPlugins) {
    EXPECT_FALSE(names(Kind::activation).empty());
    EXPECT_FALSE(names(Kind::layer).empty());
    EXPECT_FALSE(names(Kind::optimizer).empty());
}

TEST(PluginFolder, EveryFeatureHasHelpAndValidDefaults) {
    for (Kind kind : {Kind::activation, Kind::layer, Kind::optimizer})
        for (const std::string& name : names(kind)) EXPECT_CHECK_PASSES(CheckId::description, subject(kind, name));
}

// The allocation check relies on alloc_counter.cpp's operator new serving
// the plugins too (the executable exports it); make sure it does.
TEST(PluginFolder, AllocationCounterSeesPluginCode) {
    const std::vector<std::string> optimizers = names(Kind::optimizer);
    ASSERT_FALSE(optimizers.empty());
    const long long before = allocations();
    auto opt = registry().make_optimizer(optimizers.front());
    std::vector<float> w(4, 0.f), g(4, 0.f);
    opt->setup({{"w", w.data(), g.data(), w.size(), {4}, true}});
    EXPECT_GT(allocations(), before);
}

}  // namespace
}  // namespace soma::conformance
