// write_plugin_project(): the templates of `soma plugin new`, one per kind.
// Placeholders: @NAME@ (the plugin), @CLASS@ (its C++ type), @KIND@, @DIR@.
#include "tooling/plugin_scaffold.h"

#include <algorithm>
#include <cctype>
#include <system_error>

#include <unistd.h>

#include "util/atomic_file.h"
#include "util/error.h"
#include "util/names.h"

namespace soma {

namespace fs = std::filesystem;

namespace {

const char* kActivationSource = R"(// @NAME@: a smooth, swish-like activation: x gated by a steep sigmoid.
//   f(x) = x s,  s = 1 / (1 + e^(-1.702 x))          f'(x) = s + 1.702 x s (1 - s)
// Change f, df and onnx (and this comment) together, rebuild, then check:
//   cmake --build build --target check
// `soma plugin check` compares df with finite differences of f over [-80, 80],
// feeds in 0, huge values and NaN, and times the pair against relu.
#include "soma/elementwise.h"

namespace {

struct @CLASS@ {
    static constexpr bool uses_input = true;  // df reads x (false: df needs only y = f(x))
    static constexpr float k = 1.702f;
    // e^(-k x) overflows to inf for very negative x: s = 1/inf = 0, no NaN.
    // soma::exp is std::exp that the compiler vectorises (soma/math.h).
    static float s(float x) { return 1.f / (1.f + soma::exp(-k * x)); }

    float f(float x) const { return x * s(x); }
    float df(float x, float /*y = f(x)*/) const {
        const float sx = s(x);
        return sx + (k * sx) * (x * (1.f - sx));  // grouped so that |x| near FLT_MAX gives no inf * 0
    }
    // No oneDNN algorithm: the network runs f and df above (the generic path).
    // oneDNN's swish is this very function; to use it, uncomment (the check
    // then compares oneDNN with f and df):
    // std::optional<soma::FusedEltwise> fused() const {
    //     return soma::FusedEltwise{dnnl::algorithm::eltwise_swish, dnnl::algorithm::eltwise_swish, k, 0.f,
    //                               soma::FusedEltwise::Reads::input};
    // }

    // f as ONNX operators, for `soma export --onnx` (soma/onnx.h; the ops:
    // https://onnx.ai/onnx/operators/). Change it with f; without it, export
    // refuses a model that uses @NAME@.
    std::string onnx(soma::OnnxGraph& g, const std::string& x) const {
        return g.op("Mul", {x, g.op("Sigmoid", {g.op("Mul", {x, g.scalar(k)})})});
    }
};

}  // namespace

// The plugin: its name, version, help for `soma plugins` and preferred weight
// init ("he" or "xavier"). Parameters: add, e.g.,
//   .params = {{"k", 1.702, 0.1, 10.0, "steepness"}}
// and read them in a constructor: explicit @CLASS@(const soma::Params& p) : k(p.get("k")) {}
SOMA_ACTIVATION_PLUGIN(@CLASS@, .name = "@NAME@", .version = "0.1.0", .help = "x sigmoid(1.702 x), swish-like",
                       .init = "he")
)";

const char* kLayerSource = R"(// @NAME@: scales every feature by its own trainable factor.
//   forward:   y[n][j] = s[j] x[n][j]
//   backward:  dx[n][j] = s[j] dy[n][j]          ds[j] = sum_n x[n][j] dy[n][j]
// Shapes: x, y, dx, dy [batch, features]; s [features]; outputs() == inputs.
// Change forward and backward together, rebuild, then check:
//   cmake --build build --target check
// `soma plugin check` compares dx and ds with finite differences, alone and
// inside a small network, and trains a copy of it on bit for bit.
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "soma/layer.h"
#include "soma/plugin.h"
#include "soma/registrar.h"

namespace {

class @CLASS@ final : public soma::Layer {
public:
    explicit @CLASS@(const soma::Params& p) : initial_(static_cast<float>(p.get("initial_scale"))) {}

    int outputs() const override { return features_; }

    // Shapes are known: allocate everything here, nothing in forward/backward.
    void configure(const soma::LayerContext& ctx) override {
        features_ = ctx.inputs;
        max_batch_ = ctx.max_batch;
        scale_.assign(features_, initial_);
        scale_grad_.assign(features_, 0.f);
        output_.assign(static_cast<std::size_t>(max_batch_) * features_, 0.f);
    }

