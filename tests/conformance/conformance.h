// Shared by the conformance tests: the registry holding every plugin built
// into SOMA_TEST_PLUGIN_DIR, the names to parameterise over, a oneDNN engine.
#pragma once

#include <gtest/gtest.h>

#include <cctype>
#include <string>
#include <vector>

#include <oneapi/dnnl/dnnl.hpp>

#include "plugin/registry.h"

namespace soma::conformance {

struct Loaded {
    Registry* registry;  // never destroyed: plugin objects may outlive tests
    std::vector<LoadError> errors;
};

// Loaded on first use. The parameterised suites call names() while gtest
// registers tests (inside InitGoogleTest), so this must not report failures
// itself: PluginFolder.EveryLibraryLoads checks the errors.
inline Loaded& loaded() {
    static Loaded l = [] {
        auto* r = new Registry();
        std::vector<LoadError> errors = r->load_folders({SOMA_TEST_PLUGIN_DIR});
        return Loaded{r, std::move(errors)};
    }();
    return l;
}

inline Registry& registry() { return *loaded().registry; }

inline std::vector<std::string> names(Kind kind) { return registry().names(kind); }

// gtest names allow letters, digits and '_' only.
inline std::string sanitize(std::string s) {
    for (char& c : s)
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    return s;
}

inline std::string name_of(const ::testing::TestParamInfo<std::string>& info) { return sanitize(info.param); }

struct Engine {
    dnnl::engine engine{dnnl::engine::kind::cpu, 0};
    dnnl::stream stream{engine};
};

// Number of operator new calls so far on this thread (alloc_counter.cpp
// replaces the global operator new for the whole test binary, plugins included).
long long allocations();

}  // namespace soma::conformance
