// Digest strings, SHA-256 and bounded blob reads: a blob is never read past
// its declared size + 1 byte, and every mismatch names what failed.
#include "trust_layout_helpers.hpp"
#include "ward/trust/digest.hpp"

#include <boost/test/unit_test.hpp>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

using namespace ward;
using namespace ward::trust;
using trust_test::contains;
using trust_test::error_of;

namespace {

const std::string kAbc = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

// A pipe holding `data`; the read end is returned, the write end closed
// unless keep_open (then a read past the data would block).
UniqueFd pipe_with(const std::string& data, bool keep_open = false, UniqueFd* writer = nullptr) {
    int fds[2];
    BOOST_REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
    BOOST_REQUIRE(::write(fds[1], data.data(), data.size()) == ssize_t(data.size()));
    if (keep_open && writer)
        writer->reset(fds[1]);
    else
        ::close(fds[1]);
    return UniqueFd(fds[0]);
}

} // namespace

BOOST_AUTO_TEST_SUITE(trust_digest)

BOOST_AUTO_TEST_CASE(parse_accepts_only_lower_case_sha256) {
    BOOST_TEST(parse_digest("sha256:" + kAbc).hex == kAbc);
    BOOST_TEST(error_of([] { parse_digest("sha256:ABC"); }) ==
               "invalid digest \"sha256:ABC\": hex must be 64 lower-case digits (got 3, not all "
               "lower-case hex)");
    std::string upper = kAbc;
    upper[0] = 'B';
    BOOST_TEST(contains(error_of([&] { parse_digest("sha256:" + upper); }), "not all lower-case"));
    BOOST_TEST(contains(error_of([&] { parse_digest("sha256:" + kAbc + "0"); }), "(got 65)"));
    BOOST_TEST(error_of([] { parse_digest("sha512:00"); }) ==
               "invalid digest \"sha512:00\": unsupported algorithm \"sha512\" (only sha256)");
    BOOST_TEST(contains(error_of([] { parse_digest(kAbc); }), "want sha256:<hex>"));
    BOOST_TEST(!is_digest("sha256:"));
    BOOST_TEST(is_digest("sha256:" + kAbc));
}

BOOST_AUTO_TEST_CASE(sha256_known_vectors) {
    BOOST_TEST(sha256("abc").hex == kAbc);
    BOOST_TEST(sha256("").hex ==
               "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    Sha256 h; // streamed in pieces: same digest
    h.update("a");
    h.update("bc");
    BOOST_TEST(h.finish().hex == kAbc);
}

BOOST_AUTO_TEST_CASE(reader_accepts_the_exact_blob) {
    VerifyingReader r(pipe_with("abc"), {sha256("abc"), 3}, "layer x");
    char buf[16];
    BOOST_TEST(r.read(buf, sizeof buf) == 3u);
    BOOST_TEST(r.read(buf, sizeof buf) == 0u);
}

BOOST_AUTO_TEST_CASE(reader_reads_at_most_size_plus_one) {
    UniqueFd writer;
    std::string data(100, 'x');
    UniqueFd fd = pipe_with(data, true, &writer);
    int raw = fd.get();
    VerifyingReader r(std::move(fd), {sha256("x"), 10}, "layer sha256:0123");
    std::string err = error_of([&] { r.drain(); });
    BOOST_TEST(err == "layer sha256:0123: size mismatch (descriptor says 10 bytes, blob has more)");
    // 11 bytes consumed, 89 still in the pipe: nothing beyond size + 1 was read.
    int pending = 0;
    BOOST_REQUIRE(::ioctl(raw, FIONREAD, &pending) == 0);
    BOOST_TEST(pending == 89);
}

BOOST_AUTO_TEST_CASE(reader_names_short_blob_and_digest_mismatch) {
    VerifyingReader shorter(pipe_with("ab"), {sha256("abc"), 3}, "config c");
    BOOST_TEST(error_of([&] { shorter.drain(); }) ==
               "config c: size mismatch (descriptor says 3 bytes, blob has 2)");
    VerifyingReader changed(pipe_with("abd"), {sha256("abc"), 3}, "manifest m");
    BOOST_TEST(error_of([&] { changed.drain(); }) ==
               "manifest m: digest mismatch (want sha256:" + kAbc + ", got " + sha256("abd").str() +
                   ")");
}

BOOST_AUTO_TEST_CASE(read_verified_refuses_oversized_descriptor_before_reading) {
    UniqueFd writer;
    UniqueFd fd = pipe_with("abc", true, &writer);
    int raw = fd.get();
    // Writer still open: a read would block, so passing proves nothing was read.
    std::string err = error_of([&] {
        read_verified(std::move(fd), {sha256("abc"), 100}, 10, "m");
    });
    BOOST_TEST(err == "m: descriptor size 100 is over the limit of 10 bytes");
    (void)raw;
    BOOST_TEST(read_verified(pipe_with("abc"), {sha256("abc"), 3}, 10, "m") == "abc");
}

BOOST_AUTO_TEST_CASE(read_capped_stops_past_the_cap) {
    BOOST_TEST(read_capped(pipe_with("12345").get(), 5, "index.json") == "12345");
    BOOST_TEST(error_of([] { read_capped(pipe_with("123456").get(), 5, "index.json"); }) ==
               "index.json: larger than 5 bytes");
}

BOOST_AUTO_TEST_SUITE_END()
