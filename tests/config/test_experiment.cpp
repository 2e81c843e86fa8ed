// load_experiment on valid files: defaults, both model styles, plugin
// parameters filled in, paths made absolute, and the to_toml round trip.
#include <cmath>
#include <map>

#include "config_test_util.h"

namespace soma::test {

TEST_F(ConfigTest, EmptyFileGivesTheDefaults) {
    write("mnist_3b1b.toml", "");
    const Experiment e = load("mnist_3b1b.toml");
    EXPECT_EQ(e.name, "mnist_3b1b");  // the file stem
    EXPECT_EQ(e.source, dir_ / "mnist_3b1b.toml");
    EXPECT_EQ(e.data, DataConfig{});
    EXPECT_TRUE(e.model.layers.empty());
    EXPECT_EQ(e.training.epochs, 10);
    EXPECT_EQ(e.training.batch_size, 32);
    EXPECT_EQ(e.training.loss, "cross_entropy");
    EXPECT_EQ(e.training.optimizer.name, "sgd");
    // Every parameter the optimizer declares is present, at its default.
    EXPECT_DOUBLE_EQ(e.training.optimizer.params.get("learning_rate"), 0.1);
    EXPECT_DOUBLE_EQ(e.training.optimizer.params.get("momentum"), 0.0);
    EXPECT_EQ(e.output, OutputConfig{});
    EXPECT_TRUE(e.plugin_paths.empty());
}

TEST_F(ConfigTest, EverySectionIsRead) {
    write("exp.toml", R"([experiment]
name = "three_b_one_b"
description = "the 3b1b network"

[data]
dataset = "idx"
train_images = "data/train-images.idx"
train_labels = "/abs/train-labels.idx"
test_images = "data/t10k-images.idx"
test_labels = "data/t10k-labels.idx"
train_limit = 1000
test_limit = 200
validation = 0.1
cache_dir = "/tmp/cache"

[model]
hidden = [16, 8]
activation = "relu"
init = "he"
init_scale = 0.5
output_activation = "sigmoid"

[training]
epochs = 3
batch_size = 64
loss = "mse"
seed = 42
threads = 2

[training.optimizer]
name = "sgd"
learning_rate = 0.5
momentum = 0.9

[output]
dir = "out"
name = "first"
save_weights = false
)");
    const Experiment e = load("exp.toml");
    EXPECT_EQ(e.name, "three_b_one_b");
    EXPECT_EQ(e.description, "the 3b1b network");
    EXPECT_EQ(e.data.dataset, "idx");
    EXPECT_EQ(e.data.train_images, (dir_ / "data/train-images.idx").string());  // relative to the file
    EXPECT_EQ(e.data.train_labels, "/abs/train-labels.idx");
    EXPECT_EQ(e.data.train_limit, 1000);
    EXPECT_EQ(e.data.test_limit, 200);
    EXPECT_DOUBLE_EQ(e.data.validation, 0.1);
    EXPECT_EQ(e.data.cache_dir, "/tmp/cache");

    ASSERT_EQ(e.model.layers.size(), 2u);
    EXPECT_EQ(e.model.layers[0].type, "dense");
    EXPECT_EQ(e.model.layers[0].units, 16);
    EXPECT_EQ(e.model.layers[1].units, 8);
    EXPECT_EQ(e.model.layers[1].activation, "relu");
    EXPECT_DOUBLE_EQ(e.model.layers[1].params.get("units"), 8);  // dense's units parameter
    EXPECT_EQ(e.model.layers[1].pos.line, 17);
    EXPECT_EQ(e.model.layers[1].pos.column, 15);
    EXPECT_EQ(e.model.output_activation, "sigmoid");
    EXPECT_EQ(e.model.init, InitScheme::he);
    EXPECT_DOUBLE_EQ(e.model.init_scale, 0.5);

    EXPECT_EQ(e.training.epochs, 3);
    EXPECT_EQ(e.training.batch_size, 64);
    EXPECT_EQ(e.training.loss, "mse");
    EXPECT_EQ(e.training.seed, 42u);
    EXPECT_EQ(e.training.threads, 2);
    EXPECT_DOUBLE_EQ(e.training.optimizer.params.get("learning_rate"), 0.5);
    EXPECT_DOUBLE_EQ(e.training.optimizer.params.get("momentum"), 0.9);
    EXPECT_DOUBLE_EQ(e.training.optimizer.params.get("weight_decay"), 0.0);  // default filled in

    EXPECT_EQ(e.output.dir, "out");
    EXPECT_EQ(e.output.name, "first");
    EXPECT_FALSE(e.output.save_weights);
}

TEST_F(ConfigTest, HiddenDefaultsToSigmoid) {
    write("exp.toml", "[model]\nhidden = [16, 16]\n");
    const Experiment e = load("exp.toml");
    ASSERT_EQ(e.model.layers.size(), 2u);
    EXPECT_EQ(e.model.layers[0].activation, "sigmoid");
}

TEST_F(ConfigTest, LayersAreReadOneByOne) {
    write("exp.toml", R"([[model.layers]]
units = 32
activation = "relu"

[[model.layers]]
type = "dense"
units = 10
params = {}
activation_params = {}
)");
    const Experiment e = load("exp.toml");
    ASSERT_EQ(e.model.layers.size(), 2u);
    EXPECT_EQ(e.model.layers[0].type, "dense");
    EXPECT_EQ(e.model.layers[0].units, 32);
    EXPECT_EQ(e.model.layers[0].activation, "relu");
    EXPECT_EQ(e.model.layers[0].pos.line, 1);
    EXPECT_EQ(e.model.layers[1].units, 10);
    EXPECT_EQ(e.model.layers[1].activation, "");  // no activation after this layer
    EXPECT_DOUBLE_EQ(e.model.layers[1].params.get("units"), 10);
}

TEST_F(ConfigTest, IntegersAreAcceptedWhereNumbersAre) {
    write("exp.toml", "[model]\ninit_scale = 1\n[training.optimizer]\nlearning_rate = 1\nnesterov = 1\n");
    const Experiment e = load("exp.toml");
    EXPECT_DOUBLE_EQ(e.model.init_scale, 1.0);
    EXPECT_DOUBLE_EQ(e.training.optimizer.params.get("learning_rate"), 1.0);
    EXPECT_DOUBLE_EQ(e.training.optimizer.params.get("nesterov"), 1.0);
}

TEST_F(ConfigTest, PluginFoldersAreLoadedBeforeNamesAreChecked) {
    // A registry with nothing loaded: "relu" exists only through [plugins] paths.
    Registry empty;
    write("exp.toml", "[plugins]\npaths = [\"" + std::string(SOMA_TEST_PLUGIN_DIR) +
                          "\"]\n[model]\nhidden = [4]\nactivation = \"relu\"\n");
    const Experiment e = load_experiment(dir_ / "exp.toml", empty);
    EXPECT_EQ(e.model.layers.at(0).activation, "relu");
    ASSERT_EQ(e.plugin_paths.size(), 1u);
    EXPECT_EQ(e.plugin_paths[0], std::filesystem::path(SOMA_TEST_PLUGIN_DIR).lexically_normal());
    EXPECT_TRUE(empty.has(Kind::activation, "relu"));
}

TEST_F(ConfigTest, PluginPathsAreRelativeToTheFile) {
    std::filesystem::create_directories(dir_ / "my_plugins");
    write("sub/exp.toml", "[plugins]\npaths = [\"../my_plugins\"]\n");
    PluginPermission permission;
    permission.allow(dir_ / "my_plugins");
    const Experiment e = load_experiment(dir_ / "sub/exp.toml", plugins(), {}, permission);
    ASSERT_EQ(e.plugin_paths.size(), 1u);
    EXPECT_EQ(e.plugin_paths[0], dir_ / "my_plugins");
}

// Loads `text`, writes it back with to_toml, loads that: both must be equal,
// and writing the second gives the same text.
void expect_round_trip(const std::filesystem::path& dir, const Experiment& first,
                       const PluginPermission& permission = PluginPermission()) {
    const std::string text = to_toml(first);
    std::ofstream(dir / "again.toml") << text;
    const Experiment second = load_experiment(dir / "again.toml", plugins(), {}, permission);
    EXPECT_EQ(first, second) << text;
    EXPECT_EQ(to_toml(second), text);
}

TEST_F(ConfigTest, ToTomlRoundTripsHiddenLayers) {
    write("exp.toml", R"([experiment]
name = "round_trip"
description = "line one\nline \"two\""
[data]
dataset = "synthetic"
synthetic_train = 300
synthetic_test = 50
synthetic_seed = 9
validation = 0.25
[model]
hidden = [16, 16]
activation = "relu"
output_activation = "sigmoid"
init = "uniform"
init_scale = 0.1
[training]
epochs = 2
seed = 0
[training.optimizer]
learning_rate = 0.01
momentum = 0.9
weight_decay = 1e-5
[output]
save_weights = false
)");
    expect_round_trip(dir_, load("exp.toml"));
}

TEST_F(ConfigTest, ToTomlRoundTripsLayersAndPaths) {
    std::filesystem::create_directories(dir_ / "plugins here");
    write("exp.toml", R"([data]
dataset = "idx"
train_images = "a.idx"
train_labels = "b.idx"
test_images = "c.idx"
test_labels = "d.idx"
[[model.layers]]
units = 7
activation = "sigmoid"
[[model.layers]]
units = 3
[plugins]
paths = ["plugins here"]
)");
    PluginPermission permission;
    permission.allow(dir_ / "plugins here");
    expect_round_trip(dir_, load_experiment(dir_ / "exp.toml", plugins(), {}, permission), permission);
}

TEST_F(ConfigTest, ToTomlRoundTripsAModelWithoutHiddenLayers) {
    write("exp.toml", "");
    const Experiment e = load("exp.toml");
    EXPECT_NE(to_toml(e).find("layers = []"), std::string::npos);
    expect_round_trip(dir_, e);
}

TEST_F(ConfigTest, ToTomlWritesEveryValue) {
    write("exp.toml", "[model]\nhidden = [5]\n");
    const std::string text = to_toml(load("exp.toml"));
    for (const char* expected :
         {"[[model.layers]]\ntype = \"dense\"\nunits = 5\nactivation = \"sigmoid\"\nparams = {}\n",
          "[training.optimizer]\nname = \"sgd\"\n", "learning_rate = 0.1\n", "momentum = 0.0\n",
          "validation = 0.0\n", "synthetic_seed = 7\n", "save_weights = true\n", "init = \"\"\n"})
        EXPECT_NE(text.find(expected), std::string::npos) << expected << "\nin:\n" << text;
}

TEST_F(ConfigTest, TheDataPiecesInConfigsLoad) {
    const std::filesystem::path configs = std::filesystem::path(SOMA_SOURCE_DIR) / "configs";
    for (const auto& [piece, dataset] : std::vector<std::pair<std::string, std::string>>{
             {"mnist.toml", "mnist"}, {"mnist-10k.toml", "mnist-10k"}, {"fashion-mnist.toml", "fashion-mnist"},
             {"synthetic.toml", "synthetic"}}) {
        write("exp.toml", "include = [\"" + (configs / piece).string() + "\"]\n");
        EXPECT_EQ(load("exp.toml").data.dataset, dataset) << piece;
    }
}

TEST_F(ConfigTest, TheMnist3b1bExperimentLoads) {
    const auto file = std::filesystem::path(SOMA_SOURCE_DIR) / "experiments/mnist_3b1b.toml";
    if (!std::filesystem::exists(file)) GTEST_SKIP() << file << " not in this checkout";
    const Sweep s = load_sweep(file, plugins());
    ASSERT_FALSE(s.runs.empty());
    const Experiment& e = s.runs[0].experiment;
    EXPECT_EQ(e.name, "mnist_3b1b");
    EXPECT_EQ(e.data.dataset, "mnist");  // from configs/mnist.toml
    ASSERT_EQ(e.model.layers.size(), 2u);
    EXPECT_EQ(e.model.layers[0].activation, "sigmoid");
}

// Defaults that teach good method: every ready-made experiment chooses epochs
// on a validation split and repeats each configuration with at least 5 seeds.
TEST_F(ConfigTest, ReadyMadeExperimentsUseValidationAndFiveSeeds) {
    const auto folder = std::filesystem::path(SOMA_SOURCE_DIR) / "experiments";
    int files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(folder)) {
        if (entry.path().extension() != ".toml") continue;
        ++files;
        const Sweep s = load_sweep(entry.path(), plugins());
        std::map<std::string, int> seeds;
        for (const RunSpec& r : s.runs) {
            EXPECT_GT(r.experiment.data.validation, 0.0) << entry.path() << " run " << r.id;
            ++seeds[r.config_id];
        }
        for (const auto& [config, n] : seeds) EXPECT_GE(n, 5) << entry.path() << " configuration '" << config << "'";
    }
    EXPECT_GE(files, 5);
}

