// Losses on the network's outputs, and the gradient they send back.
//   cross_entropy: L = -mean_n log softmax(z_n)[label_n]   dL/dz = (softmax(z) - onehot) / N
//   mse (3Blue1Brown, Nielsen): L = mean_n 1/2 sum_k (a_nk - onehot_nk)^2   dL/da = (a - onehot) / N
// Shapes: out, grad [batch, classes]; labels [batch].
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace soma {

enum class LossKind { cross_entropy, mse };

LossKind parse_loss(const std::string& name);  // throws soma::Error listing the choices
const char* loss_name(LossKind kind);
std::vector<std::string> loss_names();

struct LossResult {
    double loss_sum = 0;  // summed over the batch (divide by samples for the mean)
    int correct = 0;      // argmax(out) == label
};

// Loss and accuracy of one batch; writes dL/dout into grad unless grad is null.
// The gradient is of the batch mean, so it is already divided by batch.
LossResult loss_forward_backward(LossKind kind, const float* out, const std::int32_t* labels,
                                 int batch, int classes, float* grad);

// Index of the largest value in row [classes]; the first on ties.
int argmax(const float* row, int classes);

}  // namespace soma
