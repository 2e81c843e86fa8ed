// sweep.json, the index of a sweep folder: which runs the sweep has, each
// with its id (its folder under runs/), its configuration id and the axis
// values it was given. The sweep runner writes it before any run starts; the
// report reads it back. Its layout is defined once, in sweep_record.cpp.
//
//   {"experiment": "...", "mode": "product", "axes": ["model.activation", ...],
//    "runs": [{"id": "activation=relu,seed=2", "config_id": "activation=relu",
//              "assignments": {"model.activation": "\"relu\"", "training.seed": "2"}}]}
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace soma {

struct Sweep;

struct SweepRunEntry {
    std::string id;         // a folder name; "" for a sweep without axes
    std::string config_id;  // the id without its seed part (the id when missing from the file)
    std::vector<std::pair<std::string, std::string>> assignments;  // (axis path, value as TOML text)
};

struct SweepIndex {
    std::string experiment;
    std::string mode;               // "product" or "zip"
    std::vector<std::string> axes;  // axis paths, in file order
    std::vector<SweepRunEntry> runs;
};

// The largest sweep.json read (some 100,000 runs).
inline constexpr std::uintmax_t max_sweep_index_bytes = 64u << 20;

SweepIndex sweep_index(const Sweep& sweep);
std::string sweep_index_text(const SweepIndex& index);
// Throws soma::Error naming the file and, for a bad value, its key ("runs[3].id").
SweepIndex read_sweep_index(const std::filesystem::path& file);

}  // namespace soma
