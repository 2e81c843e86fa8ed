// Where plugins come from: the rule for the default folders, as a pure
// function of its inputs so tests can check it without touching the real
// environment, and the user's permission for any other folder.
#pragma once

#include <filesystem>
#include <iosfwd>
#include <optional>
#include <set>
#include <string>
#include <system_error>
#include <vector>

namespace soma {

class Registry;
struct LoadError;

struct PluginFolderInputs {
    std::filesystem::path exe;                 // the running executable (/proc/self/exe)
    std::filesystem::path build_plugin_dir;    // <build>/lib/soma/plugins; empty: none
    std::filesystem::path install_plugin_dir;  // e.g. /usr/local/lib/soma/plugins; empty: none
    std::string plugin_path;                   // SOMA_PLUGIN_PATH, colon-separated
};

// In order: build_plugin_dir, only when exe lies inside that build tree (the
// folder three levels above it); <exe dir>/../lib/soma/plugins; the install
// folder; each non-empty entry of plugin_path. Canonical, existing folders
// only, each once (first position wins).
std::vector<std::filesystem::path> plugin_folders(const PluginFolderInputs& in);

// Whether `path` is `root` or lies below it, comparing whole components after
// resolving symlinks ("/a/build2/x" is not inside "/a/build").
bool path_is_within(const std::filesystem::path& path, const std::filesystem::path& root);

// The plugin libraries in a folder, as Registry::load_folders loads them: its
// *.so regular files (not recursive), sorted by name.
std::vector<std::filesystem::path> plugin_libraries(const std::filesystem::path& folder, std::error_code& ec);

// Loading code is the user's decision, never a file's. The libraries soma
// loads come from default_plugin_folders() (soma's own plugins, and
// SOMA_PLUGIN_PATH, which the user set) and from the folders a config names in
// [plugins] paths; such a folder is loaded only when it is a default folder
// or the user allowed it on the command line (--allow-plugins DIR). Before it
// opens a library from outside soma's own folders, soma says which and from
// where, once per folder.
class PluginPermission {
public:
    // Allows the default folders (read now: SOMA_PLUGIN_PATH, /proc/self/exe).
    PluginPermission();
    // Also allows `folder` (--allow-plugins); throws soma::Error when it is not a folder.
    void allow(const std::filesystem::path& folder);
    // The folders given to allow(), canonical: passed on to child processes.
    const std::vector<std::filesystem::path>& allowed() const { return allowed_; }
    // Why soma refuses to load `folder` (naming the exact flag that allows
    // it), or nothing when it may.
    std::optional<std::string> refusal(const std::filesystem::path& folder) const;
    // Loads an allowed folder into the registry (Registry::load_folders),
    // first telling `announce_to` which libraries come from where when the
    // folder is not one of soma's own. Returns the refused libraries.
    std::vector<LoadError> load(Registry& registry, const std::filesystem::path& folder) const;
    // load() for each of default_plugin_folders().
    std::vector<LoadError> load_defaults(Registry& registry) const;

    std::ostream* announce_to = nullptr;  // where "loading plugins from ..." goes; nullptr: nowhere

private:
    std::vector<std::filesystem::path> defaults_;  // default_plugin_folders()
    std::vector<std::filesystem::path> builtin_;   // the defaults without SOMA_PLUGIN_PATH
    std::vector<std::filesystem::path> allowed_;   // --allow-plugins
    mutable std::set<std::filesystem::path> announced_;
};

}  // namespace soma
