#include "util/startup.h"

#include <chrono>
#include <cstdlib>
#include <cstring>

namespace soma {

namespace {
const auto g_start = std::chrono::steady_clock::now();
}

double milliseconds_since_start() {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - g_start).count();
}

bool trace_startup() {
    const char* v = std::getenv("SOMA_TRACE_STARTUP");
    return v && *v && std::strcmp(v, "0") != 0;
}

}  // namespace soma
