// `soma inspect` on a relu run trained here and on model files written from
// it with known tensors: the statistics and dead units against the test's
// own computation from the file's tensors and the data, the config printed
// and trained again, JSON, and bad input refused naming the file.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "cli_util.h"
#include "trained_run.h"
#include "data/dataset.h"
#include "model/model_file.h"
#include "toolkit/json.h"

namespace soma::test {
namespace {

struct Relu {
    static constexpr const char* toml = R"(
[experiment]
name = "relu_tiny"
[data]
dataset = "synthetic"
synthetic_train = 600
synthetic_test = 200
validation = 0.2
[model]
hidden = [12, 6]
activation = "relu"
[training]
epochs = 3
batch_size = 32
threads = 1
[training.optimizer]
name = "sgd"
learning_rate = 0.3
)";
};

using CliInspect = TrainedRunSuite<Relu>;

Json json_of(const Result& r) { return parse_json(r.output, "soma's output"); }

// Every line of a text output within 100 columns.
void expect_fits(const std::string& text) {
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) EXPECT_LE(line.size(), 100u) << line;
}

TEST_F(CliInspect, StatisticsAreTheFilesTensors) {
    const Result r = soma("inspect run --model last --json", dir());
    ASSERT_EQ(r.status, 0) << r.output;
    const Json j = json_of(r);
    const ModelFile file = read_model_file(dir() / "run" / "model-last.soma");
    EXPECT_EQ(j["model"], (fs::path("run") / "model-last.soma").string());
    EXPECT_EQ(j["description"]["network"], file.description.network);
    EXPECT_EQ(j["parameters"], file.description.parameters);
    ASSERT_EQ(j["layers"].size(), 3u);  // dense 12, dense 6, the output layer

    std::int64_t total = 0;
    std::size_t tensors = 0;
    for (const Json& layer : j["layers"]) {
        std::int64_t layer_parameters = 0;
        for (const Json& t : layer["tensors"]) {
            ++tensors;
            const ModelTensor* m = find_tensor(file, t["name"].get<std::string>());
            ASSERT_NE(m, nullptr) << t["name"];
            EXPECT_EQ(t["role"], m->role == TensorRole::buffer ? "buffer" : "parameter");
            EXPECT_EQ(t["shape"].get<std::vector<int>>(), m->shape);
            ASSERT_EQ(t["count"], m->values.size());
            // Independently: two passes in long double.
            long double sum = 0;
            for (float v : m->values) sum += v;
            const long double mean = sum / m->values.size();
            long double sq = 0;
            for (float v : m->values) sq += (v - mean) * (v - mean);
            const double std = static_cast<double>(std::sqrt(sq / m->values.size()));
            EXPECT_NEAR(t["mean"].get<double>(), static_cast<double>(mean), 1e-12);
            EXPECT_NEAR(t["std"].get<double>(), std, 1e-12);
            EXPECT_EQ(t["min"].get<double>(), *std::min_element(m->values.begin(), m->values.end()));
            EXPECT_EQ(t["max"].get<double>(), *std::max_element(m->values.begin(), m->values.end()));
            if (m->role == TensorRole::parameter) layer_parameters += static_cast<std::int64_t>(m->values.size());
        }
        EXPECT_EQ(layer["parameters"], layer_parameters);
        total += layer_parameters;
        // Measured on the run's test data, as eval reads it.
        ASSERT_TRUE(layer["dead_units"].is_number()) << layer;
        EXPECT_GE(layer["dead_units"].get<int>(), 0);
        EXPECT_LE(layer["dead_units"].get<int>(), layer["outputs"].get<int>());
    }
    EXPECT_EQ(tensors, file.tensors.size());
    EXPECT_EQ(total, file.description.parameters);
    EXPECT_EQ(j["dead_units"]["samples"], 200);  // the whole test set: fewer than 1000
    EXPECT_EQ(j["dead_units"]["dataset"], "synthetic");
    EXPECT_EQ(j["provenance"]["soma_version"], file.provenance.soma_version);
    EXPECT_EQ(j["config"], file.config);

    const Result text = soma("inspect run", dir());
    ASSERT_EQ(text.status, 0) << text.output;
    expect_fits(text.output.substr(0, text.output.find("config (")));
    for (const char* part : {"network:", "784 -> dense 12 + relu", "parameters: ", "first 200 synthetic test samples",
                             "layer0.weights", "layer2.bias", "provenance", "oneDNN:", "vector ISA:", "config (",
                             "name = \"relu_tiny\""})
        EXPECT_NE(text.output.find(part), std::string::npos) << part << "\n" << text.output;
}

