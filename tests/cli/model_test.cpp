// `soma eval` and `soma predict` on a run trained here: eval gives the run's
// own test metrics back; predict, on test digits written out as PNG, PGM and
// IDX, gives the answers behind eval's confusion matrix; bad input is refused.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>

#include "cli_util.h"
#include "trained_run.h"
#include "config/experiment.h"
#include "data/dataset.h"
#include "data/idx.h"
#include "data/image_file.h"
#include "toolkit/json.h"
#include "util/atomic_file.h"

namespace soma::test {
namespace {

struct Tiny {
    static constexpr const char* toml = R"(
[experiment]
name = "tiny"
[data]
dataset = "synthetic"
synthetic_train = 600
synthetic_test = 200
validation = 0.2
[model]
hidden = [16]
activation = "sigmoid"
[training]
epochs = 4
batch_size = 32
threads = 1
[training.optimizer]
name = "sgd"
learning_rate = 0.5
)";
};

using CliModel = TrainedRunSuite<Tiny>;

Json json_of(const Result& r) { return parse_json(r.output, "soma's output"); }

// The run's test split, as the run loaded it.
Split test_split() {
    DataConfig c;
    c.dataset = "synthetic";
    c.synthetic_train = 600;
    c.synthetic_test = 200;
    c.validation = 0.2;
    return load_dataset(c, ".").test;
}

TEST_F(CliModel, EvalGivesTheRunsOwnTestMetrics) {
    const fs::path run = trained_run();
    ASSERT_TRUE(fs::exists(run / "model-last.soma"));
    ASSERT_TRUE(fs::exists(run / "model-best.soma"));
    const Json summary = parse_json(read(run / "summary.json"), "summary.json");

    const Result last = soma("eval run --model last --json", run.parent_path());
    ASSERT_EQ(last.status, 0) << last.output;
    const Json e = json_of(last);
    EXPECT_EQ(e["epoch"], 4);
    EXPECT_EQ(e["samples"], 200);
    EXPECT_EQ(e["accuracy"].get<double>(), summary["test_accuracy"].get<double>());
    EXPECT_EQ(e["loss"].get<double>(), summary["test_loss"].get<double>());
    EXPECT_EQ(e["confusion"], summary["confusion"]);

    // The validation-chosen model is the run's best_validation_epoch, with that epoch's test accuracy.
    const Result best = soma("eval run --json", run.parent_path());
    ASSERT_EQ(best.status, 0) << best.output;
    const Json b = json_of(best);
    EXPECT_EQ(b["epoch"], summary["best_validation_epoch"]);
    // metrics.csv: epoch,train_loss,train_accuracy,test_loss,test_accuracy,...
    std::istringstream csv(read(run / "metrics.csv"));
    std::string line;
    double test_accuracy = -1;
    while (std::getline(csv, line))
        if (line.rfind(std::to_string(b["epoch"].get<int>()) + ",", 0) == 0) {
            std::istringstream cells(line);
            std::string cell;
            for (int column = 0; column <= 4; ++column) std::getline(cells, cell, ',');
            test_accuracy = std::stod(cell);
        }
    EXPECT_NEAR(b["accuracy"].get<double>(), test_accuracy, 1e-6) << best.output;

    const Result text = soma("eval run --model last", run.parent_path());
    ASSERT_EQ(text.status, 0) << text.output;
    EXPECT_NE(text.output.find("data:     synthetic, test split, 200 samples"), std::string::npos) << text.output;
    EXPECT_NE(text.output.find("confusion (rows: true class, columns: predicted)"), std::string::npos);
    EXPECT_NE(text.output.find("recall"), std::string::npos);
}

TEST_F(CliModel, PredictOnWrittenDigitsAgreesWithEval) {
    const fs::path run = trained_run();
    const Split test = test_split();
    constexpr int n = 24;
    TempDir images;
    std::string files;
    for (int i = 0; i < n; ++i) {
        GrayImage g;
        g.rows = g.cols = 28;
        g.pixels.assign(test.images.begin() + i * 784, test.images.begin() + (i + 1) * 784);
        const fs::path file = images.path() / ("digit" + std::to_string(i) + (i % 2 ? ".pgm" : ".png"));
        if (i % 2) write_file_atomic(file, "P5\n28 28\n255\n" + std::string(g.pixels.begin(), g.pixels.end()));
        else write_file_atomic(file, encode_gray_png(g));
        files += " '" + file.string() + "'";
    }
    const Result p = soma("predict run" + files + " --model last --top 3 --json", run.parent_path());
    ASSERT_EQ(p.status, 0) << p.output;
    const Json predictions = json_of(p)["predictions"];
    ASSERT_EQ(predictions.size(), static_cast<std::size_t>(n));
    std::vector<std::vector<int>> confusion(10, std::vector<int>(10, 0));
    for (int i = 0; i < n; ++i) {
        const Json& one = predictions[static_cast<std::size_t>(i)];
        ASSERT_EQ(one["top"].size(), 3u);
        EXPECT_EQ(one["top"][0]["class"], one["class"]);
        EXPECT_GE(one["top"][0]["probability"].get<double>(), one["top"][1]["probability"].get<double>());
        ++confusion[test.labels[static_cast<std::size_t>(i)]][one["class"].get<int>()];
    }
    const Result e = soma("eval run --model last --json --set data.test_limit=" + std::to_string(n), run.parent_path());
    ASSERT_EQ(e.status, 0) << e.output;
    EXPECT_EQ(json_of(e)["confusion"], Json(confusion)) << p.output;

    // The same digits as one IDX file give the same answers.
    std::vector<std::uint8_t> pixels(test.images.begin(), test.images.begin() + n * 784);
    write_idx(images.path() / "digits.idx3", {n, 28, 28}, pixels);
    const Result idx = soma("predict run '" + (images.path() / "digits.idx3").string() + "' --model last --json",
                            run.parent_path());
    ASSERT_EQ(idx.status, 0) << idx.output;
    for (int i = 0; i < n; ++i)
        EXPECT_EQ(json_of(idx)["predictions"][static_cast<std::size_t>(i)]["class"],
                  predictions[static_cast<std::size_t>(i)]["class"])
            << i;

    const Result text = soma("predict run '" + (images.path() / "digit0.png").string() + "'", run.parent_path());
    ASSERT_EQ(text.status, 0) << text.output;
    EXPECT_NE(text.output.find("digit0.png: " + std::to_string(predictions[0]["class"].get<int>())),
              std::string::npos)
        << text.output;
}

TEST_F(CliModel, BadInputIsRefusedByName) {
    const fs::path run = trained_run();
    TempDir t;
    GrayImage small;
    small.rows = small.cols = 27;
    small.pixels.assign(27 * 27, 0);
    write_file_atomic(t.path() / "small.png", encode_gray_png(small));
    write(t.path() / "notes.txt", "not an image\n");
    Result r = soma("predict '" + run.string() + "' small.png", t.path());
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.output.find("small.png: 27x27 pixels, the model takes 28x28"), std::string::npos) << r.output;
    r = soma("predict '" + run.string() + "' notes.txt", t.path());
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.output.find("notes.txt: not an image soma reads"), std::string::npos) << r.output;

    // A damaged model file: named, with what is wrong.
    fs::create_directories(t.path() / "copy");
    fs::copy(run, t.path() / "copy", fs::copy_options::recursive);
    const std::string bytes = read(run / "model-last.soma");
    write_file_atomic(t.path() / "copy" / "model-last.soma", bytes.substr(0, bytes.size() / 2));
    r = soma("eval copy --model last", t.path());
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.output.find("model-last.soma: truncated"), std::string::npos) << r.output;

    // A folder of a soma before model files.
    fs::remove(t.path() / "copy" / "model-last.soma");
    fs::remove(t.path() / "copy" / "model-best.soma");
    write(t.path() / "copy" / "weights.bin", "SOMAWTS1");
    r = soma("eval copy", t.path());
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.output.find("a run of a soma before model files (it has weights.bin)"), std::string::npos) << r.output;

    r = soma("eval '" + run.string() + "' --model middle", t.path());
    EXPECT_EQ(r.status, 2) << r.output;
}

