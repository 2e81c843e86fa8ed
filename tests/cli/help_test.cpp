// The command line as a user meets it: --help of every command (found
// through `soma __complete`, so a new command is covered by being declared),
// `soma help COMMAND`, usage errors (exit 2, one line and a hint), exit
// statuses.
#include <gtest/gtest.h>

#include <sstream>

#include "cli_util.h"

namespace soma::test {
namespace {

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

// Every command soma declares: "run", "plugin new", ... (what `soma help <TAB>` offers).
std::vector<std::string> commands(const fs::path& dir, const std::string& prefix = "") {
    std::vector<std::string> out;
    for (const std::string& name : lines(soma("__complete help " + prefix + " ''", dir).output)) {
        if (name.empty() || name[0] == ':') continue;
        const std::string command = prefix.empty() ? name : prefix + " " + name;
        out.push_back(command);
        for (const std::string& sub : commands(dir, command)) out.push_back(sub);
    }
    return out;
}

TEST(Help, EveryCommandHasHelpWithUsageOptionsAndAnExample) {
    TempDir t;
    const std::vector<std::string> all = commands(t.path());
    // The list itself: the commands the README documents are all there.
    for (const char* c : {"run", "report", "compare", "bench", "plugins", "plugin", "plugin new", "plugin check",
                          "data", "data fetch", "data list", "sweep", "sweep sbatch", "help"})
        EXPECT_NE(std::find(all.begin(), all.end(), c), all.end()) << c;
    for (const std::string& c : all) {
        SCOPED_TRACE(c);
        const Result r = soma(c + " --help", t.path());
        EXPECT_EQ(r.status, 0) << r.output;
        EXPECT_EQ(r.output.rfind("soma " + c + ": ", 0), 0u) << r.output;
        EXPECT_NE(r.output.find("\nusage: soma " + c), std::string::npos) << r.output;
        EXPECT_NE(r.output.find("\noptions:\n  -h, --help"), std::string::npos) << r.output;
        EXPECT_NE(r.output.find("\nexample"), std::string::npos) << r.output;
        // -h and `soma help` print the same.
        EXPECT_EQ(soma(c + " -h", t.path()).output, r.output);
        const Result h = soma("help " + c, t.path());
        EXPECT_EQ(h.status, 0);
        EXPECT_EQ(h.output, r.output);
        for (const std::string& line : lines(r.output)) EXPECT_LE(line.size(), 100u) << line;
    }
}

// The text with every line break and the indentation after it made one space.
std::string unwrapped(const std::string& text) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '\n') {
            out += text[i];
            continue;
        }
        out += ' ';
        while (i + 1 < text.size() && text[i + 1] == ' ') ++i;
    }
    return out;
}

TEST(Help, OptionsShowTheirDefaults) {
    TempDir t;
    const std::string run = unwrapped(soma("run --help", t.path()).output);
    EXPECT_NE(run.find("--jobs N"), std::string::npos) << run;
    EXPECT_NE(run.find("(default: 1)"), std::string::npos) << run;
    EXPECT_NE(run.find("--set PATH=VALUE"), std::string::npos) << run;
    EXPECT_NE(run.find("EXPERIMENT.toml"), std::string::npos) << run;
    const std::string bench = unwrapped(soma("bench --help", t.path()).output);
    EXPECT_NE(bench.find("(default: 32)"), std::string::npos) << bench;
    EXPECT_NE(bench.find("(default: fashion-mnist)"), std::string::npos) << bench;
    EXPECT_NE(bench.find("(default: runs/bench)"), std::string::npos) << bench;
    EXPECT_NE(bench.find("(default: sigmoid)"), std::string::npos) << bench;
}

TEST(Help, TopLevelListsTheCommands) {
    TempDir t;
    const Result r = soma("--help", t.path());
    EXPECT_EQ(r.status, 0);
    for (const char* c : {"\n  run ", "\n  report ", "\n  compare ", "\n  bench ", "\n  plugins ", "\n  data "})
        EXPECT_NE(r.output.find(c), std::string::npos) << c << r.output;
    EXPECT_EQ(r.output.find("__complete"), std::string::npos) << "hidden";
    EXPECT_EQ(soma("help", t.path()).output, r.output);
    // Without a command: the same list, as a usage error.
    const Result bare = soma("", t.path());
    EXPECT_EQ(bare.status, 2);
    EXPECT_EQ(bare.output, r.output);
}

