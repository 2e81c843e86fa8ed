// The config document as the loader works on it: a TOML tree that keeps the
// position of every value and key. toml++ drops positions when a node is
// copied, and merging includes, --set and sweep expansion all copy.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/config_error.h"

namespace soma {

struct Node {
    enum class Type { table, array, string, integer, floating, boolean, datetime };

    Type type = Type::table;
    std::string string;  // a string's value; a date/time as its TOML text
    std::int64_t integer = 0;
    double floating = 0.0;
    bool boolean = false;
    std::vector<std::pair<std::string, Node>> entries;  // a table's, in source order
    std::vector<Node> items;                            // an array's
    SourcePos pos;              // where the value is written
    SourcePos key_pos;          // where its key is written (for table entries)
    std::filesystem::path dir;  // folder relative paths in the value resolve against

    bool is_table() const { return type == Type::table; }
    bool is_number() const { return type == Type::integer || type == Type::floating; }
    double number() const { return type == Type::integer ? static_cast<double>(integer) : floating; }

    const Node* find(std::string_view key) const;
    Node* find(std::string_view key);
    // Adds key at the end, or replaces its value in place (keeping its order).
    Node& set(const std::string& key, Node value);
    bool erase(std::string_view key);
    std::vector<std::string> keys() const;
};

// "a table", "a list", "a string", "an integer", "a float", "a boolean", "a date/time"
std::string type_name(Node::Type type);

// Parses TOML text. `display` names the source in positions; `dir` is where
// relative paths written in it resolve. Syntax errors throw ConfigError.
Node parse_toml(std::string_view text, const std::string& display, const std::filesystem::path& dir);

// Reads and parses one file (includes are not followed here). A missing or
// unreadable file throws ConfigError at `where` when given (the include that
// names it), else at the file itself.
Node read_toml_file(const std::filesystem::path& file, const SourcePos* where = nullptr);

// How a file is named in messages: the path as given, normalized.
std::string display_path(const std::filesystem::path& file);

// Gives node and everything inside it the same position (values from --set).
void set_position(Node& node, const SourcePos& pos);

}  // namespace soma
