// write_report on a fake sweep: the numbers in summary.csv against the runs'
// own metrics.csv, the ranking, and the report pages.
#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <sstream>

#include "fake_sweep.h"
#include "html_check.h"
#include "toolkit/json.h"
#include "experiment/sweep_runner.h"
#include "report/neuron_images.h"
#include "report/report.h"
#include "toolkit/png.h"

namespace soma {
namespace {

namespace fs = std::filesystem;
using test::FakeRun;
constexpr double nan = std::numeric_limits<double>::quiet_NaN();

using test::Csv;
using test::read_csv;

double number(const std::string& s) { return s.empty() ? nan : std::stod(s); }

// One run's numbers recomputed from its metrics.csv, with the test's own
// reading of the rule: the epoch whose validation accuracy, averaged with the
// two epochs before it, is highest (the earliest among equals); the last
// epoch without validation.
struct Recomputed {
    double val = nan, test = nan, final_val = nan, final_test = nan, epoch = nan;
    double seconds = nan, sps = nan, parameters = nan;
};

Recomputed recompute(const fs::path& run_dir, const FakeRun& r) {
    Recomputed out;
    Csv m = read_csv(run_dir / "metrics.csv");
    const bool val = std::find(m.header.begin(), m.header.end(), "validation_accuracy") != m.header.end();
    double seconds = 0, best = -1;
    std::vector<double> vals;
    for (std::size_t i = 0; i < m.rows.size(); ++i) {
        const auto& row = m.rows[i];
        const double test = number(row[m.col("test_accuracy")]);
        out.final_test = test;
        if (val) {
            vals.push_back(number(row[m.col("validation_accuracy")]));
            double sum = 0;
            int n = 0;
            for (std::size_t j = i >= 2 ? i - 2 : 0; j <= i; ++j)
                if (std::isfinite(vals[j])) sum += vals[j], ++n;
            if (n > 0 && sum / n > best) best = sum / n, out.val = best, out.test = test, out.epoch = std::stoi(row[m.col("epoch")]);
            out.final_val = vals.back();
        } else {
            out.test = test, out.epoch = std::stoi(row[m.col("epoch")]);
        }
        seconds += number(row[m.col("seconds")]);
        out.sps = number(row[m.col("samples_per_second")]);
    }
    out.seconds = seconds;
    int units = 0;
    for (int u : r.hidden) units += u;
    out.parameters = 784.0 * units + units + units * 10.0 + 10;
    return out;
}

// Student's t 97.5% quantiles by degrees of freedom (NIST/SEMATECH
// e-Handbook 1.3.6.7.2 prints them to three decimals: 12.706, 4.303, 3.182, 2.776).
double t975(int df) {
    const double q[] = {nan, 12.706205, 4.302653, 3.182446, 2.776445};
    return df >= 1 && df <= 4 ? q[df] : nan;
}

struct MeanStd {
    double mean = nan, std = nan, ci = nan;
};

MeanStd mean_std(const std::vector<double>& v) {
    MeanStd s;
    if (v.empty()) return s;
    double sum = 0;
    for (double x : v) sum += x;
    s.mean = sum / static_cast<double>(v.size());
    double sq = 0;
    for (double x : v) sq += (x - s.mean) * (x - s.mean);
    s.std = v.size() > 1 ? std::sqrt(sq / static_cast<double>(v.size() - 1)) : 0.0;
    if (v.size() > 1) s.ci = t975(static_cast<int>(v.size()) - 1) * s.std / std::sqrt(static_cast<double>(v.size()));
    return s;
}

class ReportTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir_ = new test::TempDir("sweep");
        runs_ = new std::vector<FakeRun>(test::write_fake_sweep(dir_->path()));
        paths_ = new ReportPaths(write_report(dir_->path()));
    }
    static void TearDownTestSuite() {
        delete paths_;
        delete runs_;
        delete dir_;
    }
    static const fs::path& dir() { return dir_->path(); }
    static std::vector<std::string> config_ids() {
        std::vector<std::string> ids;
        for (const FakeRun& r : *runs_)
            if (std::find(ids.begin(), ids.end(), r.config_id) == ids.end()) ids.push_back(r.config_id);
        return ids;
    }

