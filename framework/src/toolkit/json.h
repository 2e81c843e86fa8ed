// JSON files through nlohmann::json, in soma's layout: keys in the order
// written, two-space indentation, numbers in their shortest exact form
// (util/number.h). JSON has no NaN or infinity: a non-finite number is
// written as null and null reads back as NaN (an infinite loss reads back
// as "no value", which is what the report shows for it anyway).
//
// A record (summary.json, sweep.json, bench.json) is defined once as a
// function template over its fields,
//
//   template <class Io, class R> void fields(Io& io, R& r) {
//       io.text("experiment", r.experiment);
//       io.fraction("test_accuracy", r.test_accuracy);
//       io.integer("epochs", r.epochs, 0, max_epochs);
//   }
//
// called with a JsonOut to write it and with a JsonIn to read it back: the
// keys, their order and their ranges are written in that one place. JsonIn
// checks every value as it reads it and throws soma::Error naming the file,
// the key and what was expected: "runs/a/summary.json: field "epochs":
// expected an integer in [0, 1000000], got -7".
#pragma once

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "util/error.h"
#include "util/name_table.h"

namespace soma {

using Json = nlohmann::ordered_json;

// The document as soma writes it, ending with a newline.
std::string json_text(const Json& value);

// Parses one document. A syntax error throws soma::Error
// "source:line:column: what nlohmann reports"; so does nesting deeper than
// 64 levels. Invalid UTF-8 in strings (an old file holding raw bytes of a
// log) is read with U+FFFD in its place.
Json parse_json(std::string_view text, const std::string& source);

// Reads and parses a file, refusing one larger than max_bytes before parsing
// (and a folder, or a device that never ends) with an error naming it.
Json read_json_file(const std::filesystem::path& file, std::uintmax_t max_bytes);

// How a field is treated beyond its type and range.
struct FieldRule {
    bool required = false;    // reading: a missing key is an error (else the value keeps its default)
    bool omit_empty = false;  // writing: left out while "" / 0 / empty
};
inline constexpr FieldRule required_field{true, false};
inline constexpr FieldRule omit_when_empty{false, true};

using TextPairs = std::vector<std::pair<std::string, std::string>>;

// Writes a record's fields into a JSON object, in call order.
class JsonOut {
public:
    Json json = Json::object();

    void text(const char* key, const std::string& v, FieldRule rule = {});
    template <class E, std::size_t N>
    void choice(const char* key, E v, const NameTable<E, N>& names, FieldRule = {}) {
        json[key] = std::string(names.name(v));
    }
    template <class T>
    void integer(const char* key, T v, std::int64_t = 0, std::int64_t = 0, FieldRule rule = {}) {
        if (!(rule.omit_empty && v == 0)) json[key] = v;
    }
    void number(const char* key, double v, double lo = -inf, double hi = inf);
    void fraction(const char* key, double v) { number(key, v); }
    void count(const char* key, double v, double) {
        json[key] = std::isfinite(v) ? Json(static_cast<std::int64_t>(v)) : Json(nullptr);
    }
    void texts(const char* key, const std::vector<std::string>& v) { json[key] = v; }
    void numbers(const char* key, const std::vector<double>& v, double lo = -inf, double hi = inf);
    void text_pairs(const char* key, const TextPairs& v);
    void count_matrix(const char* key, const std::vector<std::vector<double>>& v, std::size_t, double);
    // A list of sub-records, each written by fields(JsonOut&, const T&).
    template <class T, class Fields>
    void records(const char* key, const std::vector<T>& items, Fields fields, FieldRule = {}) {
        Json list = Json::array();
        for (const T& item : items) {
            JsonOut sub;
            fields(sub, item);
            list.push_back(std::move(sub.json));
        }
        json[key] = std::move(list);
    }
    // An object of finite numbers by name (a plugin's parameters).
    void named_numbers(const char* key, const std::map<std::string, double>& v);
    // One sub-record, written by fields(JsonOut&, const T&).
    template <class T, class Fields>
    void record(const char* key, const T& item, Fields fields, FieldRule = {}) {
        JsonOut sub;
        fields(sub, item);
        json[key] = std::move(sub.json);
    }
    // A check that holds for any record being written.
    void check(bool, const char*, const std::string&) {}
    void text_or(const char* key, const std::string& v, const std::string&) { text(key, v); }
    // A fixed explanation written beside the values (ignored when reading).
    void note(const char* key, const char* text) { json[key] = text; }
    // Writing: true (stop here) when the fields that follow have nothing to say.
    bool omit_rest(bool nothing_to_say) const { return nothing_to_say; }