// A usage error: exit 2, the message, and one line of usage with the hint.
void expect_usage_error(const std::string& args, const std::string& message, const std::string& usage) {
    SCOPED_TRACE(args);
    TempDir t;
    const Result r = soma(args, t.path());
    EXPECT_EQ(r.status, 2) << r.output;
    const auto l = lines(r.output);
    ASSERT_EQ(l.size(), 2u) << r.output;
    EXPECT_EQ(l[0], message);
    EXPECT_EQ(l[1], "usage: " + usage);
}

TEST(Usage, ErrorsAreOneLineAndAHint) {
    expect_usage_error("frobnicate", "soma: unknown command 'frobnicate'",
                       "soma [--version] COMMAND [ARGS]  ('soma --help' for more)");
    expect_usage_error("rnu x.toml", "soma: unknown command 'rnu' (did you mean 'run'?)",
                       "soma [--version] COMMAND [ARGS]  ('soma --help' for more)");
    const std::string run = "soma run [options] EXPERIMENT.toml  ('soma run --help' for more)";
    expect_usage_error("run", "soma run: EXPERIMENT.toml is required", run);
    expect_usage_error("run x.toml --thread 2", "soma run: unknown option '--thread' (did you mean '--threads'?)", run);
    expect_usage_error("run x.toml --jobs zero", "soma run: --jobs: expected a whole number in 1..1024, got 'zero'",
                       run);
    expect_usage_error("run x.toml y.toml", "soma run: unexpected argument 'y.toml'", run);
    expect_usage_error("run x.toml --out", "soma run: --out needs a value", run);
    expect_usage_error("plugin", "soma plugin: needs a command: new, check",
                       "soma plugin [options] COMMAND  ('soma plugin --help' for more)");
    expect_usage_error("plugin nwe activation x", "soma plugin: unknown command 'nwe' (did you mean 'new'?)",
                       "soma plugin [options] COMMAND  ('soma plugin --help' for more)");
    expect_usage_error("plugin new widget x",
                       "soma plugin new: KIND: expected one of activation, layer, optimizer, got 'widget'",
                       "soma plugin new [options] KIND NAME  ('soma plugin new --help' for more)");
    expect_usage_error("data fetch mnsit",
                       "soma data fetch: NAME: expected one of mnist, mnist-10k, fashion-mnist, idx, synthetic, got "
                       "'mnsit' (did you mean 'mnist'?)",
                       "soma data fetch [options] NAME  ('soma data fetch --help' for more)");
    expect_usage_error("bench", "soma bench: ARCH|FILE.toml is required",
                       "soma bench [options] ARCH|FILE.toml...  ('soma bench --help' for more)");
    expect_usage_error("bench 784-10 a.toml", "soma bench: takes either architectures or a bench file, not both",
                       "soma bench [options] ARCH|FILE.toml...  ('soma bench --help' for more)");
    expect_usage_error("help rnu", "soma help: no command 'soma rnu' (did you mean 'run'?); commands: run, sweep, "
                                   "eval, predict, export, inspect, report, compare, bench, plugins, plugin, data, help",
                       "soma help [options] [COMMAND...]  ('soma help --help' for more)");
}

TEST(ExitStatus, FailuresAreOneAndUsageErrorsTwo) {
    TempDir t;
    write(t.path() / "bad.toml", "[training]\nepochs = 0\n");
    Result r = soma("run bad.toml", t.path());
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_EQ(r.output.rfind("soma: error: bad.toml:2:10: training.epochs: expected an integer >= 1, got 0", 0), 0u)
        << r.output;
    r = soma("report " + (t.path() / "nothing").string(), t.path());
    EXPECT_EQ(r.status, 1) << r.output;
    r = soma("run missing.toml", t.path());
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_NE(r.output.find("missing.toml"), std::string::npos) << r.output;
}

TEST(ExitStatus, ADivergedRunIsThree) {
    TempDir t;
    write(t.path() / "d.toml", R"(
[data]
dataset = "synthetic"
synthetic_train = 200
synthetic_test = 50
[model]
hidden = [32]
activation = "relu"
[training]
epochs = 3
loss = "mse"
threads = 1
[training.optimizer]
name = "sgd"
learning_rate = 1000000.0
)");
    const Result r = soma("run d.toml --out out", t.path());
    EXPECT_EQ(r.status, 3) << r.output;
    EXPECT_NE(r.output.find("diverged"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace soma::test
