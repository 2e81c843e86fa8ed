#include "util/fault.h"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>

namespace soma {

MidWriteFault parse_mid_write_fault(std::string_view spec) {
    constexpr std::string_view prefix = "kill-mid-write:";
    if (spec.substr(0, prefix.size()) != prefix) return {};
    spec.remove_prefix(prefix.size());
    const std::size_t colon = spec.rfind(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == spec.size() || spec.size() - colon > 10)
        return {};
    std::size_t nth = 0;
    for (char c : spec.substr(colon + 1)) {
        if (c < '0' || c > '9') return {};
        nth = nth * 10 + static_cast<std::size_t>(c - '0');
    }
    return {spec.substr(0, colon), nth};
}

std::size_t fault_kill_after(const std::filesystem::path& file, std::size_t size) {
    static const char* spec = std::getenv("SOMA_FAULT");
    if (!spec || !*spec) return size + 1;
    static const MidWriteFault fault = [] {
        const MidWriteFault f = parse_mid_write_fault(spec);
        if (f.nth == 0) std::fprintf(stderr, "soma: SOMA_FAULT='%s' is not kill-mid-write:NAME:N; ignored\n", spec);
        return f;
    }();
    if (fault.nth == 0 || file.filename().string() != fault.name) return size + 1;
    static std::mutex mutex;
    static std::size_t writes = 0;
    const std::lock_guard lock(mutex);
    return ++writes == fault.nth ? size / 2 : size + 1;
}

void fault_kill() {
    std::raise(SIGKILL);
    std::abort();  // not reached
}

}  // namespace soma
