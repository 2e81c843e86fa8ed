// compare_text: two run folders, two sweeps.
#include <fstream>
#include <gtest/gtest.h>

#include "fake_sweep.h"
#include "report/report.h"

namespace soma {
namespace {

namespace fs = std::filesystem;

TEST(Compare, TwoRunFoldersSideBySideWithDifferences) {
    test::TempDir dir("cmpruns");
    auto runs = test::write_fake_sweep(dir.path());
    // sigmoid,16 seed 1 against relu,64 seed 1.
    const fs::path a = dir.path() / "runs" / runs[0].id, b = dir.path() / "runs" / "activation=relu,hidden=64,seed=1";
    const std::string text = compare_text(a, b);
    EXPECT_NE(text.find("A: " + a.string()), std::string::npos) << text;
    EXPECT_NE(text.find("B: " + b.string()), std::string::npos) << text;
    EXPECT_NE(text.find("B - A"), std::string::npos) << text;
    // parameters: 12,730 (16 units) against 50,890 (64 units), +38,160.
    EXPECT_NE(text.find("12,730"), std::string::npos) << text;
    EXPECT_NE(text.find("50,890"), std::string::npos) << text;
    EXPECT_NE(text.find("+38,160"), std::string::npos) << text;
    EXPECT_NE(text.find("best validation accuracy"), std::string::npos) << text;
    EXPECT_NE(text.find(" pp"), std::string::npos) << text;
    // The settings that differ, from config.toml.
    EXPECT_NE(text.find("model.activation"), std::string::npos) << text;
    EXPECT_NE(text.find("\"sigmoid\""), std::string::npos) << text;
    EXPECT_NE(text.find("\"relu\""), std::string::npos) << text;
    EXPECT_NE(text.find("model.hidden"), std::string::npos) << text;
}

TEST(Compare, ABrokenConfigTomlNamesItsLine) {
    test::TempDir dir("cmpbroken");
    auto runs = test::write_fake_sweep(dir.path());
    const fs::path a = dir.path() / "runs" / runs[0].id, b = dir.path() / "runs" / "activation=relu,hidden=64,seed=1";
    std::ofstream(b / "config.toml") << "[model]\nhidden = [16,\n";
    try {
        compare_text(a, b);
        FAIL() << "expected an error";
    } catch (const std::exception& e) {
        EXPECT_NE(std::string(e.what()).find((b / "config.toml").string() + ":"), std::string::npos) << e.what();
    }
    fs::remove(b / "config.toml");
    EXPECT_NE(compare_text(a, b).find("not compared, no " + b.string() + "/config.toml"), std::string::npos);
}

// A config.toml 15,000 levels deep crashed compare (stack overflow).
TEST(Compare, ADeepConfigTomlIsAnErrorNotACrash) {
    test::TempDir dir("cmpdeep");
    auto runs = test::write_fake_sweep(dir.path());
    const fs::path a = dir.path() / "runs" / runs[0].id, b = dir.path() / "runs" / "activation=relu,hidden=64,seed=1";
    std::string deep = "[a";
    for (int i = 0; i < 15000; ++i) deep += ".a";
    std::ofstream(b / "config.toml") << deep << "]\n";
    try {
        compare_text(a, b);
        FAIL() << "expected an error";
    } catch (const std::exception& e) {
        EXPECT_EQ(std::string(e.what()), (b / "config.toml").string() +
                                             ":1:2: a dotted key or table header of more than 32 parts; soma "
                                             "settings nest at most 32 levels deep");
    }
}

TEST(Compare, AFailedRunShowsItsError) {
    test::TempDir dir("cmpfailed");
    test::write_fake_sweep(dir.path());
    const std::string text = compare_text(dir.path() / "runs" / "activation=sigmoid,hidden=64,seed=1",
                                          dir.path() / "runs" / "activation=sigmoid,hidden=64,seed=4");
    EXPECT_NE(text.find("failed"), std::string::npos) << text;
    EXPECT_NE(text.find(test::fake_error()), std::string::npos) << text;
}

TEST(Compare, TwoSweepsMatchedByConfigId) {
    test::TempDir a("cmpa"), b("cmpb");
    test::FakeSweepOptions oa, ob;
    oa.extra_failed_and_diverged = ob.extra_failed_and_diverged = false;
    oa.seeds = ob.seeds = {1};
    oa.hidden = {{16}, {64}};
    ob.hidden = {{16}, {128}};  // hidden=64 only in A, hidden=128 only in B
    ob.accuracy_offset = 0.01;
    test::write_fake_sweep(a.path(), oa);
    test::write_fake_sweep(b.path(), ob);
    const std::string text = compare_text(a.path(), b.path());
    EXPECT_NE(text.find("A: " + a.path().string() + "  (sweep fake_mnist: 4 configurations, 4 runs)"),
              std::string::npos)
        << text;
    // Matched: both values and the difference on the configuration's line.
    const std::size_t line = text.find("\nactivation=relu,hidden=16 ");
    ASSERT_NE(line, std::string::npos) << text;
    const std::string row = text.substr(line + 1, text.find('\n', line + 1) - line - 1);
    EXPECT_NE(row.find("%"), std::string::npos) << row;
    EXPECT_NE(row.find("+"), std::string::npos) << row;
    EXPECT_NE(row.find(" pp"), std::string::npos) << row;
    // Compute the expected difference from the two summary.csv files.
    write_report(a.path());
    write_report(b.path());
    auto value = [](const fs::path& file, const std::string& config) {
        test::Csv csv = test::read_csv(file);
        for (const auto& row : csv.rows)
            if (row[csv.col("config_id")] == config) return std::stod(row[csv.col("rank_value")]);
        ADD_FAILURE() << "no " << config;
        return 0.0;
    };
    const double va = value(a.path() / "summary.csv", "activation=relu,hidden=16");
    const double vb = value(b.path() / "summary.csv", "activation=relu,hidden=16");
    char expect[64];
    std::snprintf(expect, sizeof expect, "%.2f%%", 100 * va);
    EXPECT_NE(row.find(expect), std::string::npos) << row << " wants " << expect;
    std::snprintf(expect, sizeof expect, "%.2f%%", 100 * vb);
    EXPECT_NE(row.find(expect), std::string::npos) << row << " wants " << expect;
    std::snprintf(expect, sizeof expect, "%+.2f pp", 100 * (vb - va));
    EXPECT_NE(row.find(expect), std::string::npos) << row << " wants " << expect;
    // Unmatched configurations, in rank order.
    EXPECT_NE(text.find("only in A: activation=relu,hidden=64, activation=sigmoid,hidden=64\n"), std::string::npos)
        << text;
    EXPECT_NE(text.find("only in B: activation=relu,hidden=128, activation=sigmoid,hidden=128\n"), std::string::npos)
        << text;
}

TEST(Compare, RunAgainstSweepComparesTheBestConfigurations) {
    test::TempDir dir("cmpmixed");
    test::write_fake_sweep(dir.path());
    const std::string text = compare_text(dir.path() / "runs" / "activation=relu,hidden=64,seed=2", dir.path());
    EXPECT_NE(text.find("no configuration in common"), std::string::npos) << text;
    EXPECT_NE(text.find("(run folder"), std::string::npos) << text;
}

TEST(Compare, MissingFolderIsAnError) {
    test::TempDir dir("cmpmissing");
    EXPECT_THROW(compare_text(dir.path() / "a", dir.path() / "b"), Error);
}

}  // namespace
}  // namespace soma
