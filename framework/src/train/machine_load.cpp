// MachineLoad from /proc/stat, /proc/loadavg and /proc/self/task.
#include "train/machine_load.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

namespace soma {

namespace {

std::string read_proc(const char* path) {
    // /proc files report a size of 0: read them as a stream.
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return in ? text.str() : std::string();
}

// This process's runnable threads (the reader and, say, OpenMP workers
// still spinning): the tasks of /proc/self/task in state R.
int own_running() {
    int n = 0;
    std::error_code ec;
    for (const auto& task : std::filesystem::directory_iterator("/proc/self/task", ec)) {
        const std::string stat = read_proc((task.path() / "stat").c_str());
        const auto close = stat.rfind(')');  // the name may hold spaces and parentheses
        if (close != std::string::npos && close + 2 < stat.size() && stat[close + 2] == 'R') ++n;
    }
    return std::max(1, n);
}

}  // namespace

int procs_running_of(const std::string& proc_stat) {
    const std::string key = "\nprocs_running ";
    const std::string text = "\n" + proc_stat;
    const auto at = text.find(key);
    if (at == std::string::npos) return -1;
    int n = -1;
    return std::sscanf(text.c_str() + at + key.size(), "%d", &n) == 1 && n >= 0 ? n : -1;
}

double load_average_of(const std::string& proc_loadavg) {
    double one = -1;
    return std::sscanf(proc_loadavg.c_str(), "%lf", &one) == 1 && one >= 0 ? one : -1;
}

int MachineLoad::free_cpus() const {
    if (!known) return cpus;
    return std::max(0, cpus - others_running);
}

std::string MachineLoad::describe() const {
    if (!known) return "load unknown (no /proc)";
    char text[160];
    std::snprintf(text, sizeof text, "load %.2f (1-minute average), %d of %d CPUs in use by other processes",
                  load_average, std::min(others_running, cpus), cpus);
    return text;
}

MachineLoad sample_machine_load(int samples) {
    MachineLoad load;
    load.cpus = static_cast<int>(std::max(1L, sysconf(_SC_NPROCESSORS_ONLN)));
    std::vector<int> others;
    for (int i = 0; i < samples; ++i) {
        if (i > 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        const int n = procs_running_of(read_proc("/proc/stat"));
        if (n >= 0) others.push_back(std::max(0, n - own_running()));
    }
    if (others.empty()) return load;
    std::sort(others.begin(), others.end());
    load.known = true;
    load.others_running = others[others.size() / 2];
    load.load_average = std::max(0.0, load_average_of(read_proc("/proc/loadavg")));
    return load;
}

}  // namespace soma
