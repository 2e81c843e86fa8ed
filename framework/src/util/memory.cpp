// machine_memory: sysconf, lowered by a cgroup v2 or v1 limit.
#include "util/memory.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <vector>

namespace soma {
namespace {

// A cgroup limit file holds a byte count, or "max" (v2) / a huge number (v1) for none.
std::uint64_t cgroup_limit(const std::string& path) {
    std::ifstream in(path);
    std::uint64_t v = 0;
    return in >> v ? v : 0;
}

// The limit files of this process's cgroup (from /proc/self/cgroup), then
// those at the mount points' roots (what a container with its own cgroup
// namespace sees).
std::vector<std::string> cgroup_limit_files() {
    std::vector<std::string> files;
    std::ifstream in("/proc/self/cgroup");
    std::string line;
    while (std::getline(in, line)) {
        const auto a = line.find(':'), b = line.find(':', a + 1);
        if (a == std::string::npos || b == std::string::npos) continue;
        const std::string controllers = line.substr(a + 1, b - a - 1), path = line.substr(b + 1);
        if (controllers.empty()) files.push_back("/sys/fs/cgroup" + path + "/memory.max");
        if (controllers == "memory") files.push_back("/sys/fs/cgroup/memory" + path + "/memory.limit_in_bytes");
    }
    files.push_back("/sys/fs/cgroup/memory.max");
    files.push_back("/sys/fs/cgroup/memory/memory.limit_in_bytes");
    return files;
}

std::uint64_t read_machine_memory() {
    const long pages = ::sysconf(_SC_PHYS_PAGES), page = ::sysconf(_SC_PAGE_SIZE);
    std::uint64_t total = pages > 0 && page > 0 ? static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(page) : 0;
    for (const std::string& f : cgroup_limit_files())
        if (const std::uint64_t limit = cgroup_limit(f); limit > 0 && (total == 0 || limit < total)) total = limit;
    return total;
}

}  // namespace

std::uint64_t machine_memory() {
    static const std::uint64_t bytes = read_machine_memory();
    return bytes;
}

std::uint64_t memory_budget() {
    return static_cast<std::uint64_t>(static_cast<double>(machine_memory()) * kMemoryFraction);
}

std::string memory_budget_text() {
    return "at most " + bytes_text(static_cast<double>(memory_budget())) + " (" +
           std::to_string(static_cast<int>(kMemoryFraction * 100)) + "% of this machine's " +
           bytes_text(static_cast<double>(machine_memory())) + ")";
}

std::string bytes_text(double bytes) {
    if (bytes < 1000) return std::to_string(static_cast<long long>(bytes)) + " bytes";
    static const char* units[] = {"KB", "MB", "GB", "TB", "PB", "EB"};
    int u = -1;
    while (bytes >= 1000 && u < 5) bytes /= 1000, ++u;
    char buf[48];
    std::snprintf(buf, sizeof buf, "%.*f %s", bytes < 10 ? 2 : bytes < 100 ? 1 : 0, bytes, units[u]);
    return buf;
}

}  // namespace soma
