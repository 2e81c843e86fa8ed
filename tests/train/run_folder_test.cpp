// Run folder files: metrics.csv, summary.json (written, read back, refused when tampered), weights.bin.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "train/run_folder.h"
#include "util/error.h"

namespace soma {
namespace {

std::string read(const std::filesystem::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

TEST(RunFolder, MetricsCsvHasTheDocumentedHeader) {
    std::vector<EpochMetrics> epochs(2);
    epochs[0].epoch = 1;
    epochs[0].test_accuracy = 0.5;
    epochs[1].epoch = 2;
    epochs[1].test_accuracy = 0.75;
    std::string csv = metrics_csv(epochs, false);
    EXPECT_EQ(csv.substr(0, csv.find('\n')),
              "epoch,train_loss,train_accuracy,test_loss,test_accuracy,seconds,samples_per_second");
    EXPECT_NE(csv.find("\n2,0,0,0,0.75,0,0\n"), std::string::npos) << csv;
    EXPECT_NE(metrics_csv(epochs, true).find("validation_loss,validation_accuracy"), std::string::npos);
}

TEST(RunFolder, SummaryHasBestAndLastAccuracy) {
    RunResult r;
    r.epochs.resize(3);
    const double acc[] = {0.5, 0.9, 0.8};
    for (int i = 0; i < 3; ++i) r.epochs[i].epoch = i + 1, r.epochs[i].test_accuracy = acc[i];
    r.parameters = 13002;
    SummaryInfo info;
    std::string json = summary_json(r, info);
    EXPECT_NE(json.find("\"test_accuracy\": 0.8,"), std::string::npos) << json;
    EXPECT_NE(json.find("\"best_test_accuracy\": 0.9,"), std::string::npos) << json;
    EXPECT_NE(json.find("\"best_test_epoch\": 2,"), std::string::npos) << json;
    EXPECT_NE(json.find("\"parameters\": 13002,"), std::string::npos) << json;
    EXPECT_NE(json.find("\"epochs\": 3,"), std::string::npos) << json;
}

// A run with validation, a confusion matrix and numbers that need all 17 digits.
RunSummary full_summary() {
    RunResult r;
    r.epochs.resize(3);
    for (int i = 0; i < 3; ++i) {
        EpochMetrics& m = r.epochs[static_cast<std::size_t>(i)];
        m.epoch = i + 1;
        m.train_loss = 1.0 / (i + 3);
        m.train_accuracy = 0.1 + 0.2;
        m.test_loss = 2.0 / 3.0;
        m.test_accuracy = 0.25 * (i + 1);
        m.validation_accuracy = 1.0 / 7.0 * (3 - i);
    }
    r.parameters = 13002;
    r.network = "784 -> dense 16 + sigmoid (fused) -> dense 10";
    r.threads = 2;
    r.train_seconds = 1.2345678901234567;
    r.samples_per_second = 54321.123456789;
    r.classes = 3;
    r.confusion = {5, 1, 0, 0, 6, 1, 2, 0, 5};
    r.chosen_epoch = 1;
    r.chosen_confusion = {3, 2, 1, 1, 4, 2, 2, 2, 3};
    r.early_stopped_epoch = 3;
    SummaryInfo info{"mnist_3b1b", "mnist", 7203, 801, 20, 18446744073709551u, 32, "sgd", "cross_entropy"};
    return run_summary(r, info);
}

TEST(RunSummary, EveryFieldReadsBackExactly) {
    const RunSummary s = full_summary();
    const RunSummary b = parse_run_summary(run_summary_text(s), "summary.json");
    EXPECT_EQ(b.experiment, s.experiment);
    EXPECT_EQ(b.status, RunStatus::ok);
    EXPECT_EQ(b.early_stopped_epoch, 3);
    EXPECT_EQ(b.network, s.network);
    EXPECT_EQ(b.parameters, 13002);
    EXPECT_EQ(b.dataset, "mnist");
    EXPECT_EQ(b.train_samples, 7203);
    EXPECT_EQ(b.validation_samples, 801);
    EXPECT_EQ(b.test_samples, 20);
    EXPECT_EQ(b.epochs, 3);
    EXPECT_EQ(b.test_accuracy, 0.75);
    EXPECT_EQ(b.test_loss, 2.0 / 3.0);
    EXPECT_EQ(b.best_test_epoch, 3);
    EXPECT_EQ(b.validation_accuracy, 1.0 / 7.0);
    EXPECT_EQ(b.best_validation_accuracy, 3.0 / 7.0);
    EXPECT_EQ(b.best_validation_epoch, 1);
    EXPECT_EQ(b.chosen_epoch, 1);  // validation 3/7, 2/7, 1/7: the first epoch
    EXPECT_EQ(b.chosen_validation_accuracy, 3.0 / 7.0);
    EXPECT_EQ(b.chosen_test_accuracy, 0.25);
    EXPECT_EQ(b.chosen_test_loss, 2.0 / 3.0);
    EXPECT_EQ(b.train_loss, 0.2);
    EXPECT_EQ(b.train_accuracy, 0.1 + 0.2);
    EXPECT_EQ(b.train_seconds, 1.2345678901234567);
    EXPECT_EQ(b.samples_per_second, 54321.123456789);
    EXPECT_EQ(b.threads, 2);
    EXPECT_EQ(b.seed, 18446744073709551u);
    EXPECT_EQ(b.batch_size, 32);
    EXPECT_EQ(b.optimizer, "sgd");
    EXPECT_EQ(b.loss, "cross_entropy");
    EXPECT_EQ(b.classes, 3);
    EXPECT_EQ(b.confusion, (std::vector<std::vector<double>>{{5, 1, 0}, {0, 6, 1}, {2, 0, 5}}));
    EXPECT_EQ(b.chosen_confusion, (std::vector<std::vector<double>>{{3, 2, 1}, {1, 4, 2}, {2, 2, 3}}));
    EXPECT_EQ(run_summary_text(b), run_summary_text(s));
}

// The keys of summary.json, in order: those soma has always written, classes,
// and the chosen epoch's (after epochs, and its confusion matrix last).
TEST(RunSummary, KeysStayAsTheyWere) {
    std::vector<std::string> keys;
    std::istringstream lines(run_summary_text(full_summary()));
    for (std::string line; std::getline(lines, line);)
        if (line.rfind("  \"", 0) == 0) keys.push_back(line.substr(3, line.find('"', 3) - 3));
    EXPECT_EQ(keys, (std::vector<std::string>{
                        "experiment", "status", "early_stopped_epoch", "network", "parameters", "dataset",
                        "train_samples", "validation_samples", "test_samples", "epochs", "epoch_rule", "chosen_epoch",
                        "chosen_validation_accuracy", "chosen_test_accuracy", "chosen_test_loss", "test_accuracy", "test_loss",
                        "best_test_accuracy", "best_test_epoch", "validation_accuracy", "best_validation_accuracy",
                        "best_validation_epoch", "train_loss", "train_accuracy", "train_seconds",
                        "samples_per_second", "threads", "seed", "batch_size", "optimizer", "loss", "classes",
                        "confusion", "chosen_confusion"}));
}

TEST(RunSummary, AFailedRunsSummaryIsItsHeadAndReads) {
    RunSummary s;
    s.experiment = "x";
    s.status = RunStatus::failed;
    s.error = "cannot allocate \"3 GB\"";
    s.id = "seed=1";
    const std::string text = run_summary_text(s);
    EXPECT_EQ(text, "{\n  \"experiment\": \"x\",\n  \"status\": \"failed\",\n  \"error\": \"cannot allocate \\\"3 GB\\\"\",\n"
                    "  \"id\": \"seed=1\"\n}\n");
    const RunSummary b = parse_run_summary(text, "summary.json");
    EXPECT_EQ(b.status, RunStatus::failed);
    EXPECT_EQ(b.error, s.error);
    EXPECT_TRUE(std::isnan(b.test_accuracy));
    EXPECT_EQ(b.epochs, 0);
}

// The error reading `text` with `from` replaced by `to`.
std::string tampered(const std::string& from, const std::string& to) {
    std::string text = run_summary_text(full_summary());
    const std::size_t at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) text.replace(at, from.size(), to);
    try {
        parse_run_summary(text, "runs/a/summary.json");
    } catch (const Error& e) {
        return e.what();
    }
    return "accepted";
}

// {text in a good summary.json, what it is changed to, the error}
struct Tampering {
    const char *from, *to, *error;
};

TEST(RunSummary, ImpossibleValuesAreRefusedNamingTheKeyAndTheRange) {
    const Tampering cases[] = {
        {"\"test_accuracy\": 0.75", "\"test_accuracy\": 5.0",
         "field \"test_accuracy\": expected null or a number in [0, 1], got 5"},
        {"\"epochs\": 3", "\"epochs\": -7", "field \"epochs\": expected an integer in [0, 2147483647], got -7"},
        {"\"test_loss\": 0.6", "\"test_loss\": -0.6",
         "field \"test_loss\": expected null or a number >= 0, got -0.6666666666666666"},
        {"\"status\": \"ok\"", "\"status\": \"fine\"",
         "field \"status\": expected one of ok, diverged, failed, pending, got \"fine\""},
        {"\"status\": \"ok\"", "\"status\": \"pending\"", "field \"status\": expected ok, diverged or failed, got \"pending\""},
        {"\"best_test_epoch\": 3", "\"best_test_epoch\": 9",
         "field \"best_test_epoch\": expected at most the epochs trained (3), got 9"},
        {"\"parameters\": 13002", "\"parameters\": 1.5",
         "field \"parameters\": expected null or a count in [0, 9223372036854775808], got 1.5"},
        {"\"network\": \"784", "\"network\": [\"784\"], \"x\": \"784", "field \"network\": expected a string, got a list"},
        {"\"status\": \"ok\",", "", "missing field \"status\""},
        // The confusion matrix: classes x classes, counts, adding up to the test samples.
        {"\"classes\": 3", "\"classes\": 4", "field \"confusion\": expected 4 rows (one per class), got 3"},
        {"\"confusion\": [\n    [\n      5,", "\"confusion\": [\n    [\n      5, 7,",
         "field \"confusion[0]\": expected a row of 3 counts (a square matrix), got 4 values"},
        {"      6,", "      -6,", "field \"confusion[1][1]\": expected a count in [0, 20], got -6"},
        {"      6,", "      7,", "field \"confusion\": the counts add up to 21, expected the 20 test samples"},
        {"\"chosen_confusion\": [\n    [\n      3,", "\"chosen_confusion\": [\n    [\n      4,",
         "field \"chosen_confusion\": the counts add up to 21, expected the 20 test samples"},
        {"\"chosen_epoch\": 1", "\"chosen_epoch\": 4", "field \"chosen_epoch\": expected at most the epochs trained (3), got 4"},
    };
    for (const Tampering& t : cases)
        EXPECT_EQ(tampered(t.from, t.to), std::string("runs/a/summary.json: ") + t.error) << t.to;
}

TEST(RunSummary, FilesAreReadWithABoundAndNamed) {
    const auto dir = std::filesystem::temp_directory_path() / ("soma_summary_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    std::string huge = run_summary_text(full_summary());
    huge.insert(huge.find("\"confusion\""), "\"padding\": [" + std::string(max_summary_bytes, '0') + "],\n  ");
    std::ofstream(dir / "summary.json", std::ios::binary) << huge;
    try {
        read_run_summary(dir / "summary.json");
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()), (dir / "summary.json").string() + ": larger than " +
                                             std::to_string(max_summary_bytes) +
                                             " bytes, more than this file can hold; not read");
    }
    std::ofstream(dir / "summary.json", std::ios::binary) << "{\"status\": \"ok\",\n \"epochs\": }";
    try {
        read_run_summary(dir / "summary.json");
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()).rfind((dir / "summary.json").string() + ":2:12: syntax error", 0), 0u)
            << e.what();
    }
    std::filesystem::remove_all(dir);
}

