// check_plugin(): every built-in plugin passes; deliberately broken fixture
// plugins fail exactly the check that describes what is wrong with them, a
// crashing or hanging one included; the conformance suite's wrapper and
// `soma plugin check` fail a broken plugin with the same message.
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "plugin/registry.h"
#include "soma/plugin.h"
#include "support/builtin_plugins.h"
#include "support/plugin_checks.h"
#include "tooling/check_parts.h"
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

std::string fixture_path(const std::string& library) { return (kFixtures / (library + ".so")).string(); }

CheckReport check_fixture(const std::string& library, const CheckOptions& options = {}) {
    Registry registry;
    return check_plugin(fixture_path(library), registry, options);
}

const std::string& detail_of(const CheckReport& report, const std::string& name) {
    const CheckResult* c = find(report, name);
    static const std::string none = "(no such check)";
    return c ? c->detail : none;
}

#define EXPECT_CONTAINS(text, part) EXPECT_NE((text).find(part), std::string::npos) << "missing: " << (part) << "\nin:\n" << (text)

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
                              "activation silu: lengths", "activation silu: oneDNN",
                              "activation silu: network (generic)", "activation silu: network (oneDNN)",
                              "activation silu: speed"})
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
    // The registry is left as it was: the checks ran in child processes.
    EXPECT_FALSE(registry.has(Kind::layer, "fixture_scale"));
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
    // The network gradient uses the same wrong f'.
    expect_failed_only(report, {"activation bad_derivative: derivative", "activation bad_derivative: network (generic)"});
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

// --- the state checks: what a resumed run needs is exposed -------------------------

// tooling_hidden_state.cpp: an optimizer whose momentum and a layer whose
// random generator state() leaves out, and an optimizer whose state() has no
// blocks until its first step; each fails its state check, saying where the
// copy first differs or what changed, and nothing else.
TEST(CheckPlugin, StateThatStateDoesNotReturnFailsTheStateChecks) {
    const CheckReport report = check_fixture("tooling_hidden_state");
    expect_failed_only(report,
                       {"optimizer hidden_momentum: state", "optimizer lazy_momentum: state", "layer hidden_rng: state"});
    EXPECT_EQ(detail_of(report, "optimizer lazy_momentum: state"),
              "state() gives 0 blocks (none) after setup(), 2 blocks (velocity.0 40 B, velocity.1 12 B) after 7 steps: "
              "it must give the same blocks on every call");
    const std::string& optimizer = detail_of(report, "optimizer hidden_momentum: state");
    EXPECT_CONTAINS(optimizer, "7 steps, then the weights and state() (none) copied into a fresh instance: step 1 of "
                               "the next 10: weights[0] is ");
    EXPECT_CONTAINS(optimizer, " in the copy: step() keeps state that state() does not return (momentum, a step "
                               "count, ...)");
    const std::string& layer = detail_of(report, "layer hidden_rng: state");
    EXPECT_CONTAINS(layer, "3 training steps, then the parameters, buffers and state() (none) copied into a freshly "
                           "configured layer: training step 1 of the next 5: output[");
    EXPECT_CONTAINS(layer, ": forward or backward keeps state that state() does not return (a random generator, a "
                           "step count, ...)");
}

TEST(CheckPlugin, OptimizerAndLayerReportsHaveTheStateCheck) {
    Registry registry;
    registry.load_folders({SOMA_TEST_PLUGIN_DIR});
    const CheckReport adam = check_plugin("adam", registry);
    ASSERT_NE(find(adam, "optimizer adam: state"), nullptr) << adam.text();
    EXPECT_TRUE(find(adam, "optimizer adam: state")->passed) << adam.text();
    EXPECT_CONTAINS(find(adam, "optimizer adam: state")->detail,
                    "(step 8 B, m.0 40 B, m.1 12 B, v.0 40 B, v.1 12 B) copied into a fresh instance: the next 10 "
                    "steps agree bit for bit");
    const CheckReport dropout = check_plugin("dropout", registry);
    ASSERT_NE(find(dropout, "layer dropout: state"), nullptr) << dropout.text();
    EXPECT_TRUE(find(dropout, "layer dropout: state")->passed) << dropout.text();
    EXPECT_CONTAINS(find(dropout, "layer dropout: state")->detail, "state() (rng 8 B)");
    EXPECT_CONTAINS(dropout.text(), "PASS  layer dropout: state ");
}

