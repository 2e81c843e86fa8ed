// adam and adamw: adaptive moments (Kingma & Ba 2015), one library with two
// features that differ only in where the weight decay goes.
//   adam (coupled L2):   g = grad + weight_decay * w          shrink = 1
//   adamw (decoupled, Loshchilov & Hutter 2019): g = grad    shrink = 1 - lr * weight_decay
//   (weights only; biases are not decayed)
//   m = beta1 m + (1 - beta1) g          v = beta2 v + (1 - beta2) g^2
//   m^ = m / (1 - beta1^t)               v^ = v / (1 - beta2^t)      (bias correction, t = step number)
//   w = w * shrink - lr * m^ / (sqrt(v^) + epsilon)
// lr = learning_rate * lr_factor, so a schedule scales adamw's decay too (as
// in PyTorch). State (m, v) is allocated in setup(); step() allocates nothing.
#include <cmath>
#include <memory>
#include <vector>

#include "soma/optimizer.h"
#include "soma/plugin.h"
#include "soma/registrar.h"

namespace {

class Adam final : public soma::Optimizer {
public:
    Adam(const soma::Params& p, bool decoupled)
        : learning_rate_(static_cast<float>(p.get("learning_rate"))),
          beta1_(p.get("beta1")),
          beta2_(p.get("beta2")),
          epsilon_(static_cast<float>(p.get("epsilon"))),
          weight_decay_(static_cast<float>(p.get("weight_decay"))),
          decoupled_(decoupled) {}

    void setup(const std::vector<soma::ParamTensor>& params) override {
        params_ = params;
        m_.clear();
        v_.clear();
        for (const auto& t : params_) {
            m_.emplace_back(t.size, 0.f);
            v_.emplace_back(t.size, 0.f);
        }
        t_ = 0;
    }

    void step(float lr_factor) override {
        ++t_;
        const double correction1 = 1.0 - std::pow(beta1_, static_cast<double>(t_));
        const double correction2 = 1.0 - std::pow(beta2_, static_cast<double>(t_));
        const float lr = learning_rate_ * lr_factor;
        const float step_size = static_cast<float>(lr / correction1);
        const float inv_sqrt_c2 = static_cast<float>(1.0 / std::sqrt(correction2));
        const float b1 = static_cast<float>(beta1_), b2 = static_cast<float>(beta2_);
        for (std::size_t k = 0; k < params_.size(); ++k) {
            const soma::ParamTensor& t = params_[k];
            const float decay = t.decay ? weight_decay_ : 0.f;
            const float coupled = decoupled_ ? 0.f : decay;          // into the gradient
            const float shrink = decoupled_ ? 1.f - lr * decay : 1.f;  // onto the weights
            float* w = t.value;
            const float* grad = t.grad;
            float* m = m_[k].data();
            float* v = v_[k].data();
            for (std::size_t i = 0; i < t.size; ++i) {
                const float g = grad[i] + coupled * w[i];
                m[i] = b1 * m[i] + (1.f - b1) * g;
                v[i] = b2 * v[i] + (1.f - b2) * g * g;
                w[i] = w[i] * shrink - step_size * m[i] / (std::sqrt(v[i]) * inv_sqrt_c2 + epsilon_);
            }
        }
    }

    std::vector<soma::StateBlock> state() override {
        std::vector<soma::StateBlock> blocks{soma::state_block("step", t_)};
        soma::add_state_blocks(blocks, "m", m_);
        soma::add_state_blocks(blocks, "v", v_);
        return blocks;
    }

private:
    float learning_rate_;
    double beta1_, beta2_;
    float epsilon_, weight_decay_;
    bool decoupled_;
    long long t_ = 0;
    std::vector<soma::ParamTensor> params_;
    std::vector<std::vector<float>> m_, v_;
};

std::vector<soma::ParamSpec> adam_params(double weight_decay, const char* decay_help) {
    return {{"learning_rate", 0.001, 0.0, 1e6, "step size"},
            {"beta1", 0.9, 0.0, 0.999999, "decay of the first moment (mean of gradients)"},
            {"beta2", 0.999, 0.0, 0.999999, "decay of the second moment (mean of squared gradients)"},
            {"epsilon", 1e-8, 1e-30, 1.0, "added to sqrt(v) to avoid division by zero"},
            {"weight_decay", weight_decay, 0.0, 1e3, decay_help}};
}

void register_features(soma::Registrar& r) {
    r.add_optimizer("adam",
                    {"Adam: adaptive moment estimation with bias correction; weight decay as L2 on the gradient",
                     adam_params(0.0, "L2 penalty on weights, added to the gradient"), ""},
                    [](const soma::Params& p) -> std::unique_ptr<soma::Optimizer> {
                        return std::make_unique<Adam>(p, /*decoupled=*/false);
                    });
    r.add_optimizer("adamw",
                    {"AdamW: Adam with decoupled weight decay",
                     adam_params(0.01, "decoupled decay: w -= lr * weight_decay * w each step"), ""},
                    [](const soma::Params& p) -> std::unique_ptr<soma::Optimizer> {
                        return std::make_unique<Adam>(p, /*decoupled=*/true);
                    });
}

}  // namespace

SOMA_PLUGIN("adam", "1.0.0", register_features)
