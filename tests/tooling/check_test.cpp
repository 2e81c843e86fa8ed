// check_plugin(): every built-in plugin passes; deliberately broken fixture
// plugins fail exactly the check that describes what is wrong with them.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "plugin/registry.h"
#include "soma/plugin.h"
#include "tooling/plugin_check.h"

namespace soma {
namespace {

namespace fs = std::filesystem;

const fs::path kFixtures = fs::path(SOMA_FIXTURE_DIR) / "tooling";

std::vector<std::string> built_in_plugins() {
    std::vector<std::string> files;
    std::error_code ec;
    for (fs::directory_iterator it(SOMA_TEST_PLUGIN_DIR, ec), end; !ec && it != end; it.increment(ec))
        if (it->path().extension() == ".so") files.push_back(it->path().stem().string());
    std::sort(files.begin(), files.end());
    return files;
}

const CheckResult* find(const CheckReport& report, const std::string& name) {
    for (const CheckResult& c : report.checks)
        if (c.name == name) return &c;
    return nullptr;
}

// The report failed exactly the checks named, and has every one of them.
// The timing is left out: how fast a fixture runs against relu depends on
// the machine (the built-in plugins' test covers it).
void expect_failed_only(const CheckReport& report, const std::vector<std::string>& failing) {
    EXPECT_FALSE(report.passed()) << report.text();
    for (const std::string& name : failing) {
        const CheckResult* c = find(report, name);
        ASSERT_NE(c, nullptr) << "no check '" << name << "' in\n" << report.text();
        EXPECT_FALSE(c->passed) << report.text();
    }
    for (const CheckResult& c : report.checks) {
        const bool timing = c.name.size() > 7 && c.name.compare(c.name.size() - 7, 7, ": speed") == 0;
        if (!timing && std::find(failing.begin(), failing.end(), c.name) == failing.end()) {
            EXPECT_TRUE(c.passed) << c.name << " should pass:\n" << report.text();
        }
    }
}

CheckReport check_fixture(const std::string& library) {
    Registry registry;
    return check_plugin((kFixtures / (library + ".so")).string(), registry);
}

class BuiltInPlugin : public ::testing::TestWithParam<std::string> {};

TEST_P(BuiltInPlugin, PassesEveryCheck) {
    Registry registry;
    const std::string path = std::string(SOMA_TEST_PLUGIN_DIR) + "/" + GetParam() + ".so";
    const CheckReport report = check_plugin(path, registry);
    EXPECT_TRUE(report.passed()) << report.text();
    ASSERT_FALSE(report.checks.empty());
    EXPECT_EQ(report.checks.front().name, "loads");
    // Beyond "loads": a description and at least one real check per feature.
    EXPECT_GE(report.checks.size(), 4u) << report.text();
}

INSTANTIATE_TEST_SUITE_P(Plugins, BuiltInPlugin, ::testing::ValuesIn(built_in_plugins()),
                         [](const ::testing::TestParamInfo<std::string>& info) { return info.param; });

TEST(CheckPlugin, ActivationReportHasEveryCheck) {
    Registry registry;
    const CheckReport report = check_plugin(std::string(SOMA_TEST_PLUGIN_DIR) + "/silu.so", registry);
    ASSERT_TRUE(report.passed()) << report.text();
    for (const char* check : {"loads", "activation silu: description", "activation silu: make",
                              "activation silu: derivative", "activation silu: finite", "activation silu: NaN",
                              "activation silu: lengths", "activation silu: oneDNN", "activation silu: speed"})
        EXPECT_NE(find(report, check), nullptr) << check << " missing from\n" << report.text();
    EXPECT_NE(find(report, "activation silu: oneDNN")->detail.find("eltwise_swish"), std::string::npos);
    EXPECT_NE(find(report, "activation silu: speed")->detail.find("ns/element"), std::string::npos);
    EXPECT_NE(find(report, "activation silu: speed")->detail.find("relu"), std::string::npos);
}

TEST(CheckPlugin, TextHasOneLinePerCheckAndAVerdict) {
    Registry registry;
    const CheckReport report = check_plugin(std::string(SOMA_TEST_PLUGIN_DIR) + "/relu.so", registry);
    const std::string text = report.text();
    std::size_t lines = 0, pass = 0;
    std::string last;
    for (std::size_t start = 0; start < text.size();) {
        const std::size_t end = text.find('\n', start);
        last = text.substr(start, end - start);
        pass += last.rfind("PASS  ", 0) == 0;
        ++lines;
        start = end + 1;
    }
    EXPECT_EQ(lines, report.checks.size() + 2) << text;  // "checking ..." + checks + verdict
    EXPECT_EQ(pass, report.checks.size()) << text;
    EXPECT_EQ(last, "verdict: PASS (" + std::to_string(report.checks.size()) + " checks)");
}

TEST(CheckPlugin, ChecksALoadedPluginByName) {
    Registry registry;
    registry.load_folders({SOMA_TEST_PLUGIN_DIR});
    const CheckReport by_plugin = check_plugin("sigmoid", registry);
    EXPECT_TRUE(by_plugin.passed()) << by_plugin.text();
    EXPECT_EQ(by_plugin.checks.front().name, "found");
    EXPECT_NE(find(by_plugin, "activation sigmoid: derivative"), nullptr);
    const CheckReport optimizer = check_plugin("adam", registry);
    EXPECT_TRUE(optimizer.passed()) << optimizer.text();
    EXPECT_NE(find(optimizer, "optimizer adam: converges"), nullptr) << optimizer.text();
}

TEST(CheckPlugin, UnknownNameGetsTheRegistrysMessage) {
    Registry registry;
    registry.load_folders({SOMA_TEST_PLUGIN_DIR});
    const CheckReport report = check_plugin("sigmod", registry);
    ASSERT_EQ(report.checks.size(), 1u);
    EXPECT_FALSE(report.passed());
    EXPECT_EQ(report.checks[0].name, "found");
    EXPECT_NE(report.checks[0].detail.find("unknown plugin 'sigmod' (did you mean 'sigmoid'?)"), std::string::npos)
        << report.checks[0].detail;
    EXPECT_NE(report.text().find("verdict: FAIL"), std::string::npos);
}

TEST(CheckPlugin, MissingFileFailsToLoad) {
    Registry registry;
    const CheckReport report = check_plugin("/nonexistent/nothing.so", registry);
    ASSERT_EQ(report.checks.size(), 1u);
    EXPECT_EQ(report.checks[0].name, "loads");
    EXPECT_FALSE(report.checks[0].passed);
    EXPECT_NE(report.checks[0].detail.find("/nonexistent/nothing.so"), std::string::npos);
}

TEST(CheckPlugin, WrongAbiReportsBothNumbers) {
    const CheckReport report = check_fixture("tooling_wrong_abi");
    ASSERT_EQ(report.checks.size(), 1u) << report.text();
    EXPECT_EQ(report.checks[0].name, "loads");
    EXPECT_FALSE(report.passed());
    const std::string& d = report.checks[0].detail;
    EXPECT_NE(d.find("ABI version 999"), std::string::npos) << d;
    EXPECT_NE(d.find("this soma expects " + std::to_string(SOMA_PLUGIN_ABI_VERSION)), std::string::npos) << d;
    EXPECT_NE(report.text().find("FAIL  loads"), std::string::npos) << report.text();
}

TEST(CheckPlugin, WrongDerivativeFailsTheDerivativeCheck) {
    const CheckReport report = check_fixture("tooling_bad_derivative");
    expect_failed_only(report, {"activation bad_derivative: derivative"});
    EXPECT_NE(find(report, "activation bad_derivative: derivative")->detail.find("finite differences give"),
              std::string::npos);
}

TEST(CheckPlugin, InfForLargeInputFailsTheFiniteCheck) {
    const CheckReport report = check_fixture("tooling_inf_large");
    expect_failed_only(report, {"activation inf_for_large_x: finite"});
    // The smallest input that overflows comes first.
    EXPECT_EQ(find(report, "activation inf_for_large_x: finite")->detail.rfind("f(88.8) = inf, ", 0), 0u)
        << report.text();
}

TEST(CheckPlugin, FusedAlgorithmDisagreeingWithGenericFailsTheOneDnnCheck) {
    const CheckReport report = check_fixture("tooling_fused_mismatch");
    expect_failed_only(report, {"activation fused_mismatch: oneDNN"});
    EXPECT_NE(find(report, "activation fused_mismatch: oneDNN")->detail.find("eltwise_logistic"), std::string::npos);
}

TEST(CheckPlugin, DivergingOptimizerFailsConvergence) {
    const CheckReport report = check_fixture("tooling_diverges");
    expect_failed_only(report, {"optimizer diverges: converges"});
    EXPECT_NE(find(report, "optimizer diverges: converges")->detail.find("diverges"), std::string::npos)
        << report.text();
}

TEST(CheckPlugin, WrongLayerInputGradientFailsItsCheck) {
    const CheckReport report = check_fixture("tooling_bad_layer");
    // The dense before it in the network receives the wrong dx too.
    expect_failed_only(report, {"layer bad_scale: input gradient", "layer bad_scale: network gradient"});
    EXPECT_TRUE(find(report, "layer bad_scale: parameter gradients")->passed);
}

}  // namespace
}  // namespace soma
