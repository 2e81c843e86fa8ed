// `soma compare A B`: two run folders side by side (with the settings that
// differ), or two sweeps configuration by configuration (matched by
// config_id): each side's mean with its 95% interval and the difference
// B - A with its interval and p-value (a paired t-test over the seeds both
// ran on the same data, else Welch's; Holm-adjusted over the configurations).
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
// set); two sweeps add "metric" ("chosen_test_accuracy"),
// "validation_compared", "configurations" [{"configuration", "a", "b"
// ({"mean", "std", "ci_lo", "ci_hi", "n"}: the test figure),
// "test_difference" ({"difference", "ci_lo", "ci_hi", "p" (Holm-adjusted),
// "test": "paired" | "welch" | null}), "a_validation", "b_validation",
// "validation_difference" (when both have a validation split),
// "a_final_test", ...}], "only_in_a", "only_in_b", "headline_a", "headline_b".
std::string compare_json(const std::filesystem::path& a, const std::filesystem::path& b);

}  // namespace soma
