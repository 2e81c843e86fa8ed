// The ONNX graph of a model file, node by node.
#include "export/onnx_export.h"

#include <onnx/checker.h>
#include <onnx/onnx_pb.h>

#include <functional>
#include <map>

#include "util/atomic_file.h"
#include "util/error.h"

namespace soma {

namespace {

using onnx::AttributeProto;
using onnx::GraphProto;
using onnx::NodeProto;
using onnx::TensorProto;

class GraphBuilder {
public:
    explicit GraphBuilder(GraphProto& graph) : graph_(graph) {}

    // A node with one output, named after the op and a counter; returns the output's name.
    std::string node(const std::string& op, const std::vector<std::string>& inputs,
                     const std::function<void(NodeProto&)>& attributes = {}) {
        NodeProto* n = graph_.add_node();
        n->set_op_type(op);
        const std::string out = op + "_" + std::to_string(++count_);
        n->set_name(out);
        for (const auto& in : inputs) n->add_input(in);
        n->add_output(out);
        if (attributes) attributes(*n);
        return out;
    }

    // A float32 initializer.
    std::string constant(const std::string& name, const std::vector<int>& shape, const std::vector<float>& values) {
        TensorProto* t = graph_.add_initializer();
        t->set_name(name);
        t->set_data_type(TensorProto::FLOAT);
        for (int d : shape) t->add_dims(d);
        for (float v : values) t->add_float_data(v);
        return name;
    }
    std::string scalar(float v) { return constant("const_" + std::to_string(++count_), {}, {v}); }

private:
    GraphProto& graph_;
    int count_ = 0;
};

void float_attribute(NodeProto& n, const char* name, float value) {
    AttributeProto* a = n.add_attribute();
    a->set_name(name);
    a->set_type(AttributeProto::FLOAT);
    a->set_f(value);
}

void int_attribute(NodeProto& n, const char* name, std::int64_t value) {
    AttributeProto* a = n.add_attribute();
    a->set_name(name);
    a->set_type(AttributeProto::INT);
    a->set_i(value);
}

double param(const LayerDescription& l, const char* name, double fallback) {
    const auto it = l.activation_params.find(name);
    return it == l.activation_params.end() ? fallback : it->second;
}

// x -> activation(x) as ONNX nodes; empty when ONNX has no form of it.
std::string activation(GraphBuilder& g, const LayerDescription& l, const std::string& x) {
    const std::string& a = l.activation;
    if (a.empty()) return x;
    if (a == "sigmoid") return g.node("Sigmoid", {x});
    if (a == "relu") return g.node("Relu", {x});
    if (a == "tanh") return g.node("Tanh", {x});
    if (a == "softsign") return g.node("Softsign", {x});
    if (a == "softplus") return g.node("Softplus", {x});
    if (a == "identity") return g.node("Identity", {x});
    if (a == "leaky_relu")
        return g.node("LeakyRelu", {x}, [&](NodeProto& n) { float_attribute(n, "alpha", static_cast<float>(param(l, "alpha", 0.01))); });
    if (a == "elu")
        return g.node("Elu", {x}, [&](NodeProto& n) { float_attribute(n, "alpha", static_cast<float>(param(l, "alpha", 1.0))); });
    if (a == "hard_sigmoid")
        return g.node("HardSigmoid", {x}, [](NodeProto& n) {
            float_attribute(n, "alpha", 1.f / 6.f);
            float_attribute(n, "beta", 0.5f);
        });
    if (a == "silu") return g.node("Mul", {x, g.node("Sigmoid", {x})});  // x sigmoid(x)
    if (a == "mish") return g.node("Mul", {x, g.node("Tanh", {g.node("Softplus", {x})})});  // x tanh(softplus(x))
    if (a == "gelu") {
        // x sigmoid(2 g), g = sqrt(2/pi) (x + 0.044715 x^3): soma's tanh-form gelu.
        const std::string cube = g.node("Mul", {x, g.node("Mul", {x, x})});
        const std::string inner = g.node("Add", {x, g.node("Mul", {cube, g.scalar(0.044715f)})});
        const std::string two_g = g.node("Mul", {inner, g.scalar(2.f * 0.7978845608028654f)});
        return g.node("Mul", {x, g.node("Sigmoid", {two_g})});
    }
    return {};
}

const ModelTensor& tensor(const ModelFile& m, const std::string& name, const std::string& source) {
    const ModelTensor* t = find_tensor(m, name);
    if (!t) throw Error(source + ": no tensor " + name + " to export");
    return *t;
}

}  // namespace

std::string onnx_model_bytes(const ModelFile& m, const std::string& source) {
    const ModelDescription& d = m.description;
    onnx::ModelProto model;
    model.set_ir_version(onnx::IR_VERSION_2019_3_18);  // IR 6: what opset 13 needs at least
    model.set_producer_name("soma");
    model.set_producer_version(m.provenance.soma_version);
    model.set_model_version(1);
    onnx::OperatorSetIdProto* opset = model.add_opset_import();
    opset->set_domain("");
    opset->set_version(onnx_opset);
    model.set_doc_string("soma model " + d.experiment + " (" + d.network + "), epoch " + std::to_string(d.epoch) +
                         " of " + std::to_string(d.epochs) + ", trained on " + d.dataset +
                         ". Input 'pixels': float32 [N, " + std::to_string(d.features()) + "], a " +
                         std::to_string(d.input_rows) + "x" + std::to_string(d.input_cols) +
                         " grayscale image's uint8 values 0..255 row by row; the graph divides them by 255 as soma "
                         "does. Outputs: 'logits'" +
                         (d.loss == "cross_entropy" ? ", 'probabilities' (softmax of the logits)" : "") + ".");
    GraphProto* graph = model.mutable_graph();
    graph->set_name(d.experiment.empty() ? "soma" : d.experiment);
    GraphBuilder g(*graph);

    auto value_info = [&](onnx::ValueInfoProto* v, const std::string& name, int width) {
        v->set_name(name);
        auto* type = v->mutable_type()->mutable_tensor_type();
        type->set_elem_type(TensorProto::FLOAT);
        type->mutable_shape()->add_dim()->set_dim_param("N");
        type->mutable_shape()->add_dim()->set_dim_value(width);
    };
    value_info(graph->add_input(), "pixels", d.features());

    std::string x = g.node("Div", {"pixels", g.scalar(255.f)});
    for (std::size_t i = 0; i < d.layers.size(); ++i) {
        const LayerDescription& l = d.layers[i];
        const std::string prefix = "layer" + std::to_string(i);
        if (l.type != "dense")
            throw Error(source + ": layer " + std::to_string(i) + " is a '" + l.type +
                        "' layer, which soma cannot export to ONNX (only dense layers)");
        const ModelTensor& w = tensor(m, prefix + ".weights", source);
        const ModelTensor& b = tensor(m, prefix + ".bias", source);
        g.constant(w.name, w.shape, w.values);
        g.constant(b.name, b.shape, b.values);
        x = g.node("Gemm", {x, w.name, b.name}, [](NodeProto& n) { int_attribute(n, "transB", 1); });
        const std::string y = activation(g, l, x);
        if (y.empty())
            throw Error(source + ": layer " + std::to_string(i) + "'s activation '" + l.activation +
                        "' has no ONNX form soma knows (a plugin's own activation): it cannot be exported");
        x = y;
    }
    // Named outputs: Identity gives the last value the name "logits".
    NodeProto* logits = graph->add_node();
    logits->set_op_type("Identity");
    logits->set_name("logits");
    logits->add_input(x);
    logits->add_output("logits");
    value_info(graph->add_output(), "logits", d.classes);
    if (d.loss == "cross_entropy") {
        NodeProto* softmax = graph->add_node();
        softmax->set_op_type("Softmax");
        softmax->set_name("probabilities");
        softmax->add_input("logits");
        softmax->add_output("probabilities");
        int_attribute(*softmax, "axis", 1);
        value_info(graph->add_output(), "probabilities", d.classes);
    }
    try {
        onnx::checker::check_model(model);
    } catch (const std::exception& e) {
        throw Error(source + ": the exported ONNX model fails ONNX's checker: " + e.what());
    }
    std::string bytes;
    if (!model.SerializeToString(&bytes)) throw Error(source + ": cannot serialize the ONNX model");
    return bytes;
}

void export_onnx(const ModelFile& model, const std::string& source, const std::filesystem::path& file, bool overwrite) {
    std::error_code ec;
    if (!overwrite && std::filesystem::exists(file, ec))
        throw Error(file.string() + ": exists; soma does not overwrite it (pass --force to replace it)");
    write_file_atomic(file, onnx_model_bytes(model, source));
}

}  // namespace soma
