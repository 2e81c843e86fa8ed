// Training state a plugin carries from one step to the next that is neither
// a parameter nor a buffer (soma/layer.h): an optimizer's moments and step
// count, a dropout layer's random generator. A checkpoint copies it out after
// every epoch; resuming a killed run copies it back in, so the run continues
// bit for bit where it stopped (docs/model-format.md, "Checkpoints").
//
// Each block is a view of the plugin's own storage, valid until its next
// setup() or configure(), in a stable order. Resuming writes exactly
// bytes.size() bytes into each block, and refuses a checkpoint whose blocks
// differ in name, order or size. soma's checks (soma plugin check and the
// conformance tests) run a plugin some steps, copy its state into a second
// instance and require the next steps of both to agree bit for bit: state a
// plugin keeps but does not expose fails them.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace soma {

struct StateBlock {
    std::string name;            // unique within the object: "m.0", "step", "rng"
    std::span<std::byte> bytes;  // the plugin's own storage, as the machine holds it
};

// A block over a vector's elements; the vector must keep its size afterwards.
template <class T>
StateBlock state_block(std::string name, std::vector<T>& values) {
    static_assert(std::is_trivially_copyable_v<T>, "state is copied as bytes");
    return {std::move(name), std::as_writable_bytes(std::span<T>(values))};
}

// A block over one value: a step counter, a random generator.
template <class T>
StateBlock state_block(std::string name, T& value) {
    static_assert(std::is_trivially_copyable_v<T>, "state is copied as bytes");
    return {std::move(name), std::as_writable_bytes(std::span<T, 1>(&value, 1))};
}

// One block per tensor, "<name>.0", "<name>.1", ...: an optimizer's moments
// kept per parameter tensor. Empty vectors (a feature turned off) give no block.
template <class T>
void add_state_blocks(std::vector<StateBlock>& blocks, const std::string& name,
                      std::vector<std::vector<T>>& per_tensor) {
    for (std::size_t k = 0; k < per_tensor.size(); ++k)
        if (!per_tensor[k].empty()) blocks.push_back(state_block(name + "." + std::to_string(k), per_tensor[k]));
}

}  // namespace soma
