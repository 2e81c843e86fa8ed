// soma's seeded random numbers, portable: the same seed gives the same numbers
// with any compiler and standard library (std::*_distribution and
// std::mt19937's seeding are not portable, so soma uses neither).
//
//   splitmix64   one step of the splitmix64 stream (Steele, Lea, Flood 2014):
//                turns any seed, 0 included, into well-mixed 64-bit words
//   Random       a splitmix64 stream: weight initialisation, dropout, the checks
//   derive_seed  an independent stream seed from a base seed and a stream number
// The data component draws its shuffles and synthetic data from xoshiro256**
// seeded by splitmix64 (data/rng.h), with the same draws below.
#pragma once

#include <cmath>
#include <cstdint>

namespace soma {

inline std::uint64_t splitmix64(std::uint64_t& state) {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

// The draws of a generator G with next_u64(), written once for every generator.
template <class G>
class Draws {
public:
    // Uniform in [0, 1) with 53 random bits.
    double uniform() { return static_cast<double>(self().next_u64() >> 11) * 0x1.0p-53; }
    double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
    // Standard normal (Box-Muller; one value per call, the pair's second dropped).
    double normal(double mean = 0.0, double stddev = 1.0) {
        double u1 = uniform();
        double u2 = uniform();
        if (u1 < 1e-300) u1 = 1e-300;
        return mean + stddev * std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
    }
    // Uniform in [0, n) without modulo bias (Lemire's method); 0 when n == 0.
    std::uint64_t below(std::uint64_t n) {
        if (n == 0) return 0;
        unsigned __int128 m = static_cast<unsigned __int128>(self().next_u64()) * n;
        auto low = static_cast<std::uint64_t>(m);
        if (low < n) {
            const std::uint64_t threshold = (0 - n) % n;
            while (low < threshold) {
                m = static_cast<unsigned __int128>(self().next_u64()) * n;
                low = static_cast<std::uint64_t>(m);
            }
        }
        return static_cast<std::uint64_t>(m >> 64);
    }

private:
    G& self() { return static_cast<G&>(*this); }
};

class Random : public Draws<Random> {
public:
    explicit Random(std::uint64_t seed) : state_(seed) {}
    std::uint64_t next_u64() { return splitmix64(state_); }

private:
    std::uint64_t state_;
};

inline std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t stream) {
    Random r(seed ^ (0xd1b54a32d192ed03ull * (stream + 1)));
    return r.next_u64();
}

}  // namespace soma
