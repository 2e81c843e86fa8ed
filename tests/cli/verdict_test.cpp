// The verdict end to end: real sweeps through the executable, their terminal
// output, summary.json and report.html. Two names for the same training are
// never headlined as a winner; a large real difference is.
#include <gtest/gtest.h>

#include "cli_util.h"
#include "toolkit/json.h"

namespace soma::test {
namespace {

// A small sweep on the repository's synthetic digits with a validation
// split; `axis` is the [sweep] line that differs.
std::string verdict_toml(const std::string& axis, const std::string& seeds = "[1, 2, 3]",
                         const std::string& validation = "0.2") {
    return "[experiment]\nname = \"verdict\"\ninclude = [\"" SOMA_SOURCE_DIR "/configs/synthetic.toml\"]\n"
           "[data]\nsynthetic_train = 400\nsynthetic_test = 200\nvalidation = " + validation + "\n"
           "[model]\nhidden = [16]\nactivation = \"relu\"\n"
           "[training]\nepochs = 3\nthreads = 1\n"
           "[training.optimizer]\nname = \"sgd\"\nlearning_rate = 0.5\n"
           "[training.schedule]\nstep_epochs = 100\n"
           "[sweep]\n" + axis + "\n\"training.seed\" = " + seeds + "\n";
}

// The output with its lines joined: sentences are wrapped to the terminal's
// width (100 columns in a pipe), so a phrase may be split over two lines.
std::string joined(const std::string& output) {
    std::string s = output;
    for (char& c : s)
        if (c == '\n') c = ' ';
    return s;
}

TEST(Verdict, TwoNamesForTheSameTrainingAreNeverAWinner) {
    TempDir t;
    // A step schedule that steps after epoch 100 is the constant schedule over 3 epochs.
    write(t.path() / "same.toml", verdict_toml("\"training.schedule.name\" = [\"constant\", \"step\"]"));
    const Result r = soma("run same.toml --out out --jobs 2", t.path());
    ASSERT_EQ(r.status, 0) << r.output;
    const std::string out = joined(r.output);
    EXPECT_NE(out.find("verdict: constant and step are not distinguishable on this data"), std::string::npos)
        << r.output;
    EXPECT_NE(out.find("paired t-test, p = 1, 3 seeds each"), std::string::npos) << r.output;
    EXPECT_NE(out.find("gave the same validation accuracy on every seed"), std::string::npos) << r.output;
    EXPECT_EQ(out.find(" is ahead of "), std::string::npos) << r.output;
    EXPECT_EQ(out.find("warning:"), std::string::npos) << r.output;
    const Json j = read_json_file(t.path() / "out/summary.json", 1 << 20);
    EXPECT_FALSE(j.at("verdict").at("leader_significantly_ahead").get<bool>());
    const std::string html = read(t.path() / "out/report.html");
    EXPECT_NE(html.find("constant and step are not distinguishable on this data"), std::string::npos);
    EXPECT_EQ(html.find("class=\"winner\""), std::string::npos);
}

TEST(Verdict, ALargeRealDifferenceIsNamed) {
    TempDir t;
    write(t.path() / "lr.toml", verdict_toml("\"training.optimizer.learning_rate\" = [0.5, 1e-5]"));
    const Result r = soma("run lr.toml --out out --jobs 2", t.path());
    ASSERT_EQ(r.status, 0) << r.output;
    const std::string out = joined(r.output);
    EXPECT_NE(out.find("verdict: 0.5 is ahead of 1e-05 on validation accuracy by "), std::string::npos)
        << r.output;
    EXPECT_NE(out.find("paired t-test, p"), std::string::npos) << r.output;
    EXPECT_NE(out.find("Test accuracy at the chosen epoch: 0.5 "), std::string::npos) << r.output;
    EXPECT_EQ(out.find("power:"), std::string::npos) << r.output;  // nothing left to estimate
    const Json j = read_json_file(t.path() / "out/summary.json", 1 << 20);
    EXPECT_TRUE(j.at("verdict").at("leader_significantly_ahead").get<bool>());
    EXPECT_EQ(j.at("configs").at(1).at("vs_leader").at("verdict"), "behind");
    EXPECT_NE(read(t.path() / "out/report.html").find("class=\"winner\""), std::string::npos);
}

TEST(Verdict, FewSeedsOrNoValidationSplitAreSaidInTheHeadline) {
    TempDir t;
    write(t.path() / "few.toml",
          verdict_toml("\"training.optimizer.learning_rate\" = [0.5, 1e-5]", "[1, 2]", "0.0"));
    const Result r = soma("run few.toml --out out --jobs 2", t.path());
    ASSERT_EQ(r.status, 0) << r.output;
    const std::string out = joined(r.output);
    EXPECT_NE(out.find("warning: Only 2 runs per configuration"), std::string::npos) << r.output;
    EXPECT_NE(out.find("warning: No validation split"), std::string::npos) << r.output;
    EXPECT_NE(out.find("ranked by test accuracy"), std::string::npos) << r.output;
    const Json j = read_json_file(t.path() / "out/summary.json", 1 << 20);
    EXPECT_EQ(j.at("verdict").at("warnings").size(), 2u);
    const std::string html = read(t.path() / "out/report.html");
    EXPECT_NE(html.find("<div class=\"warn\">Only 2 runs"), std::string::npos);
    EXPECT_NE(html.find("<div class=\"warn\">No validation split"), std::string::npos);
}

// soma bench --accuracy trains each architecture once per seed: 3 by
// default, --seeds N otherwise; the table and the verdict say over how many.
TEST(Verdict, BenchAccuracyOverSeeds) {
    TempDir t;
    const std::string archs = "bench 784-8-10 784-16-10 --dataset synthetic --epochs 1 --accuracy 2 --threads 1 ";
    Result r = soma(archs + "--out three", t.path());
    ASSERT_EQ(r.status, 0) << r.output;
    std::string out = joined(r.output);
    EXPECT_NE(out.find("test acc after 2 epochs, mean ± 95% interval over seeds 1..3"), std::string::npos) << out;
    EXPECT_NE(out.find("accuracy: "), std::string::npos) << out;
    Json j = read_json_file(t.path() / "three/bench.json", 1 << 20);
    EXPECT_EQ(j.at("accuracy_seeds"), 3);
    for (const Json& row : j.at("rows")) EXPECT_EQ(row.at("test_accuracies").size(), 3u) << row.dump();

    r = soma(archs + "--seeds 2 --out two", t.path());
    ASSERT_EQ(r.status, 0) << r.output;
    out = joined(r.output);
    EXPECT_NE(out.find("over seeds 1..2"), std::string::npos) << out;
    EXPECT_NE(out.find("With 2 seeds per architecture this is no evidence: use --seeds 3 or more."),
              std::string::npos)
        << out;
    j = read_json_file(t.path() / "two/bench.json", 1 << 20);
    for (const Json& row : j.at("rows")) EXPECT_EQ(row.at("test_accuracies").size(), 2u) << row.dump();
}

}  // namespace
}  // namespace soma::test
