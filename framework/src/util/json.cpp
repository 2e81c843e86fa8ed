#include "util/json.h"

#include <charconv>
#include <cmath>

#include "util/quote.h"

namespace soma {

std::string json_escape(const std::string& s) { return quote_escaped(s); }

std::string json_number(double v) {
    if (!std::isfinite(v)) return "null";
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    return ec == std::errc() ? std::string(buf, end) : "null";
}

void JsonWriter::newline() {
    out_ += '\n';
    out_.append(2 * first_.size(), ' ');
}

void JsonWriter::before_value() {
    if (after_key_) {
        after_key_ = false;
        return;
    }
    if (!first_.empty()) {
        if (!first_.back()) out_ += ',';
        first_.back() = false;
        newline();
    }
}

JsonWriter& JsonWriter::begin_object() {
    before_value();
    out_ += '{';
    first_.push_back(true);
    return *this;
}

JsonWriter& JsonWriter::end_object() {
    bool empty = first_.back();
    first_.pop_back();
    if (!empty) newline();
    out_ += '}';
    if (first_.empty()) out_ += '\n';
    return *this;
}

JsonWriter& JsonWriter::begin_array() {
    before_value();
    out_ += '[';
    first_.push_back(true);
    return *this;
}

JsonWriter& JsonWriter::end_array() {
    bool empty = first_.back();
    first_.pop_back();
    if (!empty) newline();
    out_ += ']';
    if (first_.empty()) out_ += '\n';
    return *this;
}

JsonWriter& JsonWriter::key(const std::string& k) {
    before_value();
    out_ += json_escape(k) + ": ";
    after_key_ = true;
    return *this;
}

JsonWriter& JsonWriter::value(double v) { before_value(); out_ += json_number(v); return *this; }
JsonWriter& JsonWriter::value(std::int64_t v) { before_value(); out_ += std::to_string(v); return *this; }
JsonWriter& JsonWriter::value(bool v) { before_value(); out_ += v ? "true" : "false"; return *this; }
JsonWriter& JsonWriter::value(const std::string& v) { before_value(); out_ += json_escape(v); return *this; }
JsonWriter& JsonWriter::null() { before_value(); out_ += "null"; return *this; }

}  // namespace soma
