// A training session: the network, optimizer, loss and every buffer a step
// needs, made once. step() is one mini-batch: forward, loss, backward,
// optimizer update; in steady state it allocates nothing. The trainer,
// benchmarks and tests all drive this same object.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include <oneapi/dnnl/dnnl.hpp>

#include "config/experiment.h"
#include "data/dataset.h"
#include "nn/loss.h"
#include "nn/network.h"
#include "soma/optimizer.h"

namespace soma {

class Registry;
class RankGroup;

struct Evaluation {
    double loss = 0, accuracy = 0;  // NaN for an empty split
    double loss_sum = 0;            // over the split's samples (0 for an empty split)
    long correct = 0;
};

// Loss, accuracy and (when given) the confusion matrix ([classes * classes],
// row = true label) of `network` over a split in inference mode, `batch`
// samples at a time through the caller's buffers x [batch, inputs] and
// labels [batch]. What training reports per epoch and `soma eval` both use.
Evaluation evaluate_split(Network& network, LossKind loss, const Split& split, float* x, std::int32_t* labels,
                          int batch, std::vector<int>* confusion = nullptr);

class TrainingSession {
public:
    // Threads must already be applied (apply_threads) before construction:
    // oneDNN picks kernels for the thread count it sees then.
    TrainingSession(const Registry& registry, const ModelConfig& model, const TrainingConfig& training,
                    int inputs, int classes, int max_batch);

    // One optimisation step on x [batch, inputs], labels [batch]: forward,
    // loss, backward, gradient clipping (training.clip_norm), optimizer
    // update with the learning rate scaled by lr_factor. Returns the summed
    // loss and correct count of the batch (before the update).
    LossResult step(const float* x, const std::int32_t* labels, int batch, float lr_factor = 1.f);

    // Data-parallel training (train/data_parallel.h): makes step_part sum
    // the gradients over `group`, through one buffer allocated here.
    void share_gradients(RankGroup& group);
    // One data-parallel step, on every rank for every global batch (also
    // with rows == 0): x, labels are this rank's `rows` rows of a global
    // batch of `batch`. The loss gradient is of the global batch's mean, the
    // parameter gradients are summed over the ranks (one sum, with the loss
    // and the stop flag riding along), then clipped and applied: every rank
    // makes the update one process makes with the whole batch. stop_here asks
    // every rank to stop; stop says whether any rank did (nothing is updated
    // then). Returns this rank's loss sum and correct count; loss_sum is NaN
    // when the loss is not finite on any rank (no rank updates then).
    // Allocates nothing.
    LossResult step_part(const float* x, const std::int32_t* labels, int rows, int batch, float lr_factor,
                         bool stop_here, bool& stop);

    // Loss and accuracy over a split, in inference mode; fills confusion
    // ([classes * classes], row = true label) when given.
    Evaluation evaluate(const Split& split, std::vector<int>* confusion = nullptr);

    // Whether every parameter is finite. The loss alone misses a NaN weight
    // behind a fused relu (oneDNN's relu turns NaN into 0, so the loss stays
    // finite and the unit is dead for good). A non-finite gradient shows here
    // too, once the optimizer has applied it. The trainer asks once per
    // epoch: one read of the parameters, against an epoch's forward and
    // backward passes over them for every batch. Allocates nothing.
    bool parameters_finite() const;

    Network& network() { return *network_; }
    // Everything a step carries to the next besides the parameters and
    // buffers (soma/state.h): the optimizer's blocks, named "optimizer.<name>",
    // then the layers' ("layer<index>.<name>"). What a checkpoint saves.
    std::vector<StateBlock> state();
    std::size_t parameters() { return network_->parameter_count(); }
    // The global L2 norm of the gradients of the last step (before clipping).
    double last_gradient_norm() const { return last_gradient_norm_; }
    // Data-parallel: the wall-clock seconds step_part spent in the gradient sum so far.
    double sum_seconds() const { return sum_seconds_; }
    int max_batch() const { return max_batch_; }
    static constexpr int kEvalBatch = 256;

private:
    // Scales every gradient so their global L2 norm is at most clip_norm_.
    void clip_gradients();

    dnnl::engine engine_;
    dnnl::stream stream_;
    LossKind loss_;
    int max_batch_;
    std::unique_ptr<Network> network_;
    std::unique_ptr<Optimizer> optimizer_;
    std::vector<ParamTensor> params_;
    float clip_norm_ = 0;
    std::vector<float> grad_;      // dL/dout [max_batch, classes]
    std::vector<float> eval_x_;    // [kEvalBatch, inputs]
    std::vector<std::int32_t> eval_labels_;
    double last_gradient_norm_ = 0;
    RankGroup* group_ = nullptr;
    std::vector<float> shared_;    // data-parallel: every gradient, then the loss sum and the stop flag
    double sum_seconds_ = 0;
};

}  // namespace soma
