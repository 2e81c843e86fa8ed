// Conversion of toml++ documents into the positioned config tree.
#include "config/document.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <toml++/toml.h>

#include "util/bounded_read.h"

namespace soma {

namespace {

SourcePos position(const toml::source_region& region, const std::string& display) {
    return {display, static_cast<int>(region.begin.line), static_cast<int>(region.begin.column)};
}

// depth: how many tables and lists hold `in` (the document itself is 0).
// Bounded, so the recursion here and in everything that walks a Node later
// (merging, copying, writing) stays shallow.
Node convert(const toml::node& in, const std::string& display, const std::filesystem::path& dir, int depth) {
    if (depth > kMaxConfigDepth)
        throw ConfigError(position(in.source(), display),
                          "nested more than " + std::to_string(kMaxConfigDepth) +
                              " levels deep (tables and lists inside one another); soma reads at most " +
                              std::to_string(kMaxConfigDepth));
    Node out;
    out.pos = position(in.source(), display);
    out.dir = dir;
    switch (in.type()) {
        case toml::node_type::table: {
            out.type = Node::Type::table;
            const toml::table& t = *in.as_table();
            // toml++ keeps keys sorted; source order reads better in messages
            // and is the order sweep axes are expanded in.
            std::vector<std::pair<const toml::key*, const toml::node*>> kv;
            for (const auto& [k, v] : t) kv.emplace_back(&k, &v);
            std::stable_sort(kv.begin(), kv.end(), [](const auto& a, const auto& b) {
                const auto& pa = a.first->source().begin;
                const auto& pb = b.first->source().begin;
                return pa.line != pb.line ? pa.line < pb.line : pa.column < pb.column;
            });
            for (const auto& [k, v] : kv) {
                Node child = convert(*v, display, dir, depth + 1);
                child.key_pos = position(k->source(), display);
                out.entries.emplace_back(std::string(k->str()), std::move(child));
            }
            break;
        }
        case toml::node_type::array: {
            out.type = Node::Type::array;
            const toml::array& a = *in.as_array();
            if (a.size() > kMaxListItems)
                throw ConfigError(out.pos, "a list of " + std::to_string(a.size()) + " items; soma reads at most " +
                                               std::to_string(kMaxListItems));
            out.items.reserve(a.size());
            for (const auto& item : a) out.items.push_back(convert(item, display, dir, depth + 1));
            break;
        }
        case toml::node_type::string:
            out.type = Node::Type::string;
            out.string = in.as_string()->get();
            break;
        case toml::node_type::integer:
            out.type = Node::Type::integer;
            out.integer = in.as_integer()->get();
            break;
        case toml::node_type::floating_point:
            out.type = Node::Type::floating;
            out.floating = in.as_floating_point()->get();
            break;
        case toml::node_type::boolean:
            out.type = Node::Type::boolean;
            out.boolean = in.as_boolean()->get();
            break;
        default: {
            out.type = Node::Type::datetime;
            std::ostringstream s;
            in.visit([&](const auto& v) { s << v; });
            out.string = s.str();
            break;
        }
    }
    return out;
}

}  // namespace

Node::Node() = default;
Node::~Node() = default;
Node::Node(const Node&) = default;
Node::Node(Node&&) noexcept = default;
Node& Node::operator=(const Node&) = default;
Node& Node::operator=(Node&&) noexcept = default;

const Node* Node::find(std::string_view key) const {
    for (const auto& [k, v] : entries)
        if (k == key) return &v;
    return nullptr;
}

Node* Node::find(std::string_view key) {
    for (auto& [k, v] : entries)
        if (k == key) return &v;
    return nullptr;
}

Node& Node::set(const std::string& key, Node value) {
    if (Node* existing = find(key)) return *existing = std::move(value);
    entries.emplace_back(key, std::move(value));
    return entries.back().second;
}

bool Node::erase(std::string_view key) {
    auto it = std::find_if(entries.begin(), entries.end(), [&](const auto& e) { return e.first == key; });
    if (it == entries.end()) return false;
    entries.erase(it);
    return true;
}

std::vector<std::string> Node::keys() const {
    std::vector<std::string> out;
    for (const auto& e : entries) out.push_back(e.first);
    return out;
}

std::string type_name(Node::Type type) {
    switch (type) {
        case Node::Type::table: return "a table";
        case Node::Type::array: return "a list";
        case Node::Type::string: return "a string";
        case Node::Type::integer: return "an integer";
        case Node::Type::floating: return "a float";
        case Node::Type::boolean: return "a boolean";
        case Node::Type::datetime: return "a date/time";
    }
    return "?";
}

// A chain of dotted parts is a.b."c".d outside strings and comments. Every
// dotted key and table header is one; a value makes one of at most three
// parts (1.5, 1.5e3, a time's fraction), so this bounds the depth of keys and
// never refuses a value.
void check_key_depth(std::string_view text, const std::string& display) {
    int line = 1, column = 1;
    std::size_t i = 0;
    auto advance = [&] {
        const auto c = static_cast<unsigned char>(text[i++]);
        if (c == '\n') {
            ++line;
            column = 1;
        } else if ((c & 0xC0) != 0x80) {  // a UTF-8 continuation byte starts no new column
            ++column;
        }
    };
    auto at = [&](std::string_view s) { return text.substr(i, s.size()) == s; };
    // Skips the string that starts at i; `quote` is its delimiter: """, ''', " or '.
    auto skip_string = [&](std::string_view quote) {
        const bool escapes = quote[0] == '"';
        const bool multiline = quote.size() == 3;
        for (std::size_t k = 0; k < quote.size(); ++k) advance();
        while (i < text.size()) {
            if (escapes && text[i] == '\\') {
                advance();
                if (i < text.size()) advance();
            } else if (at(quote)) {
                for (std::size_t k = 0; k < quote.size(); ++k) advance();
                return;
            } else if (!multiline && text[i] == '\n') {
                return;  // unterminated: toml++ reports it
            } else {
                advance();
            }
        }
    };
    auto bare = [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    };
    int parts = 0;           // in the current chain
    bool after_dot = false;  // the chain's last token is a dot
    SourcePos start{display};
    auto part = [&] {
        if (!after_dot) {
            parts = 0;
            start = {display, line, column};
        }
        after_dot = false;
        if (++parts > kMaxConfigDepth)
            throw ConfigError(start, "a dotted key or table header of more than " + std::to_string(kMaxConfigDepth) +
                                         " parts; soma settings nest at most " + std::to_string(kMaxConfigDepth) +
                                         " levels deep");
    };
    auto end_chain = [&] {
        parts = 0;
        after_dot = false;
    };
    while (i < text.size()) {
        const char c = text[i];
        if (c == '#') {
            while (i < text.size() && text[i] != '\n') advance();
        } else if (at(R"(""")") || at("'''")) {
            skip_string(text.substr(i, 3));  // only ever a value
            end_chain();
        } else if (c == '"' || c == '\'') {
            part();
            skip_string(text.substr(i, 1));
        } else if (bare(c)) {
            part();
            while (i < text.size() && bare(text[i])) advance();
        } else if (c == '.' && parts > 0 && !after_dot) {
            after_dot = true;
            advance();
        } else if (c == ' ' || c == '\t') {
            advance();
        } else {
            end_chain();
            advance();
        }
    }
}

Node parse_toml(std::string_view text, const std::string& display, const std::filesystem::path& dir) {
    check_key_depth(text, display);
    try {
        toml::table table = toml::parse(text, display);
        Node root = convert(table, display, dir, 0);
        root.pos = {display, 0, 0};  // the document as a whole
        return root;
    } catch (const toml::parse_error& e) {
        throw ConfigError(position(e.source(), display), "TOML syntax error: " + std::string(e.description()));
    }
}

std::string display_path(const std::filesystem::path& file) {
    return file.lexically_normal().string();
}

std::string read_config_text(const std::filesystem::path& file, const SourcePos* where) {
    const std::string display = display_path(file);
    auto refuse = [&](const std::string& why) -> std::string {
        if (where) throw ConfigError(*where, "cannot read included file '" + display + "': " + why);
        throw ConfigError({display}, "cannot read: " + why);
    };
    const std::string limit = std::to_string(kMaxConfigBytes) + " bytes, the most a config file may have";
    std::error_code ec;
    const auto status = std::filesystem::status(file, ec);
    if (status.type() == std::filesystem::file_type::not_found) return refuse(std::strerror(ENOENT));
    if (ec) return refuse(ec.message());
    if (status.type() == std::filesystem::file_type::directory) return refuse("is a folder");
    // A device or pipe may never end (/dev/zero) or may block: only files are read.
    if (status.type() != std::filesystem::file_type::regular) return refuse("not a regular file");
    const auto size = std::filesystem::file_size(file, ec);
    if (ec) return refuse(ec.message());
    if (size > kMaxConfigBytes) return refuse("it has " + std::to_string(size) + " bytes, more than " + limit);
    std::ifstream in(file, std::ios::binary);
    if (!in) return refuse(std::strerror(errno));
    std::string text;
    text.reserve(static_cast<std::size_t>(size));
    // Bounded again: the file may have grown since.
    if (!read_at_most(in, kMaxConfigBytes, text)) return refuse("it has more than " + limit);
    if (in.bad()) return refuse(std::strerror(errno));
    return text;
}

Node read_toml_file(const std::filesystem::path& file, const SourcePos* where, std::size_t* bytes) {
    const std::string text = read_config_text(file, where);
    if (bytes) *bytes = text.size();
    const std::filesystem::path dir = std::filesystem::absolute(file).lexically_normal().parent_path();
    return parse_toml(text, display_path(file), dir);
}

void set_position(Node& node, const SourcePos& pos) {
    node.pos = pos;
    node.key_pos = pos;
    for (auto& [k, v] : node.entries) set_position(v, pos);
    for (auto& item : node.items) set_position(item, pos);
}

}  // namespace soma
