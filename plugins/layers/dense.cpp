// dense: a fully connected layer on oneDNN's inner product, y = act(W x + b),
// with the activation computed by oneDNN when the network offers one: as a
// post-op when its derivative reads the output, else as eltwise primitives
// beside the inner product on the kept pre-activation z.
//   forward:   z = x W^T + b            y = act(z)   (act = identity if none)
//   backward:  dz = dy * act'(z or y)   dx = dz W     dW = dz^T x    db = sum_n dz
// Shapes: x [batch, inputs], W [units, inputs] (oneDNN "oi"), b [units],
// y [batch, units]. Primitives are made once per batch size and reused; a
// training step in steady state allocates nothing.
#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <stdexcept>
#include <vector>

#include "soma/layer.h"
#include "soma/onednn.h"
#include "soma/plugin.h"
#include "soma/random.h"
#include "soma/registrar.h"

namespace {

using dnnl::memory;
using tag = memory::format_tag;
using dt = memory::data_type;

// Everything that depends on the batch size, built once per size.
struct BatchPrimitives {
    int batch = 0;
    memory src, pre, dst, diff_dst, diff_pre, diff_src;
    dnnl::inner_product_forward forward_training, forward_inference;
    dnnl::eltwise_forward activation_forward;    // only when the derivative reads z
    dnnl::eltwise_backward activation_backward;  // only with an activation
    dnnl::inner_product_backward_data backward_data;
    dnnl::inner_product_backward_weights backward_weights;
    soma::ExecArgs forward_args, activation_forward_args, activation_backward_args, backward_data_args,
        backward_weights_args;
};

class Dense final : public soma::Layer {
public:
    explicit Dense(const soma::Params& p) : units_(static_cast<int>(p.get("units"))) {
        if (units_ < 1) throw std::invalid_argument("dense: units must be >= 1");
    }

    bool can_fuse() const override { return true; }
    int outputs() const override { return units_; }

    void configure(const soma::LayerContext& ctx) override {
        engine_ = ctx.engine;
        stream_ = ctx.stream;
        inputs_ = ctx.inputs;
        max_batch_ = ctx.max_batch;
        fused_ = ctx.fused;
        post_op_ = fused_ && fused_->backward_reads == soma::FusedEltwise::Reads::output;
        separate_ = fused_ && !post_op_;
        const std::size_t w = static_cast<std::size_t>(units_) * inputs_;
        weights_.assign(w, 0.f);
        weights_grad_.assign(w, 0.f);
        bias_.assign(units_, 0.f);
        bias_grad_.assign(units_, 0.f);
        output_.assign(static_cast<std::size_t>(max_batch_) * units_, 0.f);
        diff_pre_.assign(static_cast<std::size_t>(max_batch_) * units_, 0.f);
        if (separate_) pre_.assign(static_cast<std::size_t>(max_batch_) * units_, 0.f);
        weights_mem_ = memory({{units_, inputs_}, dt::f32, tag::oi}, engine_, weights_.data());
        bias_mem_ = memory({{units_}, dt::f32, tag::x}, engine_, bias_.data());
        weights_grad_mem_ = memory({{units_, inputs_}, dt::f32, tag::oi}, engine_, weights_grad_.data());
        bias_grad_mem_ = memory({{units_}, dt::f32, tag::x}, engine_, bias_grad_.data());
        initialize(ctx.init);
        cache_.clear();
    }

    std::vector<soma::ParamTensor> parameters() override {
        return {{"weights", weights_.data(), weights_grad_.data(), weights_.size(), {units_, inputs_}, true},
                {"bias", bias_.data(), bias_grad_.data(), bias_.size(), {units_}, false}};
    }

    const float* forward(const float* x, int batch, bool training) override {
        BatchPrimitives& p = primitives(batch);
        soma::bind(p.src, x);
        p.forward_args.execute((training ? p.forward_training : p.forward_inference), stream_);
        if (separate_) p.activation_forward_args.execute(p.activation_forward, stream_);
        stream_.wait();
        return output_.data();
    }

