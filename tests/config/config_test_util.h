// Shared pieces of the config tests: the built-in plugins, a temporary
// folder to write TOML files into, and catching a ConfigError.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include <unistd.h>

#include "config/experiment.h"
#include "config/sweep.h"
#include "plugin/registry.h"
#include "support/builtin_plugins.h"

namespace soma::test {

inline Registry& plugins() { return builtin_registry(); }

// A fresh folder per test, removed afterwards.
class ConfigTest : public ::testing::Test {
protected:
    void SetUp() override {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        dir_ = std::filesystem::temp_directory_path() /
               ("soma_config_" + std::string(info->test_suite_name()) + "_" + info->name() + "_" +
                std::to_string(::getpid()));
        std::filesystem::remove_all(dir_);
        std::filesystem::create_directories(dir_);
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    // Writes `text` to `name` (relative to the test folder) and returns its path.
    std::filesystem::path write(const std::string& name, const std::string& text) {
        const auto path = dir_ / name;
        std::filesystem::create_directories(path.parent_path());
        std::ofstream(path) << text;
        return path;
    }
    // The path as error messages name it.
    std::string shown(const std::string& name) const { return (dir_ / name).lexically_normal().string(); }

    Experiment load(const std::string& name, const std::vector<std::string>& overrides = {}) {
        return load_experiment(dir_ / name, plugins(), overrides);
    }
    // Loads `text` as exp.toml and returns the ConfigError it must raise.
    ConfigError error_of(const std::string& text, const std::vector<std::string>& overrides = {}) {
        write("exp.toml", text);
        return error_in([&] { load("exp.toml", overrides); });
    }
    ConfigError sweep_error_of(const std::string& text, const std::vector<std::string>& overrides = {}) {
        write("sweep.toml", text);
        return error_in([&] { load_sweep(dir_ / "sweep.toml", plugins(), overrides); });
    }
    static ConfigError error_in(const std::function<void()>& f) {
        try {
            f();
        } catch (const ConfigError& e) {
            return e;
        } catch (const std::exception& e) {
            ADD_FAILURE() << "expected a ConfigError, got: " << e.what();
            return ConfigError({}, "");
        }
        ADD_FAILURE() << "expected a ConfigError, got none";
        return ConfigError({}, "");
    }

    std::filesystem::path dir_;
};

}  // namespace soma::test
