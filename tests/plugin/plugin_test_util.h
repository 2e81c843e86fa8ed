// Shared helpers for the plugin tests: fixture paths and a scratch folder
// that removes itself.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace soma::test {

inline std::filesystem::path fixture_dir() { return SOMA_FIXTURE_DIR; }
inline std::filesystem::path fixture(const std::string& name) { return fixture_dir() / (name + ".so"); }
inline std::filesystem::path clash_fixture() { return fixture_dir() / "plugin_clash" / "fixture_duplicate.so"; }

class TempDir {
public:
    TempDir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "soma_test_plugin_XXXXXX").string();
        if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
        path_ = std::filesystem::canonical(pattern);
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const { return path_; }
    std::filesystem::path write(const std::string& name, const std::string& contents) const {
        std::ofstream(path_ / name, std::ios::binary) << contents;
        return path_ / name;
    }

private:
    std::filesystem::path path_;
};

}  // namespace soma::test
