// The rule for where plugins are looked for by default, as a pure function of
// its inputs so tests can check it without touching the real environment.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace soma {

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

}  // namespace soma
