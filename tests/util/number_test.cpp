// The one shortest-number formatter.
#include <gtest/gtest.h>

#include <charconv>
#include <cstring>
#include <limits>

#include "soma/random.h"
#include "util/number.h"

namespace soma {
namespace {

TEST(ShortestNumber, ReadableForms) {
    EXPECT_EQ(shortest_number(0.1), "0.1");
    EXPECT_EQ(shortest_number(1e-05), "1e-05");
    EXPECT_EQ(shortest_number(3.0), "3");
    EXPECT_EQ(shortest_number(13002), "13002");
    EXPECT_EQ(shortest_number(-0.5), "-0.5");
    EXPECT_EQ(shortest_number(0.30000000000000004), "0.30000000000000004");
    EXPECT_EQ(shortest_number(std::numeric_limits<double>::quiet_NaN()), "nan");
    EXPECT_EQ(shortest_number(std::numeric_limits<double>::infinity()), "inf");
    EXPECT_EQ(shortest_number(-std::numeric_limits<double>::infinity()), "-inf");
}

TEST(ShortestNumber, ReadsBackToTheSameDouble) {
    Random rng(3);
    for (int i = 0; i < 20000; ++i) {
        const std::uint64_t bits = rng.next_u64();
        double v;
        std::memcpy(&v, &bits, sizeof v);
        if (!std::isfinite(v)) continue;
        const std::string s = shortest_number(v);
        double back = 0;
        std::from_chars(s.data(), s.data() + s.size(), back);
        ASSERT_EQ(std::memcmp(&back, &v, sizeof v), 0) << s;
    }
    for (double v : {std::numeric_limits<double>::min(), std::numeric_limits<double>::denorm_min(),
                     std::numeric_limits<double>::max(), -std::numeric_limits<double>::max()}) {
        const std::string s = shortest_number(v);
        double back = 0;
        std::from_chars(s.data(), s.data() + s.size(), back);
        EXPECT_EQ(back, v) << s;
    }
}

}  // namespace
}  // namespace soma