    static test::TempDir* dir_;
    static std::vector<FakeRun>* runs_;
    static ReportPaths* paths_;
};

test::TempDir* ReportTest::dir_ = nullptr;
std::vector<FakeRun>* ReportTest::runs_ = nullptr;
ReportPaths* ReportTest::paths_ = nullptr;

TEST_F(ReportTest, WritesTheFourFiles) {
    EXPECT_EQ(paths_->summary_csv, dir() / "summary.csv");
    EXPECT_EQ(paths_->summary_json, dir() / "summary.json");
    EXPECT_EQ(paths_->markdown, dir() / "report.md");
    EXPECT_EQ(paths_->html, dir() / "report.html");
    for (const fs::path& p : {paths_->summary_csv, paths_->summary_json, paths_->markdown, paths_->html})
        EXPECT_GT(fs::file_size(p), 100u) << p;
    for (const auto& f : fs::directory_iterator(dir()))
        EXPECT_EQ(f.path().filename().string().find(".tmp."), std::string::npos) << "temporary file left: " << f.path();
}

TEST_F(ReportTest, SummaryCsvMatchesAggregatesOfTheRunsMetrics) {
    Csv csv = read_csv(paths_->summary_csv);
    ASSERT_EQ(csv.rows.size(), 4u);
    for (const char* axis : {"model.activation", "model.hidden"}) csv.col(axis);
    EXPECT_EQ(std::find(csv.header.begin(), csv.header.end(), "training.seed"), csv.header.end());

    for (const std::string& config : config_ids()) {
        SCOPED_TRACE(config);
        std::vector<double> val, test, fv, ft, epoch, secs, sps, params;
        int ok = 0, diverged = 0, failed = 0;
        for (const FakeRun& r : *runs_) {
            if (r.config_id != config) continue;
            if (r.status == "failed") { ++failed; continue; }
            (r.status == "ok" ? ok : diverged)++;
            Recomputed x = recompute(dir() / "runs" / r.id, r);
            val.push_back(x.val), test.push_back(x.test), fv.push_back(x.final_val), ft.push_back(x.final_test);
            epoch.push_back(x.epoch), secs.push_back(x.seconds), sps.push_back(x.sps), params.push_back(x.parameters);
        }
        auto row_it = std::find_if(csv.rows.begin(), csv.rows.end(),
                                   [&](const auto& row) { return row[csv.col("config_id")] == config; });
        ASSERT_NE(row_it, csv.rows.end());
        const auto& row = *row_it;
        EXPECT_EQ(std::stoi(row[csv.col("ok")]), ok);
        EXPECT_EQ(std::stoi(row[csv.col("diverged")]), diverged);
        EXPECT_EQ(std::stoi(row[csv.col("failed")]), failed);
        EXPECT_EQ(std::stoi(row[csv.col("n_runs")]), ok + diverged + failed);
        EXPECT_EQ(row[csv.col("rank_by")], "validation");
        const std::pair<const char*, const std::vector<double>*> stats[] = {
            {"validation_accuracy", &val}, {"test_accuracy", &test},       {"final_validation_accuracy", &fv},
            {"final_test_accuracy", &ft},  {"chosen_epoch", &epoch},       {"train_seconds", &secs},
            {"samples_per_second", &sps},  {"parameters", &params}};
        for (const auto& [name, values] : stats) {
            const MeanStd want = mean_std(*values);
            const std::string n(name);
            EXPECT_NEAR(number(row[csv.col(n + "_mean")]), want.mean, 1e-9) << name;
            EXPECT_NEAR(number(row[csv.col(n + "_std")]), want.std, 1e-9) << name;
            EXPECT_EQ(row[csv.col(n + "_n")], std::to_string(values->size())) << name;
            // The 95% interval: mean ± t(0.975, n - 1) sd / sqrt(n).
            EXPECT_NEAR(number(row[csv.col(n + "_ci95_low")]), want.mean - want.ci, 1e-6 * std::fabs(want.mean) + 1e-9)
                << name;
            EXPECT_NEAR(number(row[csv.col(n + "_ci95_high")]), want.mean + want.ci, 1e-6 * std::fabs(want.mean) + 1e-9)
                << name;
        }
        EXPECT_NEAR(number(row[csv.col("rank_value")]), mean_std(val).mean, 1e-9);
        const std::string act = config.substr(config.find('=') + 1, config.find(',') - config.find('=') - 1);
        EXPECT_EQ(row[csv.col("model.activation")], act);
        if (failed) {
            EXPECT_NE(row[csv.col("errors")].find(test::fake_error()), std::string::npos);
        }
    }
}

