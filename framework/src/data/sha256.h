// SHA-256 through OpenSSL's libcrypto: fetches check what they received
// against sums recorded in the source; model files end with one.
#pragma once

#include <array>
#include <string>
#include <string_view>

namespace soma::data {

// The SHA-256 digest of bytes.
std::array<unsigned char, 32> sha256(std::string_view bytes);

// The same as 64 lowercase hex digits.
std::string sha256_hex(std::string_view bytes);

// 32 digest bytes as 64 lowercase hex digits.
std::string hex_digest(const std::array<unsigned char, 32>& digest);

}  // namespace soma::data
