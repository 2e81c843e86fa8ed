// The provenance of this process: compile-time facts (versions, commit) and
// what the machine says at run time (instruction sets, CPU, host, clock).
#include "model/provenance.h"

#include <unistd.h>

#include <ctime>
#include <fstream>
#include <set>

#include <oneapi/dnnl/dnnl.hpp>

#include "data/sha256.h"
#include "plugin/registry.h"
#include "soma/math.h"
#include "soma_git_commit.h"  // generated at build time: SOMA_GIT_COMMIT

namespace soma {

namespace {

// The clone the loader picks for SOMA_VECTOR_CLONES loops: the same GCC
// multiversioning dispatcher, the same three targets, resolved once.
#if defined(SOMA_VECTOR_CLONES_ENABLED)
__attribute__((target("arch=x86-64-v4"))) const char* vector_clone() { return "x86-64-v4 (AVX-512)"; }
__attribute__((target("arch=x86-64-v3"))) const char* vector_clone() { return "x86-64-v3 (AVX2, FMA)"; }
__attribute__((target("default"))) const char* vector_clone() { return "x86-64 (baseline SSE2)"; }
#else
const char* vector_clone() { return "none (built without multiversioning: not GCC on x86-64, or sanitizers)"; }
#endif

std::string onednn_isa_name(dnnl_cpu_isa_t isa) {
    switch (isa) {
        case dnnl_cpu_isa_all: return "all";
        case dnnl_cpu_isa_sse41: return "sse41";
        case dnnl_cpu_isa_avx: return "avx";
        case dnnl_cpu_isa_avx2: return "avx2";
        case dnnl_cpu_isa_avx512_mic: return "avx512_mic";
        case dnnl_cpu_isa_avx512_mic_4ops: return "avx512_mic_4ops";
        case dnnl_cpu_isa_avx512_core: return "avx512_core";
        case dnnl_cpu_isa_avx512_core_vnni: return "avx512_core_vnni";
        case dnnl_cpu_isa_avx512_core_bf16: return "avx512_core_bf16";
        case dnnl_cpu_isa_avx512_core_amx: return "avx512_core_amx";
        case dnnl_cpu_isa_avx2_vnni: return "avx2_vnni";
    }
    return "unknown (" + std::to_string(static_cast<int>(isa)) + ")";
}

std::string cpu_model() {
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("model name", 0) != 0) continue;
        const std::size_t colon = line.find(':');
        if (colon == std::string::npos) break;
        std::size_t start = line.find_first_not_of(" \t", colon + 1);
        return start == std::string::npos ? "" : line.substr(start);
    }
    return "";
}

std::string host_name() {
    char name[256] = {};
    if (::gethostname(name, sizeof name - 1) != 0) return "";
    return name;
}

std::string file_sha256(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return "";
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return data::sha256_hex(bytes);
}

}  // namespace

std::string utc_now() {
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    ::gmtime_r(&now, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return text;
}

Provenance current_provenance() {
    Provenance p;
    p.soma_version = SOMA_VERSION;
    p.git_commit = SOMA_GIT_COMMIT;
    const dnnl_version_t* v = dnnl_version();
    p.onednn_version = std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->patch);
    p.onednn_isa = onednn_isa_name(dnnl_get_effective_cpu_isa());
    p.vector_isa = vector_clone();
    p.cpu_model = cpu_model();
    const long cores = ::sysconf(_SC_NPROCESSORS_ONLN);
    p.cores = cores > 0 ? static_cast<int>(cores) : 0;
    p.host = host_name();
    p.started = utc_now();
    return p;
}

std::vector<PluginUse> plugins_used(const Registry& registry,
                                    const std::vector<std::pair<Kind, std::string>>& features) {
    std::vector<std::filesystem::path> files;
    for (const auto& [kind, name] : features) {
        if (name.empty() || !registry.has(kind, name)) continue;
        const std::filesystem::path& file = registry.feature(kind, name).path;
        bool seen = false;
        for (const auto& f : files) seen = seen || f == file;
        if (!seen) files.push_back(file);
    }
    std::vector<PluginUse> out;
    for (const auto& file : files) {
        for (const PluginRecord& r : registry.plugins()) {
            if (r.path != file) continue;
            out.push_back(PluginUse{r.name, r.version, file.string(), file_sha256(file)});
            break;
        }
    }
    return out;
}

}  // namespace soma
