// default_plugin_folders() and the pure rule behind it (folders.h).
#include "plugin/folders.h"

#include <algorithm>
#include <cstdlib>
#include <system_error>

#include "plugin/registry.h"

namespace soma {

namespace fs = std::filesystem;

namespace {

// <build>/lib/soma/plugins -> <build>; a folder of another layout -> its parent.
fs::path build_root_of(const fs::path& plugin_dir) {
    fs::path p = plugin_dir.lexically_normal();
    if (!p.has_filename()) p = p.parent_path();  // drop a trailing slash
    if (p.filename() == "plugins" && p.parent_path().filename() == "soma" &&
        p.parent_path().parent_path().filename() == "lib")
        return p.parent_path().parent_path().parent_path();
    return p.parent_path();
}

std::vector<std::string> split_path_list(const std::string& list) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= list.size()) {
        std::size_t end = list.find(':', start);
        if (end == std::string::npos) end = list.size();
        if (end > start) out.push_back(list.substr(start, end - start));
        start = end + 1;
    }
    return out;
}

// Appends the canonical form of `folder` if it is an existing directory not yet listed.
void add_folder(std::vector<fs::path>& out, const fs::path& folder) {
    if (folder.empty()) return;
    std::error_code ec;
    if (!fs::is_directory(folder, ec)) return;
    fs::path canonical = fs::canonical(folder, ec);
    if (ec) return;
    if (std::find(out.begin(), out.end(), canonical) == out.end()) out.push_back(canonical);
}

}  // namespace

bool path_is_within(const fs::path& path, const fs::path& root) {
    std::error_code ec;
    fs::path p = fs::weakly_canonical(path, ec);
    if (ec) return false;
    fs::path r = fs::weakly_canonical(root, ec);
    if (ec || r.empty()) return false;
    if (!r.has_filename()) r = r.parent_path();
    return std::mismatch(r.begin(), r.end(), p.begin(), p.end()).first == r.end();
}

std::vector<fs::path> plugin_folders(const PluginFolderInputs& in) {
    std::vector<fs::path> out;
    if (!in.build_plugin_dir.empty() && !in.exe.empty() &&
        path_is_within(in.exe, build_root_of(in.build_plugin_dir)))
        add_folder(out, in.build_plugin_dir);
    if (!in.exe.empty()) add_folder(out, in.exe.parent_path() / ".." / "lib" / "soma" / "plugins");
    add_folder(out, in.install_plugin_dir);
    for (const auto& entry : split_path_list(in.plugin_path)) add_folder(out, entry);
    return out;
}

std::vector<fs::path> default_plugin_folders() {
    PluginFolderInputs in;
    std::error_code ec;
    in.exe = fs::read_symlink("/proc/self/exe", ec);
#ifdef SOMA_BUILD_PLUGIN_DIR
    in.build_plugin_dir = SOMA_BUILD_PLUGIN_DIR;
#endif
#ifdef SOMA_INSTALL_PLUGIN_DIR
    in.install_plugin_dir = SOMA_INSTALL_PLUGIN_DIR;
#endif
    if (const char* env = std::getenv("SOMA_PLUGIN_PATH")) in.plugin_path = env;
    return plugin_folders(in);
}

}  // namespace soma
