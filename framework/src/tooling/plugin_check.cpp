// check_plugin(): find or load the library, then run the checks of every
// feature it registered (check_activation.cpp, check_layer.cpp,
// check_optimizer.cpp) and collect them into a report.
#include "tooling/plugin_check.h"

#include <algorithm>
#include <set>
#include <sstream>
#include <system_error>

#include "plugin/registry.h"
#include "tooling/checks.h"
#include "util/names.h"

namespace soma {

namespace fs = std::filesystem;

namespace tooling {

CheckResult run_check(const std::string& name, const std::function<CheckResult()>& check) {
    CheckResult r;
    try {
        r = check();
    } catch (const std::exception& e) {
        r = {"", false, std::string("threw: ") + e.what()};
    } catch (...) {
        r = {"", false, "threw a non-standard exception"};
    }
    r.name = name;
    return r;
}

std::string num(double v) {
    std::ostringstream s;
    s.precision(4);
    s << v;
    return s.str();
}

const Registry* Support::find(Kind kind, const std::string& name) {
    if (main_.has(kind, name)) return &main_;
    if (!own_) own_ = std::make_unique<Registry>();
    if (own_->has(kind, name)) return own_.get();
    // Built-in plugins are named after their one feature: load only that file.
    for (const fs::path& folder : default_plugin_folders()) {
        std::error_code ec;
        const fs::path file = folder / (name + ".so");
        if (fs::is_regular_file(file, ec) && !own_->load(file) && own_->has(kind, name)) return own_.get();
    }
    return nullptr;
}

}  // namespace tooling

namespace {

using tooling::run_check;

fs::path canonical_or_absolute(const fs::path& p) {
    std::error_code ec;
    fs::path c = fs::canonical(p, ec);
    return ec ? fs::absolute(p).lexically_normal() : c;
}

std::string feature_list(const std::vector<std::pair<Kind, std::string>>& features) {
    std::vector<std::string> items;
    for (const auto& [kind, name] : features) items.push_back(std::string(kind_name(kind)) + " " + name);
    return items.empty() ? "no features" : join(items);
}

// Help text, the preferred initialisation of an activation, valid defaults.
CheckResult describes_itself(const FeatureRecord& f) {
    if (f.info.help.empty()) return {"", false, "no help text (FeatureInfo::help, shown by `soma plugins`)"};
    std::string detail = "\"" + f.info.help + "\"";
    if (f.kind == Kind::activation) {
        if (f.info.preferred_init != "xavier" && f.info.preferred_init != "he")
            return {"", false, "preferred_init is '" + f.info.preferred_init + "', expected \"xavier\" or \"he\""};
        detail += ", init " + f.info.preferred_init;
    }
    std::string params;
    const Params defaults = resolve_params(f.info.params, {});
    for (const auto& [key, value] : defaults.values())
        params += (params.empty() ? "" : ", ") + key + "=" + tooling::num(value);
    if (!params.empty()) detail += ", " + params;
    return {"", true, detail};
}

}  // namespace

bool looks_like_plugin_path(const std::string& s) {
    return s.find('/') != std::string::npos || (s.size() > 3 && s.compare(s.size() - 3, 3, ".so") == 0);
}

bool CheckReport::passed() const {
    return !checks.empty() && std::all_of(checks.begin(), checks.end(), [](const CheckResult& c) { return c.passed; });
}

std::string CheckReport::text() const {
    std::size_t width = 0;
    for (const CheckResult& c : checks) width = std::max(width, c.name.size());
    std::string out = "checking " + target + "\n";
    std::vector<std::string> failed;
    for (const CheckResult& c : checks) {
        out += (c.passed ? "PASS  " : "FAIL  ") + c.name + std::string(width - c.name.size() + 2, ' ') + c.detail;
        out.erase(out.find_last_not_of(' ') + 1);
        out += "\n";
        if (!c.passed) failed.push_back(c.name);
    }
    if (checks.empty()) return out + "verdict: FAIL (nothing was checked)\n";
    if (failed.empty()) return out + "verdict: PASS (" + std::to_string(checks.size()) + " checks)\n";
    return out + "verdict: FAIL (" + std::to_string(failed.size()) + " of " + std::to_string(checks.size()) +
           " checks failed: " + join(failed) + ")\n";
}

CheckReport check_plugin(const std::string& path_or_name, Registry& registry) {
    CheckReport report;
    report.target = path_or_name;
    std::vector<std::pair<Kind, std::string>> features;

    if (looks_like_plugin_path(path_or_name)) {
        const fs::path path = path_or_name;
        if (auto error = registry.load(path)) {
            report.checks.push_back({"loads", false, error->message});
            return report;
        }
        const fs::path canonical = canonical_or_absolute(path);
        const PluginRecord* record = nullptr;
        for (const PluginRecord& p : registry.plugins())
            if (canonical_or_absolute(p.path) == canonical) record = &p;
        if (!record) {  // cannot happen after a successful load; kept as a check, not a crash
            report.checks.push_back({"loads", false, path.string() + ": loaded, but the registry has no record of it"});
            return report;
        }
        features = record->features;
        report.checks.push_back({"loads", true,
                                 "plugin " + record->name + " " + record->version + ": " + feature_list(features)});
    } else {
        // A plugin (library) name first, then a feature name of any kind.
        const PluginRecord* record = nullptr;
        for (const PluginRecord& p : registry.plugins())
            if (p.name == path_or_name) record = &p;
        if (!record) {
            for (Kind kind : {Kind::activation, Kind::layer, Kind::optimizer})
                if (registry.has(kind, path_or_name)) features.emplace_back(kind, path_or_name);
            if (features.empty()) {
                std::set<std::string> known;
                for (const PluginRecord& p : registry.plugins()) known.insert(p.name);
                for (Kind kind : {Kind::activation, Kind::layer, Kind::optimizer})
                    for (const std::string& n : registry.names(kind)) known.insert(n);
                report.checks.push_back({"found", false,
                                         unknown_name_message("plugin", path_or_name,
                                                              std::vector<std::string>(known.begin(), known.end()))});
                return report;
            }
            const fs::path& library = registry.feature(features.front().first, path_or_name).path;
            for (const PluginRecord& p : registry.plugins())
                if (p.path == library) record = &p;
        } else {
            features = record->features;
        }
        report.checks.push_back({"found", true,
                                 record ? "plugin " + record->name + " " + record->version + " (" +
                                              record->path.string() + "): " + feature_list(features)
                                        : feature_list(features)});
    }

    if (features.empty()) {
        report.checks.push_back({"features", false, "the plugin registers no activation, layer or optimizer"});
        return report;
    }
    tooling::Support support(registry);
    for (const auto& [kind, name] : features) {
        const FeatureRecord& f = registry.feature(kind, name);
        report.checks.push_back(run_check(std::string(kind_name(kind)) + " " + name + ": description",
                                          [&] { return describes_itself(f); }));
        switch (kind) {
            case Kind::activation: tooling::check_activation(registry, name, support, report.checks); break;
            case Kind::layer: tooling::check_layer(registry, name, support, report.checks); break;
            case Kind::optimizer: tooling::check_optimizer(registry, name, report.checks); break;
        }
    }
    return report;
}

}  // namespace soma
