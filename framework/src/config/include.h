// Includes: an experiment file may name other TOML files whose settings it
// builds on ([experiment] include = [...] or a top-level include = [...]).
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

#include "config/document.h"

namespace soma {

// What reading one document with its includes did (for tests and limits).
struct IncludeStats {
    int files_read = 0;             // each file is read and parsed once, however often it is named
    int includes = 0;               // include entries followed, repeats counted
    std::size_t bytes = 0;          // of all files read
    std::size_t values_merged = 0;  // values copied in from included files, repeats counted
};

// The most one document may pull in through includes. A file named twice is
// read once, but merged twice: without a bound, 18 files that each include
// the next twice would merge 2^18 copies.
inline constexpr int kMaxIncludes = 1000;
inline constexpr std::size_t kMaxIncludedBytes = 16 << 20;        // all files read, 16 MiB
inline constexpr std::size_t kMaxIncludedValues = 1000000;

// Reads `file` with its includes merged, recursively. Included files apply in
// the order listed (a later one wins over an earlier one) and the including
// file wins over all of them. Paths are relative to the file that names them.
// The include keys are consumed: the result holds none. Cycles are an error,
// and so is going past one of the limits above (at the include that does).
Node read_document(const std::filesystem::path& file, IncludeStats* stats = nullptr);

// Merges `over` into `base` (the table at dotted `path`): tables merge key by
// key, anything else is replaced whole, and `over` wins.
void merge_into(Node& base, Node over, const std::string& path = "");

}  // namespace soma