TEST_F(ReportTest, RankedByMeanValidationAccuracyAtTheChosenEpoch) {
    Csv csv = read_csv(paths_->summary_csv);
    std::vector<std::pair<double, std::string>> expected;
    for (const std::string& config : config_ids()) {
        std::vector<double> v;
        for (const FakeRun& r : *runs_)
            if (r.config_id == config && r.status != "failed") v.push_back(recompute(dir() / "runs" / r.id, r).val);
        expected.emplace_back(mean_std(v).mean, config);
    }
    std::sort(expected.begin(), expected.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
    ASSERT_EQ(csv.rows.size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        EXPECT_EQ(csv.rows[i][csv.col("config_id")], expected[i].second) << "rank " << i + 1;
        EXPECT_EQ(csv.rows[i][csv.col("rank")], std::to_string(i + 1));
    }
    // The data is made so: relu and 64 units learn best; the diverged seed
    // pulls relu,16 below sigmoid,16.
    EXPECT_EQ(csv.rows.front()[csv.col("config_id")], "activation=relu,hidden=64");
    EXPECT_EQ(csv.rows.back()[csv.col("config_id")], "activation=relu,hidden=16");
    // Every configuration against the leader: the leader, then a verdict with a p-value.
    EXPECT_EQ(csv.rows.front()[csv.col("vs_leader_verdict")], "leader");
    EXPECT_EQ(csv.rows.front()[csv.col("vs_leader_p")], "");
    for (std::size_t i = 1; i < csv.rows.size(); ++i) {
        const std::string verdict = csv.rows[i][csv.col("vs_leader_verdict")];
        EXPECT_TRUE(verdict == "tied" || verdict == "behind") << verdict;
        const double p = number(csv.rows[i][csv.col("vs_leader_p")]);
        const double holm = number(csv.rows[i][csv.col("vs_leader_p_holm")]);
        EXPECT_GE(holm, p);
        EXPECT_LE(holm, std::min(1.0, 3 * p) + 1e-15);
        EXPECT_EQ(verdict == "behind", holm < 0.05);
        EXPECT_LT(number(csv.rows[i][csv.col("vs_leader_ci95_low")]), number(csv.rows[i][csv.col("vs_leader_difference")]));
    }
}

TEST_F(ReportTest, SummaryJsonAgreesWithCsv) {
    const Json j = read_json_file(paths_->summary_json, 1 << 20);
    ASSERT_TRUE(j.is_object());
    EXPECT_EQ(j.at("rank_by"), "validation");
    EXPECT_EQ(j.at("experiment"), "fake_mnist");
    EXPECT_EQ(j.at("best_run").get<std::string>().rfind("activation=relu,hidden=64,seed=", 0), 0u);
    // The verdict, with the words the terminal and the pages show.
    const Json& verdict = j.at("verdict");
    EXPECT_EQ(verdict.at("leader"), "activation=relu,hidden=64");
    EXPECT_NE(verdict.at("headline").get<std::string>().find("activation=relu,hidden=64"), std::string::npos);
    EXPECT_EQ(verdict.at("alpha").get<double>(), 0.05);
    const Json& configs = j.at("configs");
    ASSERT_TRUE(configs.is_array());
    Csv csv = read_csv(paths_->summary_csv);
    ASSERT_EQ(configs.size(), csv.rows.size());
    for (std::size_t i = 0; i < csv.rows.size(); ++i) {
        const Json& c = configs[i];
        EXPECT_EQ(c.at("config_id"), csv.rows[i][csv.col("config_id")]);
        EXPECT_EQ(c.at("rank_by"), "validation");
        EXPECT_NEAR(c.at("validation_accuracy").at("mean").get<double>(),
                    number(csv.rows[i][csv.col("validation_accuracy_mean")]), 1e-12);
        EXPECT_EQ(c.at("test_accuracy").at("n").get<int>(), std::stoi(csv.rows[i][csv.col("test_accuracy_n")]));
        EXPECT_NEAR(c.at("test_accuracy").at("ci95_low").get<double>(),
                    number(csv.rows[i][csv.col("test_accuracy_ci95_low")]), 1e-12);
        EXPECT_EQ(c.at("status").at("failed").get<double>(), number(csv.rows[i][csv.col("failed")]));
        EXPECT_EQ(c.at("assignments").at("model.hidden"), csv.rows[i][csv.col("model.hidden")]);
    }
}

TEST_F(ReportTest, HtmlIsWellFormedSelfContainedAndNamesEveryConfiguration) {
    const std::string html = test::read_text(paths_->html);
    EXPECT_EQ(test::check_html(html), "");
    EXPECT_EQ(html.find("<script"), std::string::npos);
    EXPECT_EQ(html.find("http://"), std::string::npos);
    EXPECT_EQ(html.find("https://"), std::string::npos);
    EXPECT_EQ(html.find("url(http"), std::string::npos);
    EXPECT_EQ(html.find("@import"), std::string::npos);
    EXPECT_NE(html.find("<title>soma report: fake_mnist</title>"), std::string::npos);
    EXPECT_NE(html.find("validation"), std::string::npos);
    for (const std::string& config : config_ids()) EXPECT_NE(html.find(config), std::string::npos) << config;
    for (const FakeRun& r : *runs_) EXPECT_NE(html.find(r.id), std::string::npos) << r.id;
    // Four charts: two learning curves, hidden size, confusion matrix.
    std::size_t svgs = 0;
    for (std::size_t p = html.find("<svg"); p != std::string::npos; p = html.find("<svg", p + 1)) ++svgs;
    EXPECT_EQ(svgs, 4u);
    EXPECT_NE(html.find("parameters (weights and biases, log scale)"), std::string::npos);
    EXPECT_NE(html.find("band is the 95% interval of that mean"), std::string::npos);
    EXPECT_NE(html.find("image-rendering: pixelated"), std::string::npos);
}

TEST_F(ReportTest, FailedAndDivergedRunsAreShownWithStatusAndError) {
    const std::string html = test::read_text(paths_->html);
    EXPECT_NE(html.find(test::fake_error()), std::string::npos);
    EXPECT_NE(html.find("class=\"chip diverged\""), std::string::npos);
    EXPECT_NE(html.find("class=\"chip failed\""), std::string::npos);
    EXPECT_NE(html.find("diverged at epoch 3"), std::string::npos);
    const std::string md = test::read_text(paths_->markdown);
    EXPECT_NE(md.find(test::fake_error()), std::string::npos);
    EXPECT_NE(md.find("diverged at epoch 3"), std::string::npos);
}

std::string base64_decode(const std::string& in) {
    auto value = [](char c) -> int {
        if (c >= 'A' && c <= 'Z') return c - 'A';
        if (c >= 'a' && c <= 'z') return c - 'a' + 26;
        if (c >= '0' && c <= '9') return c - '0' + 52;
        if (c == '+') return 62;
        if (c == '/') return 63;
        return -1;
    };
    std::string out;
    unsigned buf = 0;
    int bits = 0;
    for (char c : in) {
        if (c == '=') break;
        int v = value(c);
        EXPECT_GE(v, 0) << "bad base64 character " << c;
        buf = (buf << 6) | static_cast<unsigned>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((buf >> bits) & 0xff);
        }
    }
    return out;
}

