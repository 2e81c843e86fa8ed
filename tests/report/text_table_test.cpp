// toolkit/text_table: the one renderer of terminal tables; and the tables of
// compare and the ranking fitted to 100 columns.
#include <gtest/gtest.h>

#include <sstream>

#include "fake_sweep.h"
#include "report/report.h"
#include "toolkit/format.h"
#include "toolkit/json.h"
#include "toolkit/text_table.h"

namespace soma {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

// In terminal columns ("±" is one).
std::size_t widest(const std::string& text) {
    std::size_t w = 0;
    for (const std::string& l : lines_of(text)) w = std::max(w, text_width(l));
    return w;
}

TEST(WrapText, BreaksAfterSpacesCommasAndSlashesAndCutsLongWords) {
    EXPECT_EQ(wrap_text("one two three", 7), (std::vector<std::string>{"one two", "three"}));
    EXPECT_EQ(wrap_text("activation=relu,hidden=16x16", 16),
              (std::vector<std::string>{"activation=relu,", "hidden=16x16"}));
    EXPECT_EQ(wrap_text("/a/long/path/x.so", 8), (std::vector<std::string>{"/a/long/", "path/", "x.so"}));
    EXPECT_EQ(wrap_text("abcdefghij", 4), (std::vector<std::string>{"abcd", "efgh", "ij"}));
    EXPECT_EQ(wrap_text("kept\nas is", 0), (std::vector<std::string>{"kept", "as is"}));
    EXPECT_EQ(wrap_text("fits", 10), (std::vector<std::string>{"fits"}));
}

TEST(TextTable, UnlimitedIsAlignedUnderAnUnderline) {
    TextTable t;
    t.columns = {{"name"}, {"value", true}};
    t.rows = {{"a", "1"}, {"longer", "1,000"}};
    EXPECT_EQ(render_text_table(t, 0), "name    value\n"
                                       "-------------\n"
                                       "a           1\n"
                                       "longer  1,000\n");
}

TEST(TextTable, FitsByWrappingHeadersThenWrappingColumns) {
    TextTable t;
    t.columns = {{"configuration", false, true}, {"best validation accuracy", true}, {"notes", false, true}};
    t.rows = {{"activation=relu,hidden=16x16", "97.1%", "a description that is long enough to wrap"}};
    const std::string wide = render_text_table(t, 0);
    EXPECT_EQ(lines_of(wide).size(), 3u) << wide;
    // 42 columns: the header of the number column wraps first, then the text
    // columns, down to their longest words ("activation=relu," and "description").
    const std::string fitted = render_text_table(t, 42);
    EXPECT_LE(widest(fitted), 42u) << fitted;
    // Narrower still: words split at '=' ("activation=" / "relu,"), down to
    // the header "configuration"; then nothing more to give.
    EXPECT_EQ(widest(render_text_table(t, 30)), 13u + 2 + 10 + 2 + 11);
    EXPECT_NE(fitted.find("validation"), std::string::npos) << fitted;
    EXPECT_NE(fitted.find("97.1%"), std::string::npos) << fitted;
    for (const char* piece : {"activation=relu,", "hidden=16x16", "description"})
        EXPECT_NE(fitted.find(piece), std::string::npos) << piece << "\n" << fitted;
    // Headers sit on the underline: the last header line is just above it.
    const auto lines = lines_of(fitted);
    std::size_t underline = 0;
    while (lines[underline].find_first_not_of('-') != std::string::npos) ++underline;
    EXPECT_NE(lines[underline - 1].find("accuracy"), std::string::npos) << fitted;
}

TEST(TextTable, ColumnsThatCannotWrapStayWider) {
    TextTable t;
    t.columns = {{"a"}, {"b"}};
    t.rows = {{std::string(30, 'x'), std::string(30, 'y')}};
    EXPECT_EQ(widest(render_text_table(t, 40)), 62u);
}

TEST(TextTable, NotesGoUnderTheirRowFromTheSecondColumn) {
    TextTable t;
    t.columns = {{"kind"}, {"name"}};
    t.rows = {{"layer", "dense"}, {"activation", "relu"}};
    t.notes = {"parameters: units=0", ""};
    EXPECT_EQ(render_text_table(t, 0), "kind        name\n"
                                       "-----------------\n"
                                       "layer       dense\n"
                                       "            parameters: units=0\n"
                                       "activation  relu\n");
}

TEST(Fitted, CompareAndRankingOfLongConfigurationsFit100Columns) {
    test::TempDir a("fita"), b("fitb");
    test::FakeSweepOptions o;
    o.hidden = {{128, 64}, {16, 16, 16}};
    o.activations = {"leaky_relu", "sigmoid"};
    o.experiment = "a_long_experiment_name";
    test::write_fake_sweep(a.path(), o);
    o.accuracy_offset = 0.01;
    test::write_fake_sweep(b.path(), o);
    const std::string wide = compare_text(a.path(), b.path(), 0);
    ASSERT_GT(widest(wide), 100u) << wide;
    const std::string cmp = compare_text(a.path(), b.path(), 100);
    EXPECT_LE(widest(cmp), 100u) << cmp;
    EXPECT_NE(cmp.find("activation=leaky_relu,hidden=128x64"), std::string::npos) << cmp;
    EXPECT_NE(cmp.find("+0.96 ± 0.01  < 0.001"), std::string::npos) << cmp;  // B - A and its p on one line
    const std::string ranking = ranked_table_text(a.path(), 100);
    EXPECT_LE(widest(ranking.substr(0, ranking.find("failed runs:"))), 100u) << ranking;
    EXPECT_NE(ranking.find("leaky_relu,"), std::string::npos) << ranking;
    const std::string runs = compare_text(a.path() / "runs" / "activation=leaky_relu,hidden=128x64,seed=1",
                                          b.path() / "runs" / "activation=sigmoid,hidden=16x16x16,seed=2", 100);
    EXPECT_LE(widest(runs), 100u) << runs;
}

TEST(CompareJson, TwoSweepsConfigurationByConfiguration) {
    test::TempDir a("cja"), b("cjb"), a1("cja1"), b1("cjb1");
    test::FakeSweepOptions o;
    o.extra_failed_and_diverged = false;
    test::write_fake_sweep(a.path(), o);
    o.accuracy_offset = 0.01;
    test::write_fake_sweep(b.path(), o);
    const Json j = parse_json(compare_json(a.path(), b.path()), "compare --json");
    EXPECT_EQ(j["kind"], "sweeps");
    EXPECT_EQ(j["a"]["path"], a.path().string());
    EXPECT_EQ(j["metric"], "chosen_test_accuracy");
    EXPECT_TRUE(j["validation_compared"].get<bool>());
    ASSERT_EQ(j["configurations"].size(), 4u);
    for (const Json& c : j["configurations"]) {
        // B's accuracies are A's plus 0.01 (the fake sweep rounds them to 4 digits).
        const Json& d = c["test_difference"];
        EXPECT_NEAR(d["difference"].get<double>(), 0.01, 0.001) << c.dump();
        EXPECT_NEAR(d["difference"].get<double>(), c["b"]["mean"].get<double>() - c["a"]["mean"].get<double>(), 1e-12);
        EXPECT_LE(d["ci_lo"].get<double>(), d["difference"].get<double>()) << c.dump();
        EXPECT_GE(d["ci_hi"].get<double>(), d["difference"].get<double>()) << c.dump();
        EXPECT_LT(d["p"].get<double>(), 0.05) << c.dump();
        EXPECT_EQ(d["test"], "paired");
        EXPECT_EQ(c["a"]["n"], 3);
        EXPECT_LT(c["a"]["ci_lo"].get<double>(), c["a"]["mean"].get<double>());
        EXPECT_TRUE(c.contains("validation_difference")) << c.dump();
        EXPECT_EQ(c["a_runs"]["ok"], 3);
    }
    EXPECT_TRUE(j["only_in_a"].empty());
    EXPECT_NE(j["headline_b"].get<std::string>().find(" is ahead of "), std::string::npos) << j.dump(2);

    // One seed each: a difference, but nothing to test it with.
    o.seeds = {1};
    o.accuracy_offset = 0;
    test::write_fake_sweep(a1.path(), o);
    o.accuracy_offset = 0.01;
    test::write_fake_sweep(b1.path(), o);
    const Json one = parse_json(compare_json(a1.path(), b1.path()), "compare --json");
    for (const Json& c : one["configurations"]) {
        EXPECT_NEAR(c["test_difference"]["difference"].get<double>(), 0.01, 0.001) << c.dump();
        EXPECT_TRUE(c["test_difference"]["p"].is_null()) << c.dump();
        EXPECT_TRUE(c["test_difference"]["test"].is_null()) << c.dump();
    }
}

TEST(CompareJson, TwoRunsMeasuresAndSettings) {
    test::TempDir dir("cjruns");
    test::write_fake_sweep(dir.path());
    const Json j = parse_json(compare_json(dir.path() / "runs" / "activation=sigmoid,hidden=16,seed=1",
                                           dir.path() / "runs" / "activation=relu,hidden=64,seed=1"),
                              "compare --json");
    EXPECT_EQ(j["kind"], "runs");
    bool parameters = false;
    for (const Json& m : j["measures"])
        if (m["measure"] == "parameters") {
            parameters = true;
            EXPECT_EQ(m["a"], 12730);
            EXPECT_EQ(m["b"], 50890);
            EXPECT_EQ(m["difference"], 38160);
        }
    EXPECT_TRUE(parameters);
    bool activation = false;
    for (const Json& s : j["settings"])
        if (s["setting"] == "model.activation") {
            activation = true;
            EXPECT_EQ(s["a"], "\"sigmoid\"");
            EXPECT_EQ(s["b"], "\"relu\"");
        }
    EXPECT_TRUE(activation) << j.dump(2);
}

TEST(RankingJson, IsSummaryJson) {
    test::TempDir dir("rankjson");
    test::write_fake_sweep(dir.path());
    const ReportPaths paths = write_report(dir.path());
    EXPECT_EQ(ranked_table_json(dir.path()), test::read_text(paths.summary_json));
}

}  // namespace
}  // namespace soma
