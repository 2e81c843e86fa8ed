// A small portable PRNG (splitmix64) so that the same seed gives the same
// numbers with any standard library: std::*_distribution are not portable.
#pragma once

#include <cmath>
#include <cstdint>

namespace soma {

class Random {
public:
    explicit Random(std::uint64_t seed) : state_(seed) {}

    std::uint64_t next_u64() {
        std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
    }
    // Uniform in [0, 1).
    double uniform() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
    double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
    // Standard normal (Box-Muller; one value per call, the pair's second dropped).
    double normal(double mean = 0.0, double stddev = 1.0) {
        double u1 = uniform();
        double u2 = uniform();
        if (u1 < 1e-300) u1 = 1e-300;
        return mean + stddev * std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
    }
    // Uniform integer in [0, n).
    std::uint64_t below(std::uint64_t n) { return n ? next_u64() % n : 0; }

private:
    std::uint64_t state_;
};

// Derives an independent stream seed from a base seed and a stream number.
inline std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t stream) {
    Random r(seed ^ (0xd1b54a32d192ed03ull * (stream + 1)));
    return r.next_u64();
}

}  // namespace soma
