// How busy the machine is right now: what the automatic thread choice and
// soma bench's warning look at. Linux only (/proc); elsewhere nothing is known
// and the machine is taken to be idle.
#pragma once

#include <string>

namespace soma {

struct MachineLoad {
    bool known = false;      // whether /proc could be read
    int cpus = 0;            // online CPUs of the machine (all processes share them)
    int others_running = 0;  // tasks other processes keep runnable: the median of a few
                             // readings of procs_running, this thread taken off
    double load_average = 0; // 1-minute load average (lags: for the record, not the choice)

    // CPUs no other process is running on now, at least 0. With no
    // reading, every CPU is taken to be free.
    int free_cpus() const;
    // "load 3.1 (1-minute average), 2 of 2 CPUs in use by other processes"
    std::string describe() const;
};

// procs_running from the text of /proc/stat; -1 when it has none.
int procs_running_of(const std::string& proc_stat);
// The 1-minute average from the text of /proc/loadavg; -1 when unreadable.
double load_average_of(const std::string& proc_loadavg);

// Reads /proc/stat `samples` times, a millisecond apart (runnable counts
// jump from one scheduler tick to the next; the median is steady), and
// /proc/loadavg once.
MachineLoad sample_machine_load(int samples = 5);

}  // namespace soma
