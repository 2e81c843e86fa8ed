// default_plugin_folders(), the pure rule behind it, and PluginPermission (folders.h).
#include "plugin/folders.h"

#include <algorithm>
#include <cstdlib>
#include <ostream>
#include <system_error>

#include "plugin/registry.h"
#include "util/error.h"
#include "util/names.h"
#include "util/quote.h"
#include "util/sanitize.h"

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

// The inputs of plugin_folders() for this process.
PluginFolderInputs current_inputs() {
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
    return in;
}

fs::path canonical_or_empty(const fs::path& p) {
    std::error_code ec;
    fs::path c = fs::canonical(p, ec);
    return ec ? fs::path() : c;
}

bool contains(const std::vector<fs::path>& list, const fs::path& p) {
    return std::find(list.begin(), list.end(), p) != list.end();
}

// A folder as the user would type it: relative to the working directory when
// it lies below it, else absolute.
std::string as_typed(const fs::path& folder) {
    std::error_code ec;
    const fs::path cwd = fs::current_path(ec);
    if (!ec && path_is_within(folder, cwd)) {
        const fs::path rel = folder.lexically_proximate(cwd);
        if (!rel.empty() && rel != ".") return rel.string();
    }
    return folder.string();
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

std::vector<fs::path> default_plugin_folders() { return plugin_folders(current_inputs()); }

std::vector<fs::path> plugin_libraries(const fs::path& folder, std::error_code& ec) {
    std::vector<fs::path> files;
    for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
        const fs::path& p = it->path();
        std::error_code type_ec;
        if (p.extension() == ".so" && it->is_regular_file(type_ec)) files.push_back(p);
    }
    std::sort(files.begin(), files.end());
    return files;
}

PluginPermission::PluginPermission() {
    PluginFolderInputs in = current_inputs();
    defaults_ = plugin_folders(in);
    in.plugin_path.clear();
    builtin_ = plugin_folders(in);
}

void PluginPermission::allow(const fs::path& folder) {
    std::error_code ec;
    if (!fs::is_directory(folder, ec))
        throw Error("--allow-plugins " + folder.string() + ": not a folder");
    const fs::path c = canonical_or_empty(folder);
    if (!c.empty() && !contains(allowed_, c)) allowed_.push_back(c);
}

std::optional<std::string> PluginPermission::refusal(const fs::path& folder) const {
    const fs::path c = canonical_or_empty(folder);
    if (!c.empty() && (contains(defaults_, c) || contains(allowed_, c))) return std::nullopt;
    const std::string shown = as_typed(c.empty() ? folder : c);
    return "plugin folder " + shown +
           " is named by the config but not allowed: soma loads code only from its own plugin folders, "
           "SOMA_PLUGIN_PATH and folders you allow on the command line; to load it, add --allow-plugins " +
           shell_quote(shown);
}

std::vector<LoadError> PluginPermission::load(Registry& registry, const fs::path& folder) const {
    const fs::path c = canonical_or_empty(folder);
    if (announce_to && !c.empty() && !contains(builtin_, c) && announced_.insert(c).second) {
        std::error_code ec;
        std::vector<std::string> names;
        for (const fs::path& f : plugin_libraries(c, ec)) names.push_back(f.filename().string());
        if (!names.empty())
            *announce_to << "soma: loading plugins from " << terminal_safe(as_typed(c)) << ": "
                         << terminal_safe(join(names)) << "\n";
    }
    return registry.load_folders({folder});
}

std::vector<LoadError> PluginPermission::load_defaults(Registry& registry) const {
    std::vector<LoadError> errors;
    for (const fs::path& folder : defaults_)
        for (LoadError& e : load(registry, folder)) errors.push_back(std::move(e));
    return errors;
}

}  // namespace soma
