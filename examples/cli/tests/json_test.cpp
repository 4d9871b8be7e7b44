// The JSON reader and printer behind %j and %J: what the cJSON inside Debian's mosquitto_sub
// 2.0.11 makes of each payload (taken from `mosquitto_sub -F %J` on these payloads).
#include "cli/json.hpp"

#include <gtest/gtest.h>

#include <string>

namespace {

using mqttwire::cli::append_json;
using mqttwire::cli::parse_json;

std::string reprint(std::string_view payload, bool pretty = false) {
    const auto v = parse_json(payload);
    if (!v) return "<invalid>";
    std::string out;
    append_json(out, *v, pretty);
    return out;
}

TEST(Json, NumbersAsCJsonPrintsThem) {
    EXPECT_EQ(reprint("1e3"), "1000");
    EXPECT_EQ(reprint("2.50"), "2.5");
    EXPECT_EQ(reprint("0.1"), "0.1");
    EXPECT_EQ(reprint("1e999"), "null");
    EXPECT_EQ(reprint("3000000000"), "3000000000");
    EXPECT_EQ(reprint("-0"), "-0");
    EXPECT_EQ(reprint("12345678901234567890"), "1.2345678901234567e+19");
    EXPECT_EQ(reprint("1.5e-7"), "1.5e-07");
    EXPECT_EQ(reprint("01"), "1");
    EXPECT_EQ(reprint("1.0"), "1");
    EXPECT_EQ(reprint("123456789.123"), "123456789.123");
    EXPECT_EQ(reprint("-2147483648"), "-2147483648");
    EXPECT_EQ(reprint("1e-400"), "0");
}

TEST(Json, StringsDecodedAndEscapedAgain) {
    EXPECT_EQ(reprint(R"("\ud83d\ude00 \u00e9 \/ \b\f")"),
              "\"\xF0\x9F\x98\x80 \xC3\xA9 / \\b\\f\"");
    EXPECT_EQ(reprint("\"a\tb\""), "\"a\\tb\"");  // a raw tab is read, printed escaped
    EXPECT_EQ(reprint(R"("q\"\\\n\u0001")"), R"("q\"\\\n\u0001")");
}

TEST(Json, StructureWhitespaceAndBom) {
    EXPECT_EQ(reprint(R"([1, {"a":[]}, {}])"), R"([1,{"a":[]},{}])");
    EXPECT_EQ(reprint(R"( {"x" : null , "y":[true,false]} )"), R"({"x":null,"y":[true,false]})");
    EXPECT_EQ(reprint("\xEF\xBB\xBF[1]"), "[1]");
    EXPECT_EQ(reprint("[[[]]]"), "[[[]]]");
    EXPECT_EQ(reprint(R"({"k":1,"k":2})"), R"({"k":1,"k":2})");  // repeated keys kept
}

TEST(Json, RefusedAsCJsonRefusesThem) {
    for (std::string_view bad : {"[1,2", "{\"a\":1}x", "\"\\udc00\"", "{'a':1}", "-", "", "\"a",
                                 "[1,]", "tru", "{\"a\" 1}", "\"\\x\""})
        EXPECT_EQ(reprint(bad), "<invalid>") << bad;
    EXPECT_EQ(reprint(std::string_view("[1]\0", 4)), "<invalid>");  // a NUL ends the C string
}

TEST(Json, PrettyLayoutIsCJsons) {
    EXPECT_EQ(reprint(R"([1, {"a":[]}, {}])", true), "[1, {\n\t\t\"a\":\t[]\n\t}, {\n\t}]");
    EXPECT_EQ(reprint(R"({"a":{"b":{}},"c":[]})", true),
              "{\n\t\"a\":\t{\n\t\t\"b\":\t{\n\t\t}\n\t},\n\t\"c\":\t[]\n}");
    EXPECT_EQ(reprint("{}", true), "{\n}");
}

}  // namespace
