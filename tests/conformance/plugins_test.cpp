// The plugin folder as a whole: every library loads, and each kind is there.
#include "conformance.h"

namespace soma::conformance {
namespace {

TEST(PluginFolder, EveryLibraryLoads) {
    for (const LoadError& e : loaded().errors) ADD_FAILURE() << e.message;
    EXPECT_FALSE(registry().plugins().empty()) << "no plugins in " << SOMA_TEST_PLUGIN_DIR;
}

TEST(PluginFolder, EveryKindHasPlugins) {
    EXPECT_FALSE(names(Kind::activation).empty());
    EXPECT_FALSE(names(Kind::layer).empty());
    EXPECT_FALSE(names(Kind::optimizer).empty());
}

TEST(PluginFolder, EveryFeatureHasHelpAndValidDefaults) {
    for (Kind kind : {Kind::activation, Kind::layer, Kind::optimizer})
        for (const std::string& name : names(kind)) {
            const FeatureRecord& f = registry().feature(kind, name);
            EXPECT_FALSE(f.info.help.empty()) << kind_name(kind) << " " << name;
            EXPECT_NO_THROW(resolve_params(f.info.params, {})) << kind_name(kind) << " " << name;
            if (kind == Kind::activation) {
                EXPECT_TRUE(f.info.preferred_init == "xavier" || f.info.preferred_init == "he")
                    << name << ": preferred_init '" << f.info.preferred_init << "'";
            }
        }
}

// StepAllocatesNothing relies on alloc_counter.cpp's operator new serving the
// plugins too (the executable exports it); make sure it does.
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
