// Parsing --set overrides and setting values at dotted paths.
#include "config/overrides.h"

#include <algorithm>
#include <cctype>
#include <filesystem>

#include "config/schema.h"

namespace soma {

namespace {

bool is_bare_key(const std::string& s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '_' || c == '-';
    });
}

std::string trim(const std::string& s) {
    const auto b = s.find_first_not_of(" \t");
    if (b == std::string::npos) return "";
    return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

// Words a user means as strings: model.activation=relu, data.dataset=fashion-mnist.
bool is_bare_word(const std::string& s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '_' || c == '-' || c == '.' || c == '/' || c == '+';
    });
}

}  // namespace

Override parse_override(const std::string& text) {
    Override out;
    out.text = text;
    const SourcePos pos{"<--set " + text + ">"};
    const auto eq = text.find('=');
    if (eq == std::string::npos)
        throw ConfigError(pos, "expected PATH=VALUE, e.g. training.epochs=3 or model.activation=\"relu\"");
    const std::string path = trim(text.substr(0, eq));
    const std::string rhs = trim(text.substr(eq + 1));
    out.path = split_dotted(path);
    for (const std::string& key : out.path)
        if (!is_bare_key(key))
            throw ConfigError(pos, "expected a dotted path of keys before '=' (letters, digits, _ and -), got '" +
                                       path + "'");
    if (rhs.empty()) throw ConfigError(pos, "missing value after '='");

    const auto cwd = std::filesystem::current_path();
    Node doc;
    try {
        doc = parse_toml("v = " + rhs, pos.file, cwd);
    } catch (const ConfigError& e) {
        if (!is_bare_word(rhs)) throw ConfigError(pos, "invalid TOML value '" + rhs + "': " + e.reason);
        Node word;
        word.type = Node::Type::string;
        word.string = rhs;
        word.dir = cwd;
        doc.set("v", std::move(word));
    }
    if (doc.entries.size() != 1 || doc.entries[0].first != "v")
        throw ConfigError(pos, "expected a single TOML value after '=', got '" + rhs + "'");
    out.value = std::move(doc.entries[0].second);
    set_position(out.value, pos);  // relative paths in it resolve against the working directory
    return out;
}

void set_at_path(Node& root, const std::vector<std::string>& path, Node value) {
    Node* table = &root;
    std::string at;
    for (std::size_t i = 0; i + 1 < path.size(); ++i) {
        at = at.empty() ? path[i] : at + "." + path[i];
        Node* next = table->find(path[i]);
        if (!next) {
            Node created;
            created.pos = value.key_pos;
            created.key_pos = value.key_pos;
            created.dir = value.dir;
            next = &table->set(path[i], std::move(created));
        } else if (!next->is_table()) {
            throw ConfigError(value.key_pos, "cannot set " + dotted(path) + ": " + at + " is " +
                                                 type_name(next->type) + " (" + next->pos.str() +
                                                 "), not a table");
        }
        table = next;
    }
    std::vector<std::string> parent(path.begin(), path.end() - 1);
    for (const auto& d : displaced_keys(dotted(parent), path.back())) table->erase(d);
    table->set(path.back(), std::move(value));
}

std::vector<Override> apply_overrides(Node& root, const std::vector<std::string>& overrides) {
    std::vector<Override> out;
    for (const auto& text : overrides) {
        Override o = parse_override(text);
        if (o.path[0] == "sweep")
            throw ConfigError(o.value.pos, "--set changes the experiment, not [sweep]; edit the sweep file");
        if (o.path[0] == "include" || (o.path.size() == 2 && o.path[0] == "experiment" && o.path[1] == "include"))
            throw ConfigError(o.value.pos, "includes are read from files only, not from --set");
        set_at_path(root, o.path, o.value);
        out.push_back(std::move(o));
    }
    return out;
}

}  // namespace soma
