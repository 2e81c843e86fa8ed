// What an experiment file from someone else must not do: name a folder that
// is a path (experiment.name, output.name), load code from a folder the user
// did not allow; and the run time limit it may set.
#include "config_test_util.h"

#include "util/sanitize.h"

namespace soma::test {

TEST_F(ConfigTest, ExperimentNameIsOneFolderNeverAPath) {
    const std::string rule = "; it names the output folder, so it may hold " + std::string(kFolderNameRule);
    // As written in TOML, as the message quotes it, what is wrong, the suggestion.
    const struct {
        std::string toml, quoted, problem, suggestion;
    } cases[] = {
        {R"(../../escaped)", R"("../../escaped")", "starts with '.' (a hidden folder)", R"("_._.._escaped")"},
        {R"(/srv/victim)", R"("/srv/victim")", "contains '/' (a name is one folder, not a path)", R"("_srv_victim")"},
        {R"(.)", R"(".")", "is '.' (the folder itself or its parent)", R"("_")"},
        {R"(..)", R"("..")", "is '..' (the folder itself or its parent)", R"("_.")"},
        {R"(runs/x)", R"("runs/x")", "contains '/' (a name is one folder, not a path)", R"("runs_x")"},
        {R"(a\nb)", R"("a\nb")", R"(contains the control character \n)", R"("a_b")"},
        {R"(x\u001b[2J)", R"("x\u001b[2J")", R"(contains the control character \e)", R"("x__2J")"},
        {R"(my experiment)", R"("my experiment")", "contains ' '", R"("my_experiment")"},
    };
    for (const auto& c : cases) {
        const ConfigError e = error_of("[experiment]\nname = \"" + c.toml + "\"\n");
        EXPECT_EQ(e.file, shown("exp.toml"));
        EXPECT_EQ(e.line, 2) << c.toml;
        EXPECT_EQ(e.column, 8) << c.toml;
        EXPECT_EQ(e.reason, "experiment.name: " + c.quoted + " " + c.problem + rule + " (e.g. " + c.suggestion + ")");
    }
}

TEST_F(ConfigTest, OutputNameFollowsTheSameRule) {
    const ConfigError e = error_of("[output]\nname = \"../elsewhere\"\n");
    EXPECT_EQ(e.line, 2);
    EXPECT_EQ(e.column, 8);
    EXPECT_EQ(e.reason.rfind("output.name: \"../elsewhere\" starts with '.'", 0), 0u) << e.reason;
    write("ok.toml", "[output]\nname = \"\"\n[experiment]\nname = \"a.b-c=d,e_1\"\n");
    const Experiment ok = load("ok.toml");
    EXPECT_EQ(ok.output.name, "");
    EXPECT_EQ(ok.name, "a.b-c=d,e_1");
}

TEST_F(ConfigTest, AnUnnamedExperimentIsNamedAfterItsFileMadeAFolderName) {
    write("my first (try).toml", "[model]\nhidden = [4]\n");
    EXPECT_EQ(load("my first (try).toml").name, "my_first__try_");
    write("..toml", "[model]\nhidden = [4]\n");
    EXPECT_EQ(load("..toml").name, "_");
}

TEST_F(ConfigTest, ASweepCannotMakeANameAPath) {
    const ConfigError e = sweep_error_of("[sweep]\n\"experiment.name\" = [\"fine\", \"../bad\"]\n");
    EXPECT_EQ(e.line, 2);
    EXPECT_EQ(e.column, 30);
    EXPECT_EQ(e.reason.rfind("experiment.name: \"../bad\" starts with '.'", 0), 0u) << e.reason;
}

TEST_F(ConfigTest, TimeLimitIsSecondsAndRoundTrips) {
    write("exp.toml", "[training]\ntime_limit = 90.5\n");
    const Experiment e = load("exp.toml");
    EXPECT_EQ(e.training.time_limit, 90.5);
    write("back.toml", to_toml(e));
    EXPECT_EQ(load("back.toml"), e);
    EXPECT_EQ(load("back.toml").training.time_limit, 90.5);
    write("none.toml", "[model]\nhidden = [4]\n");
    EXPECT_EQ(load("none.toml").training.time_limit, 0.0);  // no limit
    EXPECT_EQ(load("none.toml", {"training.time_limit=600"}).training.time_limit, 600.0);

    const ConfigError bad = error_of("[training]\ntime_limit = -1\n");
    EXPECT_EQ(bad.line, 2);
    EXPECT_EQ(bad.reason, "training.time_limit: expected a number >= 0.0, got -1");
}

TEST_F(ConfigTest, APluginFolderIsLoadedOnlyWhenTheUserAllowsIt) {
    // A "library" that fails as soon as soma reads it: reaching it at all would say so.
    write("theirs/evil.so", "not a library");
    const std::string text = "[plugins]\npaths = [\"theirs\"]\n";
    const ConfigError e = error_of(text);
    EXPECT_EQ(e.line, 2);
    EXPECT_EQ(e.column, 10);
    EXPECT_EQ(e.reason, "plugins.paths[0]: plugin folder " + shown("theirs") +
                            " is named by the config but not allowed: soma loads code only from its own plugin "
                            "folders, SOMA_PLUGIN_PATH and folders you allow on the command line; to load it, "
                            "add --allow-plugins " + shown("theirs"));

    // Allowed, the folder is opened: its broken library is now what fails.
    PluginPermission allowed;
    allowed.allow(dir_ / "theirs");
    Registry registry;
    const ConfigError opened = error_in([&] { load_experiment(dir_ / "exp.toml", registry, {}, allowed); });
    EXPECT_NE(opened.reason.find("evil.so: cannot open"), std::string::npos) << opened.reason;
}

}  // namespace soma::test
