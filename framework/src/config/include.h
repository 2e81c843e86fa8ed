// Includes: an experiment file may name other TOML files whose settings it
// builds on ([experiment] include = [...] or a top-level include = [...]).
#pragma once

#include <filesystem>
#include <string>

#include "config/document.h"

namespace soma {

// Reads `file` with its includes merged, recursively. Included files apply in
// the order listed (a later one wins over an earlier one) and the including
// file wins over all of them. Paths are relative to the file that names them.
// The include keys are consumed: the result holds none. Cycles are an error.
Node read_document(const std::filesystem::path& file);

// Merges `over` into `base` (the table at dotted `path`): tables merge key by
// key, anything else is replaced whole, and `over` wins.
void merge_into(Node& base, Node over, const std::string& path = "");

}  // namespace soma
