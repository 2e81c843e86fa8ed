// Conformance of every activation plugin: the checks `soma plugin check`
// runs (framework/src/tooling/check_activation.cpp), one test per check and
// plugin: the generic derivative against finite differences, finite and NaN
// behaviour, independence of the array length, the oneDNN algorithms it
// names against its generic path, and a whole-network gradient check with
// the activation fused and not.
#include <ostream>

#include "conformance.h"

namespace soma::conformance {
namespace {

class ActivationConformance : public ::testing::TestWithParam<std::string> {
protected:
    tooling::Subject activation() const { return subject(Kind::activation, GetParam()); }
};

TEST_P(ActivationConformance, GradientMatchesFiniteDifferences) {
    EXPECT_CHECK_PASSES(CheckId::derivative, activation());
}

TEST_P(ActivationConformance, FiniteOutputForFiniteInput) { EXPECT_CHECK_PASSES(CheckId::finite, activation()); }

TEST_P(ActivationConformance, NanInputGivesNanOutput) { EXPECT_CHECK_PASSES(CheckId::nan, activation()); }

TEST_P(ActivationConformance, LengthsGiveIdenticalPerElementResults) {
    EXPECT_CHECK_PASSES(CheckId::lengths, activation());
}

INSTANTIATE_TEST_SUITE_P(Activations, ActivationConformance, ::testing::ValuesIn(names(Kind::activation)), name_of);

// Whether the activation names oneDNN algorithms. Called while gtest
// registers tests: a factory that throws is reported by the other suites.
bool has_fused(const std::string& name) {
    try {
        return registry().make_activation(name)->fused().has_value();
    } catch (const std::exception&) {
        return false;
    }
}

std::vector<std::string> fused_names() {
    std::vector<std::string> out;
    for (const std::string& name : names(Kind::activation))
        if (has_fused(name)) out.push_back(name);
    return out;
}

class FusedActivationConformance : public ::testing::TestWithParam<std::string> {};

TEST_P(FusedActivationConformance, OneDnnMatchesGenericPath) {
    EXPECT_CHECK_PASSES(CheckId::onednn, subject(Kind::activation, GetParam()));
}

INSTANTIATE_TEST_SUITE_P(Activations, FusedActivationConformance, ::testing::ValuesIn(fused_names()), name_of);

// --- a whole network with the activation ------------------------------------

struct NetworkCase {
    std::string activation;
    bool fusion;  // only instantiated for activations with a oneDNN path
};

void PrintTo(const NetworkCase& c, std::ostream* os) {
    *os << c.activation << (c.fusion ? " with fusion" : " without fusion");
}

std::vector<NetworkCase> network_cases() {
    std::vector<NetworkCase> out;
    for (const std::string& name : names(Kind::activation)) {
        if (has_fused(name)) out.push_back({name, true});
        out.push_back({name, false});
    }
    return out;
}

std::string network_case_name(const ::testing::TestParamInfo<NetworkCase>& info) {
    return test::test_name(info.param.activation) + (info.param.fusion ? "_fused" : "_generic");
}

class ActivationNetwork : public ::testing::TestWithParam<NetworkCase> {};

TEST_P(ActivationNetwork, GradientMatchesFiniteDifferences) {
    const NetworkCase c = GetParam();
    EXPECT_CHECK_PASSES(c.fusion ? CheckId::network_onednn : CheckId::network_generic,
                        subject(Kind::activation, c.activation));
}

INSTANTIATE_TEST_SUITE_P(Activations, ActivationNetwork, ::testing::ValuesIn(network_cases()), network_case_name);

}  // namespace
}  // namespace soma::conformance
