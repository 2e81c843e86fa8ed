// The registry: loads plugin libraries, keeps their handles, and makes
// activations, layers and optimizers by kind and name.
//
// Lifetime rule: the Registry owns every library handle and must outlive every
// object a plugin made (destroying such an object runs plugin code). Create it
// first, destroy it last; libraries are never unloaded during a run.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "soma/registrar.h"

namespace boost::dll { class shared_library; }

namespace soma {

// Why a plugin library was refused. Each code has its own message.
struct LoadError {
    enum class Code {
        cannot_open,            // missing file, not an ELF shared object, dlopen failed
        not_a_plugin,           // no soma_plugin_entry symbol
        abi_mismatch,           // marker or descriptor ABI differs from the host's, or the
                                // marker names another oneDNN major or C++ library ABI
        incomplete_descriptor,  // missing/malformed .soma_plugin marker; null entry
                                // result, name, version or callback
        registration_failed,    // register_features threw, or added an unnamed feature,
                                // one without a factory, or invalid parameter specs
        duplicate_name,         // a feature name already registered (names both files),
                                // or registered twice by the same library
    };
    Code code;
    std::filesystem::path path;
    std::string message;  // complete, names the path; printable as it is
};

const char* load_error_code_name(LoadError::Code code);

struct PluginRecord {
    std::string name;
    std::string version;
    std::filesystem::path path;
    std::vector<std::pair<Kind, std::string>> features;
};

struct FeatureRecord {
    Kind kind;
    std::string name;
    FeatureInfo info;
    std::filesystem::path path;  // the library that registered it
    std::string plugin;          // its plugin name
};

class Registry {
public:
    Registry();
    ~Registry();
    Registry(const Registry&) = delete;
    Registry& operator=(const Registry&) = delete;

    // Loads one library: checks the file (ELF, entry symbol, ABI marker)
    // before dlopen, then calls its entry and register_features. On failure
    // nothing of it stays registered and its handle is released. A file
    // already loaded (same canonical path) is a no-op success.
    std::optional<LoadError> load(const std::filesystem::path& file);
    // Loads every *.so in each folder (sorted by name, not recursive); a
    // missing folder is skipped. A file already loaded (same canonical path)
    // is skipped silently, and a file reached twice in one call (a folder
    // listed twice, a symlinked folder) is tried once. Returns the failures;
    // the successes are registered.
    std::vector<LoadError> load_folders(const std::vector<std::filesystem::path>& folders);

    const std::vector<PluginRecord>& plugins() const { return plugins_; }
    bool has(Kind kind, const std::string& name) const;
    // Sorted names of one kind.
    std::vector<std::string> names(Kind kind) const;
    // Throws soma::Error: "unknown activation 'x' (did you mean ...); known: ..."
    const FeatureRecord& feature(Kind kind, const std::string& name) const;

    // Makes an object; params are resolved against the feature's specs
    // (defaults filled, ranges checked). Throws soma::Error on unknown names
    // or bad parameters.
    std::unique_ptr<Activation> make_activation(const std::string& name, const Params& params = {}) const;
    std::unique_ptr<Layer> make_layer(const std::string& name, const Params& params = {}) const;
    std::unique_ptr<Optimizer> make_optimizer(const std::string& name, const Params& params = {}) const;

private:
    class Collector;  // the Registrar given to register_features: stages features
    std::optional<LoadError> check_staged(const Collector& staged, const std::filesystem::path& file,
                                          const std::string& plugin) const;
    void commit(Collector& staged, std::shared_ptr<boost::dll::shared_library> library,
                PluginRecord record, const std::filesystem::path& canonical);

    // Members are destroyed in reverse declaration order, so libraries_ comes
    // FIRST and is destroyed LAST: the factories below are std::functions whose
    // code and destructors live inside those libraries, and the records hold
    // data the plugins built. Do not reorder.
    std::vector<std::shared_ptr<boost::dll::shared_library>> libraries_;
    std::set<std::filesystem::path> loaded_;  // canonical paths of the loaded libraries
    std::vector<PluginRecord> plugins_;
    std::map<std::pair<Kind, std::string>, FeatureRecord> features_;
    std::map<std::string, ActivationFactory> activation_factories_;
    std::map<std::string, LayerFactory> layer_factories_;
    std::map<std::string, OptimizerFactory> optimizer_factories_;
};

// The folders searched by default, in order: the build tree's plugin folder
// (only when the running executable lies inside that build tree), the folder
// <exe dir>/../lib/soma/plugins (a relocated install), the configured install
// folder, then each non-empty entry of SOMA_PLUGIN_PATH (colon-separated).
// Canonical paths, duplicates removed, missing folders left out. (folders.cpp)
std::vector<std::filesystem::path> default_plugin_folders();

}  // namespace soma
