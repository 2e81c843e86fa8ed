// The JSON toolkit: soma's layout, exact numbers, bounded reading, and
// errors that name the file and the line:column or the key.
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <limits>

#include "fake_sweep.h"
#include "soma/random.h"
#include "toolkit/json.h"
#include "util/error.h"

namespace soma {
namespace {

std::string parse_error(const std::string& text) {
    try {
        parse_json(text, "f.json");
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

TEST(Json, WritesSomasLayout) {
    Json j = Json::object();
    j["name"] = "a \"q\"\t";
    j["x"] = 0.1;
    j["n"] = 13002;
    j["tiny"] = 1e-05;
    j["whole"] = 3.0;
    j["nan"] = std::numeric_limits<double>::quiet_NaN();
    j["inf"] = -std::numeric_limits<double>::infinity();
    j["list"] = Json::array({1, "two", Json::array()});
    j["empty"] = Json::object();
    EXPECT_EQ(json_text(j), "{\n"
                            "  \"name\": \"a \\\"q\\\"\\t\",\n"
                            "  \"x\": 0.1,\n"
                            "  \"n\": 13002,\n"
                            "  \"tiny\": 1e-05,\n"
                            "  \"whole\": 3,\n"
                            "  \"nan\": null,\n"
                            "  \"inf\": null,\n"
                            "  \"list\": [\n"
                            "    1,\n"
                            "    \"two\",\n"
                            "    []\n"
                            "  ],\n"
                            "  \"empty\": {}\n"
                            "}\n");
}

TEST(Json, NumbersReadBackExactly) {
    Random rng(11);
    Json list = Json::array();
    std::vector<double> values = {0.1, 1.0 / 3.0, 5e-324, std::numeric_limits<double>::max(), -2.5e-300, 13002};
    for (int i = 0; i < 2000; ++i) {
        std::uint64_t bits = rng.next_u64();
        double d;
        std::memcpy(&d, &bits, sizeof d);
        if (std::isfinite(d)) values.push_back(d);
    }
    for (double v : values) list.push_back(v);
    const Json back = parse_json(json_text(list), "t");
    ASSERT_EQ(back.size(), values.size());
    for (std::size_t i = 0; i < values.size(); ++i) EXPECT_EQ(back[i].get<double>(), values[i]) << i;
}

TEST(Json, NotUtf8IsWrittenAndReadAsReplacementCharacters) {
    Json j = Json::object();
    j["error"] = std::string("log: \xff\xfe bad");
    const std::string text = json_text(j);
    EXPECT_EQ(parse_json(text, "t").at("error"), "log: \xef\xbf\xbd\xef\xbf\xbd bad");
    // A file an older soma wrote with the raw bytes still reads.
    EXPECT_EQ(parse_json("{\"error\": \"a\xc3(b\"}", "old").at("error"), "a\xef\xbf\xbd(b");
}

TEST(Json, SyntaxErrorsNameTheSourceLineAndColumn) {
    EXPECT_EQ(parse_error("{\"a\": 1,\n \"b\" 2}").rfind("f.json:2:6: ", 0), 0u) << parse_error("{\"a\": 1,\n \"b\" 2}");
    EXPECT_EQ(parse_error("[1, 2").rfind("f.json:1:6: ", 0), 0u) << parse_error("[1, 2");
    EXPECT_EQ(parse_error("{\"a\": 1,}").rfind("f.json:1:9: ", 0), 0u) << parse_error("{\"a\": 1,}");
    // nlohmann places an invalid literal where it stopped reading it.
    EXPECT_EQ(parse_error("{\"a\": tru}").rfind("f.json:1:10: syntax error while parsing value - invalid literal", 0), 0u)
        << parse_error("{\"a\": tru}");
    EXPECT_EQ(parse_error("").rfind("f.json:1:1: ", 0), 0u) << parse_error("");
    EXPECT_EQ(parse_error("{} x").find("[json.exception"), std::string::npos);  // nlohmann's prefix is left out
    EXPECT_EQ(parse_error("{\"a\": 1e999}"), "f.json: number overflow parsing '1e999'");
}

TEST(Json, StrictAboutWhatJsonForbids) {
    for (const char* bad : {"[01]", "[1.]", "[.5]", "[+1]", "[1e]", "[NaN]", "['a']", "[\"\t\"]", "[\"\\x\"]",
                            "{a: 1}", "[1,]", "/* */ 1", "[\"\\ud800\"]"})
        EXPECT_NE(parse_error(bad), "") << bad;
}

TEST(Json, DeepNestingIsRefusedBeforeParsing) {
    EXPECT_EQ(parse_error(std::string(200000, '[') + std::string(200000, ']')),
              "f.json:1:65: nesting deeper than 64 levels");
    EXPECT_EQ(parse_error("{\"a\":\n" + std::string(70, '{')), "f.json:2:64: nesting deeper than 64 levels");
    EXPECT_TRUE(parse_json("[\"[[[[\\\"\"]", "s").is_array());  // brackets in strings do not count
    const std::string deep = std::string(64, '[') + std::string(64, ']');
    EXPECT_TRUE(parse_json(deep, "d").is_array());
}

TEST(Json, AValueOfTheWrongShapeIsDescribedNotPrinted) {
    Json object = Json::object();
    object["test_accuracy"] = parse_json(std::string(60, '[') + std::string(60, ']'), "deep");
    JsonIn in(object, "deep.json");
    double v = 0;
    try {
        in.fraction("test_accuracy", v);
        FAIL();
    } catch (const Error& e) {
        EXPECT_STREQ(e.what(), "deep.json: field \"test_accuracy\": expected null or a number in [0, 1], got a list");
    }
}

TEST(Json, FilesAreReadWithABound) {
    test::TempDir dir("jsonfile");
    try {
        read_json_file(dir.path() / "missing.json", 100);
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(std::string(e.what()), (dir.path() / "missing.json").string() + ": cannot open");
    }
    EXPECT_THROW(read_json_file(dir.path(), 100), Error);  // a folder
    test::write_text(dir.path() / "big.json", "[" + std::string(200, ' ') + "]");
    try {
        read_json_file(dir.path() / "big.json", 100);
        FAIL();
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("big.json: larger than 100 bytes"), std::string::npos) << e.what();
    }
    EXPECT_TRUE(read_json_file(dir.path() / "big.json", 202).empty());
    if (std::filesystem::exists("/dev/zero")) {
        EXPECT_THROW(read_json_file("/dev/zero", 1 << 16), Error);
    }
}

struct Record {
    std::string name;
    int count = 0;
    double share = std::numeric_limits<double>::quiet_NaN();
    std::vector<std::string> tags;
};

template <class Io, class R>
void record_fields(Io& io, R& r) {
    io.text("name", r.name, required_field);
    io.integer("count", r.count, 0, 100);
    io.fraction("share", r.share);
    io.texts("tags", r.tags);
}

Record read_record(const std::string& text) {
    const Json j = parse_json(text, "r.json");
    JsonIn in(j, "r.json");
    Record r;
    record_fields(in, r);
    return r;
}

std::string record_error(const std::string& text) {
    try {
        read_record(text);
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

TEST(Json, ARecordIsWrittenAndReadByOneDefinition) {
    Record r{"a", 7, 0.25, {"x", "y"}};
    JsonOut out;
    record_fields(out, r);
    const Record back = read_record(json_text(out.json));
    EXPECT_EQ(back.name, "a");
    EXPECT_EQ(back.count, 7);
    EXPECT_EQ(back.share, 0.25);
    EXPECT_EQ(back.tags, r.tags);
    EXPECT_TRUE(std::isnan(read_record("{\"name\": \"b\", \"share\": null}").share));
    EXPECT_EQ(read_record("{\"name\": \"b\", \"count\": 3.0}").count, 3);  // a whole float is an integer
}

TEST(Json, RecordErrorsNameTheKeyAndTheRange) {
    EXPECT_EQ(record_error("{}"), "r.json: missing field \"name\"");
    EXPECT_EQ(record_error("[1]"), "r.json: expected a JSON object, got a list");
    EXPECT_EQ(record_error("{\"name\": 5}"), "r.json: field \"name\": expected a string, got 5");
    EXPECT_EQ(record_error("{\"name\": \"a\", \"count\": -7}"),
              "r.json: field \"count\": expected an integer in [0, 100], got -7");
    EXPECT_EQ(record_error("{\"name\": \"a\", \"count\": 2.5}"),
              "r.json: field \"count\": expected an integer in [0, 100], got 2.5");
    EXPECT_EQ(record_error("{\"name\": \"a\", \"count\": 1e300}"),
              "r.json: field \"count\": expected an integer in [0, 100], got 1e+300");
    EXPECT_EQ(record_error("{\"name\": \"a\", \"share\": 5.0}"),
              "r.json: field \"share\": expected null or a number in [0, 1], got 5");
    EXPECT_EQ(record_error("{\"name\": \"a\", \"share\": \"high\"}"),
              "r.json: field \"share\": expected null or a number in [0, 1], got \"high\"");
    EXPECT_EQ(record_error("{\"name\": \"a\", \"tags\": [1]}"),
              "r.json: field \"tags\": expected a list of strings, holds 1");
}

}  // namespace
}  // namespace soma
