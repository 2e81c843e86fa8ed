// TOML text formatting for the writer, sweep assignments and run ids.
#include "config/toml_text.h"

#include "util/quote.h"

namespace soma {

std::string toml_quote(std::string_view s) { return quote_escaped(s); }

std::string toml_key(std::string_view key) {
    bool bare = !key.empty();
    for (unsigned char c : key)
        bare = bare && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                        c == '-');
    return bare ? std::string(key) : toml_quote(key);
}

std::string toml_float(double v) {
    std::string s = shortest_number(v);
    if (s.find_first_of(".eIn") == std::string::npos) s += ".0";  // I/n: inf, nan
    return s;
}

std::string toml_text(const Node& value) {
    switch (value.type) {
        case Node::Type::string: return toml_quote(value.string);
        case Node::Type::integer: return std::to_string(value.integer);
        case Node::Type::floating: return toml_float(value.floating);
        case Node::Type::boolean: return value.boolean ? "true" : "false";
        case Node::Type::datetime: return value.string;
        case Node::Type::array: {
            std::string out = "[";
            for (std::size_t i = 0; i < value.items.size(); ++i)
                out += (i ? ", " : "") + toml_text(value.items[i]);
            return out + "]";
        }
        case Node::Type::table: {
            if (value.entries.empty()) return "{}";
            std::string out = "{ ";
            for (std::size_t i = 0; i < value.entries.size(); ++i)
                out += (i ? ", " : "") + toml_key(value.entries[i].first) + " = " + toml_text(value.entries[i].second);
            return out + " }";
        }
    }
    return "";
}

}  // namespace soma
