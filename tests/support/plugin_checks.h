// The GoogleTest side of the plugin checks (framework/src/tooling/checks.h):
// a check's result as an assertion, so a conformance test is one line and
// fails with the message `soma plugin check` prints for the same plugin.
#pragma once

#include <gtest/gtest.h>

#include <cctype>
#include <string>

#include "tooling/checks.h"

namespace soma::test {

// Success or failure with "activation relu: derivative: <detail>".
inline ::testing::AssertionResult passes(tooling::CheckId id, const tooling::Subject& subject) {
    const CheckResult r = tooling::run_check(id, subject);
    return (r.passed ? ::testing::AssertionSuccess() : ::testing::AssertionFailure()) << r.name << ": " << r.detail;
}

// gtest names allow letters, digits and '_' only.
inline std::string test_name(std::string s) {
    for (char& c : s)
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    return s;
}

}  // namespace soma::test

// EXPECT_CHECK_PASSES(soma::tooling::CheckId::derivative, subject)
#define EXPECT_CHECK_PASSES(id, subject) EXPECT_TRUE(::soma::test::passes((id), (subject)))
