// The batcher: each sample once per epoch, the partial last batch, seeded
// order per epoch, and values equal to the plain reference gather.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "data/batcher.h"
#include "test_util.h"

using ::testing::HasSubstr;
using namespace soma;
using soma::test::error_of;

namespace {

// Sample i has label i % 10 and pixels (i * 31 + j) % 256.
Split make_split(std::size_t n, int features) {
    Split s;
    s.labels.resize(n);
    s.images.resize(n * features);
    for (std::size_t i = 0; i < n; ++i) {
        s.labels[i] = static_cast<std::uint8_t>(i % 10);
        for (int j = 0; j < features; ++j) s.images[i * features + j] = static_cast<std::uint8_t>((i * 31 + j) % 256);
    }
    return s;
}

// The sample order of one epoch, read back through next() from pixel data.
std::vector<std::uint32_t> epoch_order(Batcher& b, int epoch, int features, std::vector<int>* sizes = nullptr) {
    b.start_epoch(epoch);
    std::vector<float> x(static_cast<std::size_t>(b.batch_size()) * features);
    std::vector<std::int32_t> labels(b.batch_size());
    std::vector<std::uint32_t> order;
    while (int n = b.next(x.data(), labels.data())) {
        if (sizes) sizes->push_back(n);
        for (int i = 0; i < n; ++i) order.push_back(b.order()[order.size()]);
    }
    return order;
}

TEST(BatcherTest, EverySampleExactlyOncePerEpoch) {
    const int f = 5;
    const Split s = make_split(103, f);
    Batcher b(s, f, 10, 42, true);
    for (int epoch = 0; epoch < 3; ++epoch) {
        auto order = epoch_order(b, epoch, f);
        ASSERT_EQ(order.size(), 103u);
        std::sort(order.begin(), order.end());
        for (std::uint32_t i = 0; i < 103; ++i) EXPECT_EQ(order[i], i);
    }
}

TEST(BatcherTest, LastPartialBatchIsReturned) {
    const int f = 3;
    const Split s = make_split(103, f);
    Batcher b(s, f, 10, 1, true);
    EXPECT_EQ(b.batches_per_epoch(), 11u);
    std::vector<int> sizes;
    epoch_order(b, 0, f, &sizes);
    ASSERT_EQ(sizes.size(), 11u);
    for (int i = 0; i < 10; ++i) EXPECT_EQ(sizes[i], 10);
    EXPECT_EQ(sizes.back(), 3);
    // After the end, next() keeps returning 0 until the next epoch.
    std::vector<float> x(10 * f);
    std::vector<std::int32_t> l(10);
    EXPECT_EQ(b.next(x.data(), l.data()), 0);
    Batcher exact(s, f, 103, 1, false);
    EXPECT_EQ(exact.batches_per_epoch(), 1u);
    Batcher big(s, f, 500, 1, false);
    EXPECT_EQ(big.batches_per_epoch(), 1u);
    std::vector<float> xb(500 * f);
    std::vector<std::int32_t> lb(500);
    EXPECT_EQ(big.next(xb.data(), lb.data()), 103);
}

TEST(BatcherTest, OrderDependsOnlyOnSeedAndEpoch) {
    const int f = 2;
    const Split s = make_split(200, f);
    Batcher a(s, f, 16, 7, true), b(s, f, 32, 7, true), c(s, f, 16, 8, true);
    const auto a0 = epoch_order(a, 0, f), a1 = epoch_order(a, 1, f);
    // Same seed and epoch: same order, whatever ran before and whatever the batch size.
    EXPECT_EQ(epoch_order(b, 1, f), a1);
    EXPECT_EQ(epoch_order(b, 0, f), a0);
    EXPECT_EQ(epoch_order(a, 0, f), a0);
    EXPECT_NE(a0, a1);
    EXPECT_NE(epoch_order(c, 0, f), a0);
    std::vector<std::uint32_t> identity(200);
    std::iota(identity.begin(), identity.end(), 0u);
    EXPECT_NE(a0, identity);
}

TEST(BatcherTest, NoShuffleKeepsSplitOrder) {
    const int f = 2;
    const Split s = make_split(50, f);
    Batcher b(s, f, 7, 7, false);
    std::vector<std::uint32_t> identity(50);
    std::iota(identity.begin(), identity.end(), 0u);
    EXPECT_EQ(epoch_order(b, 0, f), identity);
    EXPECT_EQ(epoch_order(b, 3, f), identity);
}

TEST(BatcherTest, ValuesMatchReferenceGather) {
    const int f = 784;
    const Split s = make_split(300, f);
    Batcher b(s, f, 32, 3, true);
    b.start_epoch(2);
    std::vector<float> x(32 * f), want(32 * f);
    std::vector<std::int32_t> labels(32), want_labels(32);
    std::size_t done = 0;
    while (int n = b.next(x.data(), labels.data())) {
        const std::vector<std::uint32_t> rows(b.order().begin() + static_cast<std::ptrdiff_t>(done),
                                              b.order().begin() + static_cast<std::ptrdiff_t>(done + n));
        gather_rows_reference(s, f, rows, want.data(), want_labels.data());
        for (int i = 0; i < n; ++i) {
            ASSERT_EQ(labels[i], want_labels[i]);
            ASSERT_EQ(labels[i], static_cast<std::int32_t>(rows[i] % 10));
            for (int j = 0; j < f; ++j) {
                const float got = x[i * f + j], ref = want[i * f + j];
                // A multiply by 1/255 is within one ulp of the divide.
                ASSERT_TRUE(got == ref || std::nextafter(got, ref) == ref) << got << " vs " << ref;
                ASSERT_GE(got, 0.0f);
                ASSERT_LE(got, 1.0f);
            }
        }
        done += static_cast<std::size_t>(n);
    }
    EXPECT_EQ(done, 300u);
    // The extremes are exact.
    Split ends;
    ends.images = {0, 255};
    ends.labels = {1, 2};
    Batcher e(ends, 1, 2, 0, false);
    float v[2];
    std::int32_t l[2];
    ASSERT_EQ(e.next(v, l), 2);
    EXPECT_EQ(v[0], 0.0f);
    EXPECT_EQ(v[1], 1.0f);
}

TEST(BatcherTest, RejectsBadArguments) {
    const Split s = make_split(10, 4);
    EXPECT_THAT(error_of([&] { Batcher(s, 4, 0, 1, true); }), HasSubstr("batch_size must be at least 1"));
    EXPECT_THAT(error_of([&] { Batcher(s, 5, 2, 1, true); }), HasSubstr("expected 5 per sample"));
    const Split empty;
    Batcher b(empty, 4, 8, 1, true);
    EXPECT_EQ(b.batches_per_epoch(), 0u);
    float x[32];
    std::int32_t l[8];
    EXPECT_EQ(b.next(x, l), 0);
}

}  // namespace
