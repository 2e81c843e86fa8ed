// The optimizer interface: updates parameters from their gradients.
#pragma once

#include <vector>

#include "soma/state.h"
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
    // Everything step() carries from one step to the next (soma/state.h):
    // moments, accumulators, the step count. Empty for a stateless optimizer
    // (plain SGD). Valid after setup(); a checkpoint saves it, a resume
    // writes it back before the next step.
    virtual std::vector<StateBlock> state() = 0;
};

}  // namespace soma