    void backward(const float* x, const float* dy, float* dx, int batch) override {
        BatchPrimitives& p = primitives(batch);
        soma::bind(p.src, x);
        soma::bind(p.diff_dst, dy);
        if (fused_) p.activation_backward_args.execute(p.activation_backward, stream_);
        p.backward_weights_args.execute(p.backward_weights, stream_);
        if (dx) {
            soma::bind(p.diff_src, dx);
            p.backward_data_args.execute(p.backward_data, stream_);
        }
        stream_.wait();
    }

private:
    void initialize(const soma::InitSpec& init) {
        soma::Random rng(init.seed);
        for (float& w : weights_) w = static_cast<float>(draw(rng, init));
        for (float& b : bias_) b = static_cast<float>(draw_bias(rng, init));  // drawn after every weight
    }

    static double draw_bias(soma::Random& rng, const soma::InitSpec& init) {
        switch (init.bias) {
            case soma::BiasInit::zero: return 0.0;
            case soma::BiasInit::uniform: return rng.uniform(-init.scale, init.scale);
            case soma::BiasInit::normal: return rng.normal(0.0, init.scale);
        }
        throw std::invalid_argument("dense: bias init " + std::to_string(static_cast<int>(init.bias)) +
                                    " is not one soma knows");
    }

    // One initial weight (soma/layer.h gives each scheme's distribution).
    double draw(soma::Random& rng, const soma::InitSpec& init) const {
        const double fan_in = inputs_, fan_out = units_;
        switch (init.scheme) {
            case soma::InitScheme::xavier: {
                const double a = std::sqrt(6.0 / (fan_in + fan_out));
                return rng.uniform(-a, a);
            }
            case soma::InitScheme::he: return rng.normal(0.0, std::sqrt(2.0 / fan_in));
            case soma::InitScheme::uniform: return rng.uniform(-init.scale, init.scale);
            case soma::InitScheme::normal: return rng.normal(0.0, init.scale);
        }
        throw std::invalid_argument("dense: init scheme " + std::to_string(static_cast<int>(init.scheme)) +
                                    " is not one soma knows");
    }

    BatchPrimitives& primitives(int batch) {
        return cache_.get(batch, max_batch_, "dense", [this](int b) { return build(b); });
    }

