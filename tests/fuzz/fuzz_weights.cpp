// Fuzz target: the weights.bin reader. Every count in the file is checked
// against the bytes left before anything is sized by it.
#include <cstddef>
#include <cstdint>

#include "fuzz_util.h"
#include "train/run_folder.h"
#include "util/error.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const auto file = soma::fuzz::scratch() / "weights.bin";
    soma::fuzz::write(file, soma::fuzz::as_text(data, size));
    try {
        std::size_t values = 0;
        for (const soma::SavedTensor& t : soma::read_weights(file)) values += t.values.size();
        if (values * sizeof(float) > size) __builtin_trap();  // more values than the file holds
    } catch (const soma::Error&) {
    }
    return 0;
}
