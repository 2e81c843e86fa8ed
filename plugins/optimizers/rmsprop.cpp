// rmsprop: divides the gradient by a running root mean square of recent
// gradients (Hinton's lecture 6e; the form of PyTorch's RMSprop).
//   g = grad + weight_decay * w          (weights only; biases are not decayed)
//   v = alpha v + (1 - alpha) g^2        (alpha is Keras' rho)
//   momentum = 0:  w -= lr * g / (sqrt(v) + epsilon)
//   momentum > 0:  b = momentum b + g / (sqrt(v) + epsilon);   w -= lr * b
// lr = learning_rate * lr_factor. State is allocated in setup(); step()
// allocates nothing.
#include <cmath>
#include <memory>
#include <vector>

#include "soma/optimizer.h"
#include "soma/plugin.h"
#include "soma/registrar.h"

namespace {

class RmsProp final : public soma::Optimizer {
public:
    explicit RmsProp(const soma::Params& p)
        : learning_rate_(static_cast<float>(p.get("learning_rate"))),
          alpha_(static_cast<float>(p.get("alpha"))),
          epsilon_(static_cast<float>(p.get("epsilon"))),
          momentum_(static_cast<float>(p.get("momentum"))),
          weight_decay_(static_cast<float>(p.get("weight_decay"))) {}

    void setup(const std::vector<soma::ParamTensor>& params) override {
        params_ = params;
        square_avg_.clear();
        buffer_.clear();
        for (const auto& t : params_) {
            square_avg_.emplace_back(t.size, 0.f);
            buffer_.emplace_back(momentum_ != 0.f ? t.size : 0, 0.f);
        }
    }

    void step(float lr_factor) override {
        const float lr = learning_rate_ * lr_factor;
        for (std::size_t k = 0; k < params_.size(); ++k) {
            const soma::ParamTensor& t = params_[k];
            const float decay = t.decay ? weight_decay_ : 0.f;
            float* w = t.value;
            const float* grad = t.grad;
            float* v = square_avg_[k].data();
            if (momentum_ == 0.f) {
                for (std::size_t i = 0; i < t.size; ++i) {
                    const float g = grad[i] + decay * w[i];
                    v[i] = alpha_ * v[i] + (1.f - alpha_) * g * g;
                    w[i] -= lr * g / (std::sqrt(v[i]) + epsilon_);
                }
                continue;
            }
            float* b = buffer_[k].data();
            for (std::size_t i = 0; i < t.size; ++i) {
                const float g = grad[i] + decay * w[i];
                v[i] = alpha_ * v[i] + (1.f - alpha_) * g * g;
                b[i] = momentum_ * b[i] + g / (std::sqrt(v[i]) + epsilon_);
                w[i] -= lr * b[i];
            }
        }
    }

    std::vector<soma::StateBlock> state() override {
        std::vector<soma::StateBlock> blocks;
        soma::add_state_blocks(blocks, "square_avg", square_avg_);
        soma::add_state_blocks(blocks, "momentum_buffer", buffer_);
        return blocks;
    }

private:
    float learning_rate_, alpha_, epsilon_, momentum_, weight_decay_;
    std::vector<soma::ParamTensor> params_;
    std::vector<std::vector<float>> square_avg_, buffer_;
};

void register_features(soma::Registrar& r) {
    soma::FeatureInfo info;
    info.help = "RMSprop: gradient over the running RMS of gradients, optional momentum and weight decay";
    info.params = {{"learning_rate", 0.01, 0.0, 1e6, "step size"},
                   {"alpha", 0.99, 0.0, 0.999999, "decay of the mean of squared gradients (rho)"},
                   {"epsilon", 1e-8, 1e-30, 1.0, "added to the RMS to avoid division by zero"},
                   {"momentum", 0.0, 0.0, 0.999999, "velocity decay (0 = none)"},
                   {"weight_decay", 0.0, 0.0, 1e3, "L2 penalty on weights, added to the gradient"}};
    r.add_optimizer("rmsprop", std::move(info), [](const soma::Params& p) -> std::unique_ptr<soma::Optimizer> {
        return std::make_unique<RmsProp>(p);
    });
}

}  // namespace

SOMA_PLUGIN("rmsprop", "1.0.0", register_features)
