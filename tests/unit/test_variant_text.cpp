// GVariant text as org.systemd.property.* annotations give it (runc's
// docs/systemd-properties.md, CRI-O's and podman's annotations), and what
// ward refuses, with the reason.
#include "error_text.hpp"
#include "ward/base/error.hpp"
#include "ward/dbus/variant_text.hpp"

#include <boost/test/unit_test.hpp>

using namespace ward;
using dbus::parse_variant_text;
using dbus::Value;

namespace {

// The error reading `text` gives must hold `needle`.
void check_fails_with(std::string_view text, const std::string& needle) {
    BOOST_TEST_CONTEXT("\"" << text << "\"") {
        test::check_fails_with([&] { parse_variant_text(text); }, needle);
    }
}

template <typename T>
T as(std::string_view text) {
    Value v = parse_variant_text(text);
    BOOST_TEST_REQUIRE(std::holds_alternative<T>(v),
                       "\"" << text << "\" gave signature " << dbus::signature_of(v));
    return std::get<T>(v);
}

} // namespace

BOOST_AUTO_TEST_SUITE(dbus_variant_text)

BOOST_AUTO_TEST_CASE(what_clients_write) {
    // runc's documented examples, CRI-O's and podman's annotations.
    BOOST_TEST(as<std::uint64_t>("uint64 123456789") == 123456789u);
    BOOST_TEST(as<std::string>("'inactive-or-failed'") == "inactive-or-failed");
    BOOST_TEST(as<bool>("true") == true);
    BOOST_TEST(as<bool>("false") == false);
    BOOST_TEST((as<std::vector<std::string>>("['crio.service']") ==
                std::vector<std::string>{"crio.service"}));
    BOOST_TEST(as<std::int32_t>("15") == 15); // an untyped integer is an int32
    // Surrounding space is allowed, as GLib allows it.
    BOOST_TEST(as<std::uint64_t>("  uint64   10000000 ") == 10000000u);
}

BOOST_AUTO_TEST_CASE(every_type_prefix) {
    BOOST_TEST(as<std::uint8_t>("byte 234") == 234);
    BOOST_TEST(as<std::int16_t>("int16 -234") == -234);
    BOOST_TEST(as<std::uint16_t>("uint16 65535") == 65535);
    BOOST_TEST(as<std::int32_t>("int32 -2147483648") == INT32_MIN);
    BOOST_TEST(as<std::uint32_t>("uint32 4294967295") == UINT32_MAX);
    BOOST_TEST(as<std::int64_t>("int64 -9223372036854775808") == INT64_MIN);
    BOOST_TEST(as<std::uint64_t>("uint64 18446744073709551615") == UINT64_MAX);
    BOOST_TEST(as<double>("double 2") == 2.0);
    BOOST_TEST(as<bool>("boolean true") == true);
    BOOST_TEST(as<std::string>("string 'x'") == "x");
    // @TYPE, and numbers without a type.
    BOOST_TEST(as<std::uint64_t>("@t 10") == 10u);
    BOOST_TEST(as<std::uint32_t>("@u 0x1f") == 31u);
    BOOST_TEST(as<bool>("@b false") == false);
    BOOST_TEST(as<std::string>("@s \"a\"") == "a");
    BOOST_TEST(as<std::vector<std::string>>("@as []").empty());
    BOOST_TEST((as<std::vector<std::string>>("@as ['a', \"b\" ,'c']") ==
                std::vector<std::string>{"a", "b", "c"}));
    BOOST_TEST(as<double>("234.789") == 234.789);
    BOOST_TEST(as<double>("2e3") == 2000.0);
    BOOST_TEST(as<std::int32_t>("-5") == -5);
    BOOST_TEST(as<std::int32_t>("+7") == 7);
    BOOST_TEST(as<std::int32_t>("0x10") == 16);
    BOOST_TEST(as<std::int32_t>("0") == 0);
}

BOOST_AUTO_TEST_CASE(strings_and_escapes) {
    BOOST_TEST(as<std::string>(R"('it\'s')") == "it's");
    BOOST_TEST(as<std::string>(R"("say \"hi\"")") == "say \"hi\"");
    BOOST_TEST(as<std::string>(R"('a\\b\n\t')") == "a\\b\n\t");
    BOOST_TEST(as<std::string>(R"("it's")") == "it's");
    BOOST_TEST(as<std::string>("''").empty());
    check_fails_with(R"('\q')", "the escape \\q is not one ward reads");
    check_fails_with("'abc", "a string has no closing '");
    check_fails_with("\"abc'", "a string has no closing \"");
    check_fails_with(std::string_view("'a\0b'", 5), "NUL");
}

BOOST_AUTO_TEST_CASE(refusals_say_why) {
    check_fails_with("", "no value");
    check_fails_with("   ", "no value");
    check_fails_with("invalid-value", "\"invalid\" is not a value (a string needs quotes");
    check_fails_with("2147483648", "2147483648 does not fit int32 (an untyped number is an int32: "
                                   "give the type, e.g. uint64 2147483648)");
    check_fails_with("uint64 -1", "-1 does not fit uint64");
    check_fails_with("byte 256", "256 does not fit byte");
    check_fails_with("int16 32768", "does not fit int16");
    check_fails_with("int64 9223372036854775808", "does not fit int64");
    check_fails_with("uint64 18446744073709551616", "is not a number");
    check_fails_with("010", "a leading 0 makes an octal number");
    check_fails_with("1e400", "is not a number");
    check_fails_with("12abc", "is not a number");
    check_fails_with("uint64 1.5", "is not a number");
    check_fails_with("[1, 2]", "not a quoted string (ward reads arrays of strings only)");
    check_fails_with("[]", "an empty array needs its type: @as []");
    check_fails_with("['a' 'b']", "separated by commas");
    check_fails_with("['a',", "not a quoted string");
    check_fails_with("['a'", "no closing ]");
    check_fails_with("@ai [1]", "@ai: ward reads only the types");
    check_fails_with("@t 'x'", "a string where the type says uint64");
    check_fails_with("@s 5", "\"5\" where the type says string");
    check_fails_with("uint64 true", "a boolean where the type says uint64");
    check_fails_with("@t ['a']", "an array where the type says uint64");
    check_fails_with("uint64", "uint64 is not followed by a space and a value");
    check_fails_with("true false", "\"false\" follows the value");
    check_fails_with("'a' 'b'", "follows the value");
    check_fails_with("('a', 1)", "is not a value");
    check_fails_with("<1>", "is not a value");
    check_fails_with("{'a': 1}", "is not a value");
    check_fails_with("objectpath '/a'", "GVariant's objectpath is not a type ward reads");
    check_fails_with("nothing", "GVariant's nothing is not a type ward reads");
    check_fails_with(std::string(5000, ' ') + "1", "longer than 4096 bytes");
}

BOOST_AUTO_TEST_SUITE_END()
