// Run folder files: metrics.csv, summary.json, weights.bin round trip.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "train/run_folder.h"

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