TEST_F(CliInspect, DeadUnitsOfKnownWeights) {
    // Layer 0's units all see the image's mean pixel m (weights c/784, pixels
    // /255) plus a bias b: relu(c * m + b) is 0 for every sample exactly when
    // c * m + b <= 0 for every sample, which the test decides from the data.
    DataConfig c;
    c.dataset = "synthetic";
    c.synthetic_train = 600;
    c.synthetic_test = 200;
    c.validation = 0.2;
    const Split test = load_dataset(c, ".").test;
    constexpr std::size_t samples = 150;
    std::vector<double> means;
    for (std::size_t n = 0; n < samples; ++n) {
        double sum = 0;
        for (int i = 0; i < 784; ++i) sum += test.images[n * 784 + i] / 255.0;
        means.push_back(sum / 784);
    }
    std::vector<double> sorted = means;
    std::sort(sorted.begin(), sorted.end());
    // A threshold inside the widest gap of the middle half: some samples above it, none at it.
    std::size_t gap = samples / 4;
    for (std::size_t k = samples / 4; k < 3 * samples / 4; ++k)
        if (sorted[k + 1] - sorted[k] > sorted[gap + 1] - sorted[gap]) gap = k;
    const double median = (sorted[gap] + sorted[gap + 1]) / 2, highest = sorted.back(), lowest = sorted.front();
    const std::vector<std::pair<double, double>> units = {
        {0, -1},   {0, 0.5},  {1, -2},           {-1, 0.001},        {1, -median}, {1, -(highest + 0.01)},
        {2, -0.1}, {0, 1e-3}, {-3, lowest * 2}, {1, -(lowest - 0.01)}, {0, -1e-3}, {5, 0}};
    int expected = 0;
    for (const auto& [cw, b] : units) {
        bool dead = true;
        for (double m : means) {
            const double pre = cw * m + b;
            ASSERT_GT(std::abs(pre), 1e-4) << "a unit too close to 0 for float to decide";
            if (pre > 0) dead = false;
        }
        expected += dead;
    }
    ASSERT_GT(expected, 2);
    ASSERT_LT(expected, 12);

    ModelFile file = read_model_file(dir() / "run" / "model-last.soma");
    for (ModelTensor& t : file.tensors) {
        if (t.name == "layer0.weights")
            for (std::size_t u = 0; u < 12; ++u)
                std::fill_n(t.values.begin() + u * 784, 784, static_cast<float>(units[u].first / 784));
        if (t.name == "layer0.bias")
            for (std::size_t u = 0; u < 12; ++u) t.values[u] = static_cast<float>(units[u].second);
    }
    write_model_file(dir() / "dead.soma", file);

    // A lone model file: its config section names the data.
    const Result r = soma("inspect dead.soma --samples " + std::to_string(samples) + " --json", dir());
    ASSERT_EQ(r.status, 0) << r.output;
    const Json j = json_of(r);
    EXPECT_EQ(j["dead_units"]["samples"], samples);
    EXPECT_EQ(j["layers"][0]["dead_units"], expected) << r.output;

    // --samples 0: the file alone.
    const Result none = soma("inspect dead.soma --samples 0 --json", dir());
    ASSERT_EQ(none.status, 0) << none.output;
    EXPECT_TRUE(json_of(none)["layers"][0]["dead_units"].is_null());
}

TEST_F(CliInspect, PrintedConfigTrainsTheSameModel) {
    const Result config = soma("inspect run --config", dir());
    ASSERT_EQ(config.status, 0) << config.output;
    write(dir() / "again.toml", config.output);
    const Result run = soma("run again.toml --out again", dir());
    ASSERT_EQ(run.status, 0) << run.output;
    const Result a = soma("inspect run --samples 0 --json", dir());
    const Result b = soma("inspect again --samples 0 --json", dir());
    ASSERT_EQ(a.status, 0) << a.output;
    ASSERT_EQ(b.status, 0) << b.output;
    // Same config, seed and threads: the same description, and the same weights.
    EXPECT_EQ(json_of(a)["description"], json_of(b)["description"]);
    EXPECT_EQ(json_of(a)["layers"], json_of(b)["layers"]);
}

