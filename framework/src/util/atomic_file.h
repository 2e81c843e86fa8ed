// Result files are written whole or not at all: write a temporary file in the
// same folder, flush it to disk, then rename it over the target.
#pragma once

#include <filesystem>
#include <string_view>

namespace soma {

void write_file_atomic(const std::filesystem::path& path, std::string_view contents);

}  // namespace soma