std::uint32_t be32(const std::string& s, std::size_t at) {
    return (static_cast<std::uint32_t>(static_cast<unsigned char>(s[at])) << 24) |
           (static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 1])) << 16) |
           (static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 2])) << 8) |
           static_cast<std::uint32_t>(static_cast<unsigned char>(s[at + 3]));
}

TEST_F(ReportTest, NeuronPicturesArePngDataUris) {
    const std::string html = test::read_text(paths_->html);
    const std::string prefix = "data:image/png;base64,";
    std::size_t count = 0;
    for (std::size_t p = html.find(prefix); p != std::string::npos; p = html.find(prefix, p + 1)) ++count;
    EXPECT_EQ(count, 64u);  // the best run has 64 hidden neurons; at most 64 are drawn
    std::size_t start = html.find(prefix) + prefix.size();
    std::string png = base64_decode(html.substr(start, html.find('"', start) - start));
    ASSERT_GT(png.size(), 33u);
    EXPECT_EQ(png.substr(0, 8), std::string("\x89PNG\r\n\x1a\n", 8));
    EXPECT_EQ(be32(png, 8), 13u);
    EXPECT_EQ(png.substr(12, 4), "IHDR");
    EXPECT_EQ(be32(png, 16), 28u);  // width
    EXPECT_EQ(be32(png, 20), 28u);  // height
    EXPECT_EQ(png[24], 8);          // bit depth
    EXPECT_EQ(png[25], 2);          // RGB
    // Every chunk's CRC holds, and the image data inflates to 28 rows of 1 + 28 * 3 bytes.
    std::size_t p = 8;
    std::string idat;
    while (p + 12 <= png.size()) {
        std::uint32_t len = be32(png, p);
        std::string type = png.substr(p + 4, 4);
        uLong crc = crc32(0, reinterpret_cast<const Bytef*>(png.data() + p + 4), len + 4);
        EXPECT_EQ(be32(png, p + 8 + len), static_cast<std::uint32_t>(crc)) << type;
        if (type == "IDAT") idat += png.substr(p + 8, len);
        p += 12 + len;
        if (type == "IEND") break;
    }
    EXPECT_EQ(p, png.size());
    std::string raw(28 * (1 + 28 * 3), '\0');
    uLongf size = raw.size();
    ASSERT_EQ(uncompress(reinterpret_cast<Bytef*>(raw.data()), &size, reinterpret_cast<const Bytef*>(idat.data()),
                         idat.size()),
              Z_OK);
    EXPECT_EQ(size, raw.size());
}