TEST_F(CliInspect, CheckpointSectionsAreNamed) {
    ModelFile file = read_model_file(dir() / "run" / "model-last.soma");
    file.other.push_back({"optimizer", "state"});
    write_model_file(dir() / "checkpoint.soma", file);
    const Result r = soma("inspect checkpoint.soma --samples 0 --json", dir());
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_EQ(json_of(r)["other_sections"], Json::array({"optimizer"}));
    const Result text = soma("inspect checkpoint.soma --samples 0", dir());
    EXPECT_NE(text.output.find("also optimizer"), std::string::npos) << text.output;
}

TEST_F(CliInspect, BuffersAreShownAsSuchAndNotCountedAsParameters) {
    TempDir t;
    write(t.path() / "bn.toml", R"(
[experiment]
name = "bn"
[data]
dataset = "synthetic"
synthetic_train = 200
synthetic_test = 50
[[model.layers]]
type = "dense"
units = 8
activation = "leaky_relu"
[[model.layers]]
type = "batch_norm"
[training]
epochs = 1
threads = 1
)");
    const Result run = soma("run bn.toml --out run", t.path());
    ASSERT_EQ(run.status, 0) << run.output;
    const Result r = soma("inspect run --json", t.path());
    ASSERT_EQ(r.status, 0) << r.output;
    const Json bn = json_of(r)["layers"][1];
    EXPECT_EQ(bn["type"], "batch_norm");
    std::int64_t parameters = 0;
    std::vector<std::string> buffers;
    for (const Json& tensor : bn["tensors"]) {
        if (tensor["role"] == "buffer") buffers.push_back(tensor["name"]);
        else parameters += tensor["count"].get<std::int64_t>();
    }
    EXPECT_EQ(buffers, (std::vector<std::string>{"layer1.running_mean", "layer1.running_var"}));
    EXPECT_EQ(bn["parameters"], parameters);
    // leaky_relu is never 0 but at 0: no unit of it is dead on real data.
    EXPECT_EQ(json_of(r)["layers"][0]["dead_units"], 0);
    const Result text = soma("inspect run", t.path());
    EXPECT_NE(text.output.find("layer1.running_mean  buffer"), std::string::npos) << text.output;
}

TEST_F(CliInspect, BadInputIsRefusedNamingIt) {
    write(dir() / "notes.txt", "not a model\n");
    Result r = soma("inspect notes.txt", dir());
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_NE(r.output.find("notes.txt"), std::string::npos) << r.output;

    const std::string bytes = read(dir() / "run" / "model-last.soma");
    write(dir() / "cut.soma", bytes.substr(0, bytes.size() / 2));
    r = soma("inspect cut.soma", dir());
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_NE(r.output.find("cut.soma"), std::string::npos) << r.output;

    fs::create_directories(dir() / "empty_run");
    r = soma("inspect empty_run", dir());
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_NE(r.output.find("empty_run"), std::string::npos) << r.output;

    r = soma("inspect nowhere.soma", dir());
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_NE(r.output.find("nowhere.soma: no such file or folder"), std::string::npos) << r.output;

    r = soma("inspect cut.soma --model last", dir());
    EXPECT_EQ(r.status, 2) << r.output;

    // A plugin the model needs and this soma lacks is named.
    ModelFile wobbly = read_model_file(dir() / "run" / "model-last.soma");
    wobbly.description.layers[0].activation = "wobble";
    write_model_file(dir() / "wobble.soma", wobbly);
    r = soma("inspect wobble.soma", dir());
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_NE(r.output.find("wobble.soma"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("'wobble'"), std::string::npos) << r.output;

    // Names from the file cannot drive the terminal.
    ModelFile file = read_model_file(dir() / "run" / "model-last.soma");
    file.description.experiment = "evil\x1b]0;title\x07name";
    write_model_file(dir() / "evil.soma", file);
    r = soma("inspect evil.soma --samples 0", dir());
    EXPECT_EQ(r.status, 0) << r.output;
    EXPECT_EQ(r.output.find('\x1b'), std::string::npos);
    EXPECT_EQ(r.output.find('\x07'), std::string::npos);
}

}  // namespace
}  // namespace soma::test
