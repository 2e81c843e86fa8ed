// A small strict JSON reader (RFC 8259) for the files soma writes itself:
// summary.json and sweep.json. Errors name the source and line:column.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace soma {

class JsonValue {
public:
    enum class Type { null, boolean, number, string, array, object };

    Type type = Type::null;
    bool boolean = false;
    double number = 0.0;
    std::string string;
    std::vector<JsonValue> items;                             // an array's
    std::vector<std::pair<std::string, JsonValue>> members;   // an object's, in file order

    bool is_null() const { return type == Type::null; }
    bool is_number() const { return type == Type::number; }
    bool is_string() const { return type == Type::string; }
    bool is_array() const { return type == Type::array; }
    bool is_object() const { return type == Type::object; }

    // The member named key (the last one if repeated), or nullptr.
    const JsonValue* find(std::string_view key) const;
};

// Parses one JSON document. `source` names it in errors:
// "runs/a/summary.json:3:14: expected ',' or '}' in object".
JsonValue parse_json(std::string_view text, const std::string& source);

// Reads and parses a file; a missing file is an error naming it.
JsonValue read_json_file(const std::filesystem::path& file);

}  // namespace soma
