// Registry::load and make_*: each refusal has its own code and message, a
// failed load leaves nothing behind, and the valid fixture's features work.
#include <stdlib.h>

#include <cmath>
#include <vector>

#include <boost/dll/shared_library.hpp>
#include <gtest/gtest.h>

#include "plugin/registry.h"
#include "plugin_test_util.h"
#include "soma/plugin.h"
#include "util/error.h"

namespace soma {
namespace {

namespace fs = std::filesystem;
using Code = LoadError::Code;
using test::clash_fixture;
using test::fixture;
using test::TempDir;

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Loads `file`, expects a refusal with `code` whose message names the file
// and contains every one of `parts`.
LoadError expect_refused(Registry& registry, const fs::path& file, Code code, std::vector<std::string> parts) {
    auto error = registry.load(file);
    EXPECT_TRUE(error.has_value()) << file << " was accepted";
    if (!error) return {};
    EXPECT_EQ(load_error_code_name(error->code), std::string(load_error_code_name(code))) << error->message;
    EXPECT_EQ(error->path, file);
    EXPECT_TRUE(contains(error->message, file.string())) << error->message;
    for (const auto& part : parts) EXPECT_TRUE(contains(error->message, part)) << error->message;
    return *error;
}

// Nothing from a refused library stays, and the registry still loads fixture_valid.
void expect_clean_and_usable(Registry& registry) {
    EXPECT_TRUE(registry.plugins().empty());
    EXPECT_TRUE(registry.names(Kind::activation).empty());
    EXPECT_TRUE(registry.names(Kind::layer).empty());
    EXPECT_TRUE(registry.names(Kind::optimizer).empty());
    auto error = registry.load(fixture("fixture_valid"));
    EXPECT_FALSE(error) << error->message;
    EXPECT_TRUE(registry.has(Kind::activation, "fixture_square"));
}

TEST(Registry, LoadsValidFixture) {
    Registry registry;
    auto error = registry.load(fixture("fixture_valid"));
    ASSERT_FALSE(error) << error->message;
    ASSERT_EQ(registry.plugins().size(), 1u);
    const PluginRecord& p = registry.plugins()[0];
    EXPECT_EQ(p.name, "fixture_valid");
    EXPECT_EQ(p.version, "1.2.3");
    EXPECT_EQ(p.path, fixture("fixture_valid"));
    EXPECT_EQ(p.features.size(), 3u);
    EXPECT_EQ(registry.names(Kind::activation), std::vector<std::string>{"fixture_square"});
    EXPECT_EQ(registry.names(Kind::layer), std::vector<std::string>{"fixture_scale"});
    EXPECT_EQ(registry.names(Kind::optimizer), std::vector<std::string>{"fixture_sgd"});
    const FeatureRecord& f = registry.feature(Kind::layer, "fixture_scale");
    EXPECT_EQ(f.plugin, "fixture_valid");
    EXPECT_EQ(f.path, fixture("fixture_valid"));
    ASSERT_EQ(f.info.params.size(), 1u);
    EXPECT_EQ(f.info.params[0].name, "factor");
}

TEST(Registry, ActivationComputesSquareAndGradient) {
    Registry registry;
    ASSERT_FALSE(registry.load(fixture("fixture_valid")));
    auto act = registry.make_activation("fixture_square");
    ASSERT_TRUE(act);
    const std::vector<float> x{-3.f, -0.5f, 0.f, 1.5f, 4.f};
    const std::vector<float> dy{1.f, 2.f, 3.f, -1.f, 0.5f};
    std::vector<float> y(x.size()), dx(x.size());
    act->forward(x.data(), y.data(), x.size());
    act->backward(x.data(), y.data(), dy.data(), dx.data(), x.size());
    EXPECT_TRUE(act->needs_input());
    for (std::size_t i = 0; i < x.size(); ++i) {
        EXPECT_FLOAT_EQ(y[i], x[i] * x[i]);
        EXPECT_FLOAT_EQ(dx[i], 2.f * x[i] * dy[i]);
    }
}

TEST(Registry, LayerAndOptimizerUseResolvedParameters) {
    Registry registry;
    ASSERT_FALSE(registry.load(fixture("fixture_valid")));

    auto layer = registry.make_layer("fixture_scale");  // factor defaults to 2
    LayerContext ctx;
    ctx.inputs = 2;
    ctx.max_batch = 2;
    layer->configure(ctx);
    EXPECT_EQ(layer->outputs(), 2);
    const float x[4] = {1.f, -2.f, 3.f, 0.5f};
    const float* y = layer->forward(x, 2, true);
    for (int i = 0; i < 4; ++i) EXPECT_FLOAT_EQ(y[i], 2.f * x[i]);
    auto tripled = registry.make_layer("fixture_scale", Params({{"factor", 3.0}}));
    tripled->configure(ctx);
    EXPECT_FLOAT_EQ(tripled->forward(x, 1, false)[1], -6.f);

    auto opt = registry.make_optimizer("fixture_sgd", Params({{"learning_rate", 0.5}}));
    float w[2] = {1.f, 2.f}, g[2] = {0.2f, -0.4f};
    ParamTensor t;
    t.name = "weights";
    t.value = w;
    t.grad = g;
    t.size = 2;
    opt->setup({t});
    opt->step(1.f);
    EXPECT_FLOAT_EQ(w[0], 0.9f);
    EXPECT_FLOAT_EQ(w[1], 2.2f);
}

TEST(Registry, MissingFileIsCannotOpen) {
    Registry registry;
    TempDir dir;
    expect_refused(registry, dir.path() / "nowhere.so", Code::cannot_open, {"cannot open: No such file"});
    expect_clean_and_usable(registry);
}

TEST(Registry, NonElfFileIsCannotOpen) {
    Registry registry;
    TempDir dir;
    const auto bogus = dir.write("bogus.so", "definitely not a shared library\n");
    expect_refused(registry, bogus, Code::cannot_open, {"cannot open: not an ELF file"});
    expect_clean_and_usable(registry);
}

TEST(Registry, NoEntrySymbolIsNotAPlugin) {
    Registry registry;
    const auto file = fixture("fixture_no_entry");
    auto e = expect_refused(registry, file, Code::not_a_plugin, {});
    EXPECT_EQ(e.message, file.string() + ": not a soma plugin (no soma_plugin_entry symbol)");
    expect_clean_and_usable(registry);
}

TEST(Registry, NoMarkerIsIncompleteDescriptor) {
    Registry registry;
    expect_refused(registry, fixture("fixture_no_marker"), Code::incomplete_descriptor,
                   {"no .soma_plugin marker section"});
    expect_clean_and_usable(registry);
}

// Sets SOMA_FIXTURE_TRIPWIRE for the scope; tripped() says whether a refused
// fixture's static initialiser ran (fixtures/tripwire.h).
class Tripwire {
public:
    Tripwire() { EXPECT_EQ(0, setenv("SOMA_FIXTURE_TRIPWIRE", file_.c_str(), 1)); }
    ~Tripwire() { unsetenv("SOMA_FIXTURE_TRIPWIRE"); }
    bool tripped() const { return fs::exists(file_); }

private:
    TempDir dir_;
    fs::path file_ = dir_.path() / "tripwire";
};

const std::string kExpects = "this soma expects " + std::to_string(SOMA_PLUGIN_ABI_VERSION);

// `fixture` is refused as an ABI mismatch with `message` after its path,
// before any of its code ran, and the registry stays clean.
void expect_refused_before_running(const std::string& fixture_name, const std::string& message) {
    Tripwire tripwire;
    Registry registry;
    const auto file = fixture(fixture_name);
    auto e = expect_refused(registry, file, Code::abi_mismatch, {});
    EXPECT_EQ(e.message, file.string() + ": " + message);
    EXPECT_FALSE(tripwire.tripped()) << fixture_name << "'s static initialiser ran";
    expect_clean_and_usable(registry);
}

TEST(Registry, WrongAbiIsRefusedBeforeAnyCodeRuns) {
    expect_refused_before_running("fixture_wrong_abi",
                                  "plugin ABI version 999, " + kExpects + "; rebuild the plugin against this soma");
}

// The fixtures built unlike the host (tests/plugin/CMakeLists.txt), each
// refused for what its marker records.
TEST(Registry, OtherOneDnnMajorIsRefusedBeforeAnyCodeRuns) {
    // Built with a dnnl_version.h that says 3.1.
    expect_refused_before_running("fixture_other_onednn",
                                  "plugin built with oneDNN 3.1, this soma uses oneDNN " +
                                      std::to_string(DNNL_VERSION_MAJOR) + "." + std::to_string(DNNL_VERSION_MINOR) +
                                      "; oneDNN objects cross the plugin boundary, so the major versions must match; "
                                      "rebuild the plugin against this soma");
}

TEST(Registry, OtherStringAbiIsRefusedBeforeAnyCodeRuns) {
    // Built with -D_GLIBCXX_USE_CXX11_ABI=0: std::string has the old layout.
    expect_refused_before_running("fixture_old_string_abi",
                                  "plugin built with _GLIBCXX_USE_CXX11_ABI=0, this soma with "
                                  "_GLIBCXX_USE_CXX11_ABI=1; std::string has another layout in each; "
                                  "rebuild the plugin against this soma");
}

TEST(Registry, NewerLibstdcxxIsRefusedBeforeAnyCodeRuns) {
    expect_refused_before_running("fixture_newer_libstdcxx",
                                  "plugin built with libstdc++ " + std::to_string(_GLIBCXX_RELEASE + 1) +
                                      ", newer than this soma's libstdc++ " + std::to_string(_GLIBCXX_RELEASE) +
                                      "; its code may need a newer C++ library than soma runs with; "
                                      "rebuild the plugin against this soma");
}

TEST(Registry, WrongAbiTripwireFiresWhenLoadedDirectly) {
    Tripwire tripwire;
    {
        boost::dll::shared_library library(boost::dll::fs::path(fixture("fixture_wrong_abi").native()),
                                           boost::dll::load_mode::rtld_local | boost::dll::load_mode::rtld_now);
        EXPECT_TRUE(tripwire.tripped());
    }
}

TEST(Registry, DescriptorAbiMismatchNamesBothVersions) {
    Registry registry;
    expect_refused(registry, fixture("fixture_descriptor_abi"), Code::abi_mismatch,
                   {"plugin descriptor ABI version 999", kExpects});
    expect_clean_and_usable(registry);
}

TEST(Registry, NullRegisterFunctionIsIncompleteDescriptor) {
    Registry registry;
    expect_refused(registry, fixture("fixture_incomplete"), Code::incomplete_descriptor,
                   {"incomplete soma plugin", "no register_features function"});
    expect_clean_and_usable(registry);
}

TEST(Registry, UnresolvedSymbolIsCannotOpenWithLoaderMessage) {
    Registry registry;
    auto e = expect_refused(registry, fixture("fixture_unresolved"), Code::cannot_open,
                            {"cannot load: ", "undefined symbol: soma_fixture_missing_function"});
    EXPECT_FALSE(contains(e.message, "boost::dll")) << e.message;
    expect_clean_and_usable(registry);
}

TEST(Registry, ThrowingRegistrationIsRefusedAndRollsBack) {
    Registry registry;
    expect_refused(registry, fixture("fixture_throws"), Code::registration_failed,
                   {"plugin 'fixture_throws' failed to register its features: boom: no GPU here"});
    EXPECT_FALSE(registry.has(Kind::activation, "fixture_thrown_before"));
    expect_clean_and_usable(registry);
}

TEST(Registry, DuplicateNameNamesBothFilesAndRollsBack) {
    Registry registry;
    ASSERT_FALSE(registry.load(fixture("fixture_valid")));
    const auto a = fixture("fixture_valid");
    const auto b = clash_fixture();
    auto e = expect_refused(registry, b, Code::duplicate_name, {});
    EXPECT_EQ(e.message, "activation 'fixture_square' from " + b.string() + " is already registered by " + a.string());
    EXPECT_FALSE(registry.has(Kind::activation, "fixture_cube"));  // staged before the clash, not committed
    EXPECT_EQ(registry.plugins().size(), 1u);
    EXPECT_EQ(registry.feature(Kind::activation, "fixture_square").path, a);
    std::vector<float> x{3.f}, y{0.f};
    registry.make_activation("fixture_square")->forward(x.data(), y.data(), 1);
    EXPECT_FLOAT_EQ(y[0], 9.f);
}

TEST(Registry, DuplicateWithinOneLibrary) {
    Registry registry;
    const auto file = fixture("fixture_duplicate_within");
    auto e = expect_refused(registry, file, Code::duplicate_name, {});
    EXPECT_EQ(e.message, "activation 'fixture_twice' is registered twice by " + file.string());
    EXPECT_FALSE(registry.has(Kind::activation, "fixture_twice"));
    expect_clean_and_usable(registry);
}

TEST(Registry, LoadingTheSameFileTwiceIsANoOp) {
    Registry registry;
    ASSERT_FALSE(registry.load(fixture("fixture_valid")));
    EXPECT_FALSE(registry.load(fixture("fixture_valid")));
    EXPECT_FALSE(registry.load(fixture("fixture_valid").parent_path() / "." / "fixture_valid.so"));
    EXPECT_EQ(registry.plugins().size(), 1u);
}

TEST(Registry, UnknownNameListsKnownNamesAndClosest) {
    Registry registry;
    ASSERT_FALSE(registry.load(fixture("fixture_valid")));
    try {
        registry.make_activation("fixture_sqare");
        FAIL() << "no exception";
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()),
                  "unknown activation 'fixture_sqare' (did you mean 'fixture_square'?); known: fixture_square");
    }
    try {
        registry.feature(Kind::optimizer, "adam");
        FAIL() << "no exception";
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()), "unknown optimizer 'adam'; known: fixture_sgd");
    }
    // A layer's name is not an activation: no fallback across kinds.
    EXPECT_THROW(registry.make_activation("fixture_scale"), Error);
    Registry empty;
    EXPECT_THROW(empty.make_layer("dense"), Error);
}

