// soma bench: architecture strings, exact counts, a tiny synthetic run's
// outputs, and bench-file errors with positions. No timing is checked beyond
// "positive and ordered": timings are not pass/fail.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include <unistd.h>

#include "bench/bench.h"
#include "config/config_error.h"
#include "util/error.h"

namespace soma {
namespace {

std::filesystem::path temp_root() {
    return std::filesystem::temp_directory_path() / ("soma_bench_test_" + std::to_string(::getpid()));
}

// Removes this process's temporary folder when the tests end.
class TempCleanup : public ::testing::Environment {
public:
    void TearDown() override {
        std::error_code ec;
        std::filesystem::remove_all(temp_root(), ec);
    }
};
[[maybe_unused]] ::testing::Environment* const cleanup = ::testing::AddGlobalTestEnvironment(new TempCleanup);

std::filesystem::path temp_dir(const std::string& name) {
    auto dir = temp_root() / name;
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir;
}

std::string read_text(const std::filesystem::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string error_of(const std::string& arch) {
    try {
        parse_architecture(arch);
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

TEST(Architecture, Parses) {
    const Architecture a = parse_architecture("784-16-16-10");
    EXPECT_EQ(a.widths, (std::vector<int>{784, 16, 16, 10}));
    EXPECT_EQ(a.text, "784-16-16-10");
    EXPECT_EQ(a.inputs(), 784);
    EXPECT_EQ(a.outputs(), 10);
    EXPECT_EQ(parse_architecture("784-10").widths, (std::vector<int>{784, 10}));
}

TEST(Architecture, ErrorsNameThePosition) {
    const std::string e = error_of("784-x-10");
    EXPECT_NE(e.find("'784-x-10'"), std::string::npos) << e;
    EXPECT_NE(e.find("position 2"), std::string::npos) << e;
    EXPECT_NE(e.find("'x'"), std::string::npos) << e;
    EXPECT_NE(error_of("784--10").find("position 2 is empty"), std::string::npos) << error_of("784--10");
    EXPECT_NE(error_of("784-16-0").find("position 3"), std::string::npos) << error_of("784-16-0");
    EXPECT_NE(error_of("784-16-").find("position 3"), std::string::npos);
    EXPECT_NE(error_of("-16-10").find("position 1"), std::string::npos);
    EXPECT_NE(error_of("784-1.5-10").find("position 2"), std::string::npos);
    EXPECT_NE(error_of("784-99999999999-10").find("position 2"), std::string::npos);
    EXPECT_NE(error_of("784").find("at least inputs-outputs"), std::string::npos) << error_of("784");
    EXPECT_FALSE(error_of("").empty());
}

TEST(Architecture, ExactCounts) {
    const Architecture a = parse_architecture("784-16-16-10");
    EXPECT_EQ(architecture_parameters(a), 13002u);  // 784*16+16 + 16*16+16 + 16*10+10
    EXPECT_EQ(architecture_multiply_adds(a), 12960.0);
    EXPECT_EQ(architecture_flops(a), 25920.0);
    const Architecture b = parse_architecture("784-100-10");
    EXPECT_EQ(architecture_parameters(b), 79510u);
    EXPECT_EQ(architecture_flops(b), 2.0 * (78400 + 1000));
    const ModelConfig m = architecture_model(a, "relu");
    ASSERT_EQ(m.layers.size(), 2u);
    EXPECT_EQ(m.layers[0].units, 16);
    EXPECT_EQ(m.layers[1].activation, "relu");
}

TEST(Bench, TinySyntheticRunWritesEveryOutput) {
    BenchOptions o;
    o.architectures = {parse_architecture("784-16-16-10"), parse_architecture("784-8-10")};
    o.data.dataset = "synthetic";
    o.data.synthetic_train = 256;
    o.data.synthetic_test = 64;
    o.batch = 32;
    o.threads = 1;
    o.epochs = 2;
    o.accuracy_epochs = 2;
    o.accuracy_seeds = 3;
    o.latency_samples = 300;
    o.plugin_folders = {SOMA_TEST_PLUGIN_DIR};
    o.out = temp_dir("tiny") / "out";
    std::ostringstream log;
    const BenchResult r = run_bench(o, log);
    const BenchPaths p = write_bench_outputs(r);

    ASSERT_EQ(r.rows.size(), 2u);
    EXPECT_EQ(r.rows[0].parameters, 13002u);
    EXPECT_EQ(r.train_samples, 256);
    EXPECT_EQ(r.test_samples, 64);
    for (const BenchRow& row : r.rows) {
        SCOPED_TRACE(row.architecture);
        EXPECT_GT(row.train_samples_per_second, 0);
        EXPECT_GT(row.infer_samples_per_second, 0);
        EXPECT_GT(row.latency_p50_us, 0);
        EXPECT_GE(row.latency_p99_us, row.latency_p50_us);
        EXPECT_GT(row.peak_memory_mb, 1);
        EXPECT_EQ(row.threads, 1);
        EXPECT_EQ(row.epoch_samples_per_second.size(), 3u);  // warm-up + 2 timed
        ASSERT_EQ(row.test_accuracies.size(), 3u);  // one per seed
        for (double a : row.test_accuracies) {
            EXPECT_GE(a, 0);
            EXPECT_LE(a, 1);
        }
        EXPECT_NE(row.test_accuracies[0], row.test_accuracies[1]);  // other seeds, other networks
        EXPECT_TRUE(std::isfinite(row.accuracy().ci));
        EXPECT_EQ(row.accuracy_epochs, 2);
        EXPECT_NE(row.network.find("dense"), std::string::npos);
    }

    // CSV: a header and one row per architecture.
    std::istringstream csv(read_text(p.csv));
    std::vector<std::string> lines;
    for (std::string line; std::getline(csv, line);) lines.push_back(line);
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_EQ(lines[0].rfind("architecture,parameters,flops_per_sample,", 0), 0u);
    EXPECT_NE(lines[0].find(",test_accuracy,test_accuracy_std,test_accuracy_n,test_accuracy_ci95_low,"),
              std::string::npos);
    EXPECT_EQ(lines[1].rfind("784-16-16-10,13002,25920,", 0), 0u) << lines[1];
    EXPECT_EQ(lines[2].rfind("784-8-10,6370,", 0), 0u) << lines[2];

    // JSON: strict parse, one row per architecture.
    const BenchResult j = read_bench_json(p.json);
    ASSERT_EQ(j.rows.size(), 2u);
    EXPECT_EQ(j.rows[1].architecture, "784-8-10");
    EXPECT_GT(j.rows[0].latency_p99_us, 0);
    EXPECT_EQ(j.options.data.dataset, "synthetic");
    EXPECT_EQ(j.train_samples, r.train_samples);
    for (std::size_t i = 0; i < r.rows.size(); ++i) {  // every number reads back exactly
        EXPECT_EQ(j.rows[i].train_samples_per_second, r.rows[i].train_samples_per_second);
        EXPECT_EQ(j.rows[i].latency_mean_us, r.rows[i].latency_mean_us);
        EXPECT_EQ(j.rows[i].peak_memory_mb, r.rows[i].peak_memory_mb);
        EXPECT_EQ(j.rows[i].test_accuracies, r.rows[i].test_accuracies);
        EXPECT_EQ(j.rows[i].epoch_samples_per_second, r.rows[i].epoch_samples_per_second);
        EXPECT_EQ(j.rows[i].network, r.rows[i].network);
    }

    // HTML: self-contained, charts, every architecture.
    const std::string html = read_text(p.html);
    EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
    EXPECT_NE(html.find("<svg"), std::string::npos);
    EXPECT_NE(html.find("Accuracy against size"), std::string::npos);
    EXPECT_NE(html.find("784-16-16-10"), std::string::npos);
    EXPECT_NE(html.find("784-8-10"), std::string::npos);
    EXPECT_EQ(html.find("<script"), std::string::npos);
    // No external references: every http(s) URL is an SVG namespace.
    for (std::size_t at = html.find("http"); at != std::string::npos; at = html.find("http", at + 1))
        EXPECT_EQ(html.compare(at, 18, "http://www.w3.org/"), 0) << html.substr(at, 60);

    // The terminal table has a line per architecture, and the accuracy verdict.
    const std::string text = bench_table_text(r);
    EXPECT_NE(text.find("\naccuracy: "), std::string::npos) << text;
    EXPECT_NE(text.find("n 3)"), std::string::npos) << text;
    EXPECT_NE(text.find("784-8-10"), std::string::npos);
    EXPECT_NE(text.find("13,002"), std::string::npos);
    // Written atomically: no temporary file (name.tmp.PID) is left behind.
    for (const auto& e : std::filesystem::directory_iterator(o.out))
        EXPECT_EQ(e.path().filename().string().find(".tmp"), std::string::npos) << e.path();
}

// A result with the given accuracies per architecture (seeds 1, 2, ...), no measuring.
BenchResult with_accuracies(const std::vector<std::vector<double>>& accuracies) {
    BenchResult r;
    r.options.accuracy_epochs = 5;
    r.options.accuracy_seeds = static_cast<int>(accuracies.front().size());
    const char* names[] = {"784-16-10", "784-100-10", "784-128-64-10"};
    for (std::size_t i = 0; i < accuracies.size(); ++i) {
        BenchRow row;
        row.architecture = names[i];
        row.parameters = 1000 * (i + 1);
        row.test_accuracies = accuracies[i];
        row.accuracy_epochs = 5;
        r.rows.push_back(row);
    }
    return r;
}

TEST(BenchAccuracy, MostAccurateOnlyWhenSignificantlyAhead) {
    // Per seed, 784-100-10 is 1.0 to 1.2 points ahead: a paired t-test sees it.
    const BenchResult apart = with_accuracies({{0.930, 0.932, 0.929}, {0.941, 0.944, 0.939}});
    LeaderVerdict v = accuracy_verdict(apart);
    EXPECT_EQ(v.leader, 1u);
    EXPECT_TRUE(v.leader_ahead);
    EXPECT_TRUE(v.others[0].test.paired);
    std::string h = accuracy_headline(apart);
    EXPECT_EQ(h.rfind("784-100-10 is ahead of 784-16-10 on test accuracy after 5 epochs by ", 0), 0u) << h;
    EXPECT_NE(bench_html(apart).find("Accuracy: 784-100-10 is ahead of"), std::string::npos);

    // 0.4 points apart in the means, but the seeds disagree: no most accurate one.
    const BenchResult close = with_accuracies({{0.930, 0.941, 0.925}, {0.938, 0.930, 0.940}});
    v = accuracy_verdict(close);
    EXPECT_FALSE(v.leader_ahead);
    h = accuracy_headline(close);
    EXPECT_EQ(h.rfind("784-100-10 and 784-16-10 are not distinguishable on this data", 0), 0u) << h;
    EXPECT_NE(h.find("3 seeds each"), std::string::npos) << h;
    EXPECT_NE(h.find("80% power would take"), std::string::npos) << h;
    const std::string html = bench_html(close);
    EXPECT_EQ(html.find("most accurate"), std::string::npos);
    EXPECT_EQ(html.find(" is ahead of "), std::string::npos);

    // One seed each: no test, and the headline says it is no evidence.
    h = accuracy_headline(with_accuracies({{0.93}, {0.95}}));
    EXPECT_NE(h.find("cannot be compared"), std::string::npos) << h;
    EXPECT_NE(h.find("no evidence: use --seeds 3 or more"), std::string::npos) << h;
}

TEST(Bench, ChildErrorsNameTheArchitecture) {
    BenchOptions o;
    o.architectures = {parse_architecture("100-10")};
    o.data.dataset = "synthetic";
    o.data.synthetic_train = 64;
    o.data.synthetic_test = 16;
    o.plugin_folders = {SOMA_TEST_PLUGIN_DIR};
    std::ostringstream log;
    try {
        run_bench(o, log);
        FAIL() << "expected an error";
    } catch (const Error& e) {
        const std::string m = e.what();
        EXPECT_NE(m.find("100-10"), std::string::npos) << m;
        EXPECT_NE(m.find("784 inputs"), std::string::npos) << m;
    }
    o.architectures = {parse_architecture("784-10")};
    o.activation = "sigmod";
    try {
        run_bench(o, log);
        FAIL() << "expected an error";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("sigmoid"), std::string::npos) << e.what();  // did you mean
    }
}

// ---- bench files -----------------------------------------------------------

std::filesystem::path write_file(const std::string& name, const std::string& text) {
    const auto path = temp_dir("files") / name;
    std::ofstream(path) << text;
    return path;
}

std::string file_error(const std::string& text) {
    const auto path = write_file("b.toml", text);
    try {
        load_bench_file(path);
    } catch (const ConfigError& e) {
        return std::string(e.what());
    }
    return "";
}

TEST(BenchFile, Reads) {
    const auto path = write_file("ok.toml",
                                 "[bench]\n"
                                 "architectures = [\"784-16-16-10\", \"784-100-10\"]\n"
                                 "batch = 64\nthreads = 2\ndataset = \"synthetic\"\naccuracy_epochs = 3\nseeds = 5\n"
                                 "activation = \"relu\"\nepochs = 2\nlatency_samples = 5000\nout = \"x/y\"\n"
                                 "[plugins]\npaths = [\"more\"]\n");
    std::filesystem::create_directories(path.parent_path() / "more");
    PluginPermission permission;
    permission.allow(path.parent_path() / "more");
    const BenchOptions o = load_bench_file(path, permission);
    ASSERT_EQ(o.architectures.size(), 2u);
    EXPECT_EQ(o.architectures[1].text, "784-100-10");
    EXPECT_EQ(o.batch, 64);
    EXPECT_EQ(o.threads, 2);
    EXPECT_EQ(o.data.dataset, "synthetic");
    EXPECT_EQ(o.accuracy_epochs, 3);
    EXPECT_EQ(o.accuracy_seeds, 5);
    EXPECT_EQ(o.activation, "relu");
    EXPECT_EQ(o.epochs, 2);
    EXPECT_EQ(o.latency_samples, 5000);
    EXPECT_EQ(o.out, "x/y");
    ASSERT_EQ(o.extra_plugin_folders.size(), 1u);
    EXPECT_EQ(o.extra_plugin_folders[0], path.parent_path() / "more");
}

TEST(BenchFile, PluginFoldersNeedTheUsersPermission) {
    std::filesystem::create_directories(temp_dir("files") / "theirs");
    const std::string e = file_error("[bench]\narchitectures = [\"784-16-10\"]\n[plugins]\npaths = [\"theirs\"]\n");
    EXPECT_NE(e.find("b.toml:4:10: plugins.paths: plugin folder "), std::string::npos) << e;
    EXPECT_NE(e.find("to load it, add --allow-plugins "), std::string::npos) << e;
}

TEST(BenchFile, ErrorsHavePositions) {
    std::string e = file_error("[bench]\narchitectures = [\"784-16-10\", \"784-x-10\"]\n");
    EXPECT_NE(e.find("b.toml:2:31"), std::string::npos) << e;
    EXPECT_NE(e.find("position 2 is 'x'"), std::string::npos) << e;

    e = file_error("[bench]\narchitectures = [\"784-10\"]\nbatchsize = 3\n");
    EXPECT_NE(e.find("b.toml:3:1"), std::string::npos) << e;
    EXPECT_NE(e.find("did you mean 'batch'"), std::string::npos) << e;

    e = file_error("[bench]\narchitectures = [\"784-10\"]\nbatch = 0\n");
    EXPECT_NE(e.find("b.toml:3:9"), std::string::npos) << e;
    EXPECT_NE(e.find("bench.batch"), std::string::npos) << e;

    e = file_error("[bench]\narchitectures = [\"784-10\"]\nthreads = \"2\"\n");
    EXPECT_NE(e.find("b.toml:3:"), std::string::npos) << e;
    EXPECT_NE(e.find("integer"), std::string::npos) << e;

    e = file_error("[bench]\narchitectures = [\"784-10\"]\ndataset = \"fashion\"\n");
    EXPECT_NE(e.find("b.toml:3:"), std::string::npos) << e;
    EXPECT_NE(e.find("fashion-mnist"), std::string::npos) << e;

    e = file_error("[bench]\narchitectures = [784]\n");
    EXPECT_NE(e.find("b.toml:2:"), std::string::npos) << e;
    EXPECT_NE(e.find("string"), std::string::npos) << e;

    e = file_error("[bench]\nbatch = 32\n");
    EXPECT_NE(e.find("architectures"), std::string::npos) << e;

    e = file_error("[bnech]\narchitectures = [\"784-10\"]\n");
    EXPECT_NE(e.find("b.toml:1:"), std::string::npos) << e;
    EXPECT_NE(e.find("did you mean 'bench'"), std::string::npos) << e;

    e = file_error("[bench]\narchitectures = [\"784-10\"]\nlatency_samples = 10\n");
    EXPECT_NE(e.find("b.toml:3:"), std::string::npos) << e;
    EXPECT_NE(e.find("2000"), std::string::npos) << e;

    e = file_error("[bench\n");
    EXPECT_NE(e.find("b.toml:1:"), std::string::npos) << e;
}

}  // namespace
}  // namespace soma