TEST_F(ReportTest, MarkdownHasTableRunListAndLinksToHtml) {
    const std::string md = test::read_text(paths_->markdown);
    EXPECT_NE(md.find("# Sweep report: fake_mnist"), std::string::npos);
    EXPECT_NE(md.find("(report.html)"), std::string::npos);
    EXPECT_NE(md.find("## Ranked configurations"), std::string::npos);
    EXPECT_NE(md.find("## Runs"), std::string::npos);
    for (const FakeRun& r : *runs_) EXPECT_NE(md.find("[`" + r.id + "`](runs/" + r.id + "/)"), std::string::npos) << r.id;
    // The ranked table comes first, the winner in the first row.
    std::size_t table = md.find("| 1 | **relu** | 64 |");
    EXPECT_NE(table, std::string::npos) << md;
}

TEST_F(ReportTest, RankedTableTextForTheTerminal) {
    const std::string text = ranked_table_text(dir());
    std::size_t a = text.find("activation=relu,hidden=64"), b = text.find("activation=relu,hidden=16");
    ASSERT_NE(a, std::string::npos) << text;
    ASSERT_NE(b, std::string::npos) << text;
    EXPECT_LT(a, b);
    EXPECT_NE(text.find("\nverdict: "), std::string::npos) << text;
    for (const char* column : {"val acc", "test acc", "final test acc", "epoch", "vs #1", "sd"})
        EXPECT_NE(text.find(column), std::string::npos) << column;
    EXPECT_NE(text.find("mean ± half-width of its 95% t-interval"), std::string::npos) << text;
    EXPECT_NE(text.find(" ± "), std::string::npos) << text;
    EXPECT_NE(text.find("leader"), std::string::npos) << text;
    EXPECT_NE(text.find("1 diverged"), std::string::npos);
    EXPECT_NE(text.find(test::fake_error()), std::string::npos);
    EXPECT_EQ(text.find("warning:"), std::string::npos) << text;  // 3 seeds and a validation split
}