    std::vector<soma::ParamTensor> parameters() override {
        // decay = false: weight decay would pull the factors towards 0.
        return {{"scale", scale_.data(), scale_grad_.data(), scale_.size(), {features_}, false}};
    }

    const float* forward(const float* x, int batch, bool /*training*/) override {
        check(batch);
        for (int n = 0; n < batch; ++n)
            for (int j = 0; j < features_; ++j) output_[n * features_ + j] = scale_[j] * x[n * features_ + j];
        return output_.data();
    }

    void backward(const float* x, const float* dy, float* dx, int batch) override {
        check(batch);
        std::fill(scale_grad_.begin(), scale_grad_.end(), 0.f);  // overwrite, never accumulate
        for (int n = 0; n < batch; ++n)
            for (int j = 0; j < features_; ++j) {
                const int i = n * features_ + j;
                scale_grad_[j] += x[i] * dy[i];
                if (dx) dx[i] = scale_[j] * dy[i];  // dx is null for the first layer
            }
    }

    // Anything forward or backward carries to the next step besides the
    // parameters (a random generator, a step count) is returned by state()
    // for checkpoints (soma/state.h); this layer carries nothing, so it keeps
    // the default, no state.

private:
    void check(int batch) const {
        if (batch < 1 || batch > max_batch_)
            throw std::invalid_argument("@NAME@: batch " + std::to_string(batch) + " outside 1.." +
                                        std::to_string(max_batch_));
    }

    float initial_;
    int features_ = 0, max_batch_ = 0;
    std::vector<float> scale_, scale_grad_, output_;
};

void register_features(soma::Registrar& r) {
    soma::FeatureInfo info;
    info.help = "per-feature trainable scale y = s x";
    info.params = {{"initial_scale", 1.0, -1e3, 1e3, "starting value of every factor"}};
    r.add_layer("@NAME@", std::move(info), [](const soma::Params& p) -> std::unique_ptr<soma::Layer> {
        return std::make_unique<@CLASS@>(p);
    });
}

}  // namespace

SOMA_PLUGIN("@NAME@", "0.1.0", register_features)
)";

const char* kOptimizerSource = R"(// @NAME@: plain stochastic gradient descent.
//   w -= learning_rate * lr_factor * grad      (lr_factor: 1 unless a schedule scales it)
// Change step() (and this comment), rebuild, then check:
//   cmake --build build --target check
// `soma plugin check` runs 200 steps on sum (w - t)^2 and expects it 90% lower,
// and a copy given the weights and state() must step on bit for bit.
#include <memory>
#include <vector>

#include "soma/optimizer.h"
#include "soma/plugin.h"
#include "soma/registrar.h"

namespace {

class @CLASS@ final : public soma::Optimizer {
public:
    explicit @CLASS@(const soma::Params& p) : learning_rate_(static_cast<float>(p.get("learning_rate"))) {}

    // Called once with every trainable tensor: allocate any state here.
    void setup(const std::vector<soma::ParamTensor>& params) override { params_ = params; }

    void step(float lr_factor) override {
        const float lr = learning_rate_ * lr_factor;
        for (const soma::ParamTensor& t : params_)
            for (std::size_t i = 0; i < t.size; ++i) t.value[i] -= lr * t.grad[i];
    }

    // Everything step() carries to the next step, for checkpoints (soma/state.h):
    // a block per member, e.g. soma::state_block("step", t_) for a step count,
    // soma::add_state_blocks(blocks, "m", m_) for moments kept per tensor.
    // Plain SGD carries nothing.
    std::vector<soma::StateBlock> state() override { return {}; }

private:
    float learning_rate_;
    std::vector<soma::ParamTensor> params_;
};

void register_features(soma::Registrar& r) {
    soma::FeatureInfo info;
    info.help = "plain SGD";
    info.params = {{"learning_rate", 0.1, 0.0, 1e6, "step size"}};
    r.add_optimizer("@NAME@", std::move(info), [](const soma::Params& p) -> std::unique_ptr<soma::Optimizer> {
        return std::make_unique<@CLASS@>(p);
    });
}

}  // namespace

