// Helpers shared by the data tests: a fresh temp folder per test, environment
// variables restored after a test, and small file utilities.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "data/process.h"
#include "util/error.h"

namespace soma::test {

// Sets (or with nullopt unsets) an environment variable for one scope.
class ScopedEnv {
public:
    ScopedEnv(const char* name, std::optional<std::string> value) : name_(name) {
        if (const char* old = std::getenv(name)) old_ = old;
        if (value) ::setenv(name, value->c_str(), 1);
        else ::unsetenv(name);
    }
    ~ScopedEnv() {
        if (old_) ::setenv(name_, old_->c_str(), 1);
        else ::unsetenv(name_);
    }

private:
    const char* name_;
    std::optional<std::string> old_;
};

inline void write_bytes(const std::filesystem::path& p, const std::string& bytes) {
    std::filesystem::create_directories(p.parent_path());
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

inline std::string read_bytes(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// tar -czf tarball -C root package: an npm tarball of root/package.
inline void make_npm_tarball(const std::filesystem::path& root, const std::filesystem::path& tarball) {
    if (soma::data::run_command({"tar", "-czf", tarball.string(), "-C", root.string(), "package"}) != 0)
        throw soma::Error("make_npm_tarball: tar failed for " + root.string());
}

// Writes bin_dir/npm, a stand-in for `npm pack SPEC --pack-destination DIR`
// that talks like npm ("npm notice ..." on stderr, the file name on stdout):
// with a tarball it copies it to DIR/tgz_name and exits 0; without one it
// prints npm's 404 error and exits 1. Returns a PATH with bin_dir first.
inline std::string fake_npm(const std::filesystem::path& bin_dir, const std::string& tgz_name,
                            const std::filesystem::path& tarball = {}) {
    std::string script = "#!/bin/sh\necho 'npm notice Tarball Contents' >&2\n";
    if (tarball.empty())
        script += "echo 'npm ERR! 404 Not Found - GET https://registry.npmjs.org/' >&2\nexit 1\n";
    else
        script += "cp '" + tarball.string() + "' \"$4/" + tgz_name + "\"\necho " + tgz_name + "\n";
    write_bytes(bin_dir / "npm", script);
    std::filesystem::permissions(bin_dir / "npm", std::filesystem::perms::owner_all);
    const char* path = std::getenv("PATH");
    return bin_dir.string() + ":" + (path ? path : "/usr/bin:/bin");
}

// The message of the soma::Error that f throws (fails the test if none).
template <class F>
std::string error_of(F&& f) {
    try {
        f();
    } catch (const soma::Error& e) {
        return e.what();
    }
    ADD_FAILURE() << "expected a soma::Error";
    return "";
}

}  // namespace soma::test
