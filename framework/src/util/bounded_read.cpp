#include "util/bounded_read.h"

namespace soma {

bool read_at_most(std::istream& in, std::uintmax_t max_bytes, std::string& text) {
    char piece[1 << 16];
    while (in.read(piece, sizeof piece) || in.gcount() > 0) {
        text.append(piece, static_cast<std::size_t>(in.gcount()));
        if (text.size() > max_bytes) return false;
    }
    return true;
}

}  // namespace soma
