// dropout: inverted dropout (Srivastava et al. 2014). While training, each
// element is zeroed with probability rate and the survivors are scaled by
// 1 / (1 - rate), so the expected output equals the input and inference is
// the identity.
//   training:   m_i = (u_i >= rate) / (1 - rate),  u_i ~ U[0, 1)     y = m * x     dx = m * dy
//   inference:  y = x                                                              dx = dy
// Shapes: x, y [batch, features]; outputs() == inputs. The mask comes from a
// soma::Random seeded with LayerContext::seed and advanced by every training
// forward: a run is deterministic for a seed, and each step sees a new mask.
// backward uses the mask of the last forward. Buffers are sized for
// max_batch in configure(); forward and backward allocate nothing.
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "soma/layer.h"
#include "soma/plugin.h"
#include "soma/random.h"
#include "soma/registrar.h"

namespace {

class Dropout final : public soma::Layer {
public:
    explicit Dropout(const soma::Params& p) : rate_(p.get("rate")) {
        if (!(rate_ >= 0.0 && rate_ < 1.0)) throw std::invalid_argument("dropout: rate must be in [0, 1)");
    }

    int outputs() const override { return features_; }

    void configure(const soma::LayerContext& ctx) override {
        features_ = ctx.inputs;
        max_batch_ = ctx.max_batch;
        const std::size_t n = static_cast<std::size_t>(max_batch_) * features_;
        output_.assign(n, 0.f);
        mask_.assign(n, 0.f);
        rng_ = soma::Random(ctx.seed);
        masked_ = false;
    }

    const float* forward(const float* x, int batch, bool training) override {
        check(batch);
        const std::size_t n = static_cast<std::size_t>(batch) * features_;
        masked_ = training && rate_ > 0.0;
        if (!masked_) {
            std::memcpy(output_.data(), x, n * sizeof(float));
            return output_.data();
        }
        const float keep_scale = static_cast<float>(1.0 / (1.0 - rate_));
        for (std::size_t i = 0; i < n; ++i) {
            mask_[i] = rng_.uniform() >= rate_ ? keep_scale : 0.f;
            output_[i] = x[i] * mask_[i];
        }
        return output_.data();
    }

    void backward(const float*, const float* dy, float* dx, int batch) override {
        check(batch);
        if (!dx) return;
        const std::size_t n = static_cast<std::size_t>(batch) * features_;
        if (!masked_) {
            std::memcpy(dx, dy, n * sizeof(float));
            return;
        }
        for (std::size_t i = 0; i < n; ++i) dx[i] = dy[i] * mask_[i];
    }

    // The generator: a resumed run draws the masks the killed one would have.
    std::vector<soma::StateBlock> state() override { return {soma::state_block("rng", rng_)}; }

private:
    void check(int batch) const {
        if (batch < 1 || batch > max_batch_)
            throw std::invalid_argument("dropout: batch " + std::to_string(batch) + " outside 1.." +
                                        std::to_string(max_batch_));
    }

    double rate_;
    int features_ = 0, max_batch_ = 0;
    soma::Random rng_{0};
    bool masked_ = false;  // the last forward applied a mask
    std::vector<float> output_, mask_;
};

void register_features(soma::Registrar& r) {
    soma::FeatureInfo info;
    info.help = "inverted dropout: zeroes a fraction rate of the inputs while training, identity at inference";
    info.params = {{"rate", 0.5, 0.0, 0.999999, "probability of dropping an element, in [0, 1)"}};
    // An exported model is for inference, where dropout is the identity.
    info.onnx = [](soma::OnnxGraph& g, const std::string& x, const soma::Params&) { return g.op("Identity", {x}); };
    r.add_layer("dropout", std::move(info), [](const soma::Params& p) -> std::unique_ptr<soma::Layer> {
        return std::make_unique<Dropout>(p);
    });
}

}  // namespace

SOMA_PLUGIN("dropout", "1.0.0", register_features)
