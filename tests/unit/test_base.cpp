#include "ward/base/error.hpp"
#include "ward/base/scope.hpp"
#include "ward/base/strings.hpp"

#include <boost/test/unit_test.hpp>

using namespace ward;

BOOST_AUTO_TEST_SUITE(base)

BOOST_AUTO_TEST_CASE(errno_text_is_lower_case_like_runc) {
    BOOST_TEST(errno_text(ENOENT) == "no such file or directory");
    BOOST_TEST(errno_name(ELOOP) == "ELOOP");
}

BOOST_AUTO_TEST_CASE(fail_errno_carries_context) {
    try {
        fail_errno("open /x", EACCES);
        BOOST_FAIL("no throw");
    } catch (const Error& e) {
        BOOST_TEST(std::string(e.what()) == "open /x: permission denied");
    }
}

BOOST_AUTO_TEST_CASE(with_context_prepends) {
    try {
        with_context("mount /proc", [] { fail("boom"); });
        BOOST_FAIL("no throw");
    } catch (const Error& e) {
        BOOST_TEST(std::string(e.what()) == "mount /proc: boom");
    }
}

BOOST_AUTO_TEST_CASE(undo_stack_runs_in_reverse_unless_committed) {
    std::string trace;
    {
        UndoStack undo;
        undo.push([&] { trace += "a"; });
        undo.push([&] { trace += "b"; });
    }
    BOOST_TEST(trace == "ba");
    {
        UndoStack undo;
        undo.push([&] { trace += "c"; });
        undo.commit();
    }
    BOOST_TEST(trace == "ba");
}

BOOST_AUTO_TEST_CASE(integer_parsing_rejects_junk) {
    BOOST_TEST(parse_int("-12").value() == -12);
    BOOST_TEST(!parse_int("12x"));
    BOOST_TEST(!parse_int(""));
    BOOST_TEST(!parse_uint("-1"));
    BOOST_TEST(parse_uint("18446744073709551615").value() == 18446744073709551615ull);
    BOOST_TEST(!parse_uint("18446744073709551616"));
}

BOOST_AUTO_TEST_CASE(split_and_join_round_trip) {
    auto parts = split("a:b::c", ':');
    BOOST_TEST(parts.size() == 4u);
    BOOST_TEST(join(parts, ":") == "a:b::c");
    BOOST_TEST(quote("a\"b\n") == "\"a\\\"b\\x0a\"");
}

// The log's JSON lines and json/ share this: always valid JSON, even for
// a message carrying a path with bytes that are not UTF-8.
BOOST_AUTO_TEST_CASE(json_strings_escape_controls_and_replace_bad_utf8) {
    std::string out;
    append_json_string(out, std::string("a\"\\\n\x01\xff\xc3\xa9", 8));
    BOOST_TEST(out == "\"a\\\"\\\\\\n\\u0001\\ufffd\xc3\xa9\"");
}

BOOST_AUTO_TEST_CASE(rfc3339_times_are_utc_with_or_without_nanoseconds) {
    std::string full = rfc3339_now();
    std::string short_form = rfc3339_now(false);
    BOOST_TEST(full.size() == std::string("2026-11-23T08:25:16.123456789Z").size(), full);
    BOOST_TEST(short_form.size() == std::string("2026-11-23T08:25:16Z").size(), short_form);
    BOOST_TEST(full[4] == '-');
    BOOST_TEST(full[10] == 'T');
    BOOST_TEST(full.back() == 'Z');
    BOOST_TEST(full.substr(0, 10) == short_form.substr(0, 10)); // same day, barring midnight
}

BOOST_AUTO_TEST_SUITE_END()
