// sgd: stochastic gradient descent with optional momentum (heavy ball or
// Nesterov) and L2 weight decay.
//   g = grad + weight_decay * w          (weights only; biases are not decayed)
//   v = momentum * v + g
//   w -= lr * (nesterov ? g + momentum * v : v)
#include <memory>
#include <vector>

#include "soma/math.h"
#include "soma/optimizer.h"
#include "soma/plugin.h"
#include "soma/registrar.h"

namespace {

// The update loops, compiled for AVX-512 / AVX2 / baseline. w, grad, v: [n]
SOMA_VECTOR_CLONES void plain_step(float* __restrict w, const float* __restrict grad, std::size_t n, float lr,
                                   float decay) {
    for (std::size_t i = 0; i < n; ++i) w[i] -= lr * (grad[i] + decay * w[i]);
}

SOMA_VECTOR_CLONES void momentum_step(float* __restrict w, const float* __restrict grad, float* __restrict v,
                                      std::size_t n, float lr, float decay, float momentum, bool nesterov) {
    for (std::size_t i = 0; i < n; ++i) {
        const float g = grad[i] + decay * w[i];
        v[i] = momentum * v[i] + g;
        w[i] -= lr * (nesterov ? g + momentum * v[i] : v[i]);
    }
}

class Sgd final : public soma::Optimizer {
public:
    explicit Sgd(const soma::Params& p)
        : learning_rate_(static_cast<float>(p.get("learning_rate"))),
          momentum_(static_cast<float>(p.get("momentum"))),
          weight_decay_(static_cast<float>(p.get("weight_decay"))),
          nesterov_(p.get("nesterov") != 0.0) {}

    void setup(const std::vector<soma::ParamTensor>& params) override {
        params_ = params;
        velocity_.clear();
        for (const auto& t : params_) velocity_.emplace_back(momentum_ != 0.f ? t.size : 0, 0.f);
    }

    void step(float lr_factor) override {
        const float lr = learning_rate_ * lr_factor;
        for (std::size_t k = 0; k < params_.size(); ++k) {
            const soma::ParamTensor& t = params_[k];
            const float decay = t.decay ? weight_decay_ : 0.f;
            if (momentum_ == 0.f)
                plain_step(t.value, t.grad, t.size, lr, decay);
            else
                momentum_step(t.value, t.grad, velocity_[k].data(), t.size, lr, decay, momentum_, nesterov_);
        }
    }

    std::vector<soma::StateBlock> state() override {
        std::vector<soma::StateBlock> blocks;
        soma::add_state_blocks(blocks, "velocity", velocity_);
        return blocks;
    }

private:
    float learning_rate_, momentum_, weight_decay_;
    bool nesterov_;
    std::vector<soma::ParamTensor> params_;
    std::vector<std::vector<float>> velocity_;
};

void register_features(soma::Registrar& r) {
    soma::FeatureInfo info;
    info.help = "stochastic gradient descent with momentum, nesterov and weight decay";
    info.params = {{"learning_rate", 0.1, 0.0, 1e6, "step size"},
                   {"momentum", 0.0, 0.0, 0.999999, "velocity decay (0 = plain SGD)"},
                   {"weight_decay", 0.0, 0.0, 1e3, "L2 penalty on weights"},
                   {"nesterov", 0, 0, 1, "1 = Nesterov momentum", true}};
    r.add_optimizer("sgd", std::move(info), [](const soma::Params& p) -> std::unique_ptr<soma::Optimizer> {
        return std::make_unique<Sgd>(p);
    });
}

}  // namespace

SOMA_PLUGIN("sgd", "1.0.0", register_features)
