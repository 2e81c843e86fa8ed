// adagrad: per-coordinate step sizes shrinking with the sum of all squared
// gradients seen (Duchi et al. 2011; the form of PyTorch's Adagrad).
//   g = grad + weight_decay * w          (weights only; biases are not decayed)
//   s = s + g^2
//   w -= lr * g / (sqrt(s) + epsilon)
// lr = learning_rate * lr_factor. The sums are allocated in setup(); step()
// allocates nothing.
#include <cmath>
#include <memory>
#include <vector>

#include "soma/optimizer.h"
#include "soma/plugin.h"
#include "soma/registrar.h"

namespace {

class Adagrad final : public soma::Optimizer {
public:
    explicit Adagrad(const soma::Params& p)
        : learning_rate_(static_cast<float>(p.get("learning_rate"))),
          epsilon_(static_cast<float>(p.get("epsilon"))),
          weight_decay_(static_cast<float>(p.get("weight_decay"))) {}

    void setup(const std::vector<soma::ParamTensor>& params) override {
        params_ = params;
        sum_.clear();
        for (const auto& t : params_) sum_.emplace_back(t.size, 0.f);
    }

    void step(float lr_factor) override {
        const float lr = learning_rate_ * lr_factor;
        for (std::size_t k = 0; k < params_.size(); ++k) {
            const soma::ParamTensor& t = params_[k];
            const float decay = t.decay ? weight_decay_ : 0.f;
            float* w = t.value;
            const float* grad = t.grad;
            float* s = sum_[k].data();
            for (std::size_t i = 0; i < t.size; ++i) {
                const float g = grad[i] + decay * w[i];
                s[i] += g * g;
                w[i] -= lr * g / (std::sqrt(s[i]) + epsilon_);
            }
        }
    }

    std::vector<soma::StateBlock> state() override {
        std::vector<soma::StateBlock> blocks;
        soma::add_state_blocks(blocks, "sum", sum_);
        return blocks;
    }

private:
    float learning_rate_, epsilon_, weight_decay_;
    std::vector<soma::ParamTensor> params_;
    std::vector<std::vector<float>> sum_;
};

void register_features(soma::Registrar& r) {
    soma::FeatureInfo info;
    info.help = "Adagrad: per-coordinate steps scaled by the accumulated squared gradients";
    info.params = {{"learning_rate", 0.01, 0.0, 1e6, "step size"},
                   {"epsilon", 1e-10, 1e-30, 1.0, "added to sqrt(sum) to avoid division by zero"},
                   {"weight_decay", 0.0, 0.0, 1e3, "L2 penalty on weights, added to the gradient"}};
    r.add_optimizer("adagrad", std::move(info), [](const soma::Params& p) -> std::unique_ptr<soma::Optimizer> {
        return std::make_unique<Adagrad>(p);
    });
}

}  // namespace

SOMA_PLUGIN("adagrad", "1.0.0", register_features)
