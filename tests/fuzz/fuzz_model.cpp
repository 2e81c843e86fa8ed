// Fuzz target: the model file and checkpoint readers (docs/model-format.md).
// The first byte chooses how the rest is read (byte % 4):
//   0  a model file, whole, through read_model_file: the magic, version,
//      size and checksum checks;
//   1  a model file body whose size field and SHA-256 this harness fills in,
//      so that the fuzzer gets past the checksum to the sections, the
//      tensors and the description (a crafted file may carry a valid
//      checksum too);
//   2  a checkpoint, whole, through read_checkpoint;
//   3  a checkpoint body, sealed as in 1: its state and progress sections.
// Nothing read may be sized beyond the bytes the file holds.
#include <cstddef>
#include <cstdint>
#include <string>

#include "data/sha256.h"
#include "fuzz_util.h"
#include "model/container.h"
#include "model/model_file.h"
#include "train/checkpoint.h"
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
        std::size_t read = 0;  // bytes of state and progress read back
        const bool whole = data[0] % 2 == 0, checkpoint = data[0] % 4 >= 2;
        const auto file = soma::fuzz::scratch() / (checkpoint ? "checkpoint.soma" : "model.soma");
        if (whole) soma::fuzz::write(file, rest);
        const std::string bytes = whole ? std::string() : sealed(std::string(rest));
        if (checkpoint) {
            const soma::Checkpoint c = whole ? soma::read_checkpoint(file)
                                             : soma::checkpoint_from_sections(soma::parse_container(bytes, "fuzz"), "fuzz");
            for (const soma::SavedState& s : c.state) read += s.bytes.size();
            read += (c.result.confusion.size() + c.result.chosen_confusion.size()) * 4 + c.result.epochs.size() * 68;
            model = c.model;
        } else {
            model = whole ? soma::read_model_file(file) : soma::model_from_sections(soma::parse_container(bytes, "fuzz"), "fuzz");
        }
        std::size_t values = 0;
        for (const soma::ModelTensor& t : model.tensors) values += t.values.size();
        if (values * sizeof(float) + read > size) __builtin_trap();  // more than the input holds
    } catch (const soma::Error&) {
    }
    return 0;
}