SOMA_PLUGIN("@NAME@", "0.1.0", register_features)
)";

const char* kCMakeLists = R"(# @NAME@: a soma @KIND@ plugin, built outside soma against an installed soma.
#   cmake -S . -B build -DCMAKE_PREFIX_PATH=<soma's install prefix>
#   cmake --build build                  # -> build/@NAME@.so
#   cmake --build build --target check   # or: ctest --test-dir build
cmake_minimum_required(VERSION 3.25)
project(@NAME@ LANGUAGES CXX)
if(NOT CMAKE_BUILD_TYPE AND NOT CMAKE_CONFIGURATION_TYPES)
  set(CMAKE_BUILD_TYPE Release CACHE STRING "" FORCE)
endif()

find_package(soma REQUIRED)  # soma::sdk, soma_add_plugin(), SOMA_EXECUTABLE

soma_add_plugin(@NAME@ SOURCES @NAME@.cpp)

# soma's checks of the built library (exit status 0 when all pass).
add_custom_target(check COMMAND ${SOMA_EXECUTABLE} plugin check $<TARGET_FILE:@NAME@> USES_TERMINAL VERBATIM)
add_dependencies(check @NAME@)
enable_testing()
add_test(NAME @NAME@_check COMMAND ${SOMA_EXECUTABLE} plugin check $<TARGET_FILE:@NAME@>)
)";

const char* kReadme = R"(# @NAME@

A soma @KIND@ plugin: @WHAT@. The code is `@NAME@.cpp`; the formulas are in
its top comment.

## Build

```sh
cmake -S . -B build -DCMAKE_PREFIX_PATH=<soma's install prefix>
cmake --build build                  # -> build/@NAME@.so
```

CMake's default generator needs `make`; on a machine with `ninja` but no
`make`, add `-G Ninja` to the first command.

## Check

```sh
cmake --build build --target check   # or: ctest --test-dir build
soma plugin check build/@NAME@.so    # the same, by hand
```

Every check prints PASS or FAIL with what it measured; the last line is the
verdict. @CHECKS@

## Use

In an experiment file (the path is relative to the experiment file, or absolute):

```toml
[plugins]
paths = ["@DIR@/build"]

@USE@
```

soma loads code only from folders you allow, so name the folder when you run it:
`soma run exp.toml --allow-plugins @DIR@/build`.

Or for every run: `export SOMA_PLUGIN_PATH=@DIR@/build` (colon-separated
folders); `soma plugins` then lists it.
)";

struct KindText {
    const char* source;
    const char* what;
    const char* checks;
    const char* use;
};

KindText text_of(Kind kind) {
    switch (kind) {
        case Kind::activation:
            return {kActivationSource, "x sigmoid(1.702 x), a swish-like function",
                    "For an activation: f' against finite differences of f (0, +-20, +-80 and\n"
                    "a grid), finite values for finite input, NaN in -> NaN out, the same results\n"
                    "at any array length, a oneDNN algorithm (if named) against f and f', the\n"
                    "gradients of a small network using it, and its speed against relu.",
                    "[model]\nhidden = [16, 16]\nactivation = \"@NAME@\"\n\n"
                    "# or compare it with the built-in ones:\n"
                    "[sweep]\n\"model.activation\" = [\"@NAME@\", \"sigmoid\", \"relu\"]"};
        case Kind::layer:
            return {kLayerSource, "a per-feature trainable scale, y = s x",
                    "For a layer: its shapes, inference per sample, the input and parameter\n"
                    "gradients against finite differences, alone and inside a small network, and\n"
                    "that a copy of its parameters, buffers and state() trains on bit for bit.",
                    "[[model.layers]]\nunits = 16\nactivation = \"relu\"\n\n"
                    "[[model.layers]]\ntype = \"@NAME@\""};
        case Kind::optimizer:
            return {kOptimizerSource, "plain stochastic gradient descent",
                    "For an optimizer: 200 steps from a fixed start must lower\n"
                    "sum (w - t)^2 by at least 90%; steps must be deterministic, continue bit for\n"
                    "bit in a copy given the weights and state(), and honour decay = false and a\n"
                    "zero lr_factor.",
                    "[training.optimizer]\nname = \"@NAME@\"\nlearning_rate = 0.1"};
    }
    throw Error("unknown plugin kind");
}

