// Includes (precedence, nesting, cycles, relative paths) and --set overrides
// (precedence, table creation, errors).
#include "config_test_util.h"

namespace soma::test {

TEST_F(ConfigTest, TheIncludingFileWins) {
    write("base.toml", "[training]\nepochs = 5\nbatch_size = 10\n");
    write("exp.toml", "[experiment]\ninclude = [\"base.toml\"]\n[training]\nepochs = 7\n");
    const Experiment e = load("exp.toml");
    EXPECT_EQ(e.training.epochs, 7);
    EXPECT_EQ(e.training.batch_size, 10);
    EXPECT_EQ(e.name, "exp");  // the stem of the loaded file, not of an included one
}

TEST_F(ConfigTest, ALaterIncludeWinsOverAnEarlierOne) {
    write("a.toml", "[training]\nepochs = 1\nseed = 11\n");
    write("b.toml", "[training]\nepochs = 2\n");
    write("exp.toml", "include = [\"a.toml\", \"b.toml\"]\n");
    const Experiment e = load("exp.toml");
    EXPECT_EQ(e.training.epochs, 2);
    EXPECT_EQ(e.training.seed, 11u);
}

TEST_F(ConfigTest, IncludeMayBeOneString) {
    write("a.toml", "[training]\nepochs = 4\n");
    write("exp.toml", "include = \"a.toml\"\n");
    EXPECT_EQ(load("exp.toml").training.epochs, 4);
}

TEST_F(ConfigTest, NestedIncludesResolveAgainstTheirOwnFolder) {
    write("configs/data.toml", "[data]\ndataset = \"idx\"\ntrain_images = \"files/ti\"\ntrain_labels = \"files/tl\"\n"
                               "test_images = \"files/si\"\ntest_labels = \"files/sl\"\n");
    write("configs/sub/model.toml", "include = [\"../data.toml\"]\n[model]\nhidden = [8]\n");
    write("experiments/exp.toml", "include = [\"../configs/sub/model.toml\"]\n[data]\ntest_labels = \"mine\"\n");
    const Experiment e = load("experiments/exp.toml");
    EXPECT_EQ(e.model.layers.size(), 1u);
    // Each path is relative to the file that writes it.
    EXPECT_EQ(e.data.train_images, (dir_ / "configs/files/ti").string());
    EXPECT_EQ(e.data.test_labels, (dir_ / "experiments/mine").string());
}

TEST_F(ConfigTest, ADiamondIsNotACycle) {
    write("common.toml", "[training]\nepochs = 3\n");
    write("a.toml", "include = [\"common.toml\"]\n");
    write("b.toml", "include = [\"common.toml\"]\n");
    write("exp.toml", "include = [\"a.toml\", \"b.toml\"]\n");
    EXPECT_EQ(load("exp.toml").training.epochs, 3);
}

TEST_F(ConfigTest, IncludeCycleIsAnError) {
    write("a.toml", "include = [\"b.toml\"]\n");
    write("b.toml", "[training]\nepochs = 2\n[experiment]\ninclude = [\"a.toml\"]\n");
    write("exp.toml", "include = [\"a.toml\"]\n");
    const ConfigError e = error_in([&] { load("exp.toml"); });
    EXPECT_EQ(std::string(e.what()), shown("b.toml") + ":4:12: include cycle: " + shown("a.toml") + " -> " +
                                         shown("b.toml") + " -> " + shown("a.toml"));
}

TEST_F(ConfigTest, IncludingItselfIsACycle) {
    const ConfigError e = error_of("include = [\"./exp.toml\"]\n");
    EXPECT_EQ(e.file, shown("exp.toml"));
    EXPECT_EQ(e.line, 1);
    EXPECT_EQ(e.column, 12);
    EXPECT_EQ(e.reason, "include cycle: " + shown("exp.toml") + " -> " + shown("exp.toml"));
}

TEST_F(ConfigTest, MissingIncludeIsAnErrorAtTheInclude) {
    const ConfigError e = error_of("[training]\nepochs = 1\n\ninclude = [\"base.toml\", \"nope.toml\"]\n");
    // A key after [training] belongs to it: the include is training.include.
    EXPECT_EQ(e.reason, "unknown key 'include' in [training]");

    const ConfigError m = error_of("include = [\"base.toml\", \"nope.toml\"]\n");
    EXPECT_EQ(m.line, 1);
    EXPECT_EQ(m.column, 12);
    EXPECT_EQ(m.reason, "cannot read included file '" + shown("base.toml") + "': No such file or directory");
}

TEST_F(ConfigTest, IncludeOfTheWrongType) {
    const ConfigError e = error_of("include = 3\n");
    EXPECT_EQ(e.column, 11);
    EXPECT_EQ(e.reason, "include: expected a list of file paths, got an integer");
    const ConfigError f = error_of("[experiment]\ninclude = [\"a.toml\", 4]\n");
    EXPECT_EQ(f.column, 22);
    EXPECT_EQ(f.reason, "experiment.include: expected a file path (a string), got an integer");
}

TEST_F(ConfigTest, TheIncludingFilesModelStyleWins) {
    write("base.toml", "[model]\nhidden = [16, 16]\nactivation = \"relu\"\ninit = \"he\"\n");
    write("exp.toml", "include = [\"base.toml\"]\n[[model.layers]]\nunits = 4\n");
    const Experiment e = load("exp.toml");
    ASSERT_EQ(e.model.layers.size(), 1u);
    EXPECT_EQ(e.model.layers[0].units, 4);
    EXPECT_EQ(e.model.layers[0].activation, "");
    EXPECT_EQ(e.model.init, InitScheme::he);  // keys of neither style stay

    write("layers.toml", "[[model.layers]]\nunits = 4\n");
    write("exp2.toml", "include = [\"layers.toml\"]\n[model]\nhidden = [5, 6]\n");
    EXPECT_EQ(load("exp2.toml").model.layers.size(), 2u);
}

TEST_F(ConfigTest, OverridesWinOverFileAndIncludes) {
    write("base.toml", "[training]\nepochs = 5\n[model]\nhidden = [16, 16]\n");
    write("exp.toml", "include = [\"base.toml\"]\n[training]\nepochs = 7\nbatch_size = 8\n");
    const Experiment e = load("exp.toml", {"training.epochs=3", "model.hidden=[32]", "model.activation=relu",
                                           "training.optimizer.momentum = 0.5"});
    EXPECT_EQ(e.training.epochs, 3);
    EXPECT_EQ(e.training.batch_size, 8);
    ASSERT_EQ(e.model.layers.size(), 1u);
    EXPECT_EQ(e.model.layers[0].units, 32);
    EXPECT_EQ(e.model.layers[0].activation, "relu");  // a bare word is a string
    EXPECT_DOUBLE_EQ(e.training.optimizer.params.get("momentum"), 0.5);
}

TEST_F(ConfigTest, ALaterOverrideWins) {
    write("exp.toml", "");
    EXPECT_EQ(load("exp.toml", {"training.epochs=3", "training.epochs=4"}).training.epochs, 4);
}

TEST_F(ConfigTest, OverridesCreateTables) {
    write("exp.toml", "");
    const Experiment e = load("exp.toml", {"output.name=\"x-y\"", "data.dataset=fashion-mnist",
                                           "model.activation_params={}"});
    EXPECT_EQ(e.output.name, "x-y");
    EXPECT_EQ(e.data.dataset, "fashion-mnist");
}

TEST_F(ConfigTest, AnOverrideReplacesTheOtherModelStyle) {
    write("exp.toml", "[[model.layers]]\nunits = 4\n[[model.layers]]\nunits = 5\n");
    EXPECT_EQ(load("exp.toml", {"model.hidden=[1, 2, 3]"}).model.layers.size(), 3u);
}

TEST_F(ConfigTest, OverrideErrorsNameTheOverride) {
    write("exp.toml", "[training]\nepochs = 1\n");
    auto err = [&](const std::string& o) { return error_in([&] { load("exp.toml", {o}); }); };

    ConfigError e = err("training.epochs");
    EXPECT_EQ(std::string(e.what()),
              "<--set training.epochs>: expected PATH=VALUE, e.g. training.epochs=3 or model.activation=\"relu\"");
    EXPECT_EQ(e.file, "<--set training.epochs>");
    EXPECT_EQ(e.line, 0);

    EXPECT_EQ(std::string(err("training..epochs=3").what()),
              "<--set training..epochs=3>: expected a dotted path of keys before '=' (letters, digits, _ and -), "
              "got 'training..epochs'");
    EXPECT_EQ(std::string(err("training.epochs=").what()), "<--set training.epochs=>: missing value after '='");
    EXPECT_EQ(err("model.hidden=[1, 2").reason.rfind("invalid TOML value '[1, 2': TOML syntax error: ", 0), 0u);
    EXPECT_EQ(std::string(err("training.epochs=\"3\"").what()),
              "<--set training.epochs=\"3\">: training.epochs: expected an integer, got a string");
    EXPECT_EQ(std::string(err("training.epochs=abc").what()),
              "<--set training.epochs=abc>: training.epochs: expected an integer, got a string");
    EXPECT_EQ(std::string(err("training.epoch=3").what()),
              "<--set training.epoch=3>: unknown key 'epoch' in [training] (did you mean 'epochs'?)");
    EXPECT_EQ(std::string(err("training.batch_size=0").what()),
              "<--set training.batch_size=0>: training.batch_size: expected an integer >= 1, got 0");
    EXPECT_EQ(std::string(err("training.epochs.x=1").what()),
              "<--set training.epochs.x=1>: cannot set training.epochs.x: training.epochs is an integer (" +
                  shown("exp.toml") + ":2:10), not a table");
    EXPECT_EQ(std::string(err("sweep.mode=zip").what()),
              "<--set sweep.mode=zip>: --set changes the experiment, not [sweep]; edit the sweep file");
    EXPECT_EQ(std::string(err("include=[\"a.toml\"]").what()),
              "<--set include=[\"a.toml\"]>: includes are read from files only, not from --set");
    EXPECT_EQ(std::string(err("experiment={ include = [\"a.toml\"] }").what()),
              "<--set experiment={ include = [\"a.toml\"] }>: includes are read from files only, not from --set or "
              "[sweep]");
}

}  // namespace soma::test
