// The optimizer interface: updates parameters from their gradients.
#pragma once

#include <vector>

#include "soma/tensor.h"

namespace soma {

class Optimizer {
public:
    virtual ~Optimizer() = default;

    // Called once with every trainable tensor; allocate state here.
    virtual void setup(const std::vector<ParamTensor>& params) = 0;
    // One update from the gradients now in params[i].grad. lr_factor scales
    // the optimizer's own learning rate (1 unless a schedule is in use).
    virtual void step(float lr_factor) = 0;
};

}  // namespace soma
