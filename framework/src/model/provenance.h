// Where a trained network comes from: the soma, the plugins, the libraries,
// the instruction sets and the machine that made it. Recorded in every run's
// summary.json and in every model file, so that two runs that differ (the
// same seed giving other numbers on another machine) can be told apart.
// The record's layout is provenance_fields(), used by both files.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "soma/registrar.h"  // Kind
#include "toolkit/json.h"

namespace soma {

class Registry;

// One plugin library a run used.
struct PluginUse {
    std::string name;     // the plugin's name ("sigmoid")
    std::string version;  // its own version ("1.0.0")
    std::string file;     // the library's path when the run started
    std::string sha256;   // of that file, 64 hex digits
};

// A killed run continued from its checkpoint (train/checkpoint.h): after
// which epoch, when, and where (another CPU may round the last bits otherwise).
struct ResumeRecord {
    int after_epoch = 0;
    std::string at;  // UTC, ISO 8601
    std::string host, onednn_isa, vector_isa;
};

struct Provenance {
    std::string soma_version;  // "0.1.0"
    // `git describe`-like "<40 hex digits>[-dirty]" of the source tree soma
    // was built from, read at build time; "" when built from a tree without
    // git (a release tarball): then the version alone names the source.
    std::string git_commit;
    std::vector<PluginUse> plugins;
    std::string onednn_version;  // "2.6.3"
    std::string onednn_isa;      // dnnl_get_effective_cpu_isa(): "avx2", "avx512_core", ...
    // The clone of the SOMA_VECTOR_CLONES loops (soma/math.h) this CPU runs:
    // "x86-64-v4" (AVX-512), "x86-64-v3" (AVX2 + FMA), "x86-64" (baseline),
    // or "none (...)" in a build without multiversioning.
    std::string vector_isa;
    std::string cpu_model;  // /proc/cpuinfo "model name"
    int cores = 0;          // online logical CPUs
    int threads = 0;        // the threads the run used
    std::string host;       // gethostname()
    std::string started;    // UTC, ISO 8601: "2026-11-28T10:15:02Z"
    std::string ended;      // "" while the run goes on
    std::vector<ResumeRecord> resumed;  // each resume of the run, in order (host and started are the first start's)
};

template <class Io, class P>
void plugin_use_fields(Io& io, P& p) {
    io.text("name", p.name, required_field);
    io.text("version", p.version);
    io.text("file", p.file);
    io.text("sha256", p.sha256);
}

template <class Io, class P>
void provenance_fields(Io& io, P& p) {
    io.text("soma_version", p.soma_version);
    io.text("git_commit", p.git_commit);
    io.records("plugins", p.plugins, [](auto& sub, auto& use) { plugin_use_fields(sub, use); });
    io.text("onednn_version", p.onednn_version);
    io.text("onednn_isa", p.onednn_isa);
    io.text("vector_isa", p.vector_isa);
    io.text("cpu_model", p.cpu_model);
    io.integer("cores", p.cores, 0, 1 << 20);
    io.integer("threads", p.threads, 0, 1 << 20);
    io.text("host", p.host);
    io.text("started", p.started);
    io.text("ended", p.ended);
    io.records("resumed", p.resumed, [](auto& sub, auto& r) {
        sub.integer("after_epoch", r.after_epoch, 0, 1 << 30);
        sub.text("at", r.at);
        sub.text("host", r.host);
        sub.text("onednn_isa", r.onednn_isa);
        sub.text("vector_isa", r.vector_isa);
    });
}

// This process and machine, now: versions, instruction sets, CPU, host, and
// `started` set to the current time. plugins and threads are left empty.
Provenance current_provenance();

// The plugin libraries that provide these features (each library once, in
// the order first used), with their files' SHA-256. Names the registry does
// not know are left out.
std::vector<PluginUse> plugins_used(const Registry& registry,
                                    const std::vector<std::pair<Kind, std::string>>& features);

// The current UTC time as ISO 8601 ("2026-11-28T10:15:02Z").
std::string utc_now();

}  // namespace soma
