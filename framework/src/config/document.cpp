// Conversion of toml++ documents into the positioned config tree.
#include "config/document.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <toml++/toml.h>

namespace soma {

namespace {

SourcePos position(const toml::source_region& region, const std::string& display) {
    return {display, static_cast<int>(region.begin.line), static_cast<int>(region.begin.column)};
}

Node convert(const toml::node& in, const std::string& display, const std::filesystem::path& dir) {
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
                Node child = convert(*v, display, dir);
                child.key_pos = position(k->source(), display);
                out.entries.emplace_back(std::string(k->str()), std::move(child));
            }
            break;
        }
        case toml::node_type::array:
            out.type = Node::Type::array;
            for (const auto& item : *in.as_array()) out.items.push_back(convert(item, display, dir));
            break;
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

Node parse_toml(std::string_view text, const std::string& display, const std::filesystem::path& dir) {
    try {
        toml::table table = toml::parse(text, display);
        Node root = convert(table, display, dir);
        root.pos = {display, 0, 0};  // the document as a whole
        return root;
    } catch (const toml::parse_error& e) {
        throw ConfigError(position(e.source(), display), "TOML syntax error: " + std::string(e.description()));
    }
}

std::string display_path(const std::filesystem::path& file) {
    return file.lexically_normal().string();
}

Node read_toml_file(const std::filesystem::path& file, const SourcePos* where) {
    const std::string display = display_path(file);
    std::ifstream in(file, std::ios::binary);
    if (!in || std::filesystem::is_directory(file)) {
        const std::string why = std::filesystem::is_directory(file) ? "is a folder" : std::strerror(errno);
        if (where) throw ConfigError(*where, "cannot read included file '" + display + "': " + why);
        throw ConfigError({display}, std::string("cannot read: ") + why);
    }
    std::ostringstream text;
    text << in.rdbuf();
    const std::filesystem::path dir = std::filesystem::absolute(file).lexically_normal().parent_path();
    return parse_toml(text.str(), display, dir);
}

void set_position(Node& node, const SourcePos& pos) {
    node.pos = pos;
    node.key_pos = pos;
    for (auto& [k, v] : node.entries) set_position(v, pos);
    for (auto& item : node.items) set_position(item, pos);
}

}  // namespace soma
