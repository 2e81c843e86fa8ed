// `soma run`, `soma plugins`, `soma data` as a user types them.
#include <gtest/gtest.h>

#include "cli_util.h"

namespace soma::test {
namespace {

const char* kSynthetic = R"(
[experiment]
name = "tiny"
[data]
dataset = "synthetic"
synthetic_train = 600
synthetic_test = 200
[model]
hidden = [16, 16]
activation = "sigmoid"
[training]
epochs = 3
batch_size = 32
threads = 1
[training.optimizer]
name = "sgd"
learning_rate = 0.5
)";

TEST(Cli, RunWritesTheRunFolder) {
    TempDir t;
    write(t.path() / "tiny.toml", kSynthetic);
    Result r = soma("run tiny.toml --out out", t.path());
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("784 -> dense 16 + sigmoid (fused) -> dense 16 + sigmoid (fused) -> dense 10"),
              std::string::npos) << r.output;
    EXPECT_NE(r.output.find("epoch 3/3"), std::string::npos) << r.output;
    const fs::path out = t.path() / "out";
    const std::string csv = read(out / "metrics.csv");
    EXPECT_EQ(csv.substr(0, csv.find('\n')),
              "epoch,train_loss,train_accuracy,test_loss,test_accuracy,seconds,samples_per_second");
    EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 4) << csv;
    const std::string summary = read(out / "summary.json");
    for (const char* key : {"\"test_accuracy\"", "\"best_test_accuracy\"", "\"epochs\": 3", "\"train_seconds\"",
                            "\"samples_per_second\"", "\"parameters\": 13002", "\"status\": \"ok\""})
        EXPECT_NE(summary.find(key), std::string::npos) << key << "\n" << summary;
    EXPECT_NE(read(out / "config.toml").find("learning_rate = 0.5"), std::string::npos);
    EXPECT_TRUE(fs::file_size(out / "weights.bin") > 13002 * 4);
    EXPECT_EQ(count_files_named(out, ".tmp"), 0u);
}

TEST(Cli, SameSeedSameMetrics) {
    TempDir t;
    write(t.path() / "tiny.toml", kSynthetic);
    ASSERT_EQ(soma("run tiny.toml --out a", t.path()).status, 0);
    ASSERT_EQ(soma("run tiny.toml --out b", t.path()).status, 0);
    auto strip_time = [](std::string csv) {
        // seconds and samples/s are timings; every other column must match exactly.
        std::string out;
        std::istringstream in(csv);
        for (std::string line; std::getline(in, line);) out += line.substr(0, line.rfind(',', line.rfind(',') - 1)) + "\n";
        return out;
    };
    EXPECT_EQ(strip_time(read(t.path() / "a/metrics.csv")), strip_time(read(t.path() / "b/metrics.csv")));
}

TEST(Cli, MissingDatasetPrintsTheFetchCommand) {
    TempDir t;
    write(t.path() / "m.toml", "[data]\ndataset = \"mnist\"\n[model]\nhidden = [16]\n");
    Result r = soma("run m.toml --out out", t.path(), t.path() / "empty-cache");
    EXPECT_EQ(r.status, 1) << r.output;  // a run that cannot start fails; 2 is for command lines
    EXPECT_NE(r.output.find("soma data fetch mnist"), std::string::npos) << r.output;
    // The run folder says it failed, and why: nothing in it looks finished.
    const std::string summary = read(t.path() / "out" / "summary.json");
    EXPECT_NE(summary.find("\"status\": \"failed\""), std::string::npos) << summary;
    EXPECT_NE(summary.find("soma data fetch mnist"), std::string::npos) << summary;
    EXPECT_FALSE(fs::exists(t.path() / "out" / "metrics.csv"));
}

TEST(Cli, ConfigErrorNamesFileLineAndColumn) {
    TempDir t;
    write(t.path() / "bad.toml", "[training]\nepochs = 3\nbatch_sise = 32\n");
    Result r = soma("run bad.toml", t.path());
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.output.find("bad.toml:3:1"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("did you mean 'batch_size'"), std::string::npos) << r.output;
    EXPECT_FALSE(fs::exists(t.path() / "runs"));
}

TEST(Cli, UnknownActivationListsTheKnownOnes) {
    TempDir t;
    write(t.path() / "bad.toml", "[data]\ndataset = \"synthetic\"\n[model]\nactivation = \"sigmod\"\n");
    Result r = soma("run bad.toml", t.path());
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.output.find("bad.toml:4:14"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("did you mean 'sigmoid'"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("relu"), std::string::npos) << r.output;
}

TEST(Cli, SetOverridesAreValidatedLikeTheFile) {
    TempDir t;
    write(t.path() / "tiny.toml", kSynthetic);
    Result r = soma("run tiny.toml --set training.epochs=0", t.path());
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.output.find("training.epochs"), std::string::npos) << r.output;
    Result ok = soma("run tiny.toml --out o --set training.epochs=1 --set model.activation=relu", t.path());
    ASSERT_EQ(ok.status, 0) << ok.output;
    EXPECT_NE(ok.output.find("relu (fused)"), std::string::npos) << ok.output;
}

TEST(Cli, PluginsListsEveryBuiltInPluginWithItsFile) {
    TempDir t;
    Result r = soma("plugins", t.path());
    EXPECT_EQ(r.status, 0) << r.output;
    for (const char* name : {"sigmoid", "relu", "dense", "sgd"}) {
        EXPECT_NE(r.output.find(name), std::string::npos) << name;
        EXPECT_NE(r.output.find(std::string(" ") + name + ".so "), std::string::npos) << name;
    }
    // Files relative to their folder, named under the table.
    EXPECT_NE(r.output.find("\nfolder: " SOMA_TEST_PLUGIN_DIR "\n"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("activation"), std::string::npos);
    EXPECT_NE(r.output.find("optimizer"), std::string::npos);
}

TEST(Cli, PluginPathAddsAFolderAndABrokenPluginIsReported) {
    TempDir t;
    write(t.path() / "plugins/broken.so", "not a library");
    const std::string env = "SOMA_PLUGIN_PATH='" + (t.path() / "plugins").string() + "' ";
    Result r = soma("plugins", t.path());
    FILE* p = ::popen(("cd '" + t.path().string() + "' && " + env + "'" + kSoma + "' plugins 2>&1").c_str(), "r");
    std::string out;
    char buf[4096];
    while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
    int status = ::pclose(p);
    EXPECT_NE(WEXITSTATUS(status), 0);
    EXPECT_NE(out.find("broken.so: cannot open"), std::string::npos) << out;
}

TEST(Cli, VersionNamesSomaAndOneDnn) {
    TempDir t;
    Result r = soma("--version", t.path());
    EXPECT_EQ(r.status, 0);
    EXPECT_EQ(r.output.rfind("soma 0.", 0), 0u) << r.output;
    EXPECT_NE(r.output.find("oneDNN 2."), std::string::npos) << r.output;
}


}  // namespace
}  // namespace soma::test