TEST(RunFolder, WeightsRoundTripAndTruncationIsAnError) {
    auto dir = std::filesystem::temp_directory_path() / ("soma_weights_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    std::vector<float> w = {1.f, -2.f, 3.5f, 0.f, 1e-7f, 8.f}, g(6), b = {0.25f, -0.5f};
    std::vector<ParamTensor> params = {{"layer0.weights", w.data(), g.data(), 6, {2, 3}, true},
                                       {"layer0.bias", b.data(), g.data(), 2, {2}, false}};
    write_weights(dir / "weights.bin", params);
    auto back = read_weights(dir / "weights.bin");
    ASSERT_EQ(back.size(), 2u);
    EXPECT_EQ(back[0].name, "layer0.weights");
    EXPECT_EQ(back[0].shape, (std::vector<int>{2, 3}));
    EXPECT_EQ(back[0].values, w);
    EXPECT_EQ(back[1].values, b);
    std::string bytes = read(dir / "weights.bin");
    std::ofstream(dir / "cut.bin", std::ios::binary) << bytes.substr(0, bytes.size() - 3);
    try {
        read_weights(dir / "cut.bin");
        FAIL();
    } catch (const std::exception& e) {
        EXPECT_NE(std::string(e.what()).find("truncated"), std::string::npos) << e.what();
    }
    EXPECT_TRUE(std::filesystem::is_empty(dir) == false);
    for (auto& f : std::filesystem::directory_iterator(dir))
        EXPECT_EQ(f.path().string().find(".tmp."), std::string::npos) << "temporary file left: " << f.path();
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace soma
