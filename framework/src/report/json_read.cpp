#include "report/json_read.h"

#include <charconv>
#include <cstdint>
#include <fstream>
#include <iterator>

#include "util/error.h"

namespace soma {

const JsonValue* JsonValue::find(std::string_view key) const {
    for (auto it = members.rbegin(); it != members.rend(); ++it)
        if (it->first == key) return &it->second;
    return nullptr;
}

namespace {

class Parser {
public:
    Parser(std::string_view text, const std::string& source) : s_(text), source_(source) {}

    JsonValue document() {
        skip_space();
        JsonValue v = value(0);
        skip_space();
        if (pos_ != s_.size()) fail("unexpected text after the JSON value");
        return v;
    }

private:
    static constexpr int max_depth = 256;

    [[noreturn]] void fail(const std::string& what) const { fail_at(pos_, what); }

    [[noreturn]] void fail_at(std::size_t at, const std::string& what) const {
        int line = 1, column = 1;
        for (std::size_t i = 0; i < at && i < s_.size(); ++i) {
            if (s_[i] == '\n') ++line, column = 1;
            else ++column;
        }
        throw Error(source_ + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + what);
    }

    bool at_end() const { return pos_ >= s_.size(); }
    char peek() const { return at_end() ? '\0' : s_[pos_]; }

    void skip_space() {
        while (!at_end() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) ++pos_;
    }

    void expect_word(std::string_view word) {
        if (s_.substr(pos_, word.size()) != word) fail("invalid value (expected a string, number, object, array, true, false or null)");
        pos_ += word.size();
    }

    JsonValue value(int depth) {
        if (depth > max_depth) fail("nesting deeper than 256 levels");
        if (at_end()) fail("unexpected end of input, expected a value");
        JsonValue v;
        switch (peek()) {
            case '{': object(v, depth); break;
            case '[': array(v, depth); break;
            case '"': v.type = JsonValue::Type::string; v.string = string(); break;
            case 't': expect_word("true"); v.type = JsonValue::Type::boolean; v.boolean = true; break;
            case 'f': expect_word("false"); v.type = JsonValue::Type::boolean; break;
            case 'n': expect_word("null"); break;
            default:
                if (peek() == '-' || (peek() >= '0' && peek() <= '9')) {
                    v.type = JsonValue::Type::number;
                    v.number = number();
                } else {
                    fail("invalid value (expected a string, number, object, array, true, false or null)");
                }
        }
        return v;
    }

    void object(JsonValue& v, int depth) {
        v.type = JsonValue::Type::object;
        ++pos_;  // {
        skip_space();
        if (peek() == '}') { ++pos_; return; }
        for (;;) {
            skip_space();
            if (peek() != '"') fail(at_end() ? "unexpected end of input in object" : "expected a string key in object");
            std::string key = string();
            skip_space();
            if (peek() != ':') fail("expected ':' after object key");
            ++pos_;
            skip_space();
            JsonValue member = value(depth + 1);
            v.members.emplace_back(std::move(key), std::move(member));
            skip_space();
            if (peek() == ',') { ++pos_; continue; }
            if (peek() == '}') { ++pos_; return; }
            fail(at_end() ? "unexpected end of input in object" : "expected ',' or '}' in object");
        }
    }

    void array(JsonValue& v, int depth) {
        v.type = JsonValue::Type::array;
        ++pos_;  // [
        skip_space();
        if (peek() == ']') { ++pos_; return; }
        for (;;) {
            skip_space();
            v.items.push_back(value(depth + 1));
            skip_space();
            if (peek() == ',') { ++pos_; continue; }
            if (peek() == ']') { ++pos_; return; }
            fail(at_end() ? "unexpected end of input in array" : "expected ',' or ']' in array");
        }
    }