    static constexpr double inf = std::numeric_limits<double>::infinity();
};

// Reads a record's fields from a JSON object, checking each.
class JsonIn {
public:
    // object must be a JSON object; where is its path in the file ("" for the top, "runs[3]").
    JsonIn(const Json& object, std::string source, std::string where = "");

    void text(const char* key, std::string& v, FieldRule rule = {});
    template <class E, std::size_t N>
    void choice(const char* key, E& v, const NameTable<E, N>& names, FieldRule rule = {}) {
        std::string name;
        text(key, name, rule);
        if (!find(key)) return;
        if (auto e = names.find(name)) v = *e;
        else fail(key, "expected one of " + join_names(names.names()) + ", got \"" + name + "\"");
    }
    template <class T>
    void integer(const char* key, T& v, std::int64_t lo = 0,
                 std::int64_t hi = std::numeric_limits<std::int32_t>::max(), FieldRule rule = {}) {
        if (const Json* j = present(key, rule)) v = static_cast<T>(integer_value(key, *j, lo, hi));
    }
    void number(const char* key, double& v, double lo = -inf, double hi = inf);
    void fraction(const char* key, double& v) { number(key, v, 0.0, 1.0); }
    // A whole number in [0, max] held in a double, or null (NaN).
    void count(const char* key, double& v, double max);
    void texts(const char* key, std::vector<std::string>& v);
    void numbers(const char* key, std::vector<double>& v, double lo = -inf, double hi = inf);
    void text_pairs(const char* key, TextPairs& v);
    // A square matrix of `size` rows (any size when 0) of integers in [0, max].
    void count_matrix(const char* key, std::vector<std::vector<double>>& v, std::size_t size, double max);
    template <class T, class Fields>
    void records(const char* key, std::vector<T>& items, Fields fields, FieldRule rule = {}) {
        const Json* list = present(key, rule);
        if (!list) return;
        if (!list->is_array()) fail(key, "expected a list, got " + describe(*list));
        items.clear();
        for (std::size_t i = 0; i < list->size(); ++i) {
            const std::string at = path(key) + "[" + std::to_string(i) + "]";
            if (!(*list)[i].is_object()) fail_at(at, "expected an object, got " + describe((*list)[i]));
            JsonIn sub((*list)[i], source_, at);
            T item;
            fields(sub, item);
            items.push_back(std::move(item));
        }
    }
    void named_numbers(const char* key, std::map<std::string, double>& v);
    template <class T, class Fields>
    void record(const char* key, T& item, Fields fields, FieldRule rule = {}) {
        const Json* j = present(key, rule);
        if (!j) return;
        if (!j->is_object()) fail(key, "expected an object, got " + describe(*j));
        JsonIn sub(*j, source_, path(key));
        fields(sub, item);
    }
    // A missing key reads as `fallback`.
    void text_or(const char* key, std::string& v, const std::string& fallback) {
        if (find(key)) text(key, v);
        else v = fallback;
    }
    void note(const char*, const char*) {}
    // Reading: every field is read (a missing one keeps its default).
    bool omit_rest(bool) const { return false; }
    // Refuses the record unless ok: "source: field "key": message".
    void check(bool ok, const char* key, const std::string& message) {
        if (!ok) fail(key, message);
    }

    const Json* find(const char* key) const;
    [[noreturn]] void fail(const char* key, const std::string& message) const { fail_at(path(key), message); }

    static constexpr double inf = std::numeric_limits<double>::infinity();

private:
    const Json* present(const char* key, FieldRule rule) const;
    std::int64_t integer_value(const char* key, const Json& j, std::int64_t lo, std::int64_t hi) const;
    std::string path(const char* key) const { return where_.empty() ? key : where_ + "." + key; }
    [[noreturn]] void fail_at(const std::string& path, const std::string& message) const;
    static std::string describe(const Json& j);
    static std::string join_names(const std::vector<std::string>& names);

    const Json& object_;
    std::string source_;
    std::string where_;
};

// A record's file text, and the record read back, through its fields
// function: fields(io, record), io a JsonOut or a JsonIn.
template <class R, class Fields>
std::string record_text(const R& record, Fields fields) {
    JsonOut out;
    fields(out, record);
    return json_text(out.json);
}

template <class R, class Fields>
R record_from_json(const Json& json, const std::string& source, Fields fields) {
    JsonIn in(json, source);
    R record;
    fields(in, record);
    return record;
}

template <class R, class Fields>
R parse_record(std::string_view text, const std::string& source, Fields fields) {
    return record_from_json<R>(parse_json(text, source), source, fields);
}

template <class R, class Fields>
R read_record(const std::filesystem::path& file, std::uintmax_t max_bytes, Fields fields) {
    return record_from_json<R>(read_json_file(file, max_bytes), file.string(), fields);
}

}  // namespace soma