// The exported graph m.onnx in `dir`, run by onnxruntime (npm's
// onnxruntime-node, when the build names it: SOMA_ONNXRUNTIME_NODE_PATH),
// gives the probabilities of `soma predict` on the run's test images to 1e-5
// and the same class for every one. `plugin_args`: predict's --allow-plugins.
void expect_onnx_agrees_with_soma(const fs::path& run, const fs::path& dir, const std::string& plugin_args = "") {
    if (std::string(SOMA_ONNXRUNTIME_NODE_PATH).empty())
        GTEST_SKIP() << "no onnxruntime-node (configure with -DSOMA_ONNXRUNTIME_NODE_PATH=DIR/node_modules)";
    const Split test = test_split();
    std::vector<float> pixels(test.images.begin(), test.images.end());
    write_file_atomic(dir / "pixels.f32",
                      std::string(reinterpret_cast<const char*>(pixels.data()), pixels.size() * sizeof(float)));
    const std::string node = "cd '" + dir.string() + "' && NODE_PATH='" SOMA_ONNXRUNTIME_NODE_PATH
                             "' node '" SOMA_SOURCE_DIR "/tests/cli/onnx_run.js' m.onnx pixels.f32 784 2>&1";
    std::string out;
    FILE* p = ::popen(node.c_str(), "r");
    std::array<char, 4096> buf;
    while (std::size_t n = std::fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
    ASSERT_EQ(::pclose(p), 0) << out;
    const Json onnx = parse_json(out, "onnx_run.js");
    const std::vector<double> probabilities = onnx["probabilities"].get<std::vector<double>>();
    ASSERT_EQ(probabilities.size(), test.size() * 10);

    write_idx(dir / "test.idx3", {static_cast<std::uint32_t>(test.size()), 28, 28}, test.images);
    const Result r = soma("predict '" + run.string() + "' test.idx3 --model last --top 10 --json" + plugin_args, dir);
    ASSERT_EQ(r.status, 0) << r.output;
    // --allow-plugins announces the folder it loads on stderr, before the JSON.
    const std::size_t json = r.output.find('{');
    ASSERT_NE(json, std::string::npos) << r.output;
    const Json predictions = parse_json(r.output.substr(json), "soma predict")["predictions"];
    ASSERT_EQ(predictions.size(), test.size());
    std::size_t soma_correct = 0, onnx_correct = 0;
    for (std::size_t i = 0; i < test.size(); ++i) {
        int onnx_class = 0;
        for (int k = 1; k < 10; ++k)
            if (probabilities[i * 10 + k] > probabilities[i * 10 + onnx_class]) onnx_class = k;
        EXPECT_EQ(onnx_class, predictions[i]["class"].get<int>()) << "image " << i;
        for (const Json& top : predictions[i]["top"])
            EXPECT_NEAR(top["probability"].get<double>(), probabilities[i * 10 + top["class"].get<std::size_t>()], 1e-5)
                << "image " << i << " class " << top["class"];
        soma_correct += predictions[i]["class"].get<int>() == test.labels[i];
        onnx_correct += onnx_class == test.labels[i];
    }
    EXPECT_EQ(soma_correct, onnx_correct);
}

TEST_F(CliModel, ExportToOnnxAgreesWithSoma) {
    const fs::path run = trained_run();
    TempDir t;
    Result r = soma("export '" + run.string() + "' --model last --onnx m.onnx", t.path());
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("wrote m.onnx (ONNX opset 13"), std::string::npos) << r.output;
    ASSERT_GT(fs::file_size(t.path() / "m.onnx"), 16u * 785 * 4);
    r = soma("export '" + run.string() + "' --model last --onnx m.onnx", t.path());
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.output.find("m.onnx: exists"), std::string::npos) << r.output;
    expect_onnx_agrees_with_soma(run, t.path());
    if (IsSkipped()) return;  // no onnxruntime-node here

    // scripts/onnx-predict.js, as the README runs it: the same lines as soma predict on the same PGM digits.
    const Split test = test_split();
    std::string files;
    for (int i = 0; i < 5; ++i) {
        const std::string name = "digit" + std::to_string(i) + ".pgm";
        write_file_atomic(t.path() / name, "P5\n28 28\n255\n" + std::string(test.images.begin() + i * 784,
                                                                             test.images.begin() + (i + 1) * 784));
        files += " " + name;
    }
    const Result soma_lines = soma("predict '" + run.string() + "' --model last" + files, t.path());
    ASSERT_EQ(soma_lines.status, 0) << soma_lines.output;
    const std::string node = "cd '" + t.path().string() + "' && NODE_PATH='" SOMA_ONNXRUNTIME_NODE_PATH
                             "' node '" SOMA_SOURCE_DIR "/scripts/onnx-predict.js' m.onnx" + files + " 2>&1";
    std::string out;
    FILE* p = ::popen(node.c_str(), "r");
    std::array<char, 4096> buf;
    while (std::size_t n = std::fread(buf.data(), 1, buf.size(), p)) out.append(buf.data(), n);
    ASSERT_EQ(::pclose(p), 0) << out;
    auto after_first_line = [](const std::string& text) { return text.substr(text.find('\n') + 1); };
    EXPECT_NE(out.find("model: m.onnx (onnxruntime "), std::string::npos) << out;
    EXPECT_EQ(after_first_line(out), after_first_line(soma_lines.output));
}

