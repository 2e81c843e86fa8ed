// The built-in plugins of this build, for every test binary that needs them:
// one process-wide registry loaded from SOMA_TEST_PLUGIN_DIR on first use.
//
// Lifetime rule: the registry is never destroyed, so it outlives every plugin
// object a test makes, including those held in static storage whose
// destructors run at exit (destroying a plugin object runs plugin code, and
// the registry owns the library handles).
//
// Load failures are kept, not reported on first use: value-parameterised
// suites list feature names while gtest registers tests, before any test
// runs. A global test environment reports them before the first test, so
// every test of a binary using the built-in plugins fails when one of them
// does not load.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "plugin/registry.h"

namespace soma::test {

struct BuiltinPlugins {
    Registry registry;
    std::vector<LoadError> errors;
};

inline BuiltinPlugins& builtin_plugins() {
    static BuiltinPlugins* const loaded = [] {
        auto* p = new BuiltinPlugins();  // never destroyed: see the lifetime rule above
        p->errors = p->registry.load_folders({SOMA_TEST_PLUGIN_DIR});
        return p;
    }();
    return *loaded;
}

inline Registry& builtin_registry() { return builtin_plugins().registry; }

class BuiltinPluginsLoad final : public ::testing::Environment {
public:
    void SetUp() override {
        for (const LoadError& e : builtin_plugins().errors) ADD_FAILURE() << e.message;
    }
};

inline ::testing::Environment* const builtin_plugins_load =
    ::testing::AddGlobalTestEnvironment(new BuiltinPluginsLoad);

}  // namespace soma::test
