#include "toolkit/json.h"

#include <cmath>
#include <fstream>

#include "util/bounded_read.h"
#include "util/number.h"

namespace soma {

namespace {

std::string quoted(const std::string& s) {
    // nlohmann's escaping; bytes that are not UTF-8 become U+FFFD, so the file stays valid JSON.
    return Json(s).dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string scalar_text(const Json& v) {
    switch (v.type()) {
        case Json::value_t::number_float: {
            const double d = v.get<double>();
            return std::isfinite(d) ? shortest_number(d) : "null";
        }
        case Json::value_t::string: return quoted(v.get_ref<const std::string&>());
        default: return v.dump();  // null, booleans, integers
    }
}

void write_value(std::string& out, const Json& v, int depth) {
    const bool object = v.is_object();
    if (!object && !v.is_array()) {
        out += scalar_text(v);
        return;
    }
    if (v.empty()) {
        out += object ? "{}" : "[]";
        return;
    }
    out += object ? '{' : '[';
    bool first = true;
    const std::string indent(2 * static_cast<std::size_t>(depth + 1), ' ');
    for (auto it = v.begin(); it != v.end(); ++it) {
        out += first ? "\n" : ",\n";
        first = false;
        out += indent;
        if (object) out += quoted(it.key()) + ": ";
        write_value(out, it.value(), depth + 1);
    }
    out += '\n';
    out.append(2 * static_cast<std::size_t>(depth), ' ');
    out += object ? '}' : ']';
}

// Bytes that are not well-formed UTF-8 replaced by U+FFFD; text that is stays as it is.
std::string repair_utf8(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
        bool ok = n > 0 && i + n <= s.size() && !(c == 0xc0 || c == 0xc1 || c > 0xf4);
        for (std::size_t k = 1; ok && k < n; ++k) ok = (static_cast<unsigned char>(s[i + k]) & 0xc0) == 0x80;
        if (ok && n == 3) {  // no overlong forms, no surrogates
            const auto d = static_cast<unsigned char>(s[i + 1]);
            ok = !(c == 0xe0 && d < 0xa0) && !(c == 0xed && d >= 0xa0);
        }
        if (ok && n == 4) {
            const auto d = static_cast<unsigned char>(s[i + 1]);
            ok = !(c == 0xf0 && d < 0x90) && !(c == 0xf4 && d >= 0x90);
        }
        if (ok) {
            out.append(s.substr(i, n));
            i += n;
        } else {
            out += "\xef\xbf\xbd";
            ++i;
        }
    }
    return out;
}

// nlohmann's message without its "[json.exception.parse_error.101] parse
// error at line 1, column 2: " prefix (the position is given as line:column).
std::string parse_message(const std::string& what) {
    const std::size_t at = what.find("parse error");
    const std::size_t colon = at == std::string::npos ? std::string::npos : what.find(": ", at);
    if (colon != std::string::npos) return what.substr(colon + 2);
    const std::size_t bracket = what.find("] ");
    return bracket == std::string::npos ? what : what.substr(bracket + 2);
}

std::string position(std::string_view text, std::size_t byte) {
    // byte: 1-based, the last character read; 0 before any.
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i + 1 < byte && i < text.size(); ++i) {
        if (text[i] == '\n') ++line, column = 1;
        else ++column;
    }
    return std::to_string(line) + ":" + std::to_string(column);
}

std::string range_text(double lo, double hi) {
    if (std::isinf(lo) && std::isinf(hi)) return "a number";
    if (std::isinf(hi)) return "a number >= " + shortest_number(lo);
    if (std::isinf(lo)) return "a number <= " + shortest_number(hi);
    return "a number in [" + shortest_number(lo) + ", " + shortest_number(hi) + "]";
}

// soma's records nest a few levels; a document nesting deeper is refused
// before parsing, so no tree is deep enough to overflow the stack when
// nlohmann copies, compares or prints it (those recurse).
constexpr int max_depth = 64;

void check_depth(std::string_view text, const std::string& source) {
    int depth = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (c == '\\') ++i;
            else if (c == '"') in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > max_depth)
                throw Error(source + ":" + position(text, i + 1) + ": nesting deeper than " +
                            std::to_string(max_depth) + " levels");
        } else if (c == ']' || c == '}') {
            --depth;
        }
    }
}

}  // namespace

std::string json_text(const Json& value) {
    std::string out;
    write_value(out, value, 0);
    return out + "\n";
}

Json parse_json(std::string_view text, const std::string& source) {
    check_depth(text, source);
    try {
        return Json::parse(text);
    } catch (const Json::parse_error& e) {
        const std::string message = e.what();
        if (message.find("UTF-8") != std::string::npos) {
            const std::string repaired = repair_utf8(text);
            if (repaired != text) return parse_json(repaired, source);
        }
        throw Error(source + ":" + position(text, e.byte) + ": " + parse_message(message));
    } catch (const Json::exception& e) {  // out_of_range: a number too large for a double
        throw Error(source + ": " + parse_message(e.what()));
    }
}

