// Every kind of config mistake, with the exact position and message.
#include "config_test_util.h"

namespace soma::test {

// "FILE:LINE:COLUMN: reason" for exp.toml in the test folder.
#define EXPECT_ERROR_AT(error, line_, column_, text)          \
    do {                                                      \
        const ConfigError& e_ = (error);                      \
        EXPECT_EQ(e_.file, shown("exp.toml"));                \
        EXPECT_EQ(e_.line, line_);                            \
        EXPECT_EQ(e_.column, column_);                        \
        EXPECT_EQ(e_.reason, text);                           \
        EXPECT_EQ(std::string(e_.what()), shown("exp.toml") + ":" + std::to_string(line_) + ":" + \
                                              std::to_string(column_) + ": " + (text));           \
    } while (0)

TEST_F(ConfigTest, SyntaxError) {
    EXPECT_ERROR_AT(error_of("[training]\nepochs = = 3\n"), 2, 10,
                    "TOML syntax error: Error while parsing value: could not determine value type");
}

TEST_F(ConfigTest, DuplicateKeyIsASyntaxError) {
    const ConfigError e = error_of("[training]\nepochs = 1\nepochs = 2\n");
    EXPECT_EQ(e.line, 3);
    EXPECT_NE(e.reason.find("TOML syntax error"), std::string::npos);
}

TEST_F(ConfigTest, MissingFile) {
    const ConfigError e = error_in([&] { load("nope.toml"); });
    EXPECT_EQ(e.file, shown("nope.toml"));
    EXPECT_EQ(e.line, 0);
    EXPECT_EQ(std::string(e.what()), shown("nope.toml") + ": cannot read: No such file or directory");
}

TEST_F(ConfigTest, UnknownKeyInASection) {
    EXPECT_ERROR_AT(error_of("[training]\nepochs = 3\n  epoch = 3\n"), 3, 3,
                    "unknown key 'epoch' in [training] (did you mean 'epochs'?)");
}

TEST_F(ConfigTest, UnknownKeyAtTheTopLevel) {
    EXPECT_ERROR_AT(error_of("[trainig]\nepochs = 3\n"), 1, 2,
                    "unknown key 'trainig' at the top level (did you mean 'training'?)");
}

TEST_F(ConfigTest, UnknownKeyWithoutASuggestion) {
    EXPECT_ERROR_AT(error_of("[output]\nzzzzzzzz = 1\n"), 2, 1, "unknown key 'zzzzzzzz' in [output]");
}

TEST_F(ConfigTest, UnknownKeyInALayer) {
    EXPECT_ERROR_AT(error_of("[[model.layers]]\nunits = 3\nunit = 4\n"), 3, 1,
                    "unknown key 'unit' in [[model.layers]] (did you mean 'units'?)");
}

TEST_F(ConfigTest, UnknownKeyInAnInlineTable) {
    EXPECT_ERROR_AT(error_of("training = { epochs = 2, batchsize = 4 }\n"), 1, 26,
                    "unknown key 'batchsize' in [training] (did you mean 'batch_size'?)");
}

TEST_F(ConfigTest, WrongType) {
    EXPECT_ERROR_AT(error_of("[training]\nepochs = \"ten\"\n"), 2, 10,
                    "training.epochs: expected an integer, got a string");
    EXPECT_ERROR_AT(error_of("[training]\nepochs = 2.0\n"), 2, 10, "training.epochs: expected an integer, got a float");
    EXPECT_ERROR_AT(error_of("[output]\nsave_weights = 1\n"), 2, 16,
                    "output.save_weights: expected a boolean, got an integer");
    EXPECT_ERROR_AT(error_of("[model]\nhidden = 16\n"), 2, 10, "model.hidden: expected a list, got an integer");
    EXPECT_ERROR_AT(error_of("[data]\nvalidation = \"0.1\"\n"), 2, 14,
                    "data.validation: expected a number, got a string");
    EXPECT_ERROR_AT(error_of("training = 3\n"), 1, 12, "training: expected a table, got an integer");
}

TEST_F(ConfigTest, OutOfRange) {
    EXPECT_ERROR_AT(error_of("[training]\nbatch_size = 0\n"), 2, 14,
                    "training.batch_size: expected an integer >= 1, got 0");
    EXPECT_ERROR_AT(error_of("[training]\nthreads = -1\n"), 2, 11, "training.threads: expected an integer >= 0, got -1");
    EXPECT_ERROR_AT(error_of("[model]\nhidden = [16, 0]\n"), 2, 15,
                    "model.hidden[1]: expected an integer in 1..100000, got 0");
    EXPECT_ERROR_AT(error_of("[data]\nvalidation = 1.0\n"), 2, 14,
                    "data.validation: expected a number >= 0 and < 1, got 1.0");
    EXPECT_ERROR_AT(error_of("[model]\ninit_scale = 0\n"), 2, 14, "model.init_scale: expected a number > 0, got 0");
    EXPECT_ERROR_AT(error_of("[training]\nepochs = 3000000000\n"), 2, 10,
                    "training.epochs: expected an integer in 1..2147483647, got 3000000000");
}

TEST_F(ConfigTest, OneOfAFixedSet) {
    EXPECT_ERROR_AT(error_of("[training]\nloss = \"crossentropy\"\n"), 2, 8,
                    "training.loss: expected one of cross_entropy, mse, got 'crossentropy' "
                    "(did you mean 'cross_entropy'?)");
    EXPECT_ERROR_AT(error_of("[data]\ndataset = \"fashion\"\n"), 2, 11,
                    "data.dataset: expected one of mnist, mnist-10k, fashion-mnist, idx, synthetic, got 'fashion' "
                    "(did you mean 'fashion-mnist'?)");
    EXPECT_ERROR_AT(error_of("[model]\ninit = \"hee\"\n"), 2, 8,
                    "model.init: expected one of \"\", xavier, he, uniform, normal, got 'hee' (did you mean 'he'?)");
    EXPECT_ERROR_AT(error_of("[model]\nbias_init = \"norml\"\n"), 2, 13,
                    "model.bias_init: expected one of zero, uniform, normal, got 'norml' (did you mean 'normal'?)");
    EXPECT_ERROR_AT(error_of("[training.schedule]\nname = \"cosin\"\n"), 2, 8,
                    "training.schedule.name: expected one of constant, step, exponential, cosine, got 'cosin' "
                    "(did you mean 'cosine'?)");
}

TEST_F(ConfigTest, UnknownPluginName) {
    const ConfigError e = error_of("[model]\nhidden = [4]\nactivation = \"sigmod\"\n");
    EXPECT_EQ(e.line, 3);
    EXPECT_EQ(e.column, 14);
    // The list of known activations grows with the plugins; the start is fixed.
    EXPECT_EQ(e.reason.rfind("unknown activation 'sigmod' (did you mean 'sigmoid'?); known: ", 0), 0u) << e.reason;
    EXPECT_NE(e.reason.find("relu"), std::string::npos);

    const ConfigError o = error_of("[training.optimizer]\nname = \"sdg\"\n");
    EXPECT_EQ(o.line, 2);
    EXPECT_EQ(o.column, 8);
    EXPECT_EQ(o.reason.rfind("unknown optimizer 'sdg' (did you mean 'sgd'?); known: ", 0), 0u) << o.reason;

    const ConfigError l = error_of("[[model.layers]]\ntype = \"dens\"\nunits = 3\n");
    EXPECT_EQ(l.line, 2);
    EXPECT_EQ(l.reason.rfind("unknown layer 'dens' (did you mean 'dense'?); known: ", 0), 0u) << l.reason;
}

TEST_F(ConfigTest, UnknownPluginParameter) {
    const ConfigError e = error_of("[training.optimizer]\nname = \"sgd\"\nlearning_rat = 0.1\n");
    EXPECT_EQ(e.line, 3);
    EXPECT_EQ(e.column, 1);
    EXPECT_EQ(e.reason.rfind("unknown parameter 'learning_rat' of optimizer 'sgd' (did you mean 'learning_rate'?); "
                             "known: ", 0),
              0u)
        << e.reason;

    EXPECT_ERROR_AT(error_of("[model]\nhidden = [3]\nactivation = \"relu\"\nactivation_params = { alpha = 0.1 }\n"),
                    4, 23, "unknown parameter 'alpha' of activation 'relu'; it takes no parameters");
}

TEST_F(ConfigTest, PluginParameterOutOfRange) {
    EXPECT_ERROR_AT(error_of("[training.optimizer]\nmomentum = 1.5\n"), 2, 12,
                    "training.optimizer.momentum: expected a number in [0, 0.999999], got 1.5 "
                    "(momentum: velocity decay (0 = plain SGD))");
    EXPECT_ERROR_AT(error_of("[training.optimizer]\nnesterov = 0.5\n"), 2, 12,
                    "training.optimizer.nesterov: expected a whole number in [0, 1], got 0.5 "
                    "(nesterov: 1 = Nesterov momentum)");
    EXPECT_ERROR_AT(error_of("[training.optimizer]\nlearning_rate = \"fast\"\n"), 2, 17,
                    "training.optimizer.learning_rate: expected a number, got a string");
}

TEST_F(ConfigTest, HiddenAndLayersTogether) {
    EXPECT_ERROR_AT(error_of("[model]\nhidden = [3]\n\n[[model.layers]]\nunits = 3\n"), 4, 9,
                    "model: give either hidden = [...] (with activation) or [[model.layers]], not both "
                    "(hidden is set at " + shown("exp.toml") + ":2:1)");
    EXPECT_ERROR_AT(error_of("[model]\nactivation = \"relu\"\n[[model.layers]]\nunits = 3\n"), 2, 1,
                    "model.activation applies to hidden = [...]; with [[model.layers]] give each layer its own "
                    "activation");
}

TEST_F(ConfigTest, LayerUnits) {
    EXPECT_ERROR_AT(error_of("[[model.layers]]\nactivation = \"relu\"\n"), 1, 1,
                    "model.layers[0]: layer 'dense' needs units (an integer in 1..100000)");
    EXPECT_ERROR_AT(error_of("[[model.layers]]\nunits = 4\nparams = { units = 4 }\n"), 3, 12,
                    "model.layers[0].params.units: 'units' of layer 'dense' is set by the config's own 'units' "
                    "key, not here");
    EXPECT_ERROR_AT(error_of("[[model.layers]]\nunits = 0\n"), 2, 9,
                    "model.layers[0].units: expected an integer in 1..100000, got 0");
}

TEST_F(ConfigTest, APluginParameterBesideTypeIsPointedToItsTable) {
    EXPECT_ERROR_AT(error_of("[[model.layers]]\ntype = \"dropout\"\nrate = 0.2\n"), 3, 1,
                    "model.layers[0].rate: 'rate' is a parameter of layer 'dropout': write it in params, as "
                    "params = { rate = ... }");
    EXPECT_ERROR_AT(error_of("[[model.layers]]\nunits = 8\nactivation = \"leaky_relu\"\nalpha = 0.1\n"), 4, 1,
                    "model.layers[0].alpha: 'alpha' is a parameter of activation 'leaky_relu': write it in "
                    "activation_params, as activation_params = { alpha = ... }");
    // Misspelt too: the closest parameter, with where it goes.
    EXPECT_ERROR_AT(error_of("[[model.layers]]\ntype = \"dropout\"\nrat = 0.2\n"), 3, 1,
                    "unknown key 'rat' in [[model.layers]] (did you mean 'rate', a parameter of layer 'dropout'? "
                    "as params = { rate = ... })");
}

TEST_F(ConfigTest, ParametersWithoutAnActivation) {
    EXPECT_ERROR_AT(error_of("[model]\noutput_activation_params = { alpha = 1 }\n"), 2, 30,
                    "model.output_activation_params: parameters given but no model.output_activation is set");
}

TEST_F(ConfigTest, IdxNeedsItsFiles) {
    EXPECT_ERROR_AT(error_of("[data]\ndataset = \"idx\"\ntrain_images = \"a\"\ntrain_labels = \"b\"\n"), 2, 11,
                    "data.dataset = \"idx\" needs the files train_images, train_labels, test_images and "
                    "test_labels; missing: test_images, test_labels");
}

TEST_F(ConfigTest, EmptyStringsWhereNamesAreNeeded) {
    EXPECT_ERROR_AT(error_of("[output]\ndir = \"\"\n"), 2, 7, "output.dir: expected a non-empty string");
    EXPECT_ERROR_AT(error_of("[experiment]\nname = \"\"\n"), 2, 8, "experiment.name: expected a non-empty string");
}

TEST_F(ConfigTest, PluginFolderMustExist) {
    EXPECT_ERROR_AT(error_of("[plugins]\npaths = [\"mine\"]\n"), 2, 10,
                    "plugins.paths[0]: plugin folder '" + shown("mine") + "' does not exist");
}

TEST_F(ConfigTest, ASweepFileIsNotOneExperiment) {
    EXPECT_ERROR_AT(error_of("[training]\nepochs = 1\n[sweep]\n\"training.seed\" = [1, 2]\n"), 3, 2,
                    "a [sweep] table makes this file a sweep; load it as a sweep, not as one experiment");
}

TEST_F(ConfigTest, ErrorsInIncludedFilesNameThatFile) {
    write("pieces/base.toml", "[training]\n\nbatch_size = -4\n");
    write("exp.toml", "include = [\"pieces/base.toml\"]\n");
    const ConfigError e = error_in([&] { load("exp.toml"); });
    EXPECT_EQ(std::string(e.what()),
              shown("pieces/base.toml") + ":3:14: training.batch_size: expected an integer >= 1, got -4");
}

// The errors a file raises: each one of a ConfigErrorList, else the one.
std::vector<ConfigError> ConfigTest_errors(const std::function<void()>& load_it) {
    try {
        load_it();
    } catch (const ConfigErrorList& list) {
        return list.errors();
    } catch (const ConfigError& e) {
        return {e};
    }
    ADD_FAILURE() << "expected a ConfigError, got none";
    return {};
}

TEST_F(ConfigTest, EveryMistakeOfAFileAtOnce) {
    const std::string text =
        "[data]\n"                          // 1
        "validation = \"0.1\"\n"           // 2
        "[model]\n"                         // 3
        "hidden = [16, 0, -1]\n"            // 4
        "activation = \"sigmod\"\n"        // 5
        "[training]\n"                      // 6
        "epoch = 3\n"                       // 7
        "batch_size = 0\n"                  // 8
        "[output]\n"                        // 9
        "save_weights = 1\n";               // 10
    write("exp.toml", text);
    const auto errors = ConfigTest_errors([&] { load("exp.toml"); });
    std::vector<std::string> seen;
    for (const ConfigError& e : errors) seen.push_back(std::to_string(e.line) + ":" + std::to_string(e.column));
    EXPECT_EQ(seen, (std::vector<std::string>{"2:14", "4:15", "4:18", "5:14", "7:1", "8:14", "10:16"}));
    ASSERT_EQ(errors.size(), 7u);
    EXPECT_EQ(errors[4].reason, "unknown key 'epoch' in [training] (did you mean 'epochs'?)");

    // One message, headed by the count, one error a line, in file order; the
    // ConfigError parts are the first error's.
    const ConfigError e = error_of(text);
    const std::string what = e.what();
    EXPECT_EQ(what.rfind("7 errors in " + shown("exp.toml") + ":\n  " + shown("exp.toml") +
                             ":2:14: data.validation: expected a number, got a string\n  " + shown("exp.toml") +
                             ":4:15: model.hidden[1]: expected an integer in 1..100000, got 0\n",
                         0),
              0u)
        << what;
    EXPECT_NE(what.find("\n  " + shown("exp.toml") + ":10:16: output.save_weights: expected a boolean"),
              std::string::npos);
    EXPECT_EQ(e.line, 2);
    EXPECT_EQ(e.column, 14);
}

TEST_F(ConfigTest, EveryLayerIsChecked) {
    write("exp.toml", "[[model.layers]]\nunits = 0\n[[model.layers]]\nunits = 4\nactivation = \"Relu\"\n"
                      "[[model.layers]]\nunit = 4\n");
    const auto errors = ConfigTest_errors([&] { load("exp.toml"); });
    ASSERT_EQ(errors.size(), 3u);
    EXPECT_EQ(errors[0].reason, "model.layers[0].units: expected an integer in 1..100000, got 0");
    EXPECT_EQ(errors[1].line, 5);
    EXPECT_EQ(errors[1].reason.rfind("unknown activation 'Relu' (did you mean 'relu'?); known: ", 0), 0u)
        << errors[1].reason;
    EXPECT_EQ(errors[2].reason, "unknown key 'unit' in [[model.layers]] (did you mean 'units'?)");
}

TEST_F(ConfigTest, AMistakeDoesNotMakeUpOthers) {
    // A file path of the wrong type is read as "", which is not a missing file;
    // a validation of the wrong type is not a missing validation split.
    const auto idx = ConfigTest_errors([&] {
        write("exp.toml", "[data]\ndataset = \"idx\"\ntrain_images = 3\ntrain_labels = \"b\"\n"
                          "test_images = \"c\"\ntest_labels = \"d\"\n");
        load("exp.toml");
    });
    ASSERT_EQ(idx.size(), 1u);
    EXPECT_EQ(idx[0].reason, "data.train_images: expected a string, got an integer");
    const auto patience = ConfigTest_errors([&] {
        write("exp.toml", "[data]\nvalidation = \"x\"\n[training.early_stopping]\npatience = 2\n");
        load("exp.toml");
    });
    ASSERT_EQ(patience.size(), 1u);
    EXPECT_EQ(patience[0].reason, "data.validation: expected a number, got a string");
}

TEST_F(ConfigTest, ManyMistakesAreCounted) {
    std::string text = "[training]\n";
    for (int i = 0; i < 25; ++i) text += "zzzzzzzz" + std::to_string(i) + " = 1\n";
    const std::string what = error_of(text).what();
    EXPECT_EQ(what.rfind("25 errors in " + shown("exp.toml") + ":\n", 0), 0u) << what;
    EXPECT_NE(what.find(":21:1: unknown key 'zzzzzzzz19' in [training]\n  and 5 more"), std::string::npos) << what;
    EXPECT_EQ(what.find("zzzzzzzz20"), std::string::npos);
}

TEST_F(ConfigTest, SuggestionsAcrossCase) {
    EXPECT_ERROR_AT(error_of("[training]\nEpochs = 3\n"), 2, 1,
                    "unknown key 'Epochs' in [training] (did you mean 'epochs'?)");
    EXPECT_ERROR_AT(error_of("[training]\nloss = \"MSE\"\n"), 2, 8,
                    "training.loss: expected one of cross_entropy, mse, got 'MSE' (did you mean 'mse'?)");
    const ConfigError e = error_of("[model]\nhidden = [4]\nactivation = \"Relu\"\n");
    EXPECT_EQ(e.reason.rfind("unknown activation 'Relu' (did you mean 'relu'?); known: ", 0), 0u) << e.reason;
}

TEST_F(ConfigTest, AKeyInTheWrongTableIsPointedToItsPlace) {
    EXPECT_ERROR_AT(error_of("[training]\nlearning_rat = 0.1\n"), 2, 1,
                    "unknown key 'learning_rat' in [training] (did you mean training.optimizer.learning_rate?)");
    EXPECT_ERROR_AT(error_of("[training]\nlearning_rate = 0.1\n"), 2, 1,
                    "unknown key 'learning_rate' in [training] (did you mean training.optimizer.learning_rate?)");
    EXPECT_ERROR_AT(error_of("[model]\nepochs = 3\n"), 2, 1,
                    "unknown key 'epochs' in [model] (did you mean training.epochs?)");
    EXPECT_ERROR_AT(error_of("validation = 0.1\n"), 1, 1,
                    "unknown key 'validation' at the top level (did you mean data.validation?)");
    // The parameters are those of the optimizer the file names.
    EXPECT_ERROR_AT(error_of("[training]\nbeta1 = 0.9\n[training.optimizer]\nname = \"adam\"\n"), 2, 1,
                    "unknown key 'beta1' in [training] (did you mean training.optimizer.beta1?)");
    // A key of another table, written in the wrong one: that table's.
    EXPECT_ERROR_AT(error_of("[output]\nseed = 1\n"), 2, 1,
                    "unknown key 'seed' in [output] (did you mean training.seed?)");
}

}  // namespace soma::test
