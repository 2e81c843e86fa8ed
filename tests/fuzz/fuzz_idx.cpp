// Fuzz target: the IDX reader, raw or gzip (the input's first two bytes
// decide, as in a file). Errors must be soma::Error; memory must stay within
// what the header declares (the runner sets -malloc_limit_mb).
#include <cstddef>
#include <cstdint>

#include "data/idx.h"
#include "fuzz_util.h"
#include "util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto file = soma::fuzz::scratch() / "input.idx";
    soma::fuzz::write(file, soma::fuzz::as_text(data, size));
    try {
        const soma::IdxArray a = soma::read_idx(file);
        std::uint64_t n = 1;
        for (auto d : a.dims) n *= d;
        if (n != a.data.size()) __builtin_trap();  // the reader's promise
    } catch (const soma::Error&) {
    }
    return 0;
}
