// Hostile and careless config files: nesting, sizes, devices and include
// expansion are bounded, and each bound is an error at a position.
#include <sys/stat.h>

#include "config/include.h"
#include "config_test_util.h"

namespace soma::test {

namespace {

std::string repeat(const std::string& part, int n, const std::string& sep) {
    std::string out;
    for (int i = 0; i < n; ++i) out += (i ? sep : "") + part;
    return out;
}

}  // namespace

// 15,000 levels crashed soma (stack overflow converting the document); at
// 300,000 toml++ itself overflowed, so the depth is checked before it parses.
TEST_F(ConfigTest, ADeepTableHeaderIsRefusedAtItsPosition) {
    for (int levels : {15000, 300000}) {
        const ConfigError e = error_of("[training]\nepochs = 1\n[" + repeat("a", levels, ".") + "]\nx = 1\n");
        EXPECT_EQ(e.file, shown("exp.toml"));
        EXPECT_EQ(e.line, 3);
        EXPECT_EQ(e.column, 2);
        EXPECT_EQ(e.reason, "a dotted key or table header of more than 32 parts; soma settings nest at most 32 "
                            "levels deep");
    }
}

TEST_F(ConfigTest, ADeepDottedKeyIsRefusedAtItsPosition) {
    const ConfigError e = error_of("[model]\n  " + repeat("\"q.\\\"\"", 15000, " . ") + " = 1\n");
    EXPECT_EQ(e.line, 2);
    EXPECT_EQ(e.column, 3);
    EXPECT_EQ(e.reason, "a dotted key or table header of more than 32 parts; soma settings nest at most 32 "
                        "levels deep");
}

TEST_F(ConfigTest, DotsInValuesStringsAndCommentsAreNotKeyParts) {
    // Many dots, none of them in a key: floats, strings, dates, comments.
    const std::string dots = repeat("a", 100, ".");
    write("exp.toml", "[experiment]\ndescription = \"\"\"\n" + dots + "\"\"\" # " + dots + "\n[data]\ncache_dir = '" +
                          dots + "'\n[training]\nclip_norm = 1.5\n[training.optimizer]\nlearning_rate = 0.25\n");
    const Experiment e = load("exp.toml");
    EXPECT_EQ(e.description, dots);
    EXPECT_EQ(e.data.cache_dir, dots);
}

// Nesting the key check lets through (a header plus a dotted key plus inline
// tables) is bounded when the document is converted.
TEST_F(ConfigTest, DeepNestingIsRefusedWhenConverted) {
    const ConfigError e = error_of("[" + repeat("a", 20, ".") + "]\n" + repeat("b", 20, ".") + " = 1\n");
    EXPECT_EQ(e.line, 2);
    EXPECT_EQ(e.reason, "nested more than 32 levels deep (tables and lists inside one another); soma reads at "
                        "most 32");
    const ConfigError lists = error_of("x = " + std::string(40, '[') + std::string(40, ']') + "\n");
    EXPECT_EQ(lists.line, 1);
    EXPECT_EQ(lists.column, 37);  // the 33rd list
    EXPECT_EQ(lists.reason, e.reason);
}

TEST_F(ConfigTest, AVeryLongListIsRefused) {
    const ConfigError e = error_of("[model]\nhidden = [" + repeat("1", 100001, ",") + "]\n");
    EXPECT_EQ(e.line, 2);
    EXPECT_EQ(e.column, 10);
    EXPECT_EQ(e.reason, "a list of 100001 items; soma reads at most 100000");
}

TEST_F(ConfigTest, AHugeFileIsRefusedBeforeItIsRead) {
    write("big.toml", "# " + std::string(kMaxConfigBytes, 'x') + "\n");
    const ConfigError e = error_of("include = [\"big.toml\"]\n");
    EXPECT_EQ(e.line, 1);
    EXPECT_EQ(e.column, 12);
    EXPECT_EQ(e.reason, "cannot read included file '" + shown("big.toml") + "': it has " +
                            std::to_string(kMaxConfigBytes + 3) + " bytes, more than 1048576 bytes, the most a "
                            "config file may have");
}

// include = ["/dev/zero"] read forever.
TEST_F(ConfigTest, OnlyRegularFilesAreRead) {
    const ConfigError zero = error_of("include = [\"/dev/zero\"]\n");
    EXPECT_EQ(zero.column, 12);
    EXPECT_EQ(zero.reason, "cannot read included file '/dev/zero': not a regular file");

    ASSERT_EQ(::mkfifo((dir_ / "pipe.toml").c_str(), 0600), 0);
    const ConfigError pipe = error_of("include = [\"pipe.toml\"]\n");
    EXPECT_EQ(pipe.reason, "cannot read included file '" + shown("pipe.toml") + "': not a regular file");

    std::filesystem::create_directories(dir_ / "folder.toml");
    EXPECT_EQ(error_of("include = [\"folder.toml\"]\n").reason,
              "cannot read included file '" + shown("folder.toml") + "': is a folder");
    const ConfigError top = error_in([] { load_experiment("/dev/zero", plugins()); });
    EXPECT_EQ(std::string(top.what()), "/dev/zero: cannot read: not a regular file");
}

// Level i includes level i+1 twice; 18 levels took 27 s, each level 3.7 times
// the one before. Each file is now read once and each include merged once.
TEST_F(ConfigTest, ADiamondChainReadsEachFileOnce) {
    const int levels = 18;
    for (int i = 0; i < levels; ++i) {
        const std::string next = "l" + std::to_string(i + 1) + ".toml";
        write("l" + std::to_string(i) + ".toml",
              i + 1 < levels ? "include = [\"" + next + "\", \"" + next + "\"]\n[training]\nseed = " +
                                   std::to_string(i + 1) + "\n"
                             : "[training]\nepochs = 3\nseed = 99\n");
    }
    write("exp.toml", "include = [\"l0.toml\"]\n");
    IncludeStats stats;
    Node doc = read_document(dir_ / "exp.toml", &stats);
    EXPECT_EQ(stats.files_read, levels + 1);
    EXPECT_EQ(stats.includes, 2 * (levels - 1) + 1);
    // Every merge copies the few values of one level's expansion, not 2^level copies.
    EXPECT_LT(stats.values_merged, 20u * 2 * levels);
    const Experiment e = load("exp.toml");
    EXPECT_EQ(e.training.epochs, 3);
    EXPECT_EQ(e.training.seed, 1u);  // l0 wins over what it includes
}

TEST_F(ConfigTest, IncludesAreBoundedInNumber) {
    write("empty.toml", "");
    const ConfigError e = error_of("include = [" + repeat("\"empty.toml\"", kMaxIncludes + 1, ", ") + "]\n");
    EXPECT_EQ(e.line, 1);
    EXPECT_EQ(e.column, static_cast<int>(12 + 14 * kMaxIncludes));  // the 1001st entry
    EXPECT_EQ(e.reason, "more than 1000 includes in all (a file named twice counts twice)");
}

TEST_F(ConfigTest, IncludesAreBoundedInTheValuesTheyMerge) {
    // 2,001 values (with the two tables) merged up to 600 times: past the bound at the 500th include.
    std::string big = "[data]\n";
    for (int i = 0; i < 1999; ++i) big += "k" + std::to_string(i) + " = 1\n";
    write("big.toml", big);
    const ConfigError e = error_of("include = [" + repeat("\"big.toml\"", 600, ", ") + "]\n");
    EXPECT_EQ(e.column, 12 + 12 * 499);
    EXPECT_EQ(e.reason, "includes merge more than 1000000 values in all (a file named twice counts twice)");
}

TEST_F(ConfigTest, IncludesAreBoundedInTheBytesTheyRead) {
    // 20 different files of 900 KB each: 18 MB, past 16 MiB at the 19th.
    std::string list;
    for (int i = 0; i < 20; ++i) {
        write("f" + std::to_string(i) + ".toml", "# " + std::string(900000, 'x') + "\n");
        list += std::string(i ? ", " : "") + "\"f" + std::to_string(i) + ".toml\"";
    }
    const ConfigError e = error_of("include = [" + list + "]\n");
    EXPECT_EQ(e.column, 12 + 11 * 10 + 12 * 8);  // "f18.toml"
    EXPECT_EQ(e.reason, "includes read more than 16777216 bytes of config files in all");
}

// synthetic_train = 2000000000 ended in std::bad_alloc, with no file or key.
TEST_F(ConfigTest, ASyntheticSetBeyondMemoryIsRefusedAtItsKey) {
    const ConfigError e = error_of("[data]\ndataset = \"synthetic\"\nsynthetic_train = 2000000000\n");
    EXPECT_EQ(e.line, 3);
    EXPECT_EQ(e.column, 19);
    EXPECT_EQ(e.reason.rfind("data.synthetic_train: 2000000000 + 500 synthetic samples would take 1.57 TB of "
                             "memory; soma uses at most ",
                             0),
              0u)
        << e.reason;
    EXPECT_NE(e.reason.find("% of this machine's "), std::string::npos) << e.reason;
}

// A hidden list of 2 million entries took the machine; lists are bounded when
// read, and layers at 1,000.
TEST_F(ConfigTest, LayerListsAreBounded) {
    const ConfigError e = error_of("[model]\nhidden = [" + repeat("1", 1001, ", ") + "]\n");
    EXPECT_EQ(e.line, 2);
    EXPECT_EQ(e.column, 10);
    EXPECT_EQ(e.reason, "model.hidden: 1001 layers; soma builds at most 1000");
    const ConfigError l = error_of(repeat("[[model.layers]]\nunits = 1\n", 1001, ""));
    EXPECT_EQ(l.reason, "model.layers: 1001 layers; soma builds at most 1000");
    write("ok.toml", "[model]\nhidden = [" + repeat("1", 1000, ", ") + "]\n");
    EXPECT_EQ(load("ok.toml").model.layers.size(), 1000u);
}

// data.classes is read, written back and bounded (labels are bytes); what it
// checks in the data is DatasetTest.AStrayLabelIsNotANewClass's.
TEST_F(ConfigTest, DataClassesIsReadWrittenBackAndBounded) {
    write("exp.toml", "[data]\ndataset = \"synthetic\"\nclasses = 10\n");
    const Experiment e = load("exp.toml");
    EXPECT_EQ(e.data.classes, 10);
    write("back.toml", to_toml(e));
    EXPECT_EQ(load("back.toml"), e);
    write("none.toml", "[data]\ndataset = \"synthetic\"\n");
    EXPECT_EQ(load("none.toml").data.classes, 0);  // inferred from the labels
    const ConfigError e257 = error_of("[data]\nclasses = 257\n");
    EXPECT_EQ(e257.line, 2);
    EXPECT_EQ(e257.column, 11);
    EXPECT_EQ(e257.reason, "data.classes: expected an integer in 0..256, got 257");
}

}  // namespace soma::test