    unsigned hex4() {
        if (pos_ + 4 > s_.size()) fail("truncated \\u escape");
        unsigned v = 0;
        for (int i = 0; i < 4; ++i) {
            char c = s_[pos_++];
            v <<= 4;
            if (c >= '0' && c <= '9') v |= static_cast<unsigned>(c - '0');
            else if (c >= 'a' && c <= 'f') v |= static_cast<unsigned>(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F') v |= static_cast<unsigned>(c - 'A' + 10);
            else { --pos_; fail("invalid hex digit in \\u escape"); }
        }
        return v;
    }

    static void utf8(std::string& out, unsigned cp) {
        if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x800) {
            out += static_cast<char>(0xc0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3f));
        } else if (cp < 0x10000) {
            out += static_cast<char>(0xe0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
            out += static_cast<char>(0x80 | (cp & 0x3f));
        } else {
            out += static_cast<char>(0xf0 | (cp >> 18));
            out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
            out += static_cast<char>(0x80 | (cp & 0x3f));
        }
    }

    std::string string() {
        std::size_t start = pos_;
        ++pos_;  // "
        std::string out;
        for (;;) {
            if (at_end()) fail_at(start, "unterminated string");
            char c = s_[pos_];
            if (c == '"') { ++pos_; return out; }
            if (static_cast<unsigned char>(c) < 0x20) fail("control character in string (must be escaped)");
            if (c != '\\') { out += c; ++pos_; continue; }
            ++pos_;
            if (at_end()) fail_at(start, "unterminated string");
            char e = s_[pos_++];
            switch (e) {
                case '"': out += '"'; break;
                case '\\': out += '\\'; break;
                case '/': out += '/'; break;
                case 'b': out += '\b'; break;
                case 'f': out += '\f'; break;
                case 'n': out += '\n'; break;
                case 'r': out += '\r'; break;
                case 't': out += '\t'; break;
                case 'u': {
                    unsigned cp = hex4();
                    if (cp >= 0xd800 && cp < 0xdc00) {
                        if (s_.substr(pos_, 2) != "\\u") fail("unpaired surrogate in \\u escape");
                        pos_ += 2;
                        unsigned lo = hex4();
                        if (lo < 0xdc00 || lo >= 0xe000) fail("invalid low surrogate in \\u escape");
                        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                    } else if (cp >= 0xdc00 && cp < 0xe000) {
                        fail("unpaired surrogate in \\u escape");
                    }
                    utf8(out, cp);
                    break;
                }
                default: --pos_; fail(std::string("invalid escape '\\") + e + "' in string");
            }
        }
    }

    double number() {
        std::size_t start = pos_;
        if (peek() == '-') ++pos_;
        if (peek() == '0') {
            ++pos_;
        } else if (peek() >= '1' && peek() <= '9') {
            while (peek() >= '0' && peek() <= '9') ++pos_;
        } else {
            fail("invalid number: expected a digit");
        }
        if (peek() == '.') {
            ++pos_;
            if (!(peek() >= '0' && peek() <= '9')) fail("invalid number: expected a digit after '.'");
            while (peek() >= '0' && peek() <= '9') ++pos_;
        }
        if (peek() == 'e' || peek() == 'E') {
            ++pos_;
            if (peek() == '+' || peek() == '-') ++pos_;
            if (!(peek() >= '0' && peek() <= '9')) fail("invalid number: expected a digit in the exponent");
            while (peek() >= '0' && peek() <= '9') ++pos_;
        }
        double v = 0;
        auto [end, ec] = std::from_chars(s_.data() + start, s_.data() + pos_, v);
        if (ec == std::errc::result_out_of_range) fail_at(start, "number out of range");
        if (ec != std::errc() || end != s_.data() + pos_) fail_at(start, "invalid number");
        return v;
    }

    std::string_view s_;
    const std::string& source_;
    std::size_t pos_ = 0;
};

}  // namespace

JsonValue parse_json(std::string_view text, const std::string& source) { return Parser(text, source).document(); }

JsonValue read_json_file(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw Error(file.string() + ": cannot open");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return parse_json(text, file.string());
}

}  // namespace soma
