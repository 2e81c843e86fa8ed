// The strict JSON reader.
#include <gtest/gtest.h>

#include "report/json_read.h"
#include "util/error.h"
#include "util/json.h"

namespace soma {
namespace {

std::string error_of(const std::string& text) {
    try {
        parse_json(text, "f.json");
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

TEST(JsonRead, ValuesOfEveryType) {
    JsonValue v = parse_json(R"( {"a": [1, -2.5e3, true, false, null], "b": {"c": "x\"y\\\n\u00e9\ud83d\ude00"}, "d": 0} )", "t");
    ASSERT_TRUE(v.is_object());
    const JsonValue* a = v.find("a");
    ASSERT_TRUE(a && a->is_array());
    ASSERT_EQ(a->items.size(), 5u);
    EXPECT_EQ(a->items[0].number, 1);
    EXPECT_EQ(a->items[1].number, -2500);
    EXPECT_TRUE(a->items[2].boolean);
    EXPECT_EQ(a->items[3].type, JsonValue::Type::boolean);
    EXPECT_TRUE(a->items[4].is_null());
    EXPECT_EQ(v.find("b")->find("c")->string, "x\"y\\\n\xc3\xa9\xf0\x9f\x98\x80");
    EXPECT_EQ(v.find("d")->number, 0);
    EXPECT_EQ(v.find("missing"), nullptr);
    EXPECT_EQ(v.members[0].first, "a");  // file order kept
}

TEST(JsonRead, ReadsWhatJsonWriterWrites) {
    JsonWriter w;
    w.begin_object().field("name", "a \"q\"\t").field("x", 0.1).field("n", 13002).key("nan").value(0.0 / 0.0);
    w.key("list").begin_array().value(1).value("two").end_array().end_object();
    JsonValue v = parse_json(w.str(), "w");
    EXPECT_EQ(v.find("name")->string, "a \"q\"\t");
    EXPECT_EQ(v.find("x")->number, 0.1);
    EXPECT_EQ(v.find("n")->number, 13002);
    EXPECT_TRUE(v.find("nan")->is_null());
    EXPECT_EQ(v.find("list")->items[1].string, "two");
}

TEST(JsonRead, ErrorsNameTheSourceLineAndColumn) {
    EXPECT_EQ(error_of("{\"a\": 1,\n \"b\" 2}"), "f.json:2:6: expected ':' after object key");
    EXPECT_EQ(error_of("[1, 2"), "f.json:1:6: unexpected end of input in array");
    EXPECT_EQ(error_of("[1 2]"), "f.json:1:4: expected ',' or ']' in array");
    EXPECT_EQ(error_of("{\"a\": tru}"), "f.json:1:7: invalid value (expected a string, number, object, array, true, false or null)");
    EXPECT_EQ(error_of("{} x"), "f.json:1:4: unexpected text after the JSON value");
    EXPECT_EQ(error_of(""), "f.json:1:1: unexpected end of input, expected a value");
    EXPECT_EQ(error_of("\"abc"), "f.json:1:1: unterminated string");
    EXPECT_EQ(error_of("{\"a\": 1,}"), "f.json:1:9: expected a string key in object");
}

TEST(JsonRead, StrictAboutWhatJsonForbids) {
    for (const char* bad : {"[01]", "[1.]", "[.5]", "[+1]", "[1e]", "[NaN]", "['a']", "[\"\t\"]", "[\"\\x\"]",
                            "{a: 1}", "[1,]", "/* */ 1", "[\"\\ud800\"]", "[1e999]"})
        EXPECT_NE(error_of(bad), "") << bad;
    EXPECT_NE(error_of(std::string(300, '[') + std::string(300, ']')).find("nesting deeper than 256"), std::string::npos);
    EXPECT_EQ(parse_json(" \r\n\t[ ] ", "s").items.size(), 0u);
}

TEST(JsonRead, MissingFileIsAnErrorNamingIt) {
    try {
        read_json_file("/nonexistent/summary.json");
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()), "/nonexistent/summary.json: cannot open");
    }
}

}  // namespace
}  // namespace soma