// A user's plugin (fixtures/cli_onnx.cpp) trained here: its activation with
// an ONNX form exports (ONNX's checker passes, onnxruntime agrees with soma),
// between batch_norm and dropout, whose ONNX forms are theirs too; its
// activation without one is refused, naming it and its library.
const std::string kOnnxPlugins = SOMA_FIXTURE_DIR "/onnx";

fs::path train_with(const TempDir& t, const std::string& activation, int epochs) {
    std::string config = Tiny::toml;
    const std::size_t model = config.find("[model]"), training = config.find("[training]");
    config.replace(model, training - model,
                   "[[model.layers]]\ntype = \"dense\"\nunits = 16\nactivation = \"" + activation +
                       "\"\n[[model.layers]]\ntype = \"batch_norm\"\n[[model.layers]]\ntype = \"dropout\"\n"
                       "params = { rate = 0.1 }\n");
    config.replace(config.find("epochs = 4"), 10, "epochs = " + std::to_string(epochs));
    write(t.path() / "plugin.toml", config + "[plugins]\npaths = [\"" + kOnnxPlugins + "\"]\n");
    const Result r = soma("run plugin.toml --out run --allow-plugins " + kOnnxPlugins, t.path());
    EXPECT_EQ(r.status, 0) << r.output;
    return t.path() / "run";
}

