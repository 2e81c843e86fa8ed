// Learning-rate schedules: the factor on the optimizer's own learning rate
// after `progress` epochs of training (fractional: 2.5 = half way through the
// third epoch), out of `epochs`.
//   constant     1
//   step         gamma^floor(epoch / step_epochs)        (epoch = whole epochs done)
//   exponential  gamma^epoch
//   cosine       min + (1 - min) (1 + cos(pi progress / epochs)) / 2
// times a linear warmup min(1, progress / warmup_epochs) when warmup_epochs > 0.
#pragma once

#include "config/experiment.h"

namespace soma {

float lr_factor(const ScheduleConfig& schedule, double progress, int epochs);

}  // namespace soma
