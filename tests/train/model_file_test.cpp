// Model files (model/container.h, model/model_file.h): written and read back
// whole; every way a file can be wrong (cut short, a byte changed, someone
// else's file, an older or newer soma's, sizes that lie behind a valid
// checksum, a description the tensors do not match) refused with the file
// and what is wrong; and a network rebuilt from its file computing what the
// original computed.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>

#include "data/sha256.h"
#include "export/onnx_export.h"
#include "model/container.h"
#include "model/model_file.h"
#include "model/trained_model.h"
#include "train_fixture.h"
#include "util/error.h"

namespace soma {
namespace {

using ::testing::HasSubstr;

std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const std::exception& e) {
        return e.what();
    }
    return "(no error)";
}

// 784 -> dense 3 + sigmoid -> dense 10, values that tell the tensors apart.
ModelFile small_model() {
    ModelFile m;
    ModelDescription& d = m.description;
    d.input_rows = d.input_cols = 28;
    d.classes = 10;
    d.loss = "cross_entropy";
    d.layers = {{"dense", 3, {{"units", 3}}, "sigmoid", {}, 784, 3}, {"dense", 10, {{"units", 10}}, "", {}, 3, 10}};
    d.parameters = 785 * 3 + 4 * 10;
    d.experiment = "small";
    d.dataset = "synthetic";
    d.epoch = 2;
    d.epochs = 3;
    d.selection = ModelSelection::best;
    m.provenance.soma_version = "0.1.0";
    m.provenance.plugins = {{"sigmoid", "1.0.0", "/x/libsigmoid.so", std::string(64, 'a')}};
    m.config = "name = \"small\"\n";
    auto values = [](std::size_t n, float base) {
        std::vector<float> v(n);
        for (std::size_t i = 0; i < n; ++i) v[i] = base + 0.001f * static_cast<float>(i);
        return v;
    };
    m.tensors = {{"layer0.weights", TensorRole::parameter, {3, 784}, values(3 * 784, -1.f)},
                 {"layer0.bias", TensorRole::parameter, {3}, values(3, 0.5f)},
                 {"layer1.weights", TensorRole::parameter, {10, 3}, values(30, 2.f)},
                 {"layer1.bias", TensorRole::parameter, {10}, values(10, -0.25f)}};
    return m;
}

std::string model_bytes(const ModelFile& m) { return container_bytes(model_sections(m)); }

ModelFile parse(std::string_view bytes) { return model_from_sections(parse_container(bytes, "m.soma"), "m.soma"); }

struct TempDir {
    std::filesystem::path path = std::filesystem::temp_directory_path() /
                                 ("soma_model_" + std::to_string(::getpid()) + "_" +
                                  ::testing::UnitTest::GetInstance()->current_test_info()->name());
    TempDir() { std::filesystem::create_directories(path); }
    ~TempDir() { std::filesystem::remove_all(path); }
};