TEST(CliOnnxPlugin, AnActivationWithAnOnnxFormExportsAndAgreesWithSoma) {
    TempDir t;
    const fs::path run = train_with(t, "scaled_swish", 4);
    Result r = soma("export run --model last --onnx m.onnx", t.path());
    EXPECT_EQ(r.status, 1) << r.output;  // the plugin's folder is the user's to allow
    EXPECT_NE(r.output.find("--allow-plugins"), std::string::npos) << r.output;
    r = soma("export run --model last --onnx m.onnx --allow-plugins " + kOnnxPlugins, t.path());
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("wrote m.onnx (ONNX opset 13"), std::string::npos) << r.output;
    expect_onnx_agrees_with_soma(run, t.path(), " --allow-plugins " + kOnnxPlugins);
}

TEST(CliOnnxPlugin, AnActivationWithoutAnOnnxFormIsRefusedByName) {
    TempDir t;
    train_with(t, "wobble", 1);
    const Result r = soma("export run --model last --onnx m.onnx --allow-plugins " + kOnnxPlugins, t.path());
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_NE(r.output.find("model-last.soma: layer 0's activation 'wobble' has no ONNX form, so the model cannot be "
                            "exported; its plugin (cli_onnx, " + kOnnxPlugins + "/cli_onnx.so) can give it one"),
              std::string::npos)
        << r.output;
    EXPECT_NE(r.output.find("docs/onnx-export.md"), std::string::npos) << r.output;
    EXPECT_FALSE(fs::exists(t.path() / "m.onnx"));
}

}  // namespace
}  // namespace soma::test
