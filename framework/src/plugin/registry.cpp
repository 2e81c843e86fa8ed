// Registry: the plugin loading sequence (file checks before dlopen, entry,
// staged registration, commit) and making features by kind and name.
#include "plugin/registry.h"

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <system_error>

#include <boost/dll/shared_library.hpp>

#include "plugin/elf_reader.h"
#include "plugin/folders.h"
#include "soma/plugin.h"
#include "util/error.h"
#include "util/names.h"

namespace soma {

namespace fs = std::filesystem;
using Library = boost::dll::shared_library;

// Stages what register_features adds; nothing reaches the Registry until the
// whole library has registered without error (Registry::commit).
class Registry::Collector final : public Registrar {
public:
    struct Staged {
        Kind kind;
        std::string name;
        FeatureInfo info;
        ActivationFactory activation;
        LayerFactory layer;
        OptimizerFactory optimizer;

        bool has_factory() const { return activation || layer || optimizer; }
    };

    void add_activation(const std::string& name, FeatureInfo info, ActivationFactory make) override {
        staged.push_back(Staged{Kind::activation, name, std::move(info), std::move(make), {}, {}});
    }
    void add_layer(const std::string& name, FeatureInfo info, LayerFactory make) override {
        staged.push_back(Staged{Kind::layer, name, std::move(info), {}, std::move(make), {}});
    }
    void add_optimizer(const std::string& name, FeatureInfo info, OptimizerFactory make) override {
        staged.push_back(Staged{Kind::optimizer, name, std::move(info), {}, {}, std::move(make)});
    }

