// Include resolution and the table merge it is built on.
#include "config/include.h"

#include <system_error>
#include <vector>

#include "config/schema.h"

namespace soma {

namespace {

struct IncludeRef {
    std::filesystem::path path;  // resolved against the naming file's folder
    SourcePos pos;               // where it is written
};

// Takes the include list out of one table (top level or [experiment]).
void take_includes(Node& table, const std::string& label, std::vector<IncludeRef>& out) {
    Node* list = table.find("include");
    if (!list) return;
    auto add = [&](const Node& item) {
        if (item.type != Node::Type::string)
            throw ConfigError(item.pos, label + ": expected a file path (a string), got " + type_name(item.type));
        out.push_back({item.dir / item.string, item.pos});
    };
    if (list->type == Node::Type::string) {
        add(*list);
    } else if (list->type == Node::Type::array) {
        for (const auto& item : list->items) add(item);
    } else {
        throw ConfigError(list->pos, label + ": expected a list of file paths, got " + type_name(list->type));
    }
    table.erase("include");
}

// The identity of a file for cycle detection.
std::filesystem::path identity(const std::filesystem::path& file) {
    std::error_code ec;
    auto canonical = std::filesystem::weakly_canonical(file, ec);
    return ec ? std::filesystem::absolute(file).lexically_normal() : canonical;
}

Node read_with_includes(const std::filesystem::path& file, const SourcePos* where,
                        std::vector<std::filesystem::path>& stack, std::vector<std::string>& names) {
    const auto id = identity(file);
    for (std::size_t i = 0; i < stack.size(); ++i) {
        if (stack[i] != id) continue;
        std::string chain;
        for (std::size_t j = i; j < names.size(); ++j) chain += names[j] + " -> ";
        chain += display_path(file);
        throw ConfigError(*where, "include cycle: " + chain);
    }
    Node own = read_toml_file(file, where);

    std::vector<IncludeRef> includes;
    take_includes(own, "include", includes);
    if (Node* experiment = own.find("experiment"); experiment && experiment->is_table())
        take_includes(*experiment, "experiment.include", includes);
    if (includes.empty()) return own;

    stack.push_back(id);
    names.push_back(display_path(file));
    Node merged;
    merged.pos = own.pos;
    merged.dir = own.dir;
    for (const auto& inc : includes) merge_into(merged, read_with_includes(inc.path, &inc.pos, stack, names));
    stack.pop_back();
    names.pop_back();
    merge_into(merged, std::move(own));
    return merged;
}

}  // namespace

void merge_into(Node& base, Node over, const std::string& path) {
    if (!base.is_table() || !over.is_table()) {
        base = std::move(over);
        return;
    }
    for (auto& [key, value] : over.entries) {
        for (const auto& d : displaced_keys(path, key)) base.erase(d);
        Node* existing = base.find(key);
        if (existing && existing->is_table() && value.is_table()) {
            const SourcePos key_pos = value.key_pos;
            merge_into(*existing, std::move(value), path.empty() ? key : path + "." + key);
            existing->key_pos = key_pos;  // the winner's key is where the table is named now
        } else {
            base.set(key, std::move(value));
        }
    }
    base.pos = over.pos;
    base.dir = over.dir;
}

Node read_document(const std::filesystem::path& file) {
    std::vector<std::filesystem::path> stack;
    std::vector<std::string> names;
    return read_with_includes(file, nullptr, stack, names);
}

}  // namespace soma