// The best run is the run with the best validation figure; its section shows
// that epoch's test accuracy, confusion matrix and weights (weights-best.bin).
TEST_F(ReportTest, BestRunShowsItsChosenEpoch) {
    std::string best_id;
    double best = -1;
    for (const FakeRun& r : *runs_) {
        if (r.status == "failed") continue;
        const double v = recompute(dir() / "runs" / r.id, r).val;
        if (v > best) best = v, best_id = r.id;
    }
    const Json j = read_json_file(paths_->summary_json, 1 << 20);
    EXPECT_EQ(j.at("best_run"), best_id);
    const fs::path run = dir() / "runs" / best_id;
    const RunSummary s = read_run_summary(run / "summary.json");
    const std::string html = test::read_text(paths_->html);
    const std::string epoch = std::to_string(s.chosen_epoch);
    EXPECT_NE(html.find("Confusion matrix (test set, epoch " + epoch + ", the chosen one)"), std::string::npos);
    EXPECT_NE(html.find("The weights at epoch " + epoch + ", the chosen one (<code>weights-best.bin</code>)"),
              std::string::npos);
    char acc[32];
    std::snprintf(acc, sizeof acc, "<b>test accuracy %.2f%%</b>", 100 * s.chosen_test_accuracy);
    EXPECT_NE(html.find(acc), std::string::npos) << acc;
    // The pictures are weights-best.bin's, in order, not weights.bin's.
    auto uris = [](const LayerImages& layer) {
        std::vector<std::string> out;
        for (const NeuronImage& n : layer.images) out.push_back(png_data_uri(n.png));
        return out;
    };
    std::vector<std::string> shown;
    for (std::size_t p = html.find("src=\"data:"); p != std::string::npos; p = html.find("src=\"data:", p + 1))
        shown.push_back(html.substr(p + 5, html.find('"', p + 5) - p - 5));
    EXPECT_EQ(shown, uris(first_layer_images(read_weights(run / "weights-best.bin"))));
    EXPECT_NE(shown, uris(first_layer_images(read_weights(run / "weights.bin"))));
}

TEST(ReportNoValidation, RankedByTestAccuracyAtTheLastEpochAndSaysSo) {
    test::TempDir dir("noval");
    test::FakeSweepOptions o;
    o.validation = false;
    o.extra_failed_and_diverged = false;
    o.seeds = {1};
    test::write_fake_sweep(dir.path(), o);
    ReportPaths paths = write_report(dir.path());
    Csv csv = read_csv(paths.summary_csv);
    ASSERT_EQ(csv.rows.size(), 4u);
    for (const auto& row : csv.rows) {
        EXPECT_EQ(row[csv.col("rank_by")], "test");
        EXPECT_EQ(row[csv.col("validation_accuracy_mean")], "");
        EXPECT_EQ(row[csv.col("rank_value")], row[csv.col("final_test_accuracy_mean")]);
        EXPECT_EQ(row[csv.col("test_accuracy_mean")], row[csv.col("final_test_accuracy_mean")]);  // the last epoch
        EXPECT_EQ(row[csv.col("final_test_accuracy_std")], "0");  // one seed
        EXPECT_EQ(row[csv.col("final_test_accuracy_ci95_low")], "");  // no interval from one run
        EXPECT_EQ(row[csv.col("vs_leader_p")], "");  // nor a test
    }
    for (std::size_t i = 1; i < csv.rows.size(); ++i)
        EXPECT_GE(number(csv.rows[i - 1][csv.col("rank_value")]), number(csv.rows[i][csv.col("rank_value")]));
    const std::string html = test::read_text(paths.html);
    EXPECT_EQ(test::check_html(html), "");
    EXPECT_NE(html.find("no validation split"), std::string::npos);
    EXPECT_NE(html.find("Test accuracy per epoch"), std::string::npos);
    // One seed and no validation split: the headline names no winner and both warnings are shown.
    const std::string text = ranked_table_text(dir.path());
    EXPECT_NE(text.find("No configuration is significantly ahead"), std::string::npos) << text;
    EXPECT_NE(text.find("warning: Only 1 run per configuration"), std::string::npos) << text;
    EXPECT_NE(text.find("warning: No validation split"), std::string::npos) << text;
    EXPECT_NE(html.find("<div class=\"warn\">Only 1 run"), std::string::npos);
    EXPECT_NE(html.find("<div class=\"warn\">No validation split"), std::string::npos);
    EXPECT_NE(test::read_text(paths.markdown).find("> **Warning:** No validation split"), std::string::npos);
}

