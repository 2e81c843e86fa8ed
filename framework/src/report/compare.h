// `soma compare A B`: two run folders side by side (with the settings that
// differ), or two sweeps configuration by configuration (matched by
// config_id), each value of A and B with the difference B - A.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

namespace soma {

// As text for the terminal, tables fitted to width (0 = unlimited).
std::string compare_text(const std::filesystem::path& a, const std::filesystem::path& b, std::size_t width = 0);

// The same comparison as JSON for scripts: {"a": {path, kind, experiment,
// configurations, runs}, "b": {...}, "kind": "runs" | "sweeps", ...}. Two
// runs add "measures" [{"measure", "a", "b", "difference"}] (accuracies as
// fractions) and "settings" [{"setting", "a", "b"}] (TOML text, null = not
// set); two sweeps add "metric", "configurations" [{"configuration", "a",
// "b" ({"mean", "std", "n"}), "difference", "a_final_test", ...}],
// "only_in_a", "only_in_b", "best_in_a", "best_in_b".
std::string compare_json(const std::filesystem::path& a, const std::filesystem::path& b);

}  // namespace soma
