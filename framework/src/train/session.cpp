#include "train/session.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>

#include "data/batcher.h"
#include "plugin/registry.h"
#include "train/data_parallel.h"

namespace soma {

TrainingSession::TrainingSession(const Registry& registry, const ModelConfig& model,
                                 const TrainingConfig& training, int inputs, int classes, int max_batch)
    : engine_(dnnl::engine::kind::cpu, 0),
      stream_(engine_),
      loss_(parse_loss(training.loss)),
      max_batch_(std::max(max_batch, kEvalBatch)) {
    NetworkOptions options;
    options.inputs = inputs;
    options.classes = classes;
    options.max_batch = max_batch_;
    options.seed = training.seed;
    network_ = std::make_unique<Network>(registry, model, options, engine_, stream_);
    optimizer_ = registry.make_optimizer(training.optimizer.name, training.optimizer.params);
    params_ = network_->parameters();
    optimizer_->setup(params_);
    clip_norm_ = static_cast<float>(training.clip_norm);
    grad_.assign(static_cast<std::size_t>(max_batch_) * classes, 0.f);
    eval_x_.assign(static_cast<std::size_t>(kEvalBatch) * inputs, 0.f);
    eval_labels_.assign(kEvalBatch, 0);
}

LossResult TrainingSession::step(const float* x, const std::int32_t* labels, int batch, float lr_factor) {
    const float* out = network_->forward(x, batch, /*training=*/true);
    LossResult r = loss_forward_backward(loss_, out, labels, batch, network_->classes(), grad_.data());
    // A non-finite loss means divergence: leave the weights as they were.
    if (!std::isfinite(r.loss_sum)) return r;
    network_->backward(grad_.data(), batch);
    if (clip_norm_ > 0) clip_gradients();
    optimizer_->step(lr_factor);
    return r;
}

std::vector<StateBlock> TrainingSession::state() {
    std::vector<StateBlock> blocks = optimizer_->state();
    for (StateBlock& b : blocks) b.name = "optimizer." + b.name;
    for (StateBlock& b : network_->state()) blocks.push_back(std::move(b));
    return blocks;
}

bool TrainingSession::parameters_finite() const {
    for (const ParamTensor& t : params_)
        for (std::size_t i = 0; i < t.size; ++i)
            if (!std::isfinite(t.value[i])) return false;
    return true;
}

void TrainingSession::share_gradients(RankGroup& group) {
    group_ = &group;
    std::size_t n = 0;
    for (const ParamTensor& t : params_) n += t.size;
    shared_.assign(n + 2, 0.f);
}

LossResult TrainingSession::step_part(const float* x, const std::int32_t* labels, int rows, int batch,
                                      float lr_factor, bool stop_here, bool& stop) {
    const std::size_t loss_slot = shared_.size() - 2, stop_slot = shared_.size() - 1;
    LossResult r;
    bool computed = false;
    if (rows > 0) {
        const int classes = network_->classes();
        const float* out = network_->forward(x, rows, /*training=*/true);
        r = loss_forward_backward(loss_, out, labels, rows, classes, grad_.data());
        if (std::isfinite(r.loss_sum)) {
            // The loss gradient is of this part's mean; the step takes the whole batch's.
            if (rows != batch) {
                const float scale = static_cast<float>(rows) / static_cast<float>(batch);
                for (std::size_t i = 0; i < static_cast<std::size_t>(rows) * classes; ++i) grad_[i] *= scale;
            }
            network_->backward(grad_.data(), rows);
            computed = true;
        }
    }
    float* to = shared_.data();
    for (const ParamTensor& t : params_) {
        if (computed) std::memcpy(to, t.grad, t.size * sizeof(float));
        else std::fill(to, to + t.size, 0.f);
        to += t.size;
    }
    shared_[loss_slot] = static_cast<float>(r.loss_sum);  // NaN or inf anywhere makes the sum so
    shared_[stop_slot] = stop_here ? 1.f : 0.f;
    const auto sum_start = std::chrono::steady_clock::now();
    group_->sum(shared_.data(), shared_.size());
    sum_seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - sum_start).count();
    stop = shared_[stop_slot] > 0.f;
    if (stop) return r;
    if (!std::isfinite(shared_[loss_slot])) {
        r.loss_sum = std::numeric_limits<double>::quiet_NaN();
        return r;
    }
    const float* from = shared_.data();
    for (const ParamTensor& t : params_) {
        std::memcpy(t.grad, from, t.size * sizeof(float));
        from += t.size;
    }
    if (clip_norm_ > 0) clip_gradients();
    optimizer_->step(lr_factor);
    return r;
}

void TrainingSession::clip_gradients() {
    double sum = 0;
    for (const ParamTensor& t : params_)
        for (std::size_t i = 0; i < t.size; ++i) sum += static_cast<double>(t.grad[i]) * t.grad[i];
    last_gradient_norm_ = std::sqrt(sum);
    if (last_gradient_norm_ <= clip_norm_) return;
    const float scale = static_cast<float>(clip_norm_ / last_gradient_norm_);
    for (const ParamTensor& t : params_)
        for (std::size_t i = 0; i < t.size; ++i) t.grad[i] *= scale;
}

Evaluation TrainingSession::evaluate(const Split& split, std::vector<int>* confusion) {
    return evaluate_split(*network_, loss_, split, eval_x_.data(), eval_labels_.data(), kEvalBatch, confusion);
}

Evaluation evaluate_split(Network& network, LossKind loss, const Split& split, float* x, std::int32_t* labels,
                          int batch, std::vector<int>* confusion) {
    Evaluation e;
    if (split.size() == 0) {
        e.loss = e.accuracy = std::numeric_limits<double>::quiet_NaN();
        return e;
    }
    const int classes = network.classes();
    if (confusion) confusion->assign(static_cast<std::size_t>(classes) * classes, 0);
    Batcher batcher(split, network.inputs(), batch, 0, /*shuffle=*/false);
    double loss_sum = 0;
    long correct = 0;
    while (int b = batcher.next(x, labels)) {
        const float* out = network.forward(x, b, /*training=*/false);
        LossResult r = loss_forward_backward(loss, out, labels, b, classes, nullptr);
        loss_sum += r.loss_sum;
        correct += r.correct;
        if (confusion)
            for (int n = 0; n < b; ++n)
                ++(*confusion)[static_cast<std::size_t>(labels[n]) * classes +
                               argmax(out + static_cast<std::size_t>(n) * classes, classes)];
    }
    e.loss_sum = loss_sum;
    e.correct = correct;
    e.loss = loss_sum / static_cast<double>(split.size());
    e.accuracy = static_cast<double>(correct) / static_cast<double>(split.size());
    return e;
}

}  // namespace soma
