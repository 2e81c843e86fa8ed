// A trainable parameter as plugins expose it: the values and the gradient of
// the loss with respect to them, both contiguous float arrays of `size`.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace soma {

struct ParamTensor {
    std::string name;          // "weights", "bias", ...
    float* value = nullptr;    // [size]
    float* grad = nullptr;     // [size], written by the layer's backward
    std::size_t size = 0;
    std::vector<int> shape;    // e.g. {outputs, inputs} for dense weights
    bool decay = true;         // weight decay applies (false for biases)
};

}  // namespace soma
