// How much memory one soma process lets itself use: a fixed fraction of what
// the machine (or its container) has. What a config or a data file asks for
// is checked against it before it is allocated.
#pragma once

#include <cstdint>
#include <string>

namespace soma {

// The part of the machine's memory one run may use: room is left for the
// system and whatever else runs beside it.
inline constexpr double kMemoryFraction = 0.8;

// Physical memory, or the cgroup's limit when that is lower (a container);
// read once.
std::uint64_t machine_memory();

// kMemoryFraction of machine_memory().
std::uint64_t memory_budget();

// "at most 19.3 GB (80% of this machine's 24.1 GB)": how budget-refusals end.
std::string memory_budget_text();

// A byte count for people, in decimal units: "812 bytes", "13.0 KB", "2.35 GB".
std::string bytes_text(double bytes);

}  // namespace soma