TEST(ReportHiddenChart, SkippedWithANoteWhenHiddenSizesDoNotVary) {
    test::TempDir dir("nohidden");
    test::FakeSweepOptions o;
    o.hidden = {{32}};
    o.extra_failed_and_diverged = false;
    test::write_fake_sweep(dir.path(), o);
    const std::string html = test::read_text(write_report(dir.path()).html);
    EXPECT_EQ(test::check_html(html), "");
    EXPECT_NE(html.find("does not vary the hidden-layer sizes"), std::string::npos);
    EXPECT_EQ(html.find("id=\"hidden-size-plot\""), std::string::npos);
}

// Parameters on a log axis, one line per activation and depth: 32 and 16x16
// have the same number of hidden units but are different networks.
TEST(ReportHiddenChart, OneLinePerActivationAndDepthOnParameters) {
    test::TempDir dir("depths");
    test::FakeSweepOptions o;
    o.hidden = {{32}, {16, 16}, {64}};
    o.extra_failed_and_diverged = false;
    test::write_fake_sweep(dir.path(), o);
    const std::string html = test::read_text(write_report(dir.path()).html);
    EXPECT_EQ(test::check_html(html), "");
    const std::string chart = html.substr(html.find("<title>Validation accuracy against model size</title>"));
    EXPECT_NE(chart.find("parameters (weights and biases, log scale)"), std::string::npos);
    for (const char* line : {"relu, 1 hidden layer", "relu, 2 hidden layers", "sigmoid, 1 hidden layer",
                             "sigmoid, 2 hidden layers"})
        EXPECT_NE(chart.find(">" + std::string(line) + "</text>"), std::string::npos) << line;
    EXPECT_NE(chart.find("class=\"errorbars\""), std::string::npos);
    EXPECT_NE(chart.find("(axis starts at "), std::string::npos);
    // Log ticks with grouped thousands: 784-32-10 has 25,450 parameters, 784-64-10 50,890.
    EXPECT_NE(chart.find(">20,000</text>"), std::string::npos);
    EXPECT_NE(chart.find(">50,000</text>"), std::string::npos);
}

TEST(ReportRunFolder, ARunFolderIsReportedIntoItsReportSubfolder) {
    test::TempDir dir("runfolder");
    auto runs = test::write_fake_sweep(dir.path());
    const fs::path run = dir.path() / "runs" / runs.front().id;
    const std::string summary_before = test::read_text(run / "summary.json");
    ReportPaths paths = write_report(run);
    EXPECT_EQ(paths.html, run / "report" / "report.html");
    EXPECT_EQ(test::read_text(run / "summary.json"), summary_before);
    EXPECT_EQ(test::check_html(test::read_text(paths.html)), "");
}

TEST(ReportErrors, MalformedSummaryJsonNamesTheFileAndPosition) {
    test::TempDir dir("badjson");
    auto runs = test::write_fake_sweep(dir.path());
    const fs::path bad = dir.path() / "runs" / runs[1].id / "summary.json";
    test::write_text(bad, "{\n  \"status\": \"ok\",\n  \"test_accuracy\": 0.9,,\n}\n");
    try {
        write_report(dir.path());
        FAIL() << "no error";
    } catch (const Error& e) {
        const std::string msg = e.what();
        EXPECT_NE(msg.find(bad.string() + ":3:24:"), std::string::npos) << msg;
        EXPECT_NE(msg.find("expected string literal"), std::string::npos) << msg;  // nlohmann's words
    }
    EXPECT_FALSE(fs::exists(dir.path() / "report.html"));  // nothing written
}

TEST(ReportErrors, BadFieldTypesAndMetricsNameTheFile) {
    test::TempDir dir("badfields");
    auto runs = test::write_fake_sweep(dir.path());
    const fs::path summary = dir.path() / "runs" / runs[0].id / "summary.json";
    test::write_text(summary, "{\"status\": \"ok\", \"test_accuracy\": \"high\"}");
    try {
        write_report(dir.path());
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find(summary.string() + ": field \"test_accuracy\""), std::string::npos)
            << e.what();
    }
    test::write_text(summary, "{\"status\": \"fine\"}");
    EXPECT_THROW(write_report(dir.path()), Error);
    fs::remove(summary);  // now pending; its metrics.csv gets a bad number
    const fs::path metrics = dir.path() / "runs" / runs[0].id / "metrics.csv";
    std::string text = test::read_text(metrics);
    text.replace(text.find('\n') + 3, 1, "x");
    test::write_text(metrics, text);
    try {
        write_report(dir.path());
        FAIL() << "no error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find(metrics.string() + ":2:"), std::string::npos) << e.what();
    }
    test::write_text(dir.path() / "sweep.json", "{\"runs\": 3}");
    EXPECT_THROW(write_report(dir.path()), Error);
    EXPECT_THROW(write_report(dir.path() / "nothing-here"), Error);
}

