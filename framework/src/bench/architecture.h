// A network shape as benchmarks name it: "784-16-16-10" = 784 inputs, two
// dense hidden layers of 16 units, 10 outputs. Parameter and FLOP counts are
// exact functions of the shape.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "config/experiment.h"

namespace soma {

struct Architecture {
    std::string text;         // as written: "784-16-16-10"
    std::vector<int> widths;  // {784, 16, 16, 10}: inputs, hidden..., outputs

    int inputs() const { return widths.front(); }
    int outputs() const { return widths.back(); }
};

// Parses "N-N-...-N" (at least inputs-outputs, each a whole number in
// 1..10,000,000). Throws soma::Error naming the string and the 1-based
// position of the bad part: "architecture '784-x-10': position 2 is 'x',
// expected a whole number >= 1".
Architecture parse_architecture(const std::string& text);

// Weights and biases: sum over layers of (in * out + out). 784-16-16-10: 13,002.
std::size_t architecture_parameters(const Architecture& a);
// Multiply-adds of one sample's forward pass: sum of in * out.
double architecture_multiply_adds(const Architecture& a);
// FLOPs of one sample's forward pass = 2 x multiply-adds (biases and
// activations not counted). 784-16-16-10: 25,920.
double architecture_flops(const Architecture& a);

// The model soma trains for it: every hidden layer dense with `activation`;
// the output layer (dense, outputs units, no activation) is added by the
// network builder.
ModelConfig architecture_model(const Architecture& a, const std::string& activation);

}  // namespace soma