Json read_json_file(const std::filesystem::path& file, std::uintmax_t max_bytes) {
    std::error_code ec;
    if (std::filesystem::is_directory(file, ec)) throw Error(file.string() + ": is a folder, not a JSON file");
    std::ifstream in(file, std::ios::binary);
    if (!in) throw Error(file.string() + ": cannot open");
    // Stops past the limit: a device that never ends stops here too.
    std::string text;
    if (!read_at_most(in, max_bytes, text))
        throw Error(file.string() + ": larger than " + std::to_string(max_bytes) +
                    " bytes, more than this file can hold; not read");
    return parse_json(text, file.string());
}

// ---- writing ----

void JsonOut::text(const char* key, const std::string& v, FieldRule rule) {
    if (!(rule.omit_empty && v.empty())) json[key] = v;
}

void JsonOut::number(const char* key, double v, double, double) {
    json[key] = std::isfinite(v) ? Json(v) : Json(nullptr);
}

void JsonOut::numbers(const char* key, const std::vector<double>& v, double, double) {
    Json list = Json::array();
    for (double x : v) list.push_back(std::isfinite(x) ? Json(x) : Json(nullptr));
    json[key] = std::move(list);
}

void JsonOut::text_pairs(const char* key, const TextPairs& v) {
    Json object = Json::object();
    for (const auto& [k, value] : v) object[k] = value;
    json[key] = std::move(object);
}

void JsonOut::named_numbers(const char* key, const std::map<std::string, double>& v) {
    Json object = Json::object();
    for (const auto& [name, value] : v) object[name] = value;
    json[key] = std::move(object);
}

void JsonOut::count_matrix(const char* key, const std::vector<std::vector<double>>& v, std::size_t, double) {
    Json rows = Json::array();
    for (const auto& row : v) {
        Json r = Json::array();
        for (double x : row) r.push_back(static_cast<std::int64_t>(x));
        rows.push_back(std::move(r));
    }
    json[key] = std::move(rows);
}

// ---- reading ----

JsonIn::JsonIn(const Json& object, std::string source, std::string where)
    : object_(object), source_(std::move(source)), where_(std::move(where)) {
    if (!object_.is_object())
        throw Error(source_ + ": " + (where_.empty() ? std::string("expected a JSON object") : where_ + ": expected an object") +
                    ", got " + describe(object_));
}

const Json* JsonIn::find(const char* key) const {
    const auto it = object_.find(key);
    return it == object_.end() ? nullptr : &*it;
}

const Json* JsonIn::present(const char* key, FieldRule rule) const {
    const Json* j = find(key);
    if (!j && rule.required) throw Error(source_ + ": missing field \"" + path(key) + "\"");
    return j;
}

void JsonIn::fail_at(const std::string& p, const std::string& message) const {
    throw Error(source_ + ": field \"" + p + "\": " + message);
}

std::string JsonIn::describe(const Json& j) {
    switch (j.type()) {
        case Json::value_t::object: return "an object";
        case Json::value_t::array: return "a list";
        case Json::value_t::string: {
            const std::string& s = j.get_ref<const std::string&>();
            return s.size() > 40 ? quoted(s.substr(0, 40)) + "..." : quoted(s);
        }
        case Json::value_t::number_float: return shortest_number(j.get<double>());
        default: return j.dump();  // null, true, false, integers
    }
}

std::string JsonIn::join_names(const std::vector<std::string>& names) {
    std::string out;
    for (std::size_t i = 0; i < names.size(); ++i) out += (i ? ", " : "") + names[i];
    return out;
}

void JsonIn::text(const char* key, std::string& v, FieldRule rule) {
    const Json* j = present(key, rule);
    if (!j) return;
    if (j->is_null()) v.clear();
    else if (j->is_string()) v = j->get<std::string>();
    else fail(key, "expected a string, got " + describe(*j));
}

std::int64_t JsonIn::integer_value(const char* key, const Json& j, std::int64_t lo, std::int64_t hi) const {
    const std::string expected =
        "expected an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "], got " + describe(j);
    if (j.is_number_unsigned()) {
        const std::uint64_t u = j.get<std::uint64_t>();
        if (u > static_cast<std::uint64_t>(hi) || (lo > 0 && u < static_cast<std::uint64_t>(lo))) fail(key, expected);
        return static_cast<std::int64_t>(u);
    }
    if (j.is_number_integer()) {
        const std::int64_t i = j.get<std::int64_t>();
        if (i < lo || i > hi) fail(key, expected);
        return i;
    }
    if (j.is_number_float()) {  // 3.0 is an integer; 3.5 and 1e300 are not
        const double d = j.get<double>();
        if (!(d >= static_cast<double>(lo) && d <= static_cast<double>(hi)) || d != std::floor(d)) fail(key, expected);
        return static_cast<std::int64_t>(d);
    }
    fail(key, expected);
}

