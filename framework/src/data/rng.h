// The data streams: xoshiro256** seeded by splitmix64 (soma/random.h), so
// shuffles, splits and synthetic data are bit-identical across compilers and
// standard libraries. Its draws (uniform, below) are soma::Draws.
#pragma once

#include <cstdint>

#include "soma/random.h"

namespace soma::data {

// One 64-bit value from several, so (seed, epoch) pairs give unrelated streams.
inline std::uint64_t mix_seed(std::uint64_t seed, std::uint64_t salt) {
    std::uint64_t s = seed;
    std::uint64_t a = splitmix64(s);
    s = a ^ (salt * 0xd1342543de82ef95ULL + 0x632be59bd9b4e019ULL);
    return splitmix64(s);
}

class Rng : public Draws<Rng> {
public:
    explicit Rng(std::uint64_t seed) {
        for (auto& w : s_) w = splitmix64(seed);
    }

    std::uint64_t next_u64() {
        const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
        const std::uint64_t t = s_[1] << 17;
        s_[2] ^= s_[0];
        s_[3] ^= s_[1];
        s_[1] ^= s_[2];
        s_[0] ^= s_[3];
        s_[2] ^= t;
        s_[3] = rotl(s_[3], 45);
        return result;
    }

private:
    static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    std::uint64_t s_[4];
};

// Fisher-Yates over any random-access range of indices.
template <class It>
void shuffle(It first, It last, Rng& rng) {
    const auto n = static_cast<std::uint64_t>(last - first);
    for (std::uint64_t i = n; i > 1; --i) {
        const std::uint64_t j = rng.below(i);
        auto tmp = first[i - 1];
        first[i - 1] = first[j];
        first[j] = tmp;
    }
}

}  // namespace soma::data