    std::unique_ptr<BatchPrimitives> build(int batch) {
        auto p = std::make_unique<BatchPrimitives>();
        p->batch = batch;
        const memory::desc src_md({batch, inputs_}, dt::f32, tag::nc);
        const memory::desc dst_md({batch, units_}, dt::f32, tag::nc);
        const memory::desc w_md({units_, inputs_}, dt::f32, tag::oi);
        const memory::desc b_md({units_}, dt::f32, tag::x);

        dnnl::primitive_attr attr;
        if (post_op_) {
            dnnl::post_ops ops;
            ops.append_eltwise(1.f, fused_->forward, fused_->alpha, fused_->beta);
            attr.set_post_ops(ops);
        }
        auto make_forward = [&](dnnl::prop_kind kind) {
            dnnl::inner_product_forward::desc d(kind, src_md, w_md, b_md, dst_md);
            return dnnl::inner_product_forward::primitive_desc(d, attr, engine_);
        };
        auto fwd_training_pd = make_forward(dnnl::prop_kind::forward_training);
        auto fwd_inference_pd = make_forward(dnnl::prop_kind::forward_inference);
        p->forward_training = dnnl::inner_product_forward(fwd_training_pd);
        p->forward_inference = dnnl::inner_product_forward(fwd_inference_pd);

        p->src = memory(src_md, engine_, nullptr);
        p->dst = memory(dst_md, engine_, output_.data());
        // The inner product writes z to pre when the activation runs beside it.
        p->pre = separate_ ? memory(dst_md, engine_, pre_.data()) : p->dst;
        p->diff_dst = memory(dst_md, engine_, nullptr);
        p->diff_src = memory(src_md, engine_, nullptr);
        // Without a fused activation dz is dy itself.
        p->diff_pre = fused_ ? memory(dst_md, engine_, diff_pre_.data()) : p->diff_dst;

        p->forward_args = {{DNNL_ARG_SRC, &p->src},
                           {DNNL_ARG_WEIGHTS, &weights_mem_},
                           {DNNL_ARG_BIAS, &bias_mem_},
                           {DNNL_ARG_DST, &p->pre}};

        if (fused_) {
            // The backward's hint: the forward of the algorithm the backward uses.
            dnnl::eltwise_forward::desc hint_d(dnnl::prop_kind::forward_training, fused_->backward, dst_md,
                                               fused_->alpha, fused_->beta);
            dnnl::eltwise_forward::primitive_desc hint_pd(hint_d, engine_);
            dnnl::eltwise_backward::desc d(fused_->backward, dst_md, dst_md, fused_->alpha, fused_->beta);
            dnnl::eltwise_backward::primitive_desc pd(d, engine_, hint_pd);
            p->activation_backward = dnnl::eltwise_backward(pd);
            // *_use_dst_for_bwd algorithms read DST; the others read SRC, which
            // is y for a post-op (a constant derivative ignores it) or z.
            p->activation_backward_args = {{DNNL_ARG_DST, &p->dst},
                                           {DNNL_ARG_SRC, post_op_ ? &p->dst : &p->pre},
                                           {DNNL_ARG_DIFF_DST, &p->diff_dst},
                                           {DNNL_ARG_DIFF_SRC, &p->diff_pre}};
        }
        if (separate_) {
            dnnl::eltwise_forward::desc d(dnnl::prop_kind::forward_training, fused_->forward, dst_md,
                                          fused_->alpha, fused_->beta);
            p->activation_forward = dnnl::eltwise_forward(dnnl::eltwise_forward::primitive_desc(d, engine_));
            p->activation_forward_args = {{DNNL_ARG_SRC, &p->pre}, {DNNL_ARG_DST, &p->dst}};
        }

        dnnl::inner_product_backward_data::desc bd(src_md, w_md, dst_md);
        p->backward_data = dnnl::inner_product_backward_data(
            dnnl::inner_product_backward_data::primitive_desc(bd, engine_, fwd_training_pd));
        p->backward_data_args = {{DNNL_ARG_DIFF_DST, &p->diff_pre},
                                 {DNNL_ARG_WEIGHTS, &weights_mem_},
                                 {DNNL_ARG_DIFF_SRC, &p->diff_src}};

        dnnl::inner_product_backward_weights::desc bw(src_md, w_md, b_md, dst_md);
        p->backward_weights = dnnl::inner_product_backward_weights(
            dnnl::inner_product_backward_weights::primitive_desc(bw, engine_, fwd_training_pd));
        p->backward_weights_args = {{DNNL_ARG_SRC, &p->src},
                                    {DNNL_ARG_DIFF_DST, &p->diff_pre},
                                    {DNNL_ARG_DIFF_WEIGHTS, &weights_grad_mem_},
                                    {DNNL_ARG_DIFF_BIAS, &bias_grad_mem_}};
        return p;
    }

    int units_;
    int inputs_ = 0, max_batch_ = 0;
    std::optional<soma::FusedEltwise> fused_;
    bool post_op_ = false;   // activation fused into the inner product
    bool separate_ = false;  // activation as oneDNN eltwise beside it, z kept
    dnnl::engine engine_;
    dnnl::stream stream_;
    std::vector<float> weights_, weights_grad_, bias_, bias_grad_, output_, diff_pre_, pre_;
    memory weights_mem_, bias_mem_, weights_grad_mem_, bias_grad_mem_;
    soma::PerBatch<BatchPrimitives> cache_;
};

void register_features(soma::Registrar& r) {
    soma::FeatureInfo info;
    info.help = "fully connected (oneDNN inner product); fuses an activation as a post-op";
    info.params = {{"units", 0, 0, 1e7, "outputs per sample (from the model's units)", true}};
    // y = x W^T + b, W [units, inputs]
    info.onnx = [](soma::OnnxGraph& g, const std::string& x, const soma::Params&) {
        return g.op("Gemm", {x, g.tensor("weights"), g.tensor("bias")}, {soma::onnx_int("transB", 1)});
    };
    r.add_layer("dense", std::move(info), [](const soma::Params& p) -> std::unique_ptr<soma::Layer> {
        return std::make_unique<Dense>(p);
    });
}

}  // namespace

SOMA_PLUGIN("dense", "1.0.0", register_features)
