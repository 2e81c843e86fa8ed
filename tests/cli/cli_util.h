// Running the soma executable from tests, and small file helpers.
#pragma once

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <utility>

namespace soma::test {

namespace fs = std::filesystem;

inline const std::string kSoma = SOMA_BINARY_DIR "/bin/soma";

struct Result {
    int status = -1;
    std::string output;  // stdout and stderr together
};

// Runs `soma ARGS` through the shell in dir; SOMA_DATA_DIR points at data_dir;
// env ("NAME='value' ...") is set for soma alone.
inline Result soma(const std::string& args, const fs::path& dir, const fs::path& data_dir = {},
                   const std::string& env = "") {
    std::string cmd = "cd '" + dir.string() + "' && ";
    if (!data_dir.empty()) cmd += "SOMA_DATA_DIR='" + data_dir.string() + "' ";
    cmd += env + (env.empty() ? "" : " ") + "'" + kSoma + "' " + args + " 2>&1";
    Result r;
    FILE* p = ::popen(cmd.c_str(), "r");
    std::array<char, 4096> buf;
    while (std::size_t n = std::fread(buf.data(), 1, buf.size(), p)) r.output.append(buf.data(), n);
    int status = ::pclose(p);
    r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

// "node7": as lock files name the host of the process holding a folder.
inline std::string host_name() {
    char host[256] = "";
    if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
    return host;
}

inline std::string read(const fs::path& p) {
    std::ifstream in(p);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

inline void write(const fs::path& p, const std::string& text) {
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
}

// A fresh temporary folder per test, removed afterwards.
class TempDir {
public:
    TempDir() {
        std::string tmpl = (fs::temp_directory_path() / "soma_cli_XXXXXX").string();
        path_ = ::mkdtemp(tmpl.data());
    }
    ~TempDir() { fs::remove_all(path_); }
    const fs::path& path() const { return path_; }

private:
    fs::path path_;
};

inline std::size_t count_files_named(const fs::path& dir, const std::string& part) {
    std::size_t n = 0;
    for (auto& e : fs::recursive_directory_iterator(dir))
        if (e.path().filename().string().find(part) != std::string::npos) ++n;
    return n;
}

// The sweep the sweep tests run: 2 activations x 2 hidden sizes x 2 seeds on
// synthetic digits, 8 runs; longer with more epochs and training samples.
inline std::string sweep_toml(int epochs, int train, const std::string& extra_axes = "") {
    return R"(
[experiment]
name = "sweep"
[data]
dataset = "synthetic"
synthetic_train = )" + std::to_string(train) + R"(
synthetic_test = 100
[model]
hidden = [16]
[training]
epochs = )" + std::to_string(epochs) + R"(
batch_size = 32
[training.optimizer]
name = "sgd"
learning_rate = 0.3
[sweep]
"model.activation" = ["sigmoid", "relu"]
"model.hidden" = [[8], [16, 16]]
"training.seed" = [1, 2]
)" + extra_axes;
}

// A sweep's finished runs (ok or diverged: a failed one, e.g. interrupted,
// is redone): each one's summary.json inode and modification time, which
// change if the run is trained again.
inline std::map<std::string, std::pair<ino_t, long>> finished_runs(const fs::path& sweep) {
    std::map<std::string, std::pair<ino_t, long>> f;
    if (!fs::exists(sweep / "runs")) return f;
    for (auto& e : fs::directory_iterator(sweep / "runs")) {
        struct stat st;
        const fs::path summary = e.path() / "summary.json";
        if (::stat(summary.c_str(), &st) != 0) continue;
        const std::string text = read(summary);
        if (text.find("\"status\": \"ok\"") != std::string::npos ||
            text.find("\"status\": \"diverged\"") != std::string::npos)
            f[e.path().filename().string()] = {st.st_ino, st.st_mtim.tv_nsec + st.st_mtim.tv_sec * 1000000000L};
    }
    return f;
}

// The runs of `before` (finished_runs before a resume) that the resume
// trained again: their summary.json rewritten, or a line of theirs in its
// output ("[3/8] <id>: ..."). "" when none was.
inline std::string runs_trained_again(const std::map<std::string, std::pair<ino_t, long>>& before,
                                      const std::map<std::string, std::pair<ino_t, long>>& after,
                                      const std::string& output) {
    std::string again;
    for (const auto& [id, stamp] : before) {
        const auto it = after.find(id);
        if (it == after.end() || it->second != stamp || output.find("] " + id + ":") != std::string::npos)
            again += id + " ";
    }
    return again;
}

}  // namespace soma::test
