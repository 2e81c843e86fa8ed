// One-shot EVP digest: the files hashed here are read whole anyway (they are
// written to the cache from the same bytes).
#include "data/sha256.h"

#include <openssl/evp.h>

#include "util/error.h"

namespace soma::data {

std::string sha256_hex(std::string_view bytes) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha256(), nullptr) != 1 || len != 32)
        throw Error("SHA-256: OpenSSL's EVP_Digest failed");
    static constexpr char hex[] = "0123456789abcdef";
    std::string out(2 * len, '0');
    for (unsigned int i = 0; i < len; ++i) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 0xf];
    }
    return out;
}

}  // namespace soma::data