// text with the value of "key" (up to the end of its line) replaced.
std::string with_value(std::string text, const std::string& key, const std::string& value) {
    const std::size_t at = text.find("\"" + key + "\": ");
    EXPECT_NE(at, std::string::npos) << key;
    const std::size_t start = at + key.size() + 4, end = text.find_first_of(",\n", start);
    return text.replace(start, end - start, value);
}

// Issue 15: a summary.json edited to say test_accuracy 5.0 or epochs -7 was
// shown as 500.00% and ranked best. Such a file is refused, naming it, the
// key and the range; the sweep runner counts that run as not finished.
TEST(ReportErrors, TamperedSummariesAreRefusedNotRanked) {
    test::TempDir dir("tampered");
    auto runs = test::write_fake_sweep(dir.path());
    const fs::path run = dir.path() / "runs" / runs[0].id;
    const fs::path summary = run / "summary.json";
    const std::string good = test::read_text(summary);
    EXPECT_TRUE(run_finished(run));
    const std::string cases[][3] = {
        {"test_accuracy", "5.0", "field \"test_accuracy\": expected null or a number in [0, 1], got 5"},
        {"epochs", "-7", "field \"epochs\": expected an integer in [0, 2147483647], got -7"},
        {"classes", "3", "field \"confusion\": expected 3 rows (one per class), got 10"},
    };
    for (const auto& [key, value, message] : cases) {
        test::write_text(summary, with_value(good, key, value));
        try {
            write_report(dir.path());
            ADD_FAILURE() << "accepted: " << key << " = " << value;
        } catch (const Error& e) {
            EXPECT_EQ(std::string(e.what()), summary.string() + ": " + message);
        }
        EXPECT_FALSE(run_finished(run)) << key;  // a resumed sweep redoes it
    }
    test::write_text(summary, good);
    EXPECT_NO_THROW(write_report(dir.path()));
}

TEST(ReportEmpty, ASweepWithoutFinishedRunsStillGivesAReport) {
    test::TempDir dir("empty");
    test::write_text(dir.path() / "sweep.json",
                     "{\"experiment\": \"x<y\", \"axes\": [\"model.activation\"], \"runs\": [{\"id\": \"activation=relu\", "
                     "\"config_id\": \"activation=relu\", \"assignments\": {\"model.activation\": \"\\\"relu\\\"\"}}]}");
    ReportPaths paths = write_report(dir.path());
    const std::string html = test::read_text(paths.html);
    EXPECT_EQ(test::check_html(html), "");
    EXPECT_NE(html.find("x&lt;y"), std::string::npos);
    EXPECT_NE(html.find("No finished run"), std::string::npos);
    Csv csv = read_csv(paths.summary_csv);
    ASSERT_EQ(csv.rows.size(), 1u);
    EXPECT_EQ(csv.rows[0][csv.col("pending")], "1");
    EXPECT_EQ(csv.rows[0][csv.col("rank_value")], "");
}

TEST(ReportPending, UnfinishedRunsAreCountedNotAveraged) {
    test::TempDir dir("pending");
    test::FakeSweepOptions o;
    o.extra_failed_and_diverged = false;
    auto runs = test::write_fake_sweep(dir.path(), o);
    fs::remove(dir.path() / "runs" / runs[0].id / "summary.json");
    Csv csv = read_csv(write_report(dir.path()).summary_csv);
    auto row = std::find_if(csv.rows.begin(), csv.rows.end(),
                            [&](const auto& r) { return r[csv.col("config_id")] == runs[0].config_id; });
    ASSERT_NE(row, csv.rows.end());
    EXPECT_EQ((*row)[csv.col("pending")], "1");
    EXPECT_EQ((*row)[csv.col("n_runs")], "2");
    EXPECT_EQ((*row)[csv.col("ok")], "2");
}

}  // namespace
}  // namespace soma
