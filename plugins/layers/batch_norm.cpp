// batch_norm: batch normalization (Ioffe & Szegedy 2015) on oneDNN's
// batch_normalization primitive, treating [batch, features] as N x C.
//   training:   mu = mean_n x,  var = mean_n (x - mu)^2           (biased, over the batch)
//               x^ = (x - mu) / sqrt(var + epsilon)               y = scale * x^ + shift
//               running_mean = (1 - momentum) running_mean + momentum mu
//               running_var  = (1 - momentum) running_var  + momentum var * N / (N - 1)
//   inference:  y = scale * (x - running_mean) / sqrt(running_var + epsilon) + shift
//   backward:   dshift = sum_n dy    dscale = sum_n dy x^
//               dx = scale / sqrt(var + epsilon) * (dy - mean_n dy - x^ mean_n (dy x^))
// As in PyTorch, the running variance takes the unbiased batch variance;
// running statistics start at mean 0, variance 1. scale starts at 1, shift at
// 0; neither is weight-decayed. Primitives are made once per batch size and
// reused; a training step in steady state allocates nothing.
#include <algorithm>
#include <memory>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "soma/layer.h"
#include "soma/onednn.h"
#include "soma/plugin.h"
#include "soma/registrar.h"

namespace {

using dnnl::memory;
using tag = memory::format_tag;
using dt = memory::data_type;
using flags = dnnl::normalization_flags;

struct BatchPrimitives {
    int batch = 0;
    memory src, dst, diff_dst, diff_src;
    dnnl::batch_normalization_forward forward_training, forward_inference;
    dnnl::batch_normalization_backward backward;
    std::unordered_map<int, memory> training_args, inference_args, backward_args;
};

class BatchNorm final : public soma::Layer {
public:
    explicit BatchNorm(const soma::Params& p)
        : momentum_(static_cast<float>(p.get("momentum"))), epsilon_(static_cast<float>(p.get("epsilon"))) {}

    int outputs() const override { return features_; }

    void configure(const soma::LayerContext& ctx) override {
        engine_ = ctx.engine;
        stream_ = ctx.stream;
        features_ = ctx.inputs;
        max_batch_ = ctx.max_batch;
        const std::size_t c = static_cast<std::size_t>(features_);
        const std::size_t n = static_cast<std::size_t>(max_batch_) * c;
        scale_.assign(c, 1.f);
        shift_.assign(c, 0.f);
        scale_grad_.assign(c, 0.f);
        shift_grad_.assign(c, 0.f);
        batch_mean_.assign(c, 0.f);
        batch_var_.assign(c, 0.f);
        running_mean_.assign(c, 0.f);
        running_var_.assign(c, 1.f);
        output_.assign(n, 0.f);
        scratch_diff_src_.assign(n, 0.f);
        const memory::desc stat_md({features_}, dt::f32, tag::x);
        scale_mem_ = memory(stat_md, engine_, scale_.data());
        shift_mem_ = memory(stat_md, engine_, shift_.data());
        scale_grad_mem_ = memory(stat_md, engine_, scale_grad_.data());
        shift_grad_mem_ = memory(stat_md, engine_, shift_grad_.data());
        batch_mean_mem_ = memory(stat_md, engine_, batch_mean_.data());
        batch_var_mem_ = memory(stat_md, engine_, batch_var_.data());
        running_mean_mem_ = memory(stat_md, engine_, running_mean_.data());
        running_var_mem_ = memory(stat_md, engine_, running_var_.data());
        cache_.clear();
    }

    std::vector<soma::ParamTensor> parameters() override {
        return {{"scale", scale_.data(), scale_grad_.data(), scale_.size(), {features_}, false},
                {"shift", shift_.data(), shift_grad_.data(), shift_.size(), {features_}, false}};
    }

    std::vector<soma::ParamTensor> buffers() override {
        return {{"running_mean", running_mean_.data(), nullptr, running_mean_.size(), {features_}, false},
                {"running_var", running_var_.data(), nullptr, running_var_.size(), {features_}, false}};
    }

    const float* forward(const float* x, int batch, bool training) override {
        BatchPrimitives& p = primitives(batch);
        soma::bind(p.src, x);
        if (training) {
            p.forward_training.execute(stream_, p.training_args);
            stream_.wait();
            const float unbias = batch > 1 ? static_cast<float>(batch) / static_cast<float>(batch - 1) : 1.f;
            for (int c = 0; c < features_; ++c) {
                running_mean_[c] = (1.f - momentum_) * running_mean_[c] + momentum_ * batch_mean_[c];
                running_var_[c] = (1.f - momentum_) * running_var_[c] + momentum_ * batch_var_[c] * unbias;
            }
        } else {
            p.forward_inference.execute(stream_, p.inference_args);
            stream_.wait();
        }
        return output_.data();
    }