// The state checks judge the layout of state() too, in the process here.
TEST(StateCheck, LayoutHelpersNameWhatDiffers) {
    std::vector<float> m(4), v(3), other(5);
    long long step = 0;
    const std::vector<StateBlock> blocks = {state_block("step", step), state_block("m.0", m), state_block("v.0", v)};
    EXPECT_EQ(tooling::state_names_problem(blocks), "");
    EXPECT_EQ(tooling::state_names_problem({state_block("m", m), state_block("m", v)}),
              "state() gives two blocks named \"m\": names must be unique");
    EXPECT_EQ(tooling::state_names_problem({state_block("", m)}), "state() gives block 0 without a name");
    EXPECT_EQ(tooling::state_layout_difference(blocks, "here", blocks, "there"), "");
    EXPECT_EQ(tooling::state_layout_difference(blocks, "after setup()", {state_block("step", step)}, "later"),
              "state() gives 3 blocks (step 8 B, m.0 16 B, v.0 12 B) after setup(), 1 block (step 8 B) later: it must give "
              "the same blocks on every call");
    EXPECT_EQ(tooling::state_layout_difference({state_block("m.0", m)}, "a", {state_block("v.0", m)}, "b"),
              "state()'s block 0 is \"m.0\" a, \"v.0\" b: it must give the same blocks on every call");
    EXPECT_EQ(tooling::state_layout_difference({state_block("m.0", m)}, "a", {state_block("m.0", other)}, "b"),
              "state()'s block \"m.0\" has 16 bytes a, 20 b: it must give the same blocks on every call");
    std::vector<float> m2 = {1.f, 2.f, 3.f, 4.f};
    long long step2 = 41;
    tooling::copy_state({state_block("step", step2), state_block("m.0", m2)},
                        {state_block("step", step), state_block("m.0", m)});
    EXPECT_EQ(step, 41);
    EXPECT_EQ(m, m2);
    const float a[] = {1.f, 0.1f}, b[] = {1.f, std::nextafter(0.1f, 1.f)};
    EXPECT_EQ(tooling::first_difference("w", a, a, 2), "");
    EXPECT_EQ(tooling::first_difference("w", a, b, 2), "w[1] is 0.100000001 in the original, 0.100000009 in the copy");
}

// --- the derivative check: kinks only where they are ----------------------------

// The derivative check of a feature with `params`, run here in the process.
CheckResult derivative_of(const Registry& registry, const std::string& name, const Params& params = {}) {
    return tooling::run_check(tooling::CheckId::derivative, {registry, Kind::activation, name, params});
}

TEST(DerivativeCheck, SmoothFunctionWithLargeCurvatureHasNoKinks) {
    // sin at +-80 bends by 0.08 between the one-sided slopes of the old
    // single-step test, which reported "2 kink(s)".
    Registry registry;
    ASSERT_FALSE(registry.load(fixture_path("tooling_sin")));
    const CheckResult r = derivative_of(registry, "sin");
    EXPECT_TRUE(r.passed) << r.detail;
    EXPECT_EQ(r.number("kinks"), 0) << r.detail;
    EXPECT_EQ(r.detail.find("kink"), std::string::npos) << r.detail;
}

TEST(DerivativeCheck, ReportsTheKinksThatAreThere) {
    const Registry& builtins = test::builtin_registry();
    struct Case {
        std::string name;
        Params params;
        int kinks;
        std::string where;
    };
    const std::vector<Case> cases = {
        {"relu", {}, 1, "kink at 0 "},
        {"leaky_relu", {}, 1, "kink at 0 "},
        {"hard_sigmoid", {}, 2, "kinks at -3, 3 "},
        {"elu", Params({{"alpha", 0.5}}), 1, "kink at 0 "},  // slopes 0.5 and 1 meet at 0
        {"elu", {}, 0, ""},                                  // alpha = 1: e^x meets slope 1 smoothly
        {"softplus", {}, 0, ""},
    };
    for (const Case& c : cases) {
        const CheckResult r = derivative_of(builtins, c.name, c.params);
        EXPECT_TRUE(r.passed) << c.name << ": " << r.detail;
        EXPECT_EQ(r.number("kinks"), c.kinks) << c.name << ": " << r.detail;
        if (c.kinks) {
            EXPECT_CONTAINS(r.detail, c.where);
        } else {
            EXPECT_EQ(r.detail.find("kink"), std::string::npos) << c.name << ": " << r.detail;
        }
    }
}

// --- declarations about what the backward reads -------------------------------------

// tooling_declarations.cpp: three correct functions with wrong or wasteful
// declarations of what their backward reads.
TEST(CheckPlugin, DeclarationsOfWhatTheBackwardReadsAreNamed) {
    const CheckReport report = check_fixture("tooling_declarations");
    const auto expect = [&](const std::string& check, bool passed, const std::string& part) {
        const CheckResult* c = find(report, check);
        ASSERT_NE(c, nullptr) << check << " missing from\n" << report.text();
        EXPECT_EQ(c->passed, passed) << report.text();
        EXPECT_CONTAINS(c->detail, part);
    };
    // f' reads x, declared to read only y: its df gets NaN for x.
    expect("activation reads_x: derivative", false,
           "df reads x, but the activation declares that backward reads only y (uses_input = false), so df gets NaN "
           "for x; that declaration is the likely cause");
    // The reverse: f' reads only y, declared to read x; nothing fails, a note says so.
    expect("activation ignores_x: make", true,
           "df gave the same f' with x withheld: uses_input = false would let the network keep only y");
    expect("activation ignores_x: derivative", true, "134 points");
    EXPECT_EQ(detail_of(report, "activation reads_x: make").find("withheld"), std::string::npos);
    // oneDNN's backward reads x, declared as reading the output.
    expect("activation onednn_reads_x: oneDNN", false,
           "backward_reads = Reads::output is the likely cause: eltwise_gelu_tanh reads x");
    expect("activation onednn_reads_x: derivative", true, "134 points");
}

