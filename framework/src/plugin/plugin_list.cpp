// format_plugin_table: the aligned listing printed by `soma plugins`.
#include "plugin/plugin_list.h"

#include <algorithm>
#include <array>
#include <vector>

#include "util/number.h"

namespace soma {

namespace {

using Row = std::array<std::string, 6>;

std::string format_params(const std::vector<ParamSpec>& specs) {
    if (specs.empty()) return "-";
    std::string out;
    for (const auto& s : specs) {
        if (!out.empty()) out += ",";
        out += s.name + "=" + shortest_number(s.default_value);
    }
    return out;
}

std::string plugin_version(const Registry& registry, const FeatureRecord& f) {
    for (const auto& p : registry.plugins())
        if (p.path == f.path) return p.version;
    return "?";
}

// Pads every column but the last to its widest cell, two spaces apart.
std::string render(const std::vector<Row>& rows) {
    std::array<std::size_t, std::tuple_size_v<Row>> width{};
    for (const auto& row : rows)
        for (std::size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], row[c].size());
    std::string out;
    for (const auto& row : rows) {
        std::string line;
        for (std::size_t c = 0; c < row.size(); ++c) {
            line += row[c];
            if (c + 1 < row.size()) line += std::string(width[c] - row[c].size() + 2, ' ');
        }
        line.erase(line.find_last_not_of(' ') + 1);
        out += line + "\n";
    }
    return out;
}

}  // namespace

std::string format_plugin_table(const Registry& registry) {
    std::vector<Row> rows{{"KIND", "NAME", "VERSION", "PARAMETERS", "FILE", "DESCRIPTION"}};
    for (Kind kind : {Kind::activation, Kind::layer, Kind::optimizer}) {
        for (const auto& name : registry.names(kind)) {
            const FeatureRecord& f = registry.feature(kind, name);
            rows.push_back({kind_name(kind), name, plugin_version(registry, f), format_params(f.info.params),
                            f.path.string(), f.info.help});
        }
    }
    return render(rows);
}

}  // namespace soma
