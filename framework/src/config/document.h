// The config document as the loader works on it: a TOML tree that keeps the
// position of every value and key. toml++ drops positions when a node is
// copied, and merging includes, --set and sweep expansion all copy.
#pragma once

#include <cstddef>
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

    // Declared here, defined where Node is complete: a table's entries are
    // pairs holding Node, and clang (with libstdc++) cannot check whether
    // such a pair is default-constructible inside Node's own definition.
    Node();
    ~Node();
    Node(const Node&);
    Node(Node&&) noexcept;
    Node& operator=(const Node&);
    Node& operator=(Node&&) noexcept;

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

// What one config file may hold. Far above any real experiment, low enough
// that a hostile or broken file cannot exhaust the stack or the memory.
inline constexpr int kMaxConfigDepth = 32;                // tables and lists inside one another
inline constexpr std::size_t kMaxConfigBytes = 1 << 20;   // one file: 1 MiB
inline constexpr std::size_t kMaxListItems = 100000;      // one list (a sweep may list this many runs)

// "a table", "a list", "a string", "an integer", "a float", "a boolean", "a date/time"
std::string type_name(Node::Type type);

// Parses TOML text. `display` names the source in positions; `dir` is where
// relative paths written in it resolve. Syntax errors throw ConfigError, and
// so does nesting deeper than kMaxConfigDepth (keys are checked by
// check_key_depth before toml++ parses) or a list longer than kMaxListItems.
Node parse_toml(std::string_view text, const std::string& display, const std::filesystem::path& dir);

// Refuses (ConfigError at the key) a dotted key or table header of more than
// kMaxConfigDepth parts. parse_toml calls it first; anything else that hands
// config text to toml++ must too: toml++ builds and later walks one table per
// part recursively, and a header of 300,000 parts overflows the stack inside
// toml::parse. (Inline tables and lists toml++ bounds itself, at 256 levels.)
void check_key_depth(std::string_view text, const std::string& display);

// The text of a config file: only a regular file (a device such as /dev/zero
// or a pipe may never end), at most kMaxConfigBytes. Errors as read_toml_file.
std::string read_config_text(const std::filesystem::path& file, const SourcePos* where = nullptr);

// Reads and parses one file (includes are not followed here). A missing or
// unreadable file, a folder, a device or pipe (only regular files are read)
// and a file over kMaxConfigBytes throw ConfigError at `where` when given
// (the include that names it), else at the file itself. `bytes`, when
// given, receives the file's size.
Node read_toml_file(const std::filesystem::path& file, const SourcePos* where = nullptr,
                    std::size_t* bytes = nullptr);

// How a file is named in messages: the path as given, normalized.
std::string display_path(const std::filesystem::path& file);

// Gives node and everything inside it the same position (values from --set).
void set_position(Node& node, const SourcePos& pos);

}  // namespace soma
