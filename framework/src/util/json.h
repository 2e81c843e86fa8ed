// A small JSON writer for summaries and reports: objects keep insertion order.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace soma {

std::string json_escape(const std::string& s);
// Shortest round-tripping form; NaN and infinities become null.
std::string json_number(double v);

class JsonWriter {
public:
    JsonWriter& begin_object();
    JsonWriter& end_object();
    JsonWriter& begin_array();
    JsonWriter& end_array();
    JsonWriter& key(const std::string& k);
    JsonWriter& value(double v);
    JsonWriter& value(std::int64_t v);
    JsonWriter& value(int v) { return value(static_cast<std::int64_t>(v)); }
    JsonWriter& value(std::size_t v) { return value(static_cast<std::int64_t>(v)); }
    JsonWriter& value(bool v);
    JsonWriter& value(const std::string& v);
    JsonWriter& value(const char* v) { return value(std::string(v)); }
    JsonWriter& null();
    template <class T>
    JsonWriter& field(const std::string& k, const T& v) { key(k); return value(v); }
    const std::string& str() const { return out_; }

private:
    void before_value();
    void newline();
    std::string out_;
    std::vector<bool> first_;  // per open container: no element written yet
    bool after_key_ = false;
};

}  // namespace soma
