// Elementwise math that the compiler can vectorise. std::exp is a library
// call GCC will not vectorise without -ffast-math (which would also break NaN
// handling), so an activation written with it runs 2.5-4x slower than
// oneDNN's eltwise. soma::exp is branch-free arithmetic that a loop over an
// array turns into SIMD code, with std::exp's special values:
//   exp(NaN) = NaN, exp(x > 88.72) = +inf, exp(x < -103.97) = 0.
// Relative error below 2e-7 (about 2 ulp) over the whole range.
#pragma once

#include <bit>
#include <cstdint>
#include <limits>

// Array loops marked SOMA_VECTOR_CLONES are compiled for AVX-512, AVX2+FMA
// and the x86-64 baseline; the loader picks the best the CPU has (GCC function
// multiversioning). With soma::exp a sigmoid then runs at ~0.25 ns per element
// instead of ~1.4 on the baseline. The code must be built with
// -fno-trapping-math (soma_add_plugin adds it), which lets GCC turn the
// branch-free selects below into vector blends.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__SANITIZE_ADDRESS__)
#define SOMA_VECTOR_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#define SOMA_VECTOR_CLONES_ENABLED 1  // provenance records which clone this CPU runs
#else
#define SOMA_VECTOR_CLONES
#endif

namespace soma {

inline float exp(float x) {
    constexpr float kLog2e = 1.44269504088896341f;
    constexpr float kLn2Hi = 0.693359375f;      // ln 2 split in two so n * ln2
    constexpr float kLn2Lo = -2.12194440e-4f;   // is subtracted without rounding
    constexpr float kOverflow = 88.7228391f;    // ln(FLT_MAX): above, +inf
    constexpr float kUnderflow = -103.972076f;  // below, exp rounds to 0
    // A NaN passes the clamps unchanged (comparisons with NaN are false).
    float xc = x > kOverflow ? kOverflow : x;
    xc = xc < kUnderflow ? kUnderflow : xc;
    // n = round(x / ln 2), by adding and removing the float rounding constant.
    const float shifted = xc * kLog2e + 12582912.0f;  // 1.5 * 2^23
    const float n = shifted - 12582912.0f;
    const float r = (xc - n * kLn2Hi) - n * kLn2Lo;  // |r| <= ln2 / 2
    // exp(r) by a degree-6 polynomial (Cephes expf coefficients).
    float p = 1.9875691500e-4f;
    p = p * r + 1.3981999507e-3f;
    p = p * r + 8.3334519073e-3f;
    p = p * r + 4.1665795894e-2f;
    p = p * r + 1.6666665459e-1f;
    p = p * r + 5.0000001201e-1f;
    p = p * r * r + r + 1.0f;
    // 2^n as two normal floats, 2^(n/2) * 2^(n - n/2), so that n in
    // [-150, 128] (subnormal results and the top of the range) works too.
    const std::int32_t ni = static_cast<std::int32_t>(std::bit_cast<std::uint32_t>(shifted) - 0x4B400000u);
    const std::int32_t half = ni / 2;
    const float s1 = std::bit_cast<float>(static_cast<std::uint32_t>(half + 127) << 23);
    const float s2 = std::bit_cast<float>(static_cast<std::uint32_t>(ni - half + 127) << 23);
    float y = p * s1 * s2;
    y = x > kOverflow ? std::numeric_limits<float>::infinity() : y;
    y = x < kUnderflow ? 0.0f : y;
    return x != x ? x : y;
}

}  // namespace soma
