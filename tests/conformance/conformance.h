// Shared by the conformance tests: the built-in plugins (one registry for
// the process, tests/support), the names to parameterise over, and the
// subject of a check (tests/support/plugin_checks.h runs it).
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/builtin_plugins.h"
#include "support/plugin_checks.h"

namespace soma::conformance {

using test::builtin_plugins;
using tooling::CheckId;

inline Registry& registry() { return test::builtin_registry(); }

inline std::vector<std::string> names(Kind kind) { return registry().names(kind); }

inline std::string name_of(const ::testing::TestParamInfo<std::string>& info) { return test::test_name(info.param); }

// Number of operator new calls so far on this thread (alloc_counter.cpp
// replaces the global operator new for the whole test binary, plugins included).
long long allocations();

// A built-in feature with its default parameters, as a check's subject.
inline tooling::Subject subject(Kind kind, const std::string& name) {
    return {registry(), kind, name, {}, allocations};
}

}  // namespace soma::conformance
