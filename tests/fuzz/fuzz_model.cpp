// Fuzz target: the model file reader (docs/model-format.md). The first byte
// chooses how the rest is read:
//   even  as a whole file, through read_model_file: the magic, version, size
//         and checksum checks;
//   odd   as a file body whose size field and SHA-256 this harness fills in,
//         so that the fuzzer gets past the checksum to the sections, the
//         tensors and the description (a crafted file may carry a valid
//         checksum too).
// Nothing read may be sized beyond the bytes the file holds.
#include <cstddef>
#include <cstdint>
#include <string>

#include "data/sha256.h"
#include "fuzz_util.h"
#include "model/container.h"
#include "model/model_file.h"
#include "util/error.h"

namespace {

// The body with its size field (bytes 16..24) set and its SHA-256 appended.
std::string sealed(std::string body) {
    if (body.size() < 24) return body;
    const std::uint64_t size = body.size() + 32;
    for (int i = 0; i < 8; ++i) body[16 + i] = static_cast<char>((size >> (8 * i)) & 0xff);
    const auto sum = soma::data::sha256(body);
    body.append(reinterpret_cast<const char*>(sum.data()), sum.size());
    return body;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::string_view rest = soma::fuzz::as_text(data + 1, size - 1);
    try {
        soma::ModelFile model;
        if (data[0] % 2 == 0) {
            const auto file = soma::fuzz::scratch() / "model.soma";
            soma::fuzz::write(file, rest);
            model = soma::read_model_file(file);
        } else {
            const std::string bytes = sealed(std::string(rest));
            model = soma::model_from_sections(soma::parse_container(bytes, "fuzz"), "fuzz");
        }
        std::size_t values = 0;
        for (const soma::ModelTensor& t : model.tensors) values += t.values.size();
        if (values * sizeof(float) > size) __builtin_trap();  // more values than the input holds
    } catch (const soma::Error&) {
    }
    return 0;
}
