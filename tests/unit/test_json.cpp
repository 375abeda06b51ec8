#include "json_print.hpp"
#include "ward/base/error.hpp"
#include "ward/json/json.hpp"

#include <boost/test/unit_test.hpp>
#include <cmath>

using namespace ward;
using json::Style;
using json::Value;

namespace {

// The message of the Error that parsing `text` throws ("" when it parses).
std::string parse_error(std::string_view text) {
    try {
        json::parse(text);
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

} // namespace

BOOST_AUTO_TEST_SUITE(json_dom)

BOOST_AUTO_TEST_CASE(compact_round_trip_keeps_order_and_types) {
    std::string text =
        R"({"z":1,"a":[true,false,null],"m":{"k":"v","e":{},"l":[]},"d":1.5,"n":-3,"s":""})";
    Value v = json::parse(text);
    BOOST_TEST(json::serialize(v) == text);
    BOOST_TEST(v.as_object().front().first == "z");
    BOOST_TEST(v.find("d")->as_double() == 1.5);
    BOOST_TEST(!v.find("d")->is_integer());
    BOOST_TEST(v.find("n")->as_int64().value() == -3);
    BOOST_TEST(!v.find("n")->as_uint64());
    BOOST_TEST(v.find("missing") == nullptr);
}

BOOST_AUTO_TEST_CASE(big_integers_are_exact) {
    Value v = json::parse("[18446744073709551615, -9223372036854775808, 9223372036854775807]");
    const auto& a = v.as_array();
    BOOST_TEST(a[0].is_integer());
    BOOST_TEST(a[0].as_uint64().value() == 18446744073709551615ull);
    BOOST_TEST(!a[0].as_int64());
    BOOST_TEST(a[1].as_int64().value() == INT64_MIN);
    BOOST_TEST(a[2].as_int64().value() == INT64_MAX);
    BOOST_TEST(json::serialize(v) ==
               "[18446744073709551615,-9223372036854775808,9223372036854775807]");
    // Beyond uint64 it can only be a double, never a wrapped integer.
    Value huge = json::parse("18446744073709551616");
    BOOST_TEST(!huge.is_integer());
    BOOST_TEST(huge.is_number());
}

BOOST_AUTO_TEST_CASE(fractions_and_exponents_are_doubles) {
    BOOST_TEST(!json::parse("1.0").is_integer());
    BOOST_TEST(!json::parse("1e3").is_integer());
    BOOST_TEST(json::parse("1e3").as_double() == 1000.0);
    // A double stays a double through a round trip.
    BOOST_TEST(json::serialize(json::parse("2.0")) == "2.0");
    BOOST_TEST(json::parse(json::serialize(Value(2.0))) == Value(2.0));
    BOOST_TEST(json::serialize(Value(0.1)) == "0.1");
}

BOOST_AUTO_TEST_CASE(unsigned_constructor_normalises) {
    BOOST_TEST(Value(5ul) == Value(5));
    BOOST_TEST(Value(18446744073709551615ull).as_uint64().value() == 18446744073709551615ull);
    BOOST_TEST(!(Value(1) == Value(1.0)));
}

BOOST_AUTO_TEST_CASE(duplicate_keys_are_refused_with_position) {
    BOOST_TEST(parse_error("{\"a\": 1,\n \"a\": 2}") ==
               "invalid JSON at line 2, column 5: duplicate key \"a\"");
    // The same key in different objects is fine.
    BOOST_TEST(parse_error(R"({"a":{"a":1},"b":{"a":2}})") == "");
}

BOOST_AUTO_TEST_CASE(syntax_errors_carry_line_and_column) {
    BOOST_TEST(parse_error("{]") ==
               "invalid JSON at line 1, column 3: invalid object key (must be a string)");
    std::string msg = parse_error("{\n  \"a\": 1,\n  \"b\" 2\n}");
    BOOST_TEST(msg.starts_with("invalid JSON at line 3, column"), msg);
    BOOST_TEST(parse_error("").starts_with("invalid JSON at line 1, column 1:"));
    BOOST_TEST(parse_error("[1,2").starts_with("invalid JSON at line 1, column 5:"));
    BOOST_TEST(parse_error("{} {}") != "");
    BOOST_TEST(parse_error("[01]") != "");
    BOOST_TEST(parse_error("\"\xff\"") != ""); // invalid UTF-8 in the input
}

BOOST_AUTO_TEST_CASE(nesting_is_bounded) {
    std::string deep(100000, '[');
    BOOST_TEST(parse_error(deep).find("nesting deeper than 512 levels") != std::string::npos);
    std::string ok = std::string(100, '[') + std::string(100, ']');
    BOOST_TEST(parse_error(ok) == "");
}

BOOST_AUTO_TEST_CASE(strings_are_escaped) {
    std::string raw = std::string("q\"b\\n\n\t\x01\x1f") + '\0' + "é€😀";
    std::string out = json::serialize(Value(raw));
    BOOST_TEST(out == "\"q\\\"b\\\\n\\n\\t\\u0001\\u001f\\u0000é€😀\"");
    BOOST_TEST(json::parse(out).as_string() == raw);
    BOOST_TEST(json::parse(R"("\u00e9\ud83d\ude00\/")").as_string() == "é😀/");
}

BOOST_AUTO_TEST_CASE(lone_surrogate_escapes_are_refused) {
    // yajl would read a lone high surrogate as '?' and a lone low one as
    // invalid UTF-8: a name could differ from what was written.
    BOOST_TEST(parse_error(R"(["\ud800"])") ==
               "invalid JSON at line 1, column 3: lone UTF-16 surrogate \\ud800 in a string: a "
               "high surrogate (\\uD800-\\uDBFF) must be followed by a low one (\\uDC00-\\uDFFF)");
    BOOST_TEST(parse_error(R"({"k": "x\uDC00"})")
                   .starts_with("invalid JSON at line 1, column 9: lone UTF-16 surrogate \\uDC00 "
                                "in a string: a low"));
    BOOST_TEST(parse_error(R"({"\udbff": 1})").find("lone UTF-16 surrogate") != std::string::npos);
    BOOST_TEST(parse_error(R"(["\ud800\u0041"])").find("\\ud800") != std::string::npos);
    BOOST_TEST(parse_error(R"(["\ud83d\ude00", "\\ud800", "\u00e9"])") == "");
}

// yajl lets these well-formed but invalid sequences through; the writer
// would print them as U+FFFD, so a document written back would differ.
BOOST_AUTO_TEST_CASE(invalid_utf8_in_strings_is_refused) {
    const std::string why = "invalid UTF-8 in a string (an overlong form, a UTF-16 surrogate or a "
                            "code point past U+10FFFF)";
    for (std::string bad : {"\xc0\xaf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80"}) {
        BOOST_TEST(parse_error("[\"" + bad + "\"]").find(why) != std::string::npos);
        BOOST_TEST(parse_error("{\"" + bad + "\": 1}").find(why) != std::string::npos);
    }
    BOOST_TEST(parse_error("[\"\xf4\x8f\xbf\xbf\", \"\xef\xbf\xbd\"]") == ""); // U+10FFFF, U+FFFD
}

BOOST_AUTO_TEST_CASE(invalid_utf8_becomes_replacement_character) {
    std::string bad = "a\xff"
                      "b\xc3"; // stray byte, truncated sequence
    std::string out = json::serialize(Value(bad));
    BOOST_TEST(out == "\"a\\ufffdb\\ufffd\"");
    BOOST_TEST(json::parse(out).as_string() == "a\xef\xbf\xbd"
                                               "b\xef\xbf\xbd");
    // Overlong encoding of '/' and a UTF-16 surrogate are invalid too.
    BOOST_TEST(json::serialize(Value("\xc0\xaf")) == "\"\\ufffd\\ufffd\"");
    BOOST_TEST(json::serialize(Value("\xed\xa0\x80")) == "\"\\ufffd\\ufffd\\ufffd\"");
}

BOOST_AUTO_TEST_CASE(pretty_matches_go_marshal_indent) {
    Value v = json::parse(R"({"a":[1,{"b":null}],"c":{},"d":[]})");
    BOOST_TEST(json::serialize(v, Style::pretty) == "{\n"
                                                    "  \"a\": [\n"
                                                    "    1,\n"
                                                    "    {\n"
                                                    "      \"b\": null\n"
                                                    "    }\n"
                                                    "  ],\n"
                                                    "  \"c\": {},\n"
                                                    "  \"d\": []\n"
                                                    "}");
    BOOST_TEST(json::parse(json::serialize(v, Style::pretty)) == v);
}

BOOST_AUTO_TEST_CASE(accessors_name_the_mismatch) {
    try {
        (void)Value(1).as_string();
        BOOST_FAIL("no throw");
    } catch (const Error& e) {
        BOOST_TEST(std::string(e.what()) == "expected string, got number");
    }
    BOOST_CHECK_THROW(Value("x").as_array(), Error);
}

BOOST_AUTO_TEST_CASE(object_helpers) {
    Value o = Value::object();
    o.set("a", 1);
    o.set("b", 2);
    o.set("a", 3); // replaced in place, order kept
    BOOST_TEST(json::serialize(o) == R"({"a":3,"b":2})");
    o.erase("a");
    o.erase("zz");
    BOOST_TEST(json::serialize(o) == R"({"b":2})");
    Value a = Value::array();
    a.push("x");
    BOOST_TEST(json::serialize(a) == R"(["x"])");
    BOOST_TEST(json::serialize(Value(std::nan(""))) == "null");
}

BOOST_AUTO_TEST_SUITE_END()
