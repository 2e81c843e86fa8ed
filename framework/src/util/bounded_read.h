// Reading a stream whose size nobody has checked: a file someone else wrote
// may be huge, a device may never end.
#pragma once

#include <cstdint>
#include <istream>
#include <string>

namespace soma {

// Appends `in` to its end to text, in 64 KiB pieces, and stops as soon as
// more than max_bytes have come: returns false then. A buffer of max_bytes
// up front would cost that much memory for every small file (the fuzzer found
// 64 MB allocated for a 2-byte sweep.json).
bool read_at_most(std::istream& in, std::uintmax_t max_bytes, std::string& text);

}  // namespace soma
