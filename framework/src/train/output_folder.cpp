// The output-folder marker and lock (output_folder.h).
#include "train/output_folder.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>
#include <system_error>

#include "util/error.h"
#include "util/sanitize.h"

namespace soma {

namespace fs = std::filesystem;

namespace {

const char* const kMarker = ".soma";
const char* const kLock = ".lock";

// The marker's first line says which kind of folder it marks.
std::string marker_line(FolderKind kind) { return std::string("soma ") + folder_kind_name(kind) + " folder"; }

std::string marker_text(FolderKind kind) {
    return marker_line(kind) +
           "\n# soma writes into a non-empty folder only when this file marks it as soma's own.\n";
}

// The kind the folder's marker names; false when it has none (or not a
// regular file: a symlink planted there does not make a folder soma's).
bool read_marker(const fs::path& dir, FolderKind& kind) {
    std::error_code ec;
    if (!fs::is_regular_file(fs::symlink_status(dir / kMarker, ec))) return false;
    std::ifstream in(dir / kMarker);
    std::string line;
    std::getline(in, line);
    for (FolderKind k : {FolderKind::run, FolderKind::sweep})
        if (line == marker_line(k)) {
            kind = k;
            return true;
        }
    return false;
}

// Written in place with one write(), not through a temporary file: a soma
// killed while marking a folder must not leave it holding a file and no
// marker (which no soma would write into again). An existing marker (another
// claimer's) is left as it is; check_output_folder has vetted it.
void write_marker(const fs::path& dir, FolderKind kind) {
    const fs::path marker = dir / kMarker;
    const int fd = ::open(marker.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0) {
        if (errno == EEXIST) return;
        throw Error(marker.string() + ": cannot mark the folder as soma's: " + std::strerror(errno));
    }
    const std::string text = marker_text(kind);
    const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    const int saved = errno;
    ::close(fd);
    if (!written) throw Error(marker.string() + ": cannot mark the folder as soma's: " + std::strerror(saved));
}

// "pid 1234 on node7: soma run a.toml --out x", for the lock file.
std::string holder_text() {
    std::ifstream in("/proc/self/cmdline", std::ios::binary);
    std::string cmdline((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::string text;
    std::size_t start = 0;
    for (bool first = true; start < cmdline.size(); first = false) {
        std::size_t end = cmdline.find('\0', start);
        if (end == std::string::npos) end = cmdline.size();
        std::string arg = cmdline.substr(start, end - start);
        if (first) arg = fs::path(arg).filename().string();
        text += (first ? "" : " ") + arg;
        start = end + 1;
    }
    char host[256] = "";
    if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
    return "pid " + std::to_string(::getpid()) + (host[0] ? std::string(" on ") + host : std::string()) + ": " + text;
}

std::string read_fd(int fd) {
    char buf[4096];
    const ssize_t n = ::pread(fd, buf, sizeof buf - 1, 0);
    std::string s(buf, n > 0 ? static_cast<std::size_t>(n) : 0);
    while (!s.empty() && (s.back() == '\n' || s.back() == '\0')) s.pop_back();
    return s;
}

}  // namespace

const char* folder_kind_name(FolderKind kind) { return kind == FolderKind::run ? "run" : "sweep"; }

void check_output_folder(const fs::path& dir, FolderKind kind) {
    const std::string shown = dir.string();
    std::error_code ec;
    if (fs::weakly_canonical(fs::absolute(dir), ec) == fs::path("/"))
        throw Error(shown + ": soma never writes into the file system root; choose a folder of its own (--out DIR)");
    const fs::file_status status = fs::status(dir, ec);
    if (!fs::exists(status)) return;
    if (!fs::is_directory(status))
        throw Error(shown + " exists and is not a folder; choose another output folder (--out DIR)");
    if (fs::is_empty(dir, ec) && !ec) return;
    FolderKind found = kind;
    if (!read_marker(dir, found))
        throw Error(shown + " is not empty and is not a soma output folder (it has no .soma marker); soma never "
                            "writes into a folder that may hold your files: choose a new or empty folder (--out DIR)");
    if (found != kind)
        throw Error(shown + " is a soma " + folder_kind_name(found) + " folder; a " + folder_kind_name(kind) +
                    " cannot write into it: choose another output folder (--out DIR)");
}

FolderClaim::FolderClaim(fs::path dir, FolderKind kind, FolderHold hold) : dir_(std::move(dir)) {
    check_output_folder(dir_, kind);
    fs::create_directories(dir_);
    FolderKind found = kind;
    if (!read_marker(dir_, found)) write_marker(dir_, kind);
    const fs::path lock = dir_ / kLock;
    // O_NOFOLLOW: a .lock planted as a symlink must not lead the holder's
    // record into another file.
    lock_fd_ = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (lock_fd_ < 0)
        throw Error(lock.string() + ": cannot open the folder's lock: " + std::strerror(errno));
    if (::flock(lock_fd_, (hold == FolderHold::alone ? LOCK_EX : LOCK_SH) | LOCK_NB) != 0) {
        const std::string holder = read_fd(lock_fd_);
        ::close(lock_fd_);
        lock_fd_ = -1;
        throw FolderBusy(dir_.string() + ": another soma process is writing into this folder (" +
                             (holder.empty() ? std::string("its pid is not recorded yet") : terminal_safe(holder)) +
                             "); wait for it to end, or choose another output folder (--out DIR)",
                         holder);
    }
    // Marked between the check and the lock by another claimer of another kind?
    try {
        check_output_folder(dir_, kind);
    } catch (...) {
        ::close(lock_fd_);
        lock_fd_ = -1;
        throw;
    }
    // Without the record the lock holds all the same; only a second process's message is poorer.
    const std::string holder = holder_text() + "\n";
    [[maybe_unused]] const bool recorded =
        ::ftruncate(lock_fd_, 0) == 0 && ::pwrite(lock_fd_, holder.data(), holder.size(), 0) >= 0;
}

FolderClaim::~FolderClaim() {
    if (lock_fd_ >= 0) ::close(lock_fd_);
}

void FolderClaim::clear(std::initializer_list<std::string_view> keep) const {
    for (const fs::directory_entry& e : fs::directory_iterator(dir_)) {
        const std::string name = e.path().filename().string();
        const bool kept = std::find(keep.begin(), keep.end(), name) != keep.end();
        if (name != kMarker && name != kLock && !kept) fs::remove_all(e.path());
    }
}

}  // namespace soma
