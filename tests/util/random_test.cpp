// soma's generators give the same numbers everywhere: golden values, taken
// before Random and the data streams were built on one splitmix64 and one set
// of draws. Any change here changes every initialisation, shuffle and
// synthetic dataset: on purpose only.
#include <gtest/gtest.h>

#include "data/rng.h"
#include "soma/random.h"

namespace soma {
namespace {

TEST(Random, GoldenValues) {
    Random r(42);
    EXPECT_EQ(r.next_u64(), 13679457532755275413ull);
    EXPECT_EQ(r.next_u64(), 2949826092126892291ull);
    Random u(7);
    EXPECT_EQ(u.uniform(-1, 1), -0.22034050321745702);
    EXPECT_EQ(u.normal(0, 2), 4.6420454240104494);
    EXPECT_EQ(derive_seed(5, 3), 4645970407761729919ull);
}

TEST(Random, DataStreamGoldenValues) {
    data::Rng x(42);
    EXPECT_EQ(x.next_u64(), 1546998764402558742ull);
    EXPECT_EQ(x.next_u64(), 6990951692964543102ull);
    EXPECT_EQ(x.below(1000003), 680045u);
    EXPECT_EQ(x.uniform(5, 23), 21.644473015856978);
    EXPECT_EQ(data::mix_seed(9, 77), 14173716722727874381ull);
}

TEST(Random, BelowIsInRange) {
    Random r(1);
    for (std::uint64_t n : {1ull, 2ull, 7ull, 1000003ull, 1ull << 63}) EXPECT_LT(r.below(n), n);
    EXPECT_EQ(r.below(0), 0u);
}

}  // namespace
}  // namespace soma
