// Run id formatting.
#include "config/sweep_id.h"

#include "config/toml_text.h"
#include "util/names.h"

namespace soma {

namespace {

std::string tail(const std::vector<std::string>& path, std::size_t n) {
    n = std::min(n, path.size());
    return join(std::vector<std::string>(path.end() - static_cast<std::ptrdiff_t>(n), path.end()), ".");
}

}  // namespace

std::vector<std::string> axis_keys(const std::vector<std::vector<std::string>>& paths) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < paths.size(); ++i) {
        std::size_t n = 1;
        for (; n < paths[i].size(); ++n) {
            bool unique = true;
            for (std::size_t j = 0; j < paths.size(); ++j)
                unique = unique && (j == i || tail(paths[j], n) != tail(paths[i], n));
            if (unique) break;
        }
        out.push_back(tail(paths[i], n));
    }
    return out;
}

std::string value_id(const Node& value) {
    switch (value.type) {
        case Node::Type::string:
        case Node::Type::datetime: return value.string;
        case Node::Type::integer: return std::to_string(value.integer);
        case Node::Type::floating: return shortest_number(value.floating);
        case Node::Type::boolean: return value.boolean ? "true" : "false";
        case Node::Type::array: {
            std::string out;
            for (std::size_t i = 0; i < value.items.size(); ++i) out += (i ? "x" : "") + value_id(value.items[i]);
            return out;
        }
        case Node::Type::table: {
            std::string out;
            for (std::size_t i = 0; i < value.entries.size(); ++i)
                out += (i ? "_" : "") + value.entries[i].first + "-" + value_id(value.entries[i].second);
            return out;
        }
    }
    return "";
}

}  // namespace soma
