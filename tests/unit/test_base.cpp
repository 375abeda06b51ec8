#include "ward/base/document.hpp"
#include "ward/base/error.hpp"
#include "ward/base/fd.hpp"
#include "ward/base/file.hpp"
#include "ward/base/scope.hpp"
#include "ward/base/strings.hpp"

#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <fcntl.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

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

// An error quoting a 1 MB value is a short line: a prefix, cut on a
// character boundary, and the value's length.
BOOST_AUTO_TEST_CASE(quote_bounds_a_long_value) {
    std::string huge(1 << 20, 'v');
    std::string q = quote(huge);
    BOOST_TEST(q.size() < 300u);
    BOOST_TEST(q.starts_with("\"vvv"));
    BOOST_TEST(q.ends_with("... (1048576 bytes)"));
    // A 2-byte character straddling the cut is left out whole.
    std::string accented(200 - 1, 'a');
    accented += "\xc3\xa9tail";
    std::string cut = quote(accented);
    BOOST_TEST(cut.find('\xc3') == std::string::npos);
    BOOST_TEST(quote("short") == "\"short\"");
}

namespace {
struct TempDir {
    std::string path;
    TempDir() {
        char tmpl[] = "/tmp/ward-doc-XXXXXX";
        BOOST_TEST_REQUIRE(::mkdtemp(tmpl) != nullptr);
        path = tmpl;
    }
    ~TempDir() { std::filesystem::remove_all(path); }
};

std::string error_of(const std::string& path, uint64_t cap = kMaxDocumentBytes) {
    try {
        read_document(path, cap);
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}
} // namespace

// config.json, policies, profiles and process.json are documents: a FIFO
// must not hang ward (nothing is written to it here, so a blocking open or
// read would hang the test), /dev/zero must not fill memory, and a file
// over the cap is refused by its size before it is read.
BOOST_AUTO_TEST_CASE(documents_are_regular_files_within_the_cap) {
    TempDir dir;
    std::string fifo = dir.path + "/config.json";
    BOOST_TEST_REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    BOOST_TEST(error_of(fifo) == fifo + ": is a FIFO, not a regular file");
    BOOST_TEST(error_of("/dev/zero") == "/dev/zero: is a character device, not a regular file");
    BOOST_TEST(error_of(dir.path) == dir.path + ": is a directory, not a regular file");

    std::string big = dir.path + "/big.json";
    {
        UniqueFd fd(::open(big.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
        BOOST_TEST_REQUIRE(::ftruncate(fd.get(), 200 << 20) == 0); // sparse: no 200 MB written
    }
    BOOST_TEST(error_of(big) == big + ": 209715200 bytes, more than the 33554432 bytes ward reads "
                                      "of a document");
    std::string small = dir.path + "/small.json";
    {
        UniqueFd fd(::open(small.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600));
        write_all(fd.get(), "{}", "write");
    }
    BOOST_TEST(read_document(small) == "{}");
    BOOST_TEST(error_of(small, 1) == small + ": 2 bytes, more than the 1 bytes ward reads of a "
                                             "document");
    BOOST_TEST(!read_optional_document(dir.path + "/absent").has_value());
    BOOST_TEST(error_of(dir.path + "/absent") ==
               "open " + dir.path + "/absent: no such file or directory");
}

BOOST_AUTO_TEST_SUITE_END()