    std::vector<Staged> staged;
};

namespace {

using Code = LoadError::Code;

LoadError fail(Code code, const fs::path& file, const std::string& text) {
    return LoadError{code, file, file.string() + ": " + text};
}

std::string abi_text(const char* what, std::uint32_t found) {
    return std::string(what) + " ABI version " + std::to_string(found) + ", this soma expects " +
           std::to_string(SOMA_PLUGIN_ABI_VERSION) + "; rebuild the plugin against this soma";
}

std::string feature_label(Kind kind, const std::string& name) {
    return std::string(kind_name(kind)) + " '" + name + "'";
}

// The 32-bit little-endian field at `offset` of a marker (whatever the host's byte order).
std::uint32_t marker_field(const std::vector<unsigned char>& m, std::size_t offset) {
    const unsigned char* v = m.data() + offset;
    return v[0] | (v[1] << 8) | (v[2] << 16) | (std::uint32_t(v[3]) << 24);
}

std::string cxx_library_text(std::uint32_t library, std::uint32_t release) {
    switch (library) {
        case SOMA_PLUGIN_CXX_LIBSTDCXX: return "libstdc++ " + std::to_string(release);
        case SOMA_PLUGIN_CXX_LIBCXX: return "libc++ " + std::to_string(release);
    }
    return "an unknown C++ library";
}

// What a marker says about the build beyond the ABI number: the oneDNN major
// version and the C++ library (plugin.h says why each must match).
std::optional<LoadError> check_build(const soma_plugin_marker& plugin, const fs::path& file) {
    constexpr soma_plugin_marker host = SOMA_PLUGIN_MARKER_VALUE;
    const auto onednn = [](const soma_plugin_marker& m) {
        return "oneDNN " + std::to_string(m.onednn_major) + "." + std::to_string(m.onednn_minor);
    };
    const std::string rebuild = "; rebuild the plugin against this soma";
    if (plugin.onednn_major != host.onednn_major)
        return fail(Code::abi_mismatch, file,
                    "plugin built with " + onednn(plugin) + ", this soma uses " + onednn(host) +
                        "; oneDNN objects cross the plugin boundary, so the major versions must match" + rebuild);
    if (plugin.cxx_library != host.cxx_library)
        return fail(Code::abi_mismatch, file,
                    "plugin built with " + cxx_library_text(plugin.cxx_library, plugin.cxx_release) +
                        ", this soma with " + cxx_library_text(host.cxx_library, host.cxx_release) +
                        "; C++ objects (std::string, std::function) cross the plugin boundary" + rebuild);
    if (plugin.cxx_abi != host.cxx_abi)
        return fail(Code::abi_mismatch, file,
                    "plugin built with _GLIBCXX_USE_CXX11_ABI=" + std::to_string(plugin.cxx_abi) +
                        ", this soma with _GLIBCXX_USE_CXX11_ABI=" + std::to_string(host.cxx_abi) +
                        "; std::string has another layout in each" + rebuild);
    if (plugin.cxx_release > host.cxx_release)
        return fail(Code::abi_mismatch, file,
                    "plugin built with " + cxx_library_text(plugin.cxx_library, plugin.cxx_release) +
                        ", newer than this soma's " + cxx_library_text(host.cxx_library, host.cxx_release) +
                        "; its code may need a newer C++ library than soma runs with" + rebuild);
    return std::nullopt;
}

// Steps 1-3, from the file alone: an ELF shared object, exporting the entry
// symbol, carrying a marker with this host's ABI version, oneDNN major
// version and C++ library. No plugin code runs.
std::optional<LoadError> inspect_file(const fs::path& file) {
    try {
        const ElfFile elf(file);
        if (!elf.has_dynamic_symbol(SOMA_PLUGIN_ENTRY_NAME))
            return fail(Code::not_a_plugin, file, "not a soma plugin (no " SOMA_PLUGIN_ENTRY_NAME " symbol)");
        const auto marker = elf.section(SOMA_PLUGIN_MARKER_SECTION);
        if (!marker)
            return fail(Code::incomplete_descriptor, file,
                        "incomplete soma plugin: no " SOMA_PLUGIN_MARKER_SECTION
                        " marker section (define the plugin with SOMA_PLUGIN)");
        const std::string malformed = "incomplete soma plugin: malformed " SOMA_PLUGIN_MARKER_SECTION " marker";
        constexpr std::size_t kAbiEnd = offsetof(soma_plugin_marker, abi_version) + 4;
        if (marker->size() < kAbiEnd || std::memcmp(marker->data(), "SOMAPLUG", 8) != 0)
            return fail(Code::incomplete_descriptor, file,
                        malformed + " (expected \"SOMAPLUG\" and a 4-byte ABI version)");
        // The ABI number first: another version's marker may have another layout.
        const std::uint32_t abi = marker_field(*marker, offsetof(soma_plugin_marker, abi_version));
        if (abi != SOMA_PLUGIN_ABI_VERSION) return fail(Code::abi_mismatch, file, abi_text("plugin", abi));
        if (marker->size() < sizeof(soma_plugin_marker))
            return fail(Code::incomplete_descriptor, file,
                        malformed + " (" + std::to_string(marker->size()) + " bytes, ABI version " +
                            std::to_string(abi) + " has " + std::to_string(sizeof(soma_plugin_marker)) + ")");
        soma_plugin_marker m{};
        m.onednn_major = marker_field(*marker, offsetof(soma_plugin_marker, onednn_major));
        m.onednn_minor = marker_field(*marker, offsetof(soma_plugin_marker, onednn_minor));
        m.cxx_library = marker_field(*marker, offsetof(soma_plugin_marker, cxx_library));
        m.cxx_abi = marker_field(*marker, offsetof(soma_plugin_marker, cxx_abi));
        m.cxx_release = marker_field(*marker, offsetof(soma_plugin_marker, cxx_release));
        return check_build(m, file);
    } catch (const ElfError& e) {
        return fail(Code::cannot_open, file, std::string("cannot open: ") + e.what());
    }
}

// Boost.DLL wraps the loader's message as "...failed (dlerror system
// message: MESSAGE): Bad file descriptor"; keep MESSAGE alone when present.
std::string loader_message(const std::string& what) {
    const std::string marker = "(dlerror system message: ";
    const std::size_t begin = what.find(marker);
    const std::size_t end = what.rfind("): ");
    if (begin == std::string::npos || end == std::string::npos || end < begin + marker.size()) return what;
    return what.substr(begin + marker.size(), end - begin - marker.size());
}

// Step 4: dlopen with RTLD_LOCAL | RTLD_NOW (every symbol resolved now, so a
// missing dependency fails here, not mid-run).
std::optional<LoadError> open_library(const fs::path& file, std::shared_ptr<Library>& out) {
    namespace mode = boost::dll::load_mode;
    try {
        out = std::make_shared<Library>(boost::dll::fs::path(fs::absolute(file).native()),
                                        mode::rtld_local | mode::rtld_now);
        return std::nullopt;
    } catch (const std::exception& e) {
        return fail(Code::cannot_open, file, "cannot load: " + loader_message(e.what()));
    }
}

// Step 5: call the entry and check the descriptor, ABI first (the rest of the
// layout is only meaningful when it matches).
std::optional<LoadError> read_descriptor(const Library& library, const fs::path& file,
                                         const soma_plugin_descriptor*& out) {
    if (!library.has(SOMA_PLUGIN_ENTRY_NAME))
        return fail(Code::not_a_plugin, file, "not a soma plugin (no " SOMA_PLUGIN_ENTRY_NAME " symbol)");
    auto& entry = library.get<const soma_plugin_descriptor*()>(SOMA_PLUGIN_ENTRY_NAME);
    try {
        out = entry();
    } catch (const std::exception& e) {
        return fail(Code::registration_failed, file, std::string(SOMA_PLUGIN_ENTRY_NAME " threw: ") + e.what());
    } catch (...) {
        return fail(Code::registration_failed, file, SOMA_PLUGIN_ENTRY_NAME " threw a non-standard exception");
    }
    const std::string incomplete = "incomplete soma plugin: ";
    if (!out) return fail(Code::incomplete_descriptor, file, incomplete + SOMA_PLUGIN_ENTRY_NAME " returned null");
    if (out->abi_version != SOMA_PLUGIN_ABI_VERSION)
        return fail(Code::abi_mismatch, file, abi_text("plugin descriptor", out->abi_version));
    if (!out->name || !*out->name) return fail(Code::incomplete_descriptor, file, incomplete + "the descriptor has no name");
    if (!out->version || !*out->version)
        return fail(Code::incomplete_descriptor, file, incomplete + "the descriptor has no version");
    if (!out->register_features)
        return fail(Code::incomplete_descriptor, file, incomplete + "the descriptor has no register_features function");
    return std::nullopt;
}

// Step 6a: run register_features; an exception refuses the whole library.
std::optional<LoadError> run_registration(const soma_plugin_descriptor& d, Registrar& collector,
                                          const fs::path& file) {
    std::string reason;
    try {
        d.register_features(collector);
        return std::nullopt;
    } catch (const std::exception& e) {
        reason = e.what();  // copied while the exception (maybe plugin code) is alive
    } catch (...) {
        reason = "a non-standard exception";
    }
    return fail(Code::registration_failed, file,
                "plugin '" + std::string(d.name) + "' failed to register its features: " + reason);
}

// A feature's parameter specs are usable: named, each name once, defaults valid.
std::optional<std::string> check_param_specs(const std::vector<ParamSpec>& specs) {
    for (std::size_t i = 0; i < specs.size(); ++i) {
        if (specs[i].name.empty()) return "a parameter has no name";
        for (std::size_t j = 0; j < i; ++j)
            if (specs[j].name == specs[i].name) return "parameter '" + specs[i].name + "' is declared twice";
    }
    try {
        resolve_params(specs, {});
    } catch (const std::invalid_argument& e) {
        return std::string("invalid default: ") + e.what();
    }
    return std::nullopt;
}

}  // namespace

const char* load_error_code_name(LoadError::Code code) {
    switch (code) {
        case Code::cannot_open: return "cannot_open";
        case Code::not_a_plugin: return "not_a_plugin";
        case Code::abi_mismatch: return "abi_mismatch";
        case Code::incomplete_descriptor: return "incomplete_descriptor";
        case Code::registration_failed: return "registration_failed";
        case Code::duplicate_name: return "duplicate_name";
    }
    return "unknown";
}

Registry::Registry() = default;
Registry::~Registry() = default;

std::optional<LoadError> Registry::load(const fs::path& file) {
    std::error_code ec;
    fs::path canonical = fs::canonical(file, ec);
    if (!ec && loaded_.count(canonical)) return std::nullopt;
    if (auto error = inspect_file(file)) return error;
    if (ec) canonical = fs::absolute(file).lexically_normal();

    // `library` is declared before `collector` so that on every return the
    // staged factories (plugin code) are destroyed before the handle is
    // released. Releasing it on failure unloads the library: nothing of it is
    // referenced any more (glibc keeps it mapped if it must, e.g. when it
    // defines STB_GNU_UNIQUE symbols; that is harmless).
    std::shared_ptr<Library> library;
    if (auto error = open_library(file, library)) return error;
    const soma_plugin_descriptor* descriptor = nullptr;
    if (auto error = read_descriptor(*library, file, descriptor)) return error;
    Collector collector;
    if (auto error = run_registration(*descriptor, collector, file)) return error;
    if (auto error = check_staged(collector, file, descriptor->name)) return error;

    PluginRecord record{descriptor->name, descriptor->version, fs::absolute(file).lexically_normal(), {}};
    commit(collector, std::move(library), std::move(record), canonical);
    return std::nullopt;
}

// Step 6b: every staged feature is well-formed and its name is free, both
// within this library and against everything already registered.
std::optional<LoadError> Registry::check_staged(const Collector& staged, const fs::path& file,
                                                const std::string& plugin) const {
    const std::string by = "plugin '" + plugin + "' registered ";
    std::set<std::pair<Kind, std::string>> seen;
    for (const auto& f : staged.staged) {
        const std::string label = feature_label(f.kind, f.name);
        if (f.name.empty())
            return fail(Code::registration_failed, file, by + "an unnamed " + kind_name(f.kind));
        if (!f.has_factory()) return fail(Code::registration_failed, file, by + label + " without a factory");
        if (auto problem = check_param_specs(f.info.params))
            return fail(Code::registration_failed, file, by + label + ": " + *problem);
        if (!seen.insert({f.kind, f.name}).second)
            return LoadError{Code::duplicate_name, file, label + " is registered twice by " + file.string()};
        if (auto it = features_.find({f.kind, f.name}); it != features_.end())
            return LoadError{Code::duplicate_name, file,
                             label + " from " + file.string() + " is already registered by " +
                                 it->second.path.string()};
    }
    return std::nullopt;
}

void Registry::commit(Collector& staged, std::shared_ptr<Library> library, PluginRecord record,
                      const fs::path& canonical) {
    for (auto& f : staged.staged) {
        record.features.emplace_back(f.kind, f.name);
        features_.emplace(std::pair{f.kind, f.name},
                          FeatureRecord{f.kind, f.name, std::move(f.info), record.path, record.name});
        switch (f.kind) {
            case Kind::activation: activation_factories_.emplace(f.name, std::move(f.activation)); break;
            case Kind::layer: layer_factories_.emplace(f.name, std::move(f.layer)); break;
            case Kind::optimizer: optimizer_factories_.emplace(f.name, std::move(f.optimizer)); break;
        }
    }
    plugins_.push_back(std::move(record));
    libraries_.push_back(std::move(library));
    loaded_.insert(canonical);
}

std::vector<LoadError> Registry::load_folders(const std::vector<fs::path>& folders) {
    std::vector<LoadError> errors;
    std::set<fs::path> tried;  // canonical paths seen in this call
    for (const auto& folder : folders) {
        std::error_code ec;
        if (!fs::is_directory(folder, ec)) continue;
        const std::vector<fs::path> files = plugin_libraries(folder, ec);
        if (ec) {
            errors.push_back(fail(Code::cannot_open, folder, "cannot read plugin folder: " + ec.message()));
            continue;
        }
        for (const auto& file : files) {
            std::error_code canonical_ec;
            const fs::path canonical = fs::canonical(file, canonical_ec);
            if (!canonical_ec && !tried.insert(canonical).second) continue;
            if (auto error = load(file)) errors.push_back(std::move(*error));
        }
    }
    return errors;
}

bool Registry::has(Kind kind, const std::string& name) const { return features_.count({kind, name}) != 0; }

std::vector<std::string> Registry::names(Kind kind) const {
    std::vector<std::string> out;
    for (const auto& [key, record] : features_)
        if (key.first == kind) out.push_back(key.second);
    return out;  // already sorted: the map orders by (kind, name)
}

const FeatureRecord& Registry::feature(Kind kind, const std::string& name) const {
    auto it = features_.find({kind, name});
    if (it == features_.end()) throw Error(unknown_name_message(kind_name(kind), name, names(kind)));
    return it->second;
}

namespace {

// Resolves params against the feature's specs and calls its factory. Never
// falls back to another feature or to defaults for rejected values.
template <class Object, class Factory>
std::unique_ptr<Object> make(const FeatureRecord& record, const std::map<std::string, Factory>& factories,
                             const Params& given) {
    const std::string label = feature_label(record.kind, record.name);
    Params resolved;
    try {
        resolved = resolve_params(record.info.params, given);
    } catch (const std::invalid_argument& e) {
        throw Error(label + ": " + e.what());
    }
    std::unique_ptr<Object> object = factories.at(record.name)(resolved);
    if (!object) throw Error(label + " from " + record.path.string() + ": the plugin's factory returned null");
    return object;
}

}  // namespace

std::unique_ptr<Activation> Registry::make_activation(const std::string& name, const Params& params) const {
    return make<Activation>(feature(Kind::activation, name), activation_factories_, params);
}

std::unique_ptr<Layer> Registry::make_layer(const std::string& name, const Params& params) const {
    return make<Layer>(feature(Kind::layer, name), layer_factories_, params);
}

std::unique_ptr<Optimizer> Registry::make_optimizer(const std::string& name, const Params& params) const {
    return make<Optimizer>(feature(Kind::optimizer, name), optimizer_factories_, params);
}

}  // namespace soma
