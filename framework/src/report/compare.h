// `soma compare A B`: two run folders side by side (with the settings that
// differ), or two sweeps configuration by configuration (matched by
// config_id): each side's mean with its 95% interval and the difference
// B - A with its interval and p-value (a paired t-test over the seeds both
// ran on the same data, else Welch's; Holm-adjusted over the configurations).
#pragma once

#include <filesystem>
#include <string>

namespace soma {

std::string compare_text(const std::filesystem::path& a, const std::filesystem::path& b);

}  // namespace soma