// The book's chapter 1 set-up, setting by setting (experiments/nielsen_ch1.toml).
TEST_F(ConfigTest, TheNielsenExperimentIsTheBooks) {
    const Sweep s = load_sweep(std::filesystem::path(SOMA_SOURCE_DIR) / "experiments/nielsen_ch1.toml", plugins());
    ASSERT_EQ(s.runs.size(), 5u);
    const Experiment& e = s.runs[0].experiment;
    EXPECT_EQ(e.data.dataset, "mnist");
    EXPECT_EQ(std::llround(e.data.validation * 60000), 10000);  // trains on 50,000
    ASSERT_EQ(e.model.layers.size(), 1u);
    EXPECT_EQ(e.model.layers[0].units, 30);
    EXPECT_EQ(e.model.layers[0].activation, "sigmoid");
    EXPECT_EQ(e.model.output_activation, "sigmoid");
    EXPECT_EQ(e.model.init, InitScheme::normal);
    EXPECT_EQ(e.model.init_scale, 1.0);
    EXPECT_EQ(e.model.bias_init, BiasInit::normal);  // network.py: np.random.randn(y, 1)
    EXPECT_EQ(e.training.loss, "mse");
    EXPECT_EQ(e.training.batch_size, 10);
    EXPECT_EQ(e.training.epochs, 30);
    EXPECT_EQ(e.training.optimizer.name, "sgd");
    EXPECT_EQ(e.training.optimizer.params.get("learning_rate"), 3.0);
    EXPECT_EQ(e.training.optimizer.params.get("momentum"), 0.0);
}

}  // namespace soma::test
