// SHA-256 of downloaded files, through OpenSSL's libcrypto: fetches check
// what they received against sums recorded in the source.
#pragma once

#include <string>
#include <string_view>

namespace soma::data {

// The SHA-256 digest of bytes as 64 lowercase hex digits.
std::string sha256_hex(std::string_view bytes);

}  // namespace soma::data