    void backward(const float* x, const float* dy, float* dx, int batch) override {
        BatchPrimitives& p = primitives(batch);
        soma::bind(p.src, x);
        soma::bind(p.diff_dst, dy);
        // oneDNN always writes dx; the first layer's is not wanted, so it goes to scratch.
        soma::bind(p.diff_src, dx ? dx : scratch_diff_src_.data());
        p.backward.execute(stream_, p.backward_args);
        stream_.wait();
    }

private:
    BatchPrimitives& primitives(int batch) {
        return cache_.get(batch, max_batch_, "batch_norm", [this](int b) { return build(b); });
    }

    std::unique_ptr<BatchPrimitives> build(int batch) {
        auto p = std::make_unique<BatchPrimitives>();
        p->batch = batch;
        const memory::desc data_md({batch, features_}, dt::f32, tag::nc);
        const flags affine = flags::use_scale | flags::use_shift;

        dnnl::batch_normalization_forward::desc train_d(dnnl::prop_kind::forward_training, data_md, epsilon_, affine);
        dnnl::batch_normalization_forward::primitive_desc train_pd(train_d, engine_);
        p->forward_training = dnnl::batch_normalization_forward(train_pd);

        dnnl::batch_normalization_forward::desc infer_d(dnnl::prop_kind::forward_inference, data_md, epsilon_,
                                                        affine | flags::use_global_stats);
        p->forward_inference =
            dnnl::batch_normalization_forward(dnnl::batch_normalization_forward::primitive_desc(infer_d, engine_));

        dnnl::batch_normalization_backward::desc back_d(dnnl::prop_kind::backward, data_md, data_md, epsilon_, affine);
        p->backward = dnnl::batch_normalization_backward(
            dnnl::batch_normalization_backward::primitive_desc(back_d, engine_, train_pd));

        p->src = memory(data_md, engine_, nullptr);
        p->dst = memory(data_md, engine_, output_.data());
        p->diff_dst = memory(data_md, engine_, nullptr);
        p->diff_src = memory(data_md, engine_, nullptr);

        p->training_args = {{DNNL_ARG_SRC, p->src},           {DNNL_ARG_DST, p->dst},
                            {DNNL_ARG_SCALE, scale_mem_},      {DNNL_ARG_SHIFT, shift_mem_},
                            {DNNL_ARG_MEAN, batch_mean_mem_},  {DNNL_ARG_VARIANCE, batch_var_mem_}};
        p->inference_args = {{DNNL_ARG_SRC, p->src},            {DNNL_ARG_DST, p->dst},
                             {DNNL_ARG_SCALE, scale_mem_},       {DNNL_ARG_SHIFT, shift_mem_},
                             {DNNL_ARG_MEAN, running_mean_mem_}, {DNNL_ARG_VARIANCE, running_var_mem_}};
        p->backward_args = {{DNNL_ARG_SRC, p->src},
                            {DNNL_ARG_MEAN, batch_mean_mem_},
                            {DNNL_ARG_VARIANCE, batch_var_mem_},
                            {DNNL_ARG_DIFF_DST, p->diff_dst},
                            {DNNL_ARG_SCALE, scale_mem_},
                            {DNNL_ARG_SHIFT, shift_mem_},
                            {DNNL_ARG_DIFF_SRC, p->diff_src},
                            {DNNL_ARG_DIFF_SCALE, scale_grad_mem_},
                            {DNNL_ARG_DIFF_SHIFT, shift_grad_mem_}};
        return p;
    }

    float momentum_, epsilon_;
    int features_ = 0, max_batch_ = 0;
    dnnl::engine engine_;
    dnnl::stream stream_;
    std::vector<float> scale_, shift_, scale_grad_, shift_grad_, batch_mean_, batch_var_, running_mean_,
        running_var_, output_, scratch_diff_src_;
    memory scale_mem_, shift_mem_, scale_grad_mem_, shift_grad_mem_, batch_mean_mem_, batch_var_mem_,
        running_mean_mem_, running_var_mem_;
    soma::PerBatch<BatchPrimitives> cache_;
};

void register_features(soma::Registrar& r) {
    soma::FeatureInfo info;
    info.help = "batch normalization (oneDNN) with learned scale and shift; running statistics at inference";
    info.params = {{"momentum", 0.1, 0.0, 1.0, "weight of the new batch in the running mean and variance"},
                   {"epsilon", 1e-5, 1e-12, 1.0, "added to the variance before the square root"}};
    // The inference formula above: ONNX's BatchNormalization over [N, C] with the running statistics.
    info.onnx = [](soma::OnnxGraph& g, const std::string& x, const soma::Params& p) {
        return g.op("BatchNormalization",
                    {x, g.tensor("scale"), g.tensor("shift"), g.tensor("running_mean"), g.tensor("running_var")},
                    {soma::onnx_float("epsilon", p.get("epsilon"))});
    };
    r.add_layer("batch_norm", std::move(info), [](const soma::Params& p) -> std::unique_ptr<soma::Layer> {
        return std::make_unique<BatchNorm>(p);
    });
}

}  // namespace

SOMA_PLUGIN("batch_norm", "1.0.0", register_features)