TEST(Registry, BadParametersAreNamed) {
    Registry registry;
    ASSERT_FALSE(registry.load(fixture("fixture_valid")));
    auto expect_error = [](auto make, const std::string& text) {
        try {
            make();
            ADD_FAILURE() << "no exception, expected: " << text;
        } catch (const Error& e) {
            EXPECT_TRUE(contains(e.what(), text)) << e.what();
        }
    };
    expect_error([&] { registry.make_optimizer("fixture_sgd", Params({{"learning_rate", 5.0}})); },
                 "optimizer 'fixture_sgd': parameter 'learning_rate' = 5");
    expect_error([&] { registry.make_optimizer("fixture_sgd", Params({{"warmup_steps", 2.5}})); },
                 "optimizer 'fixture_sgd': parameter 'warmup_steps' must be a whole number");
    expect_error([&] { registry.make_activation("fixture_square", Params({{"alpha", 0.1}})); },
                 "activation 'fixture_square': unknown parameter 'alpha'");
    expect_error([&] { registry.make_layer("fixture_scale", Params({{"factor", -11.0}})); },
                 "layer 'fixture_scale': parameter 'factor'");
}

TEST(Registry, LoadErrorCodeNames) {
    EXPECT_STREQ(load_error_code_name(Code::cannot_open), "cannot_open");
    EXPECT_STREQ(load_error_code_name(Code::not_a_plugin), "not_a_plugin");
    EXPECT_STREQ(load_error_code_name(Code::abi_mismatch), "abi_mismatch");
    EXPECT_STREQ(load_error_code_name(Code::incomplete_descriptor), "incomplete_descriptor");
    EXPECT_STREQ(load_error_code_name(Code::registration_failed), "registration_failed");
    EXPECT_STREQ(load_error_code_name(Code::duplicate_name), "duplicate_name");
}

}  // namespace
}  // namespace soma
