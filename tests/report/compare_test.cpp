// compare_text: two run folders, two sweeps.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

#include <nlohmann/json.hpp>

#include "fake_sweep.h"
#include "report/report.h"
#include "train/run_summary.h"

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
    EXPECT_NE(text.find("test accuracy at the chosen epoch"), std::string::npos) << text;
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
    // Compute the expected values from the two summary.csv files: the test
    // accuracy at the chosen epoch, and B - A in points.
    write_report(a.path());
    write_report(b.path());
    auto value = [](const fs::path& file, const std::string& config) {
        test::Csv csv = test::read_csv(file);
        for (const auto& row : csv.rows)
            if (row[csv.col("config_id")] == config) return std::stod(row[csv.col("test_accuracy_mean")]);
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
    std::snprintf(expect, sizeof expect, "%+.2f  ", 100 * (vb - va));
    EXPECT_NE(row.find(expect), std::string::npos) << row << " wants " << expect;
    // One seed each: a difference, but no interval and no test.
    EXPECT_EQ(row.find("("), std::string::npos) << row;
    // Unmatched configurations, in rank order.
    EXPECT_NE(text.find("only in A: activation=relu,hidden=64, activation=sigmoid,hidden=64\n"), std::string::npos)
        << text;
    EXPECT_NE(text.find("only in B: activation=relu,hidden=128, activation=sigmoid,hidden=128\n"), std::string::npos)
        << text;
}

// Seeds shared on the same data: a paired test per configuration, with the
// difference's interval and a Holm-adjusted p-value; identical sweeps differ by 0.
TEST(Compare, SweepsWithSeedsGetIntervalsAndPValues) {
    test::TempDir a("cmpsa"), b("cmpsb"), same("cmpsame");
    test::FakeSweepOptions oa;
    oa.extra_failed_and_diverged = false;
    test::FakeSweepOptions ob = oa;
    ob.accuracy_offset = 0.01;
    test::write_fake_sweep(a.path(), oa);
    test::write_fake_sweep(b.path(), ob);
    test::write_fake_sweep(same.path(), oa);
    std::string text = compare_text(a.path(), b.path());
    EXPECT_NE(text.find("B - A test"), std::string::npos) << text;
    EXPECT_NE(text.find("B - A val"), std::string::npos) << text;
    EXPECT_NE(text.find("Holm-adjusted over the 4 configurations"), std::string::npos) << text;
    const std::size_t line = text.find("\nactivation=sigmoid,hidden=64 ");
    ASSERT_NE(line, std::string::npos) << text;
    const std::string row = text.substr(line + 1, text.find('\n', line + 1) - line - 1);
    // The paired differences recomputed from the runs' summaries: mean and
    // 95% interval, t(0.975, 2) = 4.303 (NIST/SEMATECH t table).
    std::vector<double> d;
    for (int seed = 1; seed <= 3; ++seed) {
        const std::string run = "runs/activation=sigmoid,hidden=64,seed=" + std::to_string(seed) + "/summary.json";
        d.push_back(read_run_summary(b.path() / run).chosen_test_accuracy -
                    read_run_summary(a.path() / run).chosen_test_accuracy);
    }
    const double mean = (d[0] + d[1] + d[2]) / 3;
    const double sd = std::sqrt(((d[0] - mean) * (d[0] - mean) + (d[1] - mean) * (d[1] - mean) +
                                 (d[2] - mean) * (d[2] - mean)) / 2);
    const double half = 4.302653 * sd / std::sqrt(3.0);
    char cell[64];
    std::snprintf(cell, sizeof cell, "  %+.2f ± %.2f  ", 100 * mean, 100 * half);
    EXPECT_NE(row.find(cell), std::string::npos) << row << " wants " << cell;
    EXPECT_NE(row.find("< 0.001"), std::string::npos) << row;
    // Every configuration paired: the legend says so, no column per row.
    EXPECT_NE(text.find("p: two-sided paired t-test over the seeds both sides ran on the same data split"),
              std::string::npos)
        << text;

    text = compare_text(a.path(), same.path());
    const std::size_t l2 = text.find("\nactivation=sigmoid,hidden=64 ");
    const std::string r2 = text.substr(l2 + 1, text.find('\n', l2 + 1) - l2 - 1);
    EXPECT_NE(r2.find("+0.00 ± 0.00  1 "), std::string::npos) << r2;
    EXPECT_NE(text.find("\nA: activation=relu,hidden=64"), std::string::npos) << text;  // each side's verdict
}

TEST(Compare, RunAgainstSweepComparesTheBestConfigurations) {
    test::TempDir dir("cmpmixed");
    test::write_fake_sweep(dir.path());
    const std::string text = compare_text(dir.path() / "runs" / "activation=relu,hidden=64,seed=2", dir.path());
    EXPECT_NE(text.find("no configuration in common"), std::string::npos) << text;
    EXPECT_NE(text.find("(run folder"), std::string::npos) << text;
}

// The run's summary.json with the instruction sets its provenance records.
void set_instruction_sets(const fs::path& run, const std::string& onednn, const std::string& vector) {
    nlohmann::json j = nlohmann::json::parse(test::read_text(run / "summary.json"));
    j["provenance"]["onednn_isa"] = onednn;
    j["provenance"]["vector_isa"] = vector;
    test::write_text(run / "summary.json", j.dump(2));
}

TEST(Compare, SaysWhenTheRunsRanOnOtherInstructionSets) {
    test::TempDir dir("cmpisa");
    auto runs = test::write_fake_sweep(dir.path());
    const fs::path a = dir.path() / "runs" / runs[0].id, b = dir.path() / "runs" / "activation=relu,hidden=64,seed=1";
    const std::string note = "note: the runs ran on different instruction sets";
    // Without provenance (a soma before it) there is nothing to say.
    EXPECT_EQ(compare_text(a, b).find(note), std::string::npos);
    set_instruction_sets(a, "avx2", "x86-64-v3 (AVX2 + FMA)");
    set_instruction_sets(b, "avx2", "x86-64-v3 (AVX2 + FMA)");
    EXPECT_EQ(compare_text(a, b).find(note), std::string::npos);
    EXPECT_EQ(nlohmann::json::parse(compare_json(a, b))["instruction_sets"]["same"], true);

    set_instruction_sets(b, "avx512_core", "x86-64-v4 (AVX-512)");
    const std::string text = compare_text(a, b, 200);
    EXPECT_NE(text.find(note + " (oneDNN / soma's vector loops): A on avx2 / x86-64-v3 (AVX2 + FMA), B on "
                               "avx512_core / x86-64-v4 (AVX-512)."),
              std::string::npos)
        << text;
    const nlohmann::json j = nlohmann::json::parse(compare_json(a, b));
    EXPECT_EQ(j["instruction_sets"]["same"], false);
    EXPECT_EQ(j["instruction_sets"]["b"][0], "avx512_core / x86-64-v4 (AVX-512)");
}

TEST(Compare, MissingFolderIsAnError) {
    test::TempDir dir("cmpmissing");
    EXPECT_THROW(compare_text(dir.path() / "a", dir.path() / "b"), Error);
}

}  // namespace
}  // namespace soma
