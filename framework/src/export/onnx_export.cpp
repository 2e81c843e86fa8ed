// The ONNX graph of a model file, node by node.
#include "export/onnx_export.h"

#include <onnx/checker.h>
#include <onnx/onnx_pb.h>

#include <map>
#include <set>

#include "plugin/registry.h"
#include "util/atomic_file.h"
#include "util/error.h"

namespace soma {

namespace {

using onnx::AttributeProto;
using onnx::GraphProto;
using onnx::NodeProto;
using onnx::TensorProto;

void add_attribute(NodeProto& n, const OnnxAttribute& a) {
    AttributeProto* attribute = n.add_attribute();
    attribute->set_name(a.name);
    if (a.type == OnnxAttribute::Type::integer) {
        attribute->set_type(AttributeProto::INT);
        attribute->set_i(a.integer);
    } else {
        attribute->set_type(AttributeProto::FLOAT);
        attribute->set_f(a.real);
    }
}

// The graph, node by node, over ONNX's protobuf classes.
class GraphBuilder {
public:
    explicit GraphBuilder(GraphProto& graph) : graph_(graph) {}

    // A node with one output, named after the op and a counter; returns the output's name.
    std::string op(const std::string& type, const std::vector<std::string>& inputs,
                   const std::vector<OnnxAttribute>& attributes) {
        NodeProto* n = graph_.add_node();
        n->set_op_type(type);
        const std::string out = type + "_" + std::to_string(++count_);
        n->set_name(out);
        for (const auto& in : inputs) n->add_input(in);
        n->add_output(out);
        for (const OnnxAttribute& a : attributes) add_attribute(*n, a);
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

// The graph as one layer's or activation's plugin sees it (soma/onnx.h):
// tensor() gives the layer's own tensors of the model file ("layer2.scale"),
// each written once; an activation has none.
class FeatureGraph final : public OnnxGraph {
public:
    FeatureGraph(GraphBuilder& g, const ModelFile& model, std::string layer_prefix)
        : g_(g), model_(model), prefix_(std::move(layer_prefix)) {}

    std::string op(const std::string& type, const std::vector<std::string>& inputs,
                   const std::vector<OnnxAttribute>& attributes) override {
        return g_.op(type, inputs, attributes);
    }
    std::string scalar(float value) override { return g_.scalar(value); }
    std::string tensor(const std::string& name) override {
        if (prefix_.empty()) throw Error("an activation has no tensors (asked for '" + name + "')");
        const std::string full = prefix_ + name;
        if (written_.count(full)) return full;
        const ModelTensor* t = find_tensor(model_, full);
        if (!t) throw Error("the model file has no tensor " + full);
        written_.insert(full);
        return g_.constant(t->name, t->shape, t->values);
    }

private:
    GraphBuilder& g_;
    const ModelFile& model_;
    std::string prefix_;
    std::set<std::string> written_;
};

// x -> the feature's output, as its plugin's ONNX form writes it. `subject`
// names it in errors ("m.soma: layer 0's activation 'wobble'").
std::string feature_form(GraphBuilder& g, const Registry& registry, const ModelFile& model, Kind kind,
                         const std::string& name, const std::map<std::string, double>& params,
                         const std::string& layer_prefix, const std::string& x, const std::string& subject) {
    const FeatureRecord& feature = registry.feature(kind, name);
    if (!feature.info.onnx)
        throw Error(subject + " has no ONNX form, so the model cannot be exported; its plugin (" + feature.plugin +
                    ", " + feature.path.string() +
                    ") can give it one (FeatureInfo::onnx, or an onnx() member beside f and df for an elementwise "
                    "activation: docs/onnx-export.md)");
    std::string y;
    try {
        FeatureGraph graph(g, model, layer_prefix);
        y = feature.info.onnx(graph, x, Params(params));
    } catch (const std::exception& e) {
        throw Error(subject + ": its plugin's ONNX form failed: " + e.what());
    }
    if (y.empty()) throw Error(subject + ": its plugin's ONNX form returned no output");
    return y;
}

}  // namespace

std::string onnx_model_bytes(const ModelFile& m, const Registry& registry, const std::string& source) {
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

    std::string x = g.op("Div", {"pixels", g.scalar(255.f)}, {});
    for (std::size_t i = 0; i < d.layers.size(); ++i) {
        const LayerDescription& l = d.layers[i];
        const std::string layer = source + ": layer " + std::to_string(i);
        x = feature_form(g, registry, m, Kind::layer, l.type, l.params, "layer" + std::to_string(i) + ".", x,
                         layer + " (a '" + l.type + "' layer)");
        if (!l.activation.empty())
            x = feature_form(g, registry, m, Kind::activation, l.activation, l.activation_params, "", x,
                             layer + "'s activation '" + l.activation + "'");
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
        add_attribute(*softmax, onnx_int("axis", 1));
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

void export_onnx(const ModelFile& model, const Registry& registry, const std::string& source,
                 const std::filesystem::path& file, bool overwrite) {
    std::error_code ec;
    if (!overwrite && std::filesystem::exists(file, ec))
        throw Error(file.string() + ": exists; soma does not overwrite it (pass --force to replace it)");
    write_file_atomic(file, onnx_model_bytes(model, registry, source));
}

}  // namespace soma
