// `soma plugin check`: one plugin library through the checks a user needs
// before trusting it (checks.h, the same code as the conformance suite),
// each a line with PASS/FAIL and what was measured.
//
// The checks run in a child process, so a plugin that crashes, aborts or
// loops cannot take soma down: the check that was running fails with the
// signal (or the time limit), and the checks after it run in a new child.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "tooling/checks.h"

namespace soma {

class Registry;

struct CheckReport {
    std::string target;  // the path or name given
    std::vector<CheckResult> checks;

    // At least one check ran and none failed.
    bool passed() const;
    // One line per check ("PASS  name  detail"), then a verdict line.
    std::string text() const;
};

struct CheckOptions {
    // A check still running after this long is stopped and fails.
    std::chrono::milliseconds time_limit = std::chrono::minutes(2);
};

// Whether check_plugin() treats the argument as a file: it contains '/' or
// ends in ".so".
bool looks_like_plugin_path(const std::string& path_or_name);

// path_or_name: a path (it contains '/' or ends in ".so") is loaded (a
// refusal, e.g. another ABI version, is the failed "loads" check with the
// registry's message); anything else names a plugin library or a feature of
// any kind already loaded into the registry. Every feature of the library
// (or the named feature) is then checked with its default parameters. The
// built-in plugins some checks lean on (add_support_plugins) are loaded
// when the registry lacks them. All of this happens in child processes:
// `registry` itself is left as it was. Never throws for a plugin's failure.
CheckReport check_plugin(const std::string& path_or_name, Registry& registry, const CheckOptions& options = {});

}  // namespace soma