void write_bytes(const std::filesystem::path& file, std::string_view bytes) {
    std::ofstream(file, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

TEST(ModelFile, RoundTripKeepsEverySectionAndUnknownOnes) {
    ModelFile m = small_model();
    m.other = {{"checkpoint.optimizer", std::string("\x00\x01\x02", 3)}};
    TempDir dir;
    write_model_file(dir.path / "m.soma", m);
    const ModelFile back = read_model_file(dir.path / "m.soma");
    EXPECT_EQ(back.description.layers.size(), 2u);
    EXPECT_EQ(back.description.layers[0].activation, "sigmoid");
    EXPECT_EQ(back.description.layers[0].params.at("units"), 3);
    EXPECT_EQ(back.description.parameters, m.description.parameters);
    EXPECT_EQ(back.description.selection, ModelSelection::best);
    EXPECT_EQ(back.description.epoch, 2);
    EXPECT_EQ(back.provenance.plugins.at(0).name, "sigmoid");
    EXPECT_EQ(back.config, m.config);
    ASSERT_EQ(back.tensors.size(), m.tensors.size());
    for (std::size_t i = 0; i < m.tensors.size(); ++i) {
        EXPECT_EQ(back.tensors[i].name, m.tensors[i].name);
        EXPECT_EQ(back.tensors[i].shape, m.tensors[i].shape);
        EXPECT_EQ(back.tensors[i].values, m.tensors[i].values) << m.tensors[i].name;
    }
    ASSERT_EQ(back.other.size(), 1u);
    EXPECT_EQ(back.other[0].bytes, m.other[0].bytes);
    // Written again, the same bytes: nothing is lost or reordered.
    EXPECT_EQ(model_bytes(back), model_bytes(m));
    for (const auto& f : std::filesystem::directory_iterator(dir.path))
        EXPECT_EQ(f.path().filename(), "m.soma") << "temporary file left";
}

TEST(ModelFile, StartsWithTheDocumentedHeader) {
    const std::string bytes = model_bytes(small_model());
    EXPECT_EQ(bytes.substr(0, 8), std::string("\x89SOMA\r\n\x1a", 8));
    EXPECT_EQ(bytes.substr(8, 4), std::string("\x01\x00\x00\x00", 4));  // format version 1
    EXPECT_EQ(bytes.substr(12, 4), std::string("\x04\x00\x00\x00", 4));  // four sections
    std::uint64_t size = 0;
    for (int i = 0; i < 8; ++i) size |= std::uint64_t{static_cast<unsigned char>(bytes[16 + i])} << (8 * i);
    EXPECT_EQ(size, bytes.size());
    // The first section: u32 name length, "description", u64 length, JSON.
    EXPECT_EQ(bytes.substr(24, 4 + 11), std::string("\x0b\x00\x00\x00", 4) + "description");
    EXPECT_EQ(bytes[24 + 4 + 11 + 8], '{');
}

TEST(ModelFile, EveryTruncationIsRefusedAsTruncated) {
    const std::string bytes = model_bytes(small_model());
    for (std::size_t n = 8; n < bytes.size(); ++n) {
        const std::string e = error_of([&] { parse(std::string_view(bytes).substr(0, n)); });
        ASSERT_THAT(e, HasSubstr("m.soma: ")) << n;
        ASSERT_THAT(e, HasSubstr("truncated")) << "cut to " << n << " bytes: " << e;
    }
    EXPECT_THAT(error_of([&] { parse(""); }), HasSubstr("not a soma model file"));
}

TEST(ModelFile, EveryChangedByteIsRefused) {
    const std::string bytes = model_bytes(small_model());
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        std::string bad = bytes;
        bad[i] = static_cast<char>(bad[i] ^ 0x10);
        const std::string e = error_of([&] { parse(bad); });
        ASSERT_NE(e, "(no error)") << "byte " << i << " changed and still read";
        if (i >= 24) {
            ASSERT_THAT(e, HasSubstr("checksum mismatch")) << i;
        }
    }
}

TEST(ModelFile, ForeignAndOtherVersionsAreRefusedByName) {
    EXPECT_THAT(error_of([] { parse(std::string("\x89PNG\r\n\x1a\n", 8) + std::string(100, '\0')); }),
                HasSubstr("m.soma: not a soma model file (it starts with \"\\x89PNG"));
    EXPECT_THAT(error_of([] { parse("name = \"a toml file\"\n"); }), HasSubstr("not a soma model file"));
    EXPECT_THAT(error_of([] { parse(std::string("SOMAWTS1") + std::string(20, '\0')); }),
                HasSubstr("a weights.bin of soma before model files"));
    std::string newer = model_bytes(small_model());
    newer[8] = 2;
    EXPECT_THAT(error_of([&] { parse(newer); }), HasSubstr("format version 2 is newer than this soma reads (1)"));
    std::string longer = model_bytes(small_model()) + "x";
    EXPECT_THAT(error_of([&] { parse(longer); }), HasSubstr("1 byte of trailing data"));
}

TEST(ModelFile, FilesThatAreNotRegularOrTooLargeAreRefusedBeforeReading) {
    TempDir dir;
    EXPECT_THAT(error_of([&] { read_model_file(dir.path / "none.soma"); }), HasSubstr("none.soma: no such file"));
    EXPECT_THAT(error_of([&] { read_model_file(dir.path); }), HasSubstr("not a regular file"));
    {
        std::ofstream big(dir.path / "big.soma", std::ios::binary);
        big.seekp(static_cast<std::streamoff>(max_container_bytes));
        big.put('\0');  // sparse: no disk used
    }
    EXPECT_THAT(error_of([&] { read_model_file(dir.path / "big.soma"); }), HasSubstr("more than the"));
}

// Sizes inside a file whose checksum is right (so a reader cannot lean on
// it): refused from the bytes really there, before anything is allocated.
TEST(ModelFile, LyingSizesBehindAValidChecksumAreRefused) {
    auto sections_with_tensors = [](const std::string& tensors) {
        std::vector<Section> s = model_sections(small_model());
        s[3].bytes = tensors;
        return container_bytes(s);
    };
    ByteWriter huge_count;
    huge_count.u32(0xffffffffu);
    EXPECT_THAT(error_of([&] { parse(sections_with_tensors(huge_count.bytes())); }),
                HasSubstr("the tensor count is 4294967295, but the 0 bytes left hold at most 0"));

    ByteWriter huge_shape;
    huge_shape.u32(1);
    huge_shape.text("layer0.weights");
    huge_shape.u8(0);
    huge_shape.u8(0);
    huge_shape.u8(3);
    for (int i = 0; i < 3; ++i) huge_shape.u32(0x7fffffffu);
    EXPECT_THAT(error_of([&] { parse(sections_with_tensors(huge_shape.bytes())); }),
                HasSubstr("tensor \"layer0.weights\" of shape [2147483647]... needs more than"));

    ByteWriter rank;
    rank.u32(1);
    rank.text("layer0.weights");
    rank.u8(0);
    rank.u8(0);
    rank.u8(200);
    EXPECT_THAT(error_of([&] { parse(sections_with_tensors(rank.bytes())); }), HasSubstr("rank 200, at most 8"));

    ByteWriter type;
    type.u32(1);
    type.text("layer0.weights");
    type.u8(0);
    type.u8(7);
    EXPECT_THAT(error_of([&] { parse(sections_with_tensors(type.bytes())); }), HasSubstr("data type 7 unknown"));

    // A section whose length runs past the end, and a section count larger
    // than the sections there, each with a checksum that matches.
    auto sealed = [](std::uint32_t count, std::uint64_t length, const std::string& payload) {
        std::string out(container_magic, 8);
        ByteWriter w;
        w.u32(container_format_version);
        w.u32(count);
        const std::uint64_t size = 24 + 4 + 11 + 8 + payload.size() + 32;
        w.u64(size);
        w.text("description");
        w.u64(length);
        out += w.bytes() + payload;
        const auto digest = data::sha256(out);
        return out + std::string(reinterpret_cast<const char*>(digest.data()), digest.size());
    };
    EXPECT_NO_THROW(parse_container(sealed(1, 2, "{}"), "m.soma"));
    EXPECT_THAT(error_of([&] { parse_container(sealed(1, 1ull << 40, "{}"), "m.soma"); }),
                HasSubstr("m.soma: section 1 of 1 ('description'): its length 1099511627776 runs past the last 2 bytes"));
    EXPECT_THAT(error_of([&] { parse_container(sealed(1000000, 2, "{}"), "m.soma"); }),
                HasSubstr("the section count is 1000000, but the 25 bytes left hold at most 1"));
}

TEST(ModelFile, MissingSectionsAndBadDescriptionsAreNamed) {
    std::vector<Section> s = model_sections(small_model());
    s.erase(s.begin() + 3);
    EXPECT_THAT(error_of([&] { parse(container_bytes(s)); }),
                HasSubstr("m.soma: no 'tensors' section (not a model file, or a damaged one)"));

    std::vector<Section> huge = model_sections(small_model());
    huge[1].bytes.assign(max_json_section_bytes + 1, ' ');
    EXPECT_THAT(error_of([&] { parse(container_bytes(huge)); }),
                HasSubstr("section 'provenance' has 16777217 bytes, more than the 16777216"));

    ModelFile chain = small_model();
    chain.description.layers[1].inputs = 4;
    EXPECT_THAT(error_of([&] { parse(model_bytes(chain)); }),
                HasSubstr("layer 1 (dense) takes 4 inputs, but the layer before gives 3"));

    ModelFile output = small_model();
    output.description.classes = 9;
    EXPECT_THAT(error_of([&] { parse(model_bytes(output)); }), HasSubstr("the last layer must be the output layer"));

    ModelFile count = small_model();
    count.description.parameters += 1;
    EXPECT_THAT(error_of([&] { parse(model_bytes(count)); }),
                HasSubstr("the description counts 2396 parameters, the tensors hold 2395"));

    ModelFile stray = small_model();
    stray.tensors.push_back({"layer7.weights", TensorRole::buffer, {1}, {1.f}});
    EXPECT_THAT(error_of([&] { parse(model_bytes(stray)); }),
                HasSubstr("tensor \"layer7.weights\" belongs to layer 7, but the description has 2 layers"));

    ModelFile loss = small_model();
    loss.description.loss = "hinge";
    EXPECT_THAT(error_of([&] { parse(model_bytes(loss)); }), HasSubstr("expected one of cross_entropy, mse"));
}

// A network rebuilt from its file computes what the original computed, bit for bit.
TEST(TrainedModel, RebuiltNetworkGivesTheSameOutputs) {
    Registry& registry = test::registry();
    const Experiment e = test::synthetic_experiment("sigmoid", {5, 4}, 1);
    dnnl::engine engine(dnnl::engine::kind::cpu, 0);
    dnnl::stream stream(engine);
    NetworkOptions options;
    options.inputs = 784;
    options.classes = 10;
    options.max_batch = 8;
    options.seed = 11;
    Network net(registry, e.model, options, engine, stream);

    ModelFile file;
    file.description = describe_model(registry, e.model, net, 28, 28, "cross_entropy");
    file.description.parameters = static_cast<std::int64_t>(net.parameter_count());
    file.tensors = network_tensors(net);
    TempDir dir;
    write_model_file(dir.path / "m.soma", file);
    auto model = TrainedModel::load(dir.path / "m.soma", registry, 8);

    std::vector<float> x(8 * 784);
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(i % 255) / 255.f;
    const float* a = net.forward(x.data(), 8, false);
    const std::vector<float> expected(a, a + 80);
    const float* b = model->forward(x.data(), 8);
    EXPECT_EQ(std::vector<float>(b, b + 80), expected);
    EXPECT_EQ(model->classes(), 10);
    EXPECT_EQ(model->inputs(), 784);
}

TEST(TrainedModel, MismatchesAndMissingPluginsAreNamed) {
    Registry& registry = test::registry();
    ModelFile shape = small_model();
    shape.tensors[1].shape = {1, 3};
    EXPECT_THAT(error_of([&] { TrainedModel(shape, registry, "m.soma"); }),
                HasSubstr("m.soma: the described network has the parameter layer0.bias [3], the file holds a "
                          "parameter [1, 3]"));

    ModelFile missing = small_model();
    missing.tensors.pop_back();
    missing.description.parameters -= 10;
    EXPECT_THAT(error_of([&] { TrainedModel(missing, registry, "m.soma"); }),
                HasSubstr("has the parameter layer1.bias [10], which the file lacks"));

    ModelFile plugin = small_model();
    plugin.description.layers[0].activation = "wobble";
    EXPECT_THAT(error_of([&] { TrainedModel(plugin, registry, "m.soma"); }),
                HasSubstr("m.soma: the model needs the activation 'wobble', which no loaded plugin provides"));
    EXPECT_THAT(error_of([&] { TrainedModel(plugin, registry, "m.soma"); }),
                HasSubstr("the run used sigmoid 1.0.0 (/x/libsigmoid.so)"));

    ModelFile wide = small_model();
    wide.description.layers = {{"dense", 1 << 24, {{"units", 1 << 24}}, "", {}, 784, 1 << 24},
                               {"dense", 10, {{"units", 10}}, "", {}, 1 << 24, 10}};
    EXPECT_THAT(error_of([&] { TrainedModel(wide, registry, "m.soma"); }), HasSubstr("more than half of this machine"));
}

// Export to ONNX: every built-in activation's plugin gives its ONNX form and
// ONNX's checker passes it (onnx_model_bytes runs it), with the activation's
// parameters as the plugin reads them; what cannot be exported is refused by name.
TEST(OnnxExport, EveryBuiltinActivationPassesTheChecker) {
    const Registry& registry = test::registry();
    const std::vector<std::string> activations = registry.names(Kind::activation);
    for (const char* expected : {"sigmoid", "relu", "tanh", "leaky_relu", "elu", "softplus", "softsign",
                                 "hard_sigmoid", "identity", "gelu", "silu", "mish"})
        EXPECT_THAT(activations, testing::Contains(std::string(expected)));
    for (const std::string& activation : activations) {
        ModelFile m = small_model();
        m.description.layers[0].activation = activation;
        m.description.layers[0].activation_params =
            resolve_params(registry.feature(Kind::activation, activation).info.params, {}).values();
        EXPECT_GT(onnx_model_bytes(m, registry, "m.soma").size(), 4u * 2395) << activation;
    }
    // leaky_relu's alpha reaches the LeakyRelu node as the plugin's own value.
    ModelFile leaky = small_model();
    leaky.description.layers[0].activation = "leaky_relu";
    leaky.description.layers[0].activation_params = {{"alpha", 0.25}};
    const std::string bytes = onnx_model_bytes(leaky, registry, "m.soma");
    const float alpha = 0.25f;
    EXPECT_NE(bytes.find(std::string(reinterpret_cast<const char*>(&alpha), sizeof alpha)), std::string::npos);
}

// batch_norm and dropout give their ONNX forms too: BatchNormalization with
// the layer's own scale, shift and running statistics, and Identity.
TEST(OnnxExport, BatchNormAndDropoutExportWithTheirTensors) {
    const Registry& registry = test::registry();
    ModelFile m = small_model();
    ModelDescription& d = m.description;
    d.layers = {d.layers[0],
                {"batch_norm", 0, {{"momentum", 0.1}, {"epsilon", 1e-3}}, "", {}, 3, 3},
                {"dropout", 0, {{"rate", 0.5}}, "", {}, 3, 3},
                d.layers[1]};
    m.tensors = {m.tensors[0], m.tensors[1],
                 {"layer1.scale", TensorRole::parameter, {3}, {1.f, 2.f, 3.f}},
                 {"layer1.shift", TensorRole::parameter, {3}, {0.f, 0.1f, 0.2f}},
                 {"layer1.running_mean", TensorRole::buffer, {3}, {0.5f, 0.5f, 0.5f}},
                 {"layer1.running_var", TensorRole::buffer, {3}, {0.25f, 1.f, 4.f}},
                 {"layer3.weights", TensorRole::parameter, {10, 3}, m.tensors[2].values},
                 {"layer3.bias", TensorRole::parameter, {10}, m.tensors[3].values}};
    const std::string bytes = onnx_model_bytes(m, registry, "m.soma");
    for (const char* part : {"BatchNormalization", "layer1.running_var", "layer1.shift", "layer3.weights"})
        EXPECT_NE(bytes.find(part), std::string::npos) << part;
    EXPECT_EQ(bytes.find("Dropout"), std::string::npos);
    const float epsilon = 1e-3f;
    EXPECT_NE(bytes.find(std::string(reinterpret_cast<const char*>(&epsilon), sizeof epsilon)), std::string::npos);

    m.tensors.erase(m.tensors.begin() + 5);
    EXPECT_THAT(error_of([&] { onnx_model_bytes(m, registry, "m.soma"); }),
                HasSubstr("m.soma: layer 1 (a 'batch_norm' layer): its plugin's ONNX form failed: the model file "
                          "has no tensor layer1.running_var"));
}

TEST(OnnxExport, WhatCannotBeExportedIsRefusedByName) {
    const Registry& registry = test::registry();
    ModelFile plugin = small_model();
    plugin.description.layers[0].activation = "wobble";
    EXPECT_THAT(error_of([&] { onnx_model_bytes(plugin, registry, "m.soma"); }),
                HasSubstr("unknown activation 'wobble'"));
    ModelFile layer = small_model();
    layer.description.layers[0].type = "wobble_layer";
    EXPECT_THAT(error_of([&] { onnx_model_bytes(layer, registry, "m.soma"); }),
                HasSubstr("unknown layer 'wobble_layer'"));
    TempDir dir;
    write_bytes(dir.path / "mine.onnx", "precious");
    EXPECT_THAT(error_of([&] { export_onnx(small_model(), registry, "m.soma", dir.path / "mine.onnx", false); }),
                HasSubstr("mine.onnx: exists"));
}

}  // namespace
}  // namespace soma
