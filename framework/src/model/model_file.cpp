// The model file's sections: one field list for the description (written and
// read), one binary layout for the tensors, both checked on reading.
#include "model/model_file.h"

#include <algorithm>
#include <limits>
#include <set>

#include "nn/loss.h"
#include "util/error.h"

namespace soma {

namespace {

constexpr const char* description_section = "description";
constexpr const char* provenance_section = "provenance";
constexpr const char* config_section = "config";
constexpr const char* tensors_section = "tensors";
constexpr std::uint8_t float32_type = 0;
constexpr std::int64_t max_classes = 1 << 16;

template <class Io, class L>
void layer_fields(Io& io, L& l) {
    io.text("type", l.type, required_field);
    io.integer("units", l.units, 0, max_layer_width);
    io.named_numbers("params", l.params);
    io.text("activation", l.activation);
    io.named_numbers("activation_params", l.activation_params);
    io.integer("inputs", l.inputs, 1, max_layer_width, required_field);
    io.integer("outputs", l.outputs, 1, max_layer_width, required_field);
    io.check(!l.type.empty(), "type", "expected a layer plugin's name, got \"\"");
}

template <class Io, class D>
void description_fields(Io& io, D& d) {
    io.note("input", "uint8 pixels, row by row, each times 1/input_divisor in float32");
    io.integer("input_rows", d.input_rows, 1, max_input_side, required_field);
    io.integer("input_cols", d.input_cols, 1, max_input_side, required_field);
    io.integer("input_divisor", d.input_divisor, 1, 1 << 16, required_field);
    io.integer("classes", d.classes, 1, max_classes, required_field);
    io.text("loss", d.loss, required_field);
    io.records("layers", d.layers, [](auto& sub, auto& layer) { layer_fields(sub, layer); }, required_field);
    io.text("network", d.network);
    io.integer("parameters", d.parameters, 0, std::numeric_limits<std::int64_t>::max(), required_field);
    io.text("experiment", d.experiment);
    io.text("dataset", d.dataset);
    io.integer("epoch", d.epoch, 0, std::numeric_limits<std::int32_t>::max());
    io.integer("epochs", d.epochs, 0, std::numeric_limits<std::int32_t>::max());
    io.choice("selection", d.selection, model_selection_names);

    // What the values must say about each other.
    io.check(d.input_divisor == 255, "input_divisor",
             "this soma scales pixels by 1/255 only, got 1/" + std::to_string(d.input_divisor));
    const auto losses = loss_names();
    io.check(std::find(losses.begin(), losses.end(), d.loss) != losses.end(), "loss",
             "expected one of cross_entropy, mse, got \"" + d.loss + "\"");
    io.check(!d.layers.empty() && d.layers.size() <= static_cast<std::size_t>(max_model_layers), "layers",
             "expected 1 to " + std::to_string(max_model_layers) + " layers, got " + std::to_string(d.layers.size()));
    io.check(d.epoch <= d.epochs, "epoch",
             "expected at most the epochs trained (" + std::to_string(d.epochs) + "), got " + std::to_string(d.epoch));
    const std::int64_t features = static_cast<std::int64_t>(d.input_rows) * d.input_cols;
    io.check(features <= max_layer_width, "input_rows",
             "the image has " + std::to_string(features) + " pixels, more than " + std::to_string(max_layer_width));
    // The layers chain: each takes what the one before gives, from the image to the classes.
    std::int64_t width = features;
    for (std::size_t i = 0; i < d.layers.size(); ++i) {
        const auto& l = d.layers[i];
        io.check(l.inputs == width, "layers",
                 "layer " + std::to_string(i) + " (" + l.type + ") takes " + std::to_string(l.inputs) +
                     " inputs, but " + (i == 0 ? "the image has " : "the layer before gives ") + std::to_string(width));
        width = l.outputs;
    }
    if (!d.layers.empty()) {
        const auto& out = d.layers.back();
        io.check(out.type == "dense" && out.units == d.classes && out.outputs == d.classes, "layers",
                 "the last layer must be the output layer, dense " + std::to_string(d.classes) + " (one unit per class), got " +
                     out.type + " " + std::to_string(out.outputs));
    }
}

constexpr auto description_record = [](auto& io, auto& d) { description_fields(io, d); };
constexpr auto provenance_record = [](auto& io, auto& p) { provenance_fields(io, p); };

std::string tensors_bytes(const std::vector<ModelTensor>& tensors) {
    ByteWriter out;
    out.u32(static_cast<std::uint32_t>(tensors.size()));
    for (const ModelTensor& t : tensors) {
        out.text(t.name);
        out.u8(static_cast<std::uint8_t>(t.role));
        out.u8(float32_type);
        out.u8(static_cast<std::uint8_t>(t.shape.size()));
        for (int d : t.shape) out.u32(static_cast<std::uint32_t>(d));
        out.floats(t.values.data(), t.values.size());
    }
    return std::move(out.bytes());
}

// The smallest tensor entry: name length, one name byte, role, type, rank.
constexpr std::size_t min_tensor_bytes = 4 + 1 + 1 + 1 + 1;

std::vector<ModelTensor> parse_tensors(std::string_view bytes, const std::string& source) {
    ByteReader in(bytes, source, "section 'tensors'");
    const std::uint64_t count = in.count("the tensor count", in.u32("the tensor count"), min_tensor_bytes);
    std::vector<ModelTensor> tensors;
    tensors.reserve(static_cast<std::size_t>(count));
    std::set<std::string> names;
    for (std::uint64_t i = 0; i < count; ++i) {
        ModelTensor t;
        t.name = in.text("a tensor name", max_tensor_name_bytes);
        const std::string which = "tensor " + std::to_string(i + 1) + " of " + std::to_string(count);
        if (t.name.empty()) in.fail(which + " has an empty name");
        if (!names.insert(t.name).second) in.fail(which + ": a second tensor \"" + t.name + "\"");
        const std::uint8_t role = in.u8("a tensor role");
        if (role > static_cast<std::uint8_t>(TensorRole::buffer))
            in.fail("tensor \"" + t.name + "\": role " + std::to_string(role) + " unknown (0 parameter, 1 buffer)");
        t.role = static_cast<TensorRole>(role);
        const std::uint8_t type = in.u8("a tensor's data type");
        if (type != float32_type)
            in.fail("tensor \"" + t.name + "\": data type " + std::to_string(type) + " unknown (0 = float32)");
        const std::uint8_t rank = in.u8("a tensor's rank");
        if (rank > max_tensor_rank)
            in.fail("tensor \"" + t.name + "\": rank " + std::to_string(rank) + ", at most " +
                    std::to_string(max_tensor_rank));
        std::uint64_t values = 1;
        for (int d = 0; d < rank; ++d) {
            const std::uint32_t dim = in.u32("a tensor dimension");
            if (dim > static_cast<std::uint32_t>(std::numeric_limits<int>::max()))
                in.fail("tensor \"" + t.name + "\": dimension " + std::to_string(dim) + " too large");
            t.shape.push_back(static_cast<int>(dim));
            // Checked before multiplying: values stays within the bytes left, so it never overflows.
            if (dim != 0 && values > in.left() / 4 / dim)
                in.fail("truncated: tensor \"" + t.name + "\" of shape " + shape_text(t.shape) +
                        (d + 1 < rank ? "..." : "") + " needs more than the " + std::to_string(in.left()) +
                        " bytes left");
            values *= dim;
        }
        t.values = in.floats("tensor values", values);
        tensors.push_back(std::move(t));
    }
    in.expect_end();
    return tensors;
}

// The tensors against the description: every name is "layer<k>.<name>" of
// one of its layers, and the parameters add up to its count.
void check_tensors(const ModelFile& m, const std::string& source) {
    std::int64_t parameters = 0;
    for (const ModelTensor& t : m.tensors) {
        const std::string prefix = "layer";
        const std::size_t dot = t.name.find('.');
        bool ok = t.name.rfind(prefix, 0) == 0 && dot != std::string::npos && dot > prefix.size() &&
                  dot + 1 < t.name.size() && dot - prefix.size() <= 4;
        std::size_t layer = 0;
        for (std::size_t i = prefix.size(); ok && i < dot; ++i) {
            ok = t.name[i] >= '0' && t.name[i] <= '9';
            layer = layer * 10 + static_cast<std::size_t>(t.name[i] - '0');
        }
        if (!ok)
            throw Error(source + ": tensor \"" + t.name + "\" is not named layer<index>.<name>");
        if (layer >= m.description.layers.size())
            throw Error(source + ": tensor \"" + t.name + "\" belongs to layer " + std::to_string(layer) +
                        ", but the description has " + std::to_string(m.description.layers.size()) + " layers");
        if (t.role == TensorRole::parameter) parameters += static_cast<std::int64_t>(t.values.size());
    }
    if (parameters != m.description.parameters)
        throw Error(source + ": the description counts " + std::to_string(m.description.parameters) +
                    " parameters, the tensors hold " + std::to_string(parameters));
}

}  // namespace

std::vector<Section> model_sections(const ModelFile& m) {
    std::vector<Section> sections;
    sections.push_back({description_section, record_text(m.description, description_record)});
    sections.push_back({provenance_section, record_text(m.provenance, provenance_record)});
    sections.push_back({config_section, m.config});
    sections.push_back({tensors_section, tensors_bytes(m.tensors)});
    for (const Section& s : m.other) sections.push_back(s);
    return sections;
}

ModelFile model_from_sections(std::vector<Section> sections, const std::string& source) {
    ModelFile m;
    auto required = [&](const char* name) -> const Section& {
        const Section* s = find_section(sections, name);
        if (!s) throw Error(source + ": no '" + std::string(name) + "' section (not a model file, or a damaged one)");
        return *s;
    };
    // JSON sections are parsed whole: bounded first, so a crafted file cannot
    // make the parser take many times its size in memory.
    for (const char* name : {description_section, provenance_section})
        if (const Section* s = find_section(sections, name); s && s->bytes.size() > max_json_section_bytes)
            throw Error(source + ": section '" + name + "' has " + std::to_string(s->bytes.size()) +
                        " bytes, more than the " + std::to_string(max_json_section_bytes) + " a model file's JSON may have");
    const std::string where = source + ": section '";
    m.description = parse_record<ModelDescription>(required(description_section).bytes,
                                                   where + description_section + "'", description_record);
    m.provenance =
        parse_record<Provenance>(required(provenance_section).bytes, where + provenance_section + "'", provenance_record);
    if (const Section* config = find_section(sections, config_section)) m.config = config->bytes;
    m.tensors = parse_tensors(required(tensors_section).bytes, source);
    check_tensors(m, source);
    for (Section& s : sections) {
        const bool known = s.name == description_section || s.name == provenance_section || s.name == config_section ||
                           s.name == tensors_section;
        if (!known) m.other.push_back(std::move(s));
    }
    return m;
}

void write_model_file(const std::filesystem::path& file, const ModelFile& model, bool sync) {
    write_container(file, model_sections(model), sync);
}

ModelFile read_model_file(const std::filesystem::path& file) {
    return model_from_sections(read_container(file), file.string());
}

Json description_json(const ModelDescription& description) {
    JsonOut out;
    description_fields(out, description);
    return std::move(out.json);
}

std::string shape_text(const std::vector<int>& shape) {
    std::string s = "[";
    for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

const ModelTensor* find_tensor(const ModelFile& model, const std::string& name) {
    for (const ModelTensor& t : model.tensors)
        if (t.name == name) return &t;
    return nullptr;
}

}  // namespace soma
