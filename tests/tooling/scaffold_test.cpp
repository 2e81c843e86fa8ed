// write_plugin_project(): the files of each kind, and what it refuses.
// (out_of_tree.sh builds and checks what it writes against an installed soma.)
#include <gtest/gtest.h>

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <sstream>
#include <string>

#include "tooling/plugin_scaffold.h"
#include "util/error.h"

namespace soma {
namespace {

namespace fs = std::filesystem;

class TempDir {
public:
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "soma_test_tooling_XXXXXX").string();
        if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
        path_ = fs::canonical(pattern);
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    const fs::path& path() const { return path_; }

private:
    fs::path path_;
};

std::string read(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

#define EXPECT_CONTAINS(text, part) EXPECT_NE((text).find(part), std::string::npos) << "missing: " << (part) << "\nin:\n" << (text)

void expect_cmake_project(const fs::path& dir, const std::string& name) {
    const std::string cmake = read(dir / "CMakeLists.txt");
    EXPECT_CONTAINS(cmake, "cmake_minimum_required(VERSION 3.25)");
    EXPECT_CONTAINS(cmake, "project(" + name + " LANGUAGES CXX)");
    EXPECT_CONTAINS(cmake, "find_package(soma REQUIRED)");
    EXPECT_CONTAINS(cmake, "soma_add_plugin(" + name + " SOURCES " + name + ".cpp)");
    EXPECT_CONTAINS(cmake, "add_custom_target(check COMMAND ${SOMA_EXECUTABLE} plugin check $<TARGET_FILE:" + name + ">");
    EXPECT_CONTAINS(cmake, "add_test(NAME " + name + "_check COMMAND ${SOMA_EXECUTABLE} plugin check $<TARGET_FILE:" +
                               name + ">)");
    const std::string readme = read(dir / "README.md");
    EXPECT_CONTAINS(readme, "# " + name);
    EXPECT_CONTAINS(readme, "cmake -S . -B build -DCMAKE_PREFIX_PATH=");
    EXPECT_CONTAINS(readme, "on a machine with `ninja` but no\n`make`, add `-G Ninja` to the first command.");
    EXPECT_CONTAINS(readme, "soma plugin check build/" + name + ".so");
    EXPECT_CONTAINS(readme, "[plugins]\npaths = [\"" + dir.string() + "/build\"]");
    const std::string source = read(dir / (name + ".cpp"));
    EXPECT_EQ(source.find('@'), std::string::npos) << "a placeholder was left:\n" << source;
    EXPECT_EQ(cmake.find('@'), std::string::npos) << cmake;
    EXPECT_EQ(readme.find('@'), std::string::npos) << readme;
}

TEST(Scaffold, ActivationProject) {
    TempDir t;
    const fs::path dir = t.path() / "my_swish";
    write_plugin_project(Kind::activation, "my_swish", dir);
    expect_cmake_project(dir, "my_swish");
    const std::string source = read(dir / "my_swish.cpp");
    // The formula and its derivative side by side in the top comment, the code below.
    EXPECT_CONTAINS(source, "//   f(x) = x s,  s = 1 / (1 + e^(-1.702 x))          f'(x) = s + 1.702 x s (1 - s)");
    EXPECT_CONTAINS(source, "struct MySwish {");
    EXPECT_CONTAINS(source, "float f(float x) const { return x * s(x); }");
    EXPECT_CONTAINS(source, "float df(float x, float /*y = f(x)*/) const {");
    // The whole plugin declared in one place, the name written once.
    EXPECT_CONTAINS(source, "SOMA_ACTIVATION_PLUGIN(MySwish, .name = \"my_swish\", .version = \"0.1.0\",");
    EXPECT_EQ(source.find("\"my_swish\""), source.rfind("\"my_swish\""));
    EXPECT_EQ(source.find("soma::Params&"), source.rfind("soma::Params&")) << "only in the comment on parameters";
    EXPECT_EQ(source.find("\nstd::optional<soma::FusedEltwise> fused"), std::string::npos);
    EXPECT_CONTAINS(source, "    // std::optional<soma::FusedEltwise> fused() const {");  // generic only, oneDNN commented out
    EXPECT_CONTAINS(source, "    std::string onnx(soma::OnnxGraph& g, const std::string& x) const {");  // exports
    const std::string readme = read(dir / "README.md");
    EXPECT_CONTAINS(readme, "activation = \"my_swish\"");
    EXPECT_CONTAINS(readme, "\"model.activation\" = [\"my_swish\", \"sigmoid\", \"relu\"]");
}

TEST(Scaffold, LayerProject) {
    TempDir t;
    const fs::path dir = t.path() / "scale";
    write_plugin_project(Kind::layer, "feature_scale2", dir);
    expect_cmake_project(dir, "feature_scale2");
    const std::string source = read(dir / "feature_scale2.cpp");
    EXPECT_CONTAINS(source, "class FeatureScale2 final : public soma::Layer {");
    EXPECT_CONTAINS(source, "{{\"scale\", scale_.data(), scale_grad_.data(), scale_.size(), {features_}, false}}");
    EXPECT_CONTAINS(source, "r.add_layer(\"feature_scale2\"");
    EXPECT_CONTAINS(source, "SOMA_PLUGIN(\"feature_scale2\", \"0.1.0\", register_features)");
    EXPECT_CONTAINS(read(dir / "README.md"), "[[model.layers]]\ntype = \"feature_scale2\"");
}

TEST(Scaffold, OptimizerProject) {
    TempDir t;
    const fs::path dir = t.path() / "opt";
    write_plugin_project(Kind::optimizer, "plain_sgd", dir);
    expect_cmake_project(dir, "plain_sgd");
    const std::string source = read(dir / "plain_sgd.cpp");
    EXPECT_CONTAINS(source, "class PlainSgd final : public soma::Optimizer {");
    EXPECT_CONTAINS(source, "info.params = {{\"learning_rate\", 0.1, 0.0, 1e6, \"step size\"}};");
    EXPECT_CONTAINS(source, "t.value[i] -= lr * t.grad[i];");
    EXPECT_CONTAINS(source, "SOMA_PLUGIN(\"plain_sgd\", \"0.1.0\", register_features)");
    EXPECT_CONTAINS(read(dir / "README.md"), "[training.optimizer]\nname = \"plain_sgd\"");
}

TEST(Scaffold, WritesIntoAnExistingEmptyFolder) {
    TempDir t;
    write_plugin_project(Kind::activation, "a1", t.path());
    EXPECT_TRUE(fs::exists(t.path() / "a1.cpp"));
    EXPECT_CONTAINS(read(t.path() / "a1.cpp"), "struct A1 {");
}

TEST(Scaffold, RefusesANonEmptyFolderAndWritesNothing) {
    TempDir t;
    std::ofstream(t.path() / "notes.txt") << "mine\n";
    try {
        write_plugin_project(Kind::activation, "my_swish", t.path());
        FAIL() << "expected a refusal";
    } catch (const Error& e) {
        EXPECT_CONTAINS(std::string(e.what()), "already exists and is not empty");
        EXPECT_CONTAINS(std::string(e.what()), t.path().string());
    }
    EXPECT_FALSE(fs::exists(t.path() / "my_swish.cpp"));
    EXPECT_FALSE(fs::exists(t.path() / "CMakeLists.txt"));
    EXPECT_EQ(read(t.path() / "notes.txt"), "mine\n");
}

TEST(Scaffold, RefusesInvalidNames) {
    TempDir t;
    for (const std::string name : {"", "1swish", "MySwish", "my-swish", "my swish", "_x", "swish.so", "test", "check"}) {
        EXPECT_FALSE(plugin_name_problem(name).empty()) << "'" << name << "'";
        try {
            write_plugin_project(Kind::activation, name, t.path() / "p");
            ADD_FAILURE() << "accepted '" << name << "'";
        } catch (const Error& e) {
            const std::string what = e.what();
            EXPECT_TRUE(what.find("[a-z][a-z0-9_]*") != std::string::npos || what.find("reserved") != std::string::npos)
                << what;
        }
        EXPECT_FALSE(fs::exists(t.path() / "p")) << "'" << name << "' created the folder";
    }
    for (const std::string name : {"x", "my_swish", "relu2", "a_b_c"}) EXPECT_EQ(plugin_name_problem(name), "") << name;
    EXPECT_CONTAINS(plugin_name_problem("my-swish"), "'-' is not allowed");
}

// A folder holding executables (or plain files) with the given names, for PATH.
fs::path tool_folder(const fs::path& dir, std::initializer_list<const char*> names, bool executable = true) {
    fs::create_directories(dir);
    for (const char* name : names) {
        std::ofstream(dir / name) << "#!/bin/sh\n";
        fs::permissions(dir / name, executable ? fs::perms::owner_all : fs::perms::owner_read | fs::perms::owner_write);
    }
    return dir;
}

TEST(Scaffold, GeneratorFollowsTheBuildToolsOnPath) {
    TempDir t;
    const std::string make = tool_folder(t.path() / "make", {"make"}).string();
    const std::string ninja = tool_folder(t.path() / "ninja", {"ninja"}).string();
    const std::string none = tool_folder(t.path() / "none", {"cmake"}).string();
    const std::string plain = tool_folder(t.path() / "plain", {"make", "ninja"}, false).string();

    // make found: CMake's default (Unix Makefiles) works, nothing to add.
    EXPECT_EQ(choose_generator(make.c_str(), nullptr).option, "");
    EXPECT_FALSE(choose_generator(make.c_str(), nullptr).missing);
    EXPECT_EQ(choose_generator((ninja + ":" + make).c_str(), nullptr).option, "");
    EXPECT_EQ(choose_generator((none + ":" + tool_folder(t.path() / "g", {"gmake"}).string()).c_str(), nullptr).option, "");
    // only ninja: the default would fail, so Ninja is named.
    EXPECT_EQ(choose_generator(ninja.c_str(), nullptr).option, "-G Ninja");
    EXPECT_EQ(choose_generator((none + "::" + ninja).c_str(), nullptr).option, "-G Ninja");
    EXPECT_FALSE(choose_generator(ninja.c_str(), nullptr).missing);
    // CMAKE_GENERATOR is CMake's own choice: left to it.
    EXPECT_EQ(choose_generator(ninja.c_str(), "Unix Makefiles").option, "");
    EXPECT_EQ(choose_generator(ninja.c_str(), "").option, "-G Ninja");
    // neither (a file that is not executable does not count): said so.
    for (const std::string& path : {none, plain, none + ":" + plain, std::string()}) {
        const GeneratorChoice c = choose_generator(path.c_str(), nullptr);
        EXPECT_EQ(c.option, "") << path;
        EXPECT_TRUE(c.missing) << path;
    }
    EXPECT_TRUE(choose_generator(nullptr, nullptr).missing);
}

TEST(Scaffold, ParsesKinds) {
    EXPECT_EQ(parse_kind("activation"), Kind::activation);
    EXPECT_EQ(parse_kind("layer"), Kind::layer);
    EXPECT_EQ(parse_kind("optimizer"), Kind::optimizer);
    try {
        parse_kind("activaton");
        FAIL();
    } catch (const Error& e) {
        EXPECT_CONTAINS(std::string(e.what()), "unknown plugin kind 'activaton' (did you mean 'activation'?)");
    }
}

}  // namespace
}  // namespace soma
