// The built-in plugins, loaded once per test binary from the build tree.
#pragma once

#include <gtest/gtest.h>

#include "plugin/registry.h"

namespace soma::test {

inline Registry& builtin_registry() {
    static Registry* registry = [] {
        auto* r = new Registry();  // never destroyed: plugin objects may outlive tests
        auto errors = r->load_folders({SOMA_TEST_PLUGIN_DIR});
        for (const auto& e : errors) ADD_FAILURE() << e.message;
        return r;
    }();
    return *registry;
}

}  // namespace soma::test