// --- plugins that crash or hang ----------------------------------------------------------

TEST(CheckPlugin, SegfaultingPluginFailsTheRunningCheckAndTheRestStillRun) {
    const CheckReport report = check_fixture("tooling_crashes");
    expect_failed_only(report, {"activation crashes_on_nan: NaN"});
    const std::string& d = detail_of(report, "activation crashes_on_nan: NaN");
    EXPECT_CONTAINS(d, "while this check ran");
#if defined(__SANITIZE_ADDRESS__)
    EXPECT_TRUE(d.find("SIGSEGV") != std::string::npos || d.find("exited with status") != std::string::npos) << d;
#else
    EXPECT_CONTAINS(d, "crashed: the check process was killed by signal 11 (SIGSEGV, Segmentation fault)");
#endif
    // The checks after it ran in a new process.
    for (const char* after : {"activation crashes_on_nan: lengths", "activation crashes_on_nan: speed"})
        EXPECT_NE(find(report, after), nullptr) << after << " missing from\n" << report.text();
    EXPECT_CONTAINS(report.text(), "verdict: FAIL (1 of ");
}

TEST(CheckPlugin, PluginCrashingWhileLoadingFailsTheLoadsCheck) {
    const CheckReport report = check_fixture("tooling_crashes_on_load");
    ASSERT_EQ(report.checks.size(), 1u) << report.text();
    EXPECT_EQ(report.checks[0].name, "loads");
    EXPECT_FALSE(report.checks[0].passed);
    EXPECT_CONTAINS(report.checks[0].detail, "while this check ran");
}

TEST(CheckPlugin, HangingPluginFailsTheRunningCheckAfterTheTimeLimit) {
    CheckOptions options;
    options.time_limit = std::chrono::seconds(5);
    const CheckReport report = check_fixture("tooling_hangs", options);
    expect_failed_only(report, {"activation hangs_on_nan: NaN"});
    EXPECT_EQ(detail_of(report, "activation hangs_on_nan: NaN"),
              "did not finish within 5 s and was stopped (an endless loop?) while this check ran");
    EXPECT_NE(find(report, "activation hangs_on_nan: lengths"), nullptr) << report.text();
}

// --- one implementation --------------------------------------------------------------------

// What a `FAIL  NAME   DETAIL` line of a report's text says about check NAME.
std::string failed_detail(const std::string& text, const std::string& name) {
    const std::string start = "FAIL  " + name + " ";
    const std::size_t at = text.find(start);
    if (at == std::string::npos) return "(no FAIL line for " + name + ")";
    const std::size_t from = text.find_first_not_of(' ', at + start.size());
    return text.substr(from, text.find('\n', from) - from);
}

// The conformance suite and `soma plugin check` run the same code: a broken
// fixture fails the GoogleTest wrapper every conformance test uses
// (EXPECT_CHECK_PASSES), check_plugin() and the soma executable, each with
// the same message.
TEST(SameChecks, BrokenFixtureFailsTheConformanceWrapperAndPluginCheckAlike) {
    const std::string path = fixture_path("tooling_bad_derivative");
    const std::string name = "activation bad_derivative: derivative";

    Registry registry;
    ASSERT_FALSE(registry.load(path));
    tooling::add_support_plugins(registry, Kind::activation);
    ::testing::TestPartResultArray failures;
    {
        ::testing::ScopedFakeTestPartResultReporter capture(
            ::testing::ScopedFakeTestPartResultReporter::INTERCEPT_ONLY_CURRENT_THREAD, &failures);
        EXPECT_CHECK_PASSES(tooling::CheckId::derivative, (tooling::Subject{registry, Kind::activation, "bad_derivative"}));
    }
    ASSERT_EQ(failures.size(), 1);
    const std::string gtest_message = failures.GetTestPartResult(0).message();

    const CheckReport report = check_fixture("tooling_bad_derivative");
    const std::string detail = detail_of(report, name);
    EXPECT_FALSE(find(report, name)->passed);
    EXPECT_CONTAINS(detail, "finite differences give");
    EXPECT_CONTAINS(gtest_message, "Actual: false (" + name + ": " + detail + ")");

    const std::string command = SOMA_BINARY_DIR "/bin/soma plugin check " + path + " 2>&1";
    std::string cli;
    if (std::FILE* p = ::popen(command.c_str(), "r")) {
        char buf[4096];
        for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) cli.append(buf, n);
        EXPECT_NE(::pclose(p), 0) << "soma plugin check passed a broken plugin:\n" << cli;
    }
    EXPECT_EQ(failed_detail(cli, name), detail) << cli;
}

}  // namespace
}  // namespace soma
