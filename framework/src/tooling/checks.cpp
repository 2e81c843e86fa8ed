// The list of checks per kind, running one, and what the kinds share: the
// description check, the network gradient, the support plugins.
#include "tooling/checks.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <set>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include "nn/loss.h"
#include "soma/random.h"
#include "tooling/check_parts.h"

namespace soma {

namespace fs = std::filesystem;

double CheckResult::number(const std::string& key) const {
    for (const auto& [name, value] : numbers)
        if (name == key) return value;
    return std::numeric_limits<double>::quiet_NaN();
}

namespace tooling {

std::string num(double v) {
    if (std::isnan(v)) return "NaN";
    std::ostringstream s;
    s.precision(4);
    s << v;
    return s.str();
}

std::vector<float> uniform(std::size_t n, std::uint64_t seed, double lo, double hi) {
    Random r(seed);
    std::vector<float> v(n);
    for (float& x : v) x = static_cast<float>(r.uniform(lo, hi));
    return v;
}

void Tally::add(const std::string& what, double analytic, double numeric) {
    ++checked;
    if (std::isfinite(analytic) && std::fabs(analytic - numeric) <= 2e-3 + 2e-2 * std::fabs(numeric)) {
        worst = std::max(worst, std::fabs(analytic - numeric));
    } else if (bad++ == 0) {
        first = what + ": backward gives " + num(analytic) + ", finite differences " + num(numeric);
    }
}

CheckResult Tally::result(const std::string& what) const {
    const Numbers numbers = {{"parameters", checked}, {"wrong", bad}, {"max_error", worst}};
    if (bad) return fail(first + "; " + std::to_string(bad) + " of " + std::to_string(checked) + " wrong", numbers);
    return pass(std::to_string(checked) + " " + what + ", max |error| " + num(worst), numbers);
}

CheckResult network_gradient(const Registry& registry, const ModelConfig& model, const NetworkOptions& o,
                             std::uint64_t input_seed) {
    const dnnl::engine engine(dnnl::engine::kind::cpu, 0);
    auto build = [&] { return std::make_unique<Network>(registry, model, o, engine, dnnl::stream(engine)); };
    const int batch = o.max_batch;
    const std::vector<float> x = uniform(static_cast<std::size_t>(batch) * o.inputs, input_seed);
    const std::vector<std::int32_t> labels = {0, 2, 1, 2};
    auto net = build();
    std::vector<float> grad(static_cast<std::size_t>(batch) * o.classes);
    loss_forward_backward(LossKind::cross_entropy, net->forward(x.data(), batch, true), labels.data(), batch,
                          o.classes, grad.data());
    net->backward(grad.data(), batch);
    const std::vector<ParamTensor> params = net->parameters();

    auto loss = [&](std::size_t k, std::size_t i, float delta) {
        auto fresh = build();
        fresh->parameters()[k].value[i] += delta;
        const float* y = fresh->forward(x.data(), batch, true);
        return loss_forward_backward(LossKind::cross_entropy, y, labels.data(), batch, o.classes, nullptr).loss_sum /
               batch;
    };
    const float h = 2e-3f;
    Tally tally;
    for (std::size_t k = 0; k < params.size(); ++k)
        for (std::size_t i = 0; i < params[k].size; ++i) {
            const double numeric = (loss(k, i, h) - loss(k, i, -h)) / (2.0 * h);
            tally.add(params[k].name + "[" + std::to_string(i) + "]", params[k].grad[i], numeric);
        }
    return tally.result("parameter gradients");
}

std::string state_names_problem(const std::vector<StateBlock>& blocks) {
    std::set<std::string> seen;
    for (std::size_t k = 0; k < blocks.size(); ++k) {
        if (blocks[k].name.empty()) return "state() gives block " + std::to_string(k) + " without a name";
        if (!seen.insert(blocks[k].name).second)
            return "state() gives two blocks named \"" + blocks[k].name + "\": names must be unique";
    }
    return "";
}

std::string state_layout_difference(const std::vector<StateBlock>& a, const std::string& a_is,
                                    const std::vector<StateBlock>& b, const std::string& b_is) {
    const auto blocks = [](const std::vector<StateBlock>& v) {
        return std::to_string(v.size()) + (v.size() == 1 ? " block" : " blocks") + " (" + state_summary(v) + ")";
    };
    const std::string rule = ": it must give the same blocks on every call";
    if (a.size() != b.size())
        return "state() gives " + blocks(a) + " " + a_is + ", " + blocks(b) + " " + b_is + rule;
    for (std::size_t k = 0; k < a.size(); ++k) {
        if (a[k].name != b[k].name)
            return "state()'s block " + std::to_string(k) + " is \"" + a[k].name + "\" " + a_is + ", \"" +
                   b[k].name + "\" " + b_is + rule;
        if (a[k].bytes.size() != b[k].bytes.size())
            return "state()'s block \"" + a[k].name + "\" has " + std::to_string(a[k].bytes.size()) + " bytes " +
                   a_is + ", " + std::to_string(b[k].bytes.size()) + " " + b_is + rule;
    }
    return "";
}

void copy_state(const std::vector<StateBlock>& from, const std::vector<StateBlock>& to) {
    for (std::size_t k = 0; k < from.size() && k < to.size(); ++k)
        if (!from[k].bytes.empty() && from[k].bytes.size() == to[k].bytes.size())
            std::memmove(to[k].bytes.data(), from[k].bytes.data(), from[k].bytes.size());
}

std::string state_summary(const std::vector<StateBlock>& blocks) {
    if (blocks.empty()) return "none";
    std::string out;
    for (std::size_t k = 0; k < blocks.size() && k < 6; ++k)
        out += (k ? ", " : "") + blocks[k].name + " " + std::to_string(blocks[k].bytes.size()) + " B";
    return blocks.size() > 6 ? out + ", ..." : out;
}

std::size_t state_bytes(const std::vector<StateBlock>& blocks) {
    std::size_t n = 0;
    for (const StateBlock& b : blocks) n += b.bytes.size();
    return n;
}

std::string first_difference(const std::string& what, const float* a, const float* b, std::size_t n) {
    const auto exact = [](float v) {
        char text[32];
        std::snprintf(text, sizeof text, "%.9g", static_cast<double>(v));
        return std::string(text);
    };
    for (std::size_t i = 0; i < n; ++i)
        if (std::memcmp(a + i, b + i, sizeof(float)) != 0)
            return what + "[" + std::to_string(i) + "] is " + exact(a[i]) + " in the original, " + exact(b[i]) +
                   " in the copy";
    return "";
}

namespace {

// Help text, an activation's preferred initialisation, valid defaults.
CheckResult description(const Subject& s) {
    const FeatureRecord& f = s.registry.feature(s.kind, s.name);
    if (f.info.help.empty()) return fail("no help text (FeatureInfo::help, shown by `soma plugins`)");
    std::string detail = "\"" + f.info.help + "\"";
    if (f.kind == Kind::activation) {
        if (f.info.preferred_init != "xavier" && f.info.preferred_init != "he")
            return fail("preferred_init is '" + f.info.preferred_init + "', expected \"xavier\" or \"he\"");
        detail += ", init " + f.info.preferred_init;
    }
    std::string params;
    const Params defaults = resolve_params(f.info.params, {});
    for (const auto& [key, value] : defaults.values()) params += (params.empty() ? "" : ", ") + key + "=" + num(value);
    if (!params.empty()) detail += ", " + params;
    return pass(detail);
}

struct CheckInfo {
    CheckId id;
    Kind kind;
    const char* label;  // after "KIND NAME: "
};

// Report order, per kind.
constexpr CheckInfo kChecks[] = {
    {CheckId::activation_make, Kind::activation, "make"},
    {CheckId::derivative, Kind::activation, "derivative"},
    {CheckId::finite, Kind::activation, "finite"},
    {CheckId::nan, Kind::activation, "NaN"},
    {CheckId::lengths, Kind::activation, "lengths"},
    {CheckId::onednn, Kind::activation, "oneDNN"},
    {CheckId::network_generic, Kind::activation, "network (generic)"},
    {CheckId::network_onednn, Kind::activation, "network (oneDNN)"},
    {CheckId::speed, Kind::activation, "speed"},
    {CheckId::layer_make, Kind::layer, "make"},
    {CheckId::shapes, Kind::layer, "shapes"},
    {CheckId::inference, Kind::layer, "inference"},
    {CheckId::input_gradient, Kind::layer, "input gradient"},
    {CheckId::parameter_gradients, Kind::layer, "parameter gradients"},
    {CheckId::network_gradient, Kind::layer, "network gradient"},
    {CheckId::layer_state, Kind::layer, "state"},
    {CheckId::optimizer_make, Kind::optimizer, "make"},
    {CheckId::converges, Kind::optimizer, "converges"},
    {CheckId::deterministic, Kind::optimizer, "deterministic"},
    {CheckId::optimizer_state, Kind::optimizer, "state"},
    {CheckId::decay_false, Kind::optimizer, "decay = false"},
    {CheckId::zero_lr_factor, Kind::optimizer, "lr_factor 0"},
    {CheckId::allocations, Kind::optimizer, "allocations"},
};

const CheckInfo* info(CheckId id) {
    for (const CheckInfo& c : kChecks)
        if (c.id == id) return &c;
    return nullptr;
}

}  // namespace

std::vector<CheckId> checks_for(const Subject& s) {
    std::vector<CheckId> out = {CheckId::description};
    const CheckId make = s.kind == Kind::activation ? CheckId::activation_make
                         : s.kind == Kind::layer    ? CheckId::layer_make
                                                    : CheckId::optimizer_make;
    bool onednn = false;
    try {
        if (!run_check(make, s).passed) throw std::runtime_error("cannot make it");
        onednn = s.kind == Kind::activation && names_onednn(s);
    } catch (...) {
        out.push_back(make);
        return out;  // the make check fails, and says why
    }
    for (const CheckInfo& c : kChecks) {
        if (c.kind != s.kind) continue;
        if (c.id == CheckId::network_onednn && !onednn) continue;
        if (c.id == CheckId::allocations && !s.allocations) continue;
        out.push_back(c.id);
    }
    return out;
}

std::string check_label(CheckId id, const Subject& s) {
    const CheckInfo* c = info(id);
    return std::string(kind_name(s.kind)) + " " + s.name + ": " + (c ? c->label : "description");
}

CheckResult run_check(CheckId id, const Subject& s) {
    CheckResult r;
    try {
        const CheckInfo* c = info(id);
        if (id == CheckId::description) r = description(s);
        else if (!c || c->kind != s.kind) r = fail("not a check of a " + std::string(kind_name(s.kind)));
        else if (s.kind == Kind::activation) r = activation_check(id, s);
        else if (s.kind == Kind::layer) r = layer_check(id, s);
        else r = optimizer_check(id, s);
    } catch (const std::exception& e) {
        r = fail(std::string("threw: ") + e.what());
    } catch (...) {
        r = fail("threw a non-standard exception");
    }
    r.name = check_label(id, s);
    return r;
}

void add_support_plugins(Registry& registry, Kind kind) {
    std::vector<std::pair<Kind, std::string>> needed = {{Kind::layer, "dense"}};
    if (kind == Kind::activation) needed.emplace_back(Kind::activation, "relu");
    if (kind == Kind::layer) needed.emplace_back(Kind::activation, "tanh");
    if (kind == Kind::optimizer) needed.clear();
    for (const auto& [k, name] : needed) {
        // Built-in plugins are named after their one feature: load only that file.
        for (const fs::path& folder : default_plugin_folders()) {
            if (registry.has(k, name)) break;
            std::error_code ec;
            const fs::path file = folder / (name + ".so");
            if (fs::is_regular_file(file, ec)) (void)registry.load(file);
        }
    }
}

}  // namespace tooling
}  // namespace soma