void JsonIn::number(const char* key, double& v, double lo, double hi) {
    const Json* j = find(key);
    if (!j) return;
    if (j->is_null()) {
        v = std::numeric_limits<double>::quiet_NaN();
        return;
    }
    if (!j->is_number()) fail(key, "expected null or " + range_text(lo, hi) + ", got " + describe(*j));
    const double d = j->get<double>();
    if (!(d >= lo && d <= hi)) fail(key, "expected null or " + range_text(lo, hi) + ", got " + describe(*j));
    v = d;
}

void JsonIn::count(const char* key, double& v, double max) {
    const Json* j = find(key);
    if (!j) return;
    if (j->is_null()) {
        v = std::numeric_limits<double>::quiet_NaN();
        return;
    }
    const double d = j->is_number() ? j->get<double>() : -1;
    if (!(d >= 0 && d <= max && d == std::floor(d)))
        fail(key, "expected null or a count in [0, " + shortest_number(max) + "], got " + describe(*j));
    v = d;
}

void JsonIn::texts(const char* key, std::vector<std::string>& v) {
    const Json* j = find(key);
    if (!j) return;
    if (!j->is_array()) fail(key, "expected a list of strings, got " + describe(*j));
    v.clear();
    for (const Json& item : *j) {
        if (!item.is_string()) fail(key, "expected a list of strings, holds " + describe(item));
        v.push_back(item.get<std::string>());
    }
}

void JsonIn::numbers(const char* key, std::vector<double>& v, double lo, double hi) {
    const Json* j = find(key);
    if (!j) return;
    if (!j->is_array()) fail(key, "expected a list of numbers, got " + describe(*j));
    v.clear();
    for (const Json& item : *j) {
        if (item.is_null()) {
            v.push_back(std::numeric_limits<double>::quiet_NaN());
            continue;
        }
        if (!item.is_number() || !(item.get<double>() >= lo && item.get<double>() <= hi))
            fail(key, "expected a list of null or " + range_text(lo, hi) + ", holds " + describe(item));
        v.push_back(item.get<double>());
    }
}

void JsonIn::text_pairs(const char* key, TextPairs& v) {
    const Json* j = find(key);
    if (!j || j->is_null()) return;
    if (!j->is_object()) fail(key, "expected an object of strings, got " + describe(*j));
    v.clear();
    for (auto it = j->begin(); it != j->end(); ++it) {
        if (!it.value().is_string())
            fail_at(path(key) + "." + it.key(), "expected a string, got " + describe(it.value()));
        v.emplace_back(it.key(), it.value().get<std::string>());
    }
}

void JsonIn::named_numbers(const char* key, std::map<std::string, double>& v) {
    const Json* j = find(key);
    if (!j) return;
    if (!j->is_object()) fail(key, "expected an object of numbers, got " + describe(*j));
    v.clear();
    for (auto it = j->begin(); it != j->end(); ++it) {
        if (!it.value().is_number() || !std::isfinite(it.value().get<double>()))
            fail_at(path(key) + "." + it.key(), "expected a finite number, got " + describe(it.value()));
        v[it.key()] = it.value().get<double>();
    }
}

void JsonIn::count_matrix(const char* key, std::vector<std::vector<double>>& v, std::size_t size, double max) {
    const Json* j = find(key);
    if (!j || j->is_null()) return;
    if (!j->is_array()) fail(key, "expected a list of rows, got " + describe(*j));
    const std::size_t rows = j->size();
    if (size > 0 && rows != size && rows != 0)
        fail(key, "expected " + std::to_string(size) + " rows (one per class), got " + std::to_string(rows));
    v.clear();
    for (std::size_t r = 0; r < rows; ++r) {
        const Json& row = (*j)[r];
        const std::string at = path(key) + "[" + std::to_string(r) + "]";
        if (!row.is_array() || row.size() != rows)
            fail_at(at, "expected a row of " + std::to_string(rows) + " counts (a square matrix), got " +
                            (row.is_array() ? std::to_string(row.size()) + " values" : describe(row)));
        std::vector<double> values;
        for (std::size_t c = 0; c < rows; ++c) {
            const std::string cell = at + "[" + std::to_string(c) + "]";
            const Json& x = row[c];
            const bool ok = x.is_number() && x.get<double>() >= 0 && x.get<double>() <= max &&
                            x.get<double>() == std::floor(x.get<double>());
            if (!ok) fail_at(cell, "expected a count in [0, " + shortest_number(max) + "], got " + describe(x));
            values.push_back(x.get<double>());
        }
        v.push_back(std::move(values));
    }
}

}  // namespace soma
