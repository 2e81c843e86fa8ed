// Processes that keep CPUs busy while a test looks at the machine's load:
// each a forked child spinning until the Burners are destroyed.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <vector>

namespace soma::test {

class Burners {
public:
    explicit Burners(int count) {
        for (int i = 0; i < count; ++i) {
            const pid_t pid = ::fork();
            if (pid == 0) {
                volatile unsigned long n = 0;
                for (;;) n = n + 1;
            }
            if (pid > 0) pids_.push_back(pid);
        }
    }
    ~Burners() {
        for (pid_t pid : pids_) ::kill(pid, SIGKILL);
        for (pid_t pid : pids_) ::waitpid(pid, nullptr, 0);
    }
    Burners(const Burners&) = delete;
    Burners& operator=(const Burners&) = delete;
    int started() const { return static_cast<int>(pids_.size()); }

private:
    std::vector<pid_t> pids_;
};

}  // namespace soma::test