// my_swish -> MySwish; a part starting with a digit keeps it (a1_2b -> A12b).
std::string class_name(const std::string& name) {
    std::string out;
    bool upper = true;
    for (char c : name) {
        if (c == '_') {
            upper = true;
            continue;
        }
        out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
        upper = false;
    }
    return out;
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
    for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
    return text;
}

}  // namespace

Kind parse_kind(const std::string& text) {
    for (Kind kind : {Kind::activation, Kind::layer, Kind::optimizer})
        if (text == kind_name(kind)) return kind;
    throw Error(unknown_name_message("plugin kind", text, {"activation", "layer", "optimizer"}));
}

std::string plugin_name_problem(const std::string& name) {
    const std::string rule = "a plugin name is a lowercase identifier, [a-z][a-z0-9_]* (e.g. my_swish)";
    if (name.empty()) return "the plugin name is empty; " + rule;
    if (!(name[0] >= 'a' && name[0] <= 'z'))
        return "invalid plugin name '" + name + "': it must start with a letter a-z; " + rule;
    for (char c : name)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
            return "invalid plugin name '" + name + "': '" + std::string(1, c) + "' is not allowed; " + rule;
    // Names CMake or the generated project already use for targets.
    for (const char* reserved : {"all", "check", "clean", "depend", "edit_cache", "help", "install", "package",
                                 "package_source", "rebuild_cache", "test"})
        if (name == reserved)
            return "invalid plugin name '" + name + "': '" + name + "' is a reserved CMake target name";
    return "";
}

namespace {

// An executable file `name` in one of the folders of `path` (empty entries,
// the current folder for a shell, are skipped: a project folder is no tool).
bool on_path(const std::string& path, const std::string& name) {
    for (std::size_t begin = 0; begin < path.size();) {
        std::size_t end = path.find(':', begin);
        if (end == std::string::npos) end = path.size();
        if (end > begin) {
            const fs::path file = fs::path(path.substr(begin, end - begin)) / name;
            std::error_code ec;
            if (fs::is_regular_file(file, ec) && ::access(file.c_str(), X_OK) == 0) return true;
        }
        begin = end + 1;
    }
    return false;
}

}  // namespace

GeneratorChoice choose_generator(const char* path, const char* cmake_generator) {
    if (cmake_generator && *cmake_generator) return {};
    const std::string folders = path ? path : "";
    if (on_path(folders, "make") || on_path(folders, "gmake")) return {};
    if (on_path(folders, "ninja")) return {"-G Ninja", false};
    return {"", true};
}

void write_plugin_project(Kind kind, const std::string& name, const fs::path& dir) {
    if (const std::string problem = plugin_name_problem(name); !problem.empty()) throw Error(problem);
    std::error_code ec;
    if (fs::exists(dir, ec)) {
        if (!fs::is_directory(dir, ec)) throw Error(dir.string() + " exists and is not a folder; choose another --dir");
        if (!fs::is_empty(dir, ec))
            throw Error(dir.string() + " already exists and is not empty; refusing to overwrite it (choose another --dir)");
    }
    fs::create_directories(dir, ec);
    if (ec) throw Error("cannot create " + dir.string() + ": " + ec.message());

    const KindText t = text_of(kind);
    const fs::path absolute = fs::weakly_canonical(fs::absolute(dir));
    auto fill = [&](std::string text) {
        text = replace_all(std::move(text), "@CHECKS@", t.checks);
        text = replace_all(std::move(text), "@USE@", t.use);
        text = replace_all(std::move(text), "@WHAT@", t.what);
        text = replace_all(std::move(text), "@DIR@", absolute.string());
        text = replace_all(std::move(text), "@KIND@", kind_name(kind));
        text = replace_all(std::move(text), "@CLASS@", class_name(name));
        return replace_all(std::move(text), "@NAME@", name);
    };
    write_file_atomic(dir / (name + ".cpp"), fill(t.source));
    write_file_atomic(dir / "CMakeLists.txt", fill(kCMakeLists));
    write_file_atomic(dir / "README.md", fill(kReadme));
}

}  // namespace soma
