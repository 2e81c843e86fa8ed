// One-shot EVP digest: the files hashed here are read whole anyway (they are
// written to the cache from the same bytes).
#include "data/sha256.h"

#include <openssl/evp.h>

#include "util/error.h"

namespace soma::data {

std::array<unsigned char, 32> sha256(std::string_view bytes) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha256(), nullptr) != 1 || len != 32)
        throw Error("SHA-256: OpenSSL's EVP_Digest failed");
    std::array<unsigned char, 32> out{};
    for (unsigned int i = 0; i < 32; ++i) out[i] = md[i];
    return out;
}

std::string hex_digest(const std::array<unsigned char, 32>& digest) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out(64, '0');
    for (std::size_t i = 0; i < digest.size(); ++i) {
        out[2 * i] = hex[digest[i] >> 4];
        out[2 * i + 1] = hex[digest[i] & 0xf];
    }
    return out;
}

std::string sha256_hex(std::string_view bytes) { return hex_digest(sha256(bytes)); }

}  // namespace soma::data
