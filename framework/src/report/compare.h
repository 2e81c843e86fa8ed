// `soma compare A B`: two run folders side by side (with the settings that
// differ), or two sweeps configuration by configuration (matched by
// config_id), each value of A and B with the difference B - A.
#pragma once

#include <filesystem>
#include <string>

namespace soma {

std::string compare_text(const std::filesystem::path& a, const std::filesystem::path& b);

}  // namespace soma
