#include "util/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>

#include "util/error.h"
#include "util/fault.h"

namespace soma {

namespace {

constexpr std::string_view kTemporaryMark = ".tmp.";  // NAME.tmp.HOST.PID

// The contents in a temporary file beside path, named after this host and
// process (unique on a file system two machines share), written whole.
std::filesystem::path write_temporary(const std::filesystem::path& path, std::string_view contents, bool sync) {
    namespace fs = std::filesystem;
    if (path.has_parent_path()) fs::create_directories(path.parent_path());
    char host[256] = "";
    if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
    fs::path tmp = path;
    tmp += std::string(kTemporaryMark) + host + "." + std::to_string(::getpid());
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw Error(path.string() + ": cannot create: " + std::strerror(errno));
    const char* p = contents.data();
    std::size_t left = contents.size();
    // Tests only (util/fault.h): die with the temporary file half written.
    const std::size_t kill_after = fault_kill_after(path, contents.size());
    if (kill_after <= contents.size()) left = kill_after;
    while (left > 0) {
        ssize_t n = ::write(fd, p, left);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            int e = errno;
            ::close(fd);
            ::unlink(tmp.c_str());
            throw Error(path.string() + ": write failed: " + std::strerror(e));
        }
        p += n;
        left -= static_cast<std::size_t>(n);
    }
    if (kill_after <= contents.size()) fault_kill();
    if ((sync && ::fsync(fd) != 0) || ::close(fd) != 0) {
        int e = errno;
        ::unlink(tmp.c_str());
        throw Error(path.string() + ": write failed: " + std::strerror(e));
    }
    return tmp;
}

}  // namespace

void write_file_atomic(const std::filesystem::path& path, std::string_view contents, bool sync) {
    const std::filesystem::path tmp = write_temporary(path, contents, sync);
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        int e = errno;
        ::unlink(tmp.c_str());
        throw Error(path.string() + ": rename failed: " + std::strerror(e));
    }
}

bool write_file_once(const std::filesystem::path& path, std::string_view contents) {
    const std::filesystem::path tmp = write_temporary(path, contents, true);
    const bool created = ::link(tmp.c_str(), path.c_str()) == 0;
    const int e = errno;
    ::unlink(tmp.c_str());
    if (!created && e != EEXIST) throw Error(path.string() + ": cannot create: " + std::strerror(e));
    return created;
}

void remove_temporaries(const std::filesystem::path& dir) {
    namespace fs = std::filesystem;
    std::error_code ec;
    for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) {
        const std::string name = e.path().filename().string();
        const std::size_t mark = name.find(kTemporaryMark);
        const std::size_t dot = name.rfind('.');
        const bool pid = dot != std::string::npos && dot + 1 < name.size() &&
                         name.find_first_not_of("0123456789", dot + 1) == std::string::npos;
        if (mark != std::string::npos && mark > 0 && pid && dot > mark + kTemporaryMark.size() &&
            e.is_regular_file(ec))
            fs::remove(e.path(), ec);
    }
}

void sync_file(const std::filesystem::path& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw Error(path.string() + ": cannot open to sync: " + std::strerror(errno));
    const int rc = ::fsync(fd);
    const int e = errno;
    ::close(fd);
    if (rc != 0) throw Error(path.string() + ": fsync failed: " + std::strerror(e));
}

std::string read_file_or_empty(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

}  // namespace soma
