// Sweeps: product and zip expansion, run ids, and every sweep error with its
// position; to_toml of a sweep loads back to the same runs.
#include "config_test_util.h"

#include "config/document.h"
#include "config/sweep_id.h"
#include "util/sanitize.h"

namespace soma::test {

namespace {

std::vector<std::string> ids(const Sweep& s) {
    std::vector<std::string> out;
    for (const auto& r : s.runs) out.push_back(r.id);
    return out;
}

}  // namespace

TEST_F(ConfigTest, AFileWithoutSweepIsOneRun) {
    write("exp.toml", "[training]\nepochs = 2\n");
    const Sweep s = load_sweep(dir_ / "exp.toml", plugins(), {"training.seed=5"});
    ASSERT_EQ(s.runs.size(), 1u);
    EXPECT_EQ(s.runs[0].id, "");
    EXPECT_EQ(s.runs[0].config_id, "");
    EXPECT_TRUE(s.runs[0].assignments.empty());
    EXPECT_TRUE(s.axes.empty());
    EXPECT_EQ(s.mode, "product");
    EXPECT_EQ(s.runs[0].experiment, s.base);
    EXPECT_EQ(s.base.training.seed, 5u);
}

TEST_F(ConfigTest, ProductRunsEveryCombinationLastAxisFastest) {
    write("sweep.toml", R"([model]
hidden = [8]
[sweep]
"model.activation" = ["sigmoid", "relu"]
"model.hidden" = [[16], [16, 16], [32]]
"training.seed" = [1, 2, 3]
)");
    const Sweep s = load_sweep(dir_ / "sweep.toml", plugins());
    EXPECT_EQ(s.mode, "product");
    EXPECT_EQ(s.axes, (std::vector<std::string>{"model.activation", "model.hidden", "training.seed"}));
    ASSERT_EQ(s.runs.size(), 18u);
    EXPECT_EQ(s.runs[0].id, "activation=sigmoid,hidden=16,seed=1");
    EXPECT_EQ(s.runs[1].id, "activation=sigmoid,hidden=16,seed=2");
    EXPECT_EQ(s.runs[3].id, "activation=sigmoid,hidden=16x16,seed=1");
    EXPECT_EQ(s.runs[9 + 5].id, "activation=relu,hidden=16x16,seed=3");
    EXPECT_EQ(s.runs[17].id, "activation=relu,hidden=32,seed=3");
    EXPECT_EQ(s.runs[14].config_id, "activation=relu,hidden=16x16");
    EXPECT_EQ(s.runs[12].config_id, s.runs[14].config_id);  // seeds are repetitions
    EXPECT_EQ(s.runs[14].assignments,
              (std::vector<std::pair<std::string, std::string>>{
                  {"model.activation", "\"relu\""}, {"model.hidden", "[16, 16]"}, {"training.seed", "3"}}));

    const Experiment& e = s.runs[14].experiment;
    ASSERT_EQ(e.model.layers.size(), 2u);
    EXPECT_EQ(e.model.layers[1].units, 16);
    EXPECT_EQ(e.model.layers[1].activation, "relu");
    EXPECT_EQ(e.training.seed, 3u);
    EXPECT_EQ(s.base.model.layers.size(), 1u);  // the base keeps its own values
    EXPECT_EQ(s.base.model.layers[0].activation, "sigmoid");
}

TEST_F(ConfigTest, ZipPairsValuesInOrder) {
    write("sweep.toml", R"([sweep]
mode = "zip"
"training.optimizer.learning_rate" = [0.1, 0.01, 1e-5]
"training.epochs" = [1, 2, 3]
)");
    const Sweep s = load_sweep(dir_ / "sweep.toml", plugins());
    EXPECT_EQ(s.mode, "zip");
    EXPECT_EQ(ids(s), (std::vector<std::string>{"learning_rate=0.1,epochs=1", "learning_rate=0.01,epochs=2",
                                                "learning_rate=1e-05,epochs=3"}));
    EXPECT_DOUBLE_EQ(s.runs[2].experiment.training.optimizer.params.get("learning_rate"), 1e-5);
    EXPECT_EQ(s.runs[2].experiment.training.epochs, 3);
}

TEST_F(ConfigTest, ZipNeedsListsOfEqualLength) {
    const ConfigError e = sweep_error_of("[sweep]\nmode = \"zip\"\n\"training.seed\" = [1, 2, 3]\n"
                                         "\"training.epochs\" = [1, 2]\n");
    EXPECT_EQ(std::string(e.what()), shown("sweep.toml") + ":4:21: sweep: mode \"zip\" needs lists of equal length; "
                                                           "\"training.epochs\" has 2 values, \"training.seed\" has 3");
}

TEST_F(ConfigTest, UnquotedDottedKeysAreAxesToo) {
    write("sweep.toml", "[sweep]\ntraining.seed = [4, 5]\n");
    const Sweep s = load_sweep(dir_ / "sweep.toml", plugins());
    EXPECT_EQ(s.axes, std::vector<std::string>{"training.seed"});
    EXPECT_EQ(ids(s), (std::vector<std::string>{"seed=4", "seed=5"}));
    EXPECT_EQ(s.runs[0].config_id, "");
}

TEST_F(ConfigTest, SweepPathMustBeASetting) {
    const ConfigError e = sweep_error_of("[sweep]\n\"training.seed\" = [1]\n  \"model.activaton\" = [\"relu\"]\n");
    EXPECT_EQ(std::string(e.what()), shown("sweep.toml") + ":3:3: unknown setting 'model.activaton' in [sweep] "
                                                           "(did you mean 'model.activation'?)");
    const ConfigError f = sweep_error_of("[sweep]\n\"model.layers.units\" = [1]\n");
    EXPECT_EQ(f.reason, "unknown setting 'model.layers.units' in [sweep] (did you mean 'model.layers'?)");
    const ConfigError g = sweep_error_of("[sweep]\n\"experiment.include\" = [\"a.toml\"]\n");
    EXPECT_EQ(g.line, 2);
    EXPECT_EQ(g.reason.rfind("unknown setting 'experiment.include' in [sweep]", 0), 0u);
}

TEST_F(ConfigTest, SweepValueOfTheWrongTypeFailsAtThatValue) {
    const ConfigError e = sweep_error_of("[sweep]\n\"training.epochs\" = [1,\n  2, \"three\"]\n");
    EXPECT_EQ(std::string(e.what()), shown("sweep.toml") + ":3:6: training.epochs: expected an integer, got a string");
}

TEST_F(ConfigTest, SweepValueNamingAnUnknownPluginFailsAtThatValue) {
    const ConfigError e = sweep_error_of("[model]\nhidden = [4]\n[sweep]\n\"model.activation\" = [\"relu\", \"sigmod\"]\n");
    EXPECT_EQ(e.file, shown("sweep.toml"));
    EXPECT_EQ(e.line, 4);
    EXPECT_EQ(e.column, 31);
    EXPECT_EQ(e.reason.rfind("unknown activation 'sigmod' (did you mean 'sigmoid'?)", 0), 0u);
}

TEST_F(ConfigTest, SweepAxisMustBeANonEmptyList) {
    const ConfigError e = sweep_error_of("[sweep]\n\"training.seed\" = 3\n");
    EXPECT_EQ(std::string(e.what()),
              shown("sweep.toml") + ":2:19: sweep \"training.seed\": expected a list of values, got an integer");
    const ConfigError f = sweep_error_of("[sweep]\n\"training.seed\" = []\n");
    EXPECT_EQ(f.reason, "sweep \"training.seed\": expected at least one value, got []");
}

TEST_F(ConfigTest, SweepModeIsProductOrZip) {
    const ConfigError e = sweep_error_of("[sweep]\nmode = \"zipp\"\n");
    EXPECT_EQ(std::string(e.what()), shown("sweep.toml") +
                                         ":2:8: sweep.mode: expected one of product, zip, got 'zipp' (did you mean 'zip'?)");
}

TEST_F(ConfigTest, OverlappingAxesAreAnError) {
    const ConfigError e = sweep_error_of(
        "[sweep]\n\"training.optimizer\" = [{ name = \"sgd\" }]\n\"training.optimizer.momentum\" = [0.5]\n");
    EXPECT_EQ(std::string(e.what()), shown("sweep.toml") + ":3:1: sweep axis 'training.optimizer.momentum' overlaps "
                                                           "axis 'training.optimizer' (" +
                                         shown("sweep.toml") + ":2:1); sweep one of them");
}

TEST_F(ConfigTest, DuplicateRunIdsAreAnError) {
    const ConfigError e = sweep_error_of("[training]\nepochs = 1\n\n[sweep]\n\"training.seed\" = [1, 2, 1]\n");
    EXPECT_EQ(std::string(e.what()), shown("sweep.toml") + ":4:2: sweep: runs 1 and 3 both get the id 'seed=1'; "
                                                           "every run needs its own (is a value listed twice?)");
}

TEST_F(ConfigTest, SetAppliesToEveryRunButNotToAnAxis) {
    write("sweep.toml", "[sweep]\n\"training.seed\" = [1, 2]\n");
    const Sweep s = load_sweep(dir_ / "sweep.toml", plugins(), {"training.epochs=2"});
    for (const auto& r : s.runs) EXPECT_EQ(r.experiment.training.epochs, 2);
    EXPECT_EQ(s.base.training.epochs, 2);

    const ConfigError e = error_in([&] { load_sweep(dir_ / "sweep.toml", plugins(), {"training.seed=3"}); });
    EXPECT_EQ(std::string(e.what()), "<--set training.seed=3>: --set training.seed conflicts with the sweep axis "
                                     "'training.seed' (" + shown("sweep.toml") + ":2:1); set it in one place");
    const ConfigError f = error_in([&] { load_sweep(dir_ / "sweep.toml", plugins(), {"training={ seed = 3 }"}); });
    EXPECT_EQ(f.file, "<--set training={ seed = 3 }>");
}

TEST_F(ConfigTest, RunIdsAreFilesystemSafe) {
    write("sweep.toml", "[sweep]\n\"experiment.description\" = [\"a b/c\\u001b\", \"d\"]\n"
                        "\"model.init_scale\" = [0.5, 2.0]\n");
    const Sweep s = load_sweep(dir_ / "sweep.toml", plugins());
    EXPECT_EQ(ids(s), (std::vector<std::string>{"description=a_b_c_,init_scale=0.5", "description=a_b_c_,init_scale=2",
                                                "description=d,init_scale=0.5", "description=d,init_scale=2"}));
    EXPECT_EQ(s.runs[0].experiment.description, "a b/c\x1b");
}

TEST_F(ConfigTest, AxisKeysAreTheShortestUniqueTails) {
    EXPECT_EQ(axis_keys({{"model", "activation"}, {"training", "seed"}}),
              (std::vector<std::string>{"activation", "seed"}));
    EXPECT_EQ(axis_keys({{"model", "activation_params", "alpha"}, {"training", "optimizer", "alpha"}}),
              (std::vector<std::string>{"activation_params.alpha", "optimizer.alpha"}));
    EXPECT_EQ(axis_keys({{"output", "name"}, {"experiment", "name"}, {"training", "seed"}}),
              (std::vector<std::string>{"output.name", "experiment.name", "seed"}));
}

TEST_F(ConfigTest, ValueIdsAndSanitizing) {
    const Node doc = parse_toml("a = [16, 16]\nb = 0.1\nc = true\nd = { x = 1, y = \"z\" }\ne = -3\n", "t", dir_);
    EXPECT_EQ(value_id(*doc.find("a")), "16x16");
    EXPECT_EQ(value_id(*doc.find("b")), "0.1");
    EXPECT_EQ(value_id(*doc.find("c")), "true");
    EXPECT_EQ(value_id(*doc.find("d")), "x-1_y-z");
    EXPECT_EQ(value_id(*doc.find("e")), "-3");
    EXPECT_EQ(folder_name("a=b c/d,e.f-g_h:i"), "a=b_c_d,e.f-g_h_i");
}

TEST_F(ConfigTest, SweepToTomlLoadsBackToTheSameRuns) {
    write("sweep.toml", R"([experiment]
name = "grid"
[model]
hidden = [8]
[training.optimizer]
learning_rate = 0.2
[sweep]
"model.activation" = ["sigmoid", "relu"]
"model.hidden" = [[16], [4, 4]]
"training.optimizer.momentum" = [0.0, 0.9]
"training.seed" = [1, 2]
)");
    const Sweep first = load_sweep(dir_ / "sweep.toml", plugins(), {"training.epochs=2"});
    ASSERT_EQ(first.runs.size(), 16u);
    const std::string text = to_toml(first);
    EXPECT_NE(text.find("\n[sweep]\nmode = \"product\"\n\"model.activation\" = [\"sigmoid\", \"relu\"]\n"
                        "\"model.hidden\" = [[16], [4, 4]]\n\"training.optimizer.momentum\" = [0.0, 0.9]\n"
                        "\"training.seed\" = [1, 2]\n"),
              std::string::npos)
        << text;
    std::ofstream(dir_ / "again.toml") << text;
    const Sweep second = load_sweep(dir_ / "again.toml", plugins());
    EXPECT_EQ(second.base, first.base);
    ASSERT_EQ(second.runs.size(), first.runs.size());
    for (std::size_t i = 0; i < first.runs.size(); ++i) {
        EXPECT_EQ(second.runs[i].id, first.runs[i].id);
        EXPECT_EQ(second.runs[i].config_id, first.runs[i].config_id);
        EXPECT_EQ(second.runs[i].assignments, first.runs[i].assignments);
        EXPECT_EQ(second.runs[i].experiment, first.runs[i].experiment) << first.runs[i].id;
    }
    EXPECT_EQ(to_toml(second), text);
}

TEST_F(ConfigTest, SweepToTomlKeepsOnlyWrittenParametersOfASweptPlugin) {
    // The base optimizer's defaults must not be written as if chosen: another
    // optimizer on the axis would get them too (or not know them).
    write("sweep.toml", "[training.optimizer]\nlearning_rate = 0.3\n[sweep]\n\"training.optimizer.name\" = [\"sgd\"]\n");
    const Sweep s = load_sweep(dir_ / "sweep.toml", plugins());
    const std::string text = to_toml(s);
    EXPECT_NE(text.find("[training.optimizer]\nname = \"sgd\"\nlearning_rate = 0.3\n\n"), std::string::npos) << text;
    std::ofstream(dir_ / "again.toml") << text;
    EXPECT_EQ(load_sweep(dir_ / "again.toml", plugins()).runs.at(0).experiment, s.runs.at(0).experiment);
}

TEST_F(ConfigTest, SweepingIdxFilesResolvesThemAgainstTheSweepFile) {
    write("sub/sweep.toml", R"([data]
dataset = "idx"
train_images = "ti"
train_labels = "tl"
test_images = "si"
test_labels = "sl"
[sweep]
"data.train_images" = ["a", "b"]
)");
    const Sweep s = load_sweep(dir_ / "sub/sweep.toml", plugins());
    EXPECT_EQ(s.runs[1].experiment.data.train_images, (dir_ / "sub/b").string());
    EXPECT_EQ(s.runs[1].assignments[0].second, "\"" + (dir_ / "sub/b").string() + "\"");
    EXPECT_EQ(s.runs[1].id, "train_images=b");
}

}  // namespace soma::test
