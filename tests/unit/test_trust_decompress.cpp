// Layer decompression: gzip and zstd made by the real tools come back byte
// for byte; a media type that lies, a truncated or padded stream and a
// decompression bomb are refused.
#include "trust_helpers.hpp"
#include "ward/trust/decompress.hpp"
#include "ward/trust/oci.hpp"

#include <boost/test/unit_test.hpp>

using namespace ward;
using namespace ward::trust;
using namespace ward::test;

namespace {

constexpr const char* kTar = "application/vnd.oci.image.layer.v1.tar";
constexpr const char* kGzip = "application/vnd.oci.image.layer.v1.tar+gzip";
constexpr const char* kZstd = "application/vnd.oci.image.layer.v1.tar+zstd";

std::string inflate_all(const std::string& blob, const char* media_type,
                        uint64_t cap = uint64_t(1) << 32) {
    MemorySource src(blob);
    auto plain = decompress(src, *layer_compression(media_type), cap);
    std::string out;
    char buf[7000];
    size_t n;
    while ((n = plain->read(buf, sizeof buf)) > 0)
        out.append(buf, n);
    return out;
}

struct Fixture {
    TempDir t;
    std::string data;
    Fixture() {
        // Compressible and not: text and random bytes.
        sh("cd " + t.str() + " && (seq 1 200000; head -c 300000 /dev/urandom) > data");
        data = read_file(t.str("data"));
    }
    std::string made_by(const std::string& cmd) {
        sh("cd " + t.str() + " && " + cmd + " < data > blob");
        return read_file(t.str("blob"));
    }
};

} // namespace

BOOST_AUTO_TEST_SUITE(trust_decompress)

// A reader that asks for exactly what is left (the tar reader does, for an
// entry's content) fills the output buffer just as the frame ends; the end
// of the input after that is the end, not a truncated frame.
BOOST_AUTO_TEST_CASE(zstd_frame_ending_exactly_at_a_full_buffer) {
    Fixture f;
    std::string z = f.made_by("zstd -q -c --check");
    MemorySource src(z);
    auto plain = decompress(src, Compression::zstd, uint64_t(1) << 32);
    std::string out(f.data.size(), '\0');
    BOOST_TEST(read_exact(*plain, out.data(), out.size()));
    BOOST_TEST(out == f.data);
    char more[512];
    BOOST_TEST(plain->read(more, sizeof more) == 0u);
}

BOOST_AUTO_TEST_CASE(gzip_zstd_and_plain_round_trip) {
    Fixture f;
    BOOST_TEST(inflate_all(f.data, kTar) == f.data);
    BOOST_TEST(inflate_all(f.made_by("gzip -c"), kGzip) == f.data);
    BOOST_TEST(inflate_all(f.made_by("zstd -q -c"), kZstd) == f.data);
    // Two gzip members are one stream (RFC 1952), as pigz and cat make.
    std::string twice = f.made_by("gzip -c");
    BOOST_TEST(inflate_all(twice + twice, kGzip) == f.data + f.data);
    // zstd with several frames.
    std::string z = f.made_by("zstd -q -c");
    BOOST_TEST(inflate_all(z + z, kZstd) == f.data + f.data);
}

BOOST_AUTO_TEST_CASE(a_lying_media_type_is_refused) {
    Fixture f;
    std::string gz = f.made_by("gzip -c");
    std::string zst = f.made_by("zstd -q -c");
    BOOST_TEST(error_of([&] { inflate_all(f.data, kGzip); }) ==
               "layer media type says gzip but the blob is not gzip data");
    BOOST_TEST(error_of([&] { inflate_all(gz, kTar); }) ==
               "layer media type says uncompressed tar but the blob is gzip data");
    BOOST_TEST(error_of([&] { inflate_all(zst, kGzip); }) ==
               "layer media type says gzip but the blob is zstd data");
    BOOST_TEST(error_of([&] { inflate_all(gz, kZstd); }) ==
               "layer media type says zstd but the blob is gzip data");
    BOOST_TEST(error_of([&] { inflate_all("", kZstd); }) ==
               "layer media type says zstd but the blob is not zstd data");
}

BOOST_AUTO_TEST_CASE(corrupt_truncated_and_padded_streams) {
    Fixture f;
    std::string gz = f.made_by("gzip -c");
    std::string zst = f.made_by("zstd -q -c");
    BOOST_TEST(error_of([&] { inflate_all(gz.substr(0, gz.size() / 2), kGzip); }) ==
               "gzip: truncated stream");
    BOOST_TEST(error_of([&] { inflate_all(gz + "junk", kGzip); }) ==
               "gzip: trailing data after the compressed stream");
    std::string bad = gz;
    bad[bad.size() - 6] ^= 0x55; // the CRC-32 of the data
    BOOST_TEST(contains(error_of([&] { inflate_all(bad, kGzip); }), "gzip: corrupt data:"));
    BOOST_TEST(error_of([&] { inflate_all(zst.substr(0, zst.size() / 2), kZstd); }) ==
               "zstd: truncated stream");
    BOOST_TEST(contains(error_of([&] { inflate_all(zst + "junk", kZstd); }), "zstd: "));
}

// 64 MiB of zeros is 290 KB of gzip and 2 KB of zstd: stopped at the cap,
// long before it is all inflated.
BOOST_AUTO_TEST_CASE(decompression_bomb_stops_at_the_cap) {
    TempDir t;
    sh("cd " + t.str() +
       " && head -c 64M /dev/zero | gzip -1 -c > bomb.gz && head -c 64M /dev/zero" +
       " | zstd -q -c > bomb.zst");
    std::string msg = "layer is larger than 1048576 bytes uncompressed (decompression bomb?)";
    BOOST_TEST(error_of([&] { inflate_all(read_file(t.str("bomb.gz")), kGzip, 1 << 20); }) == msg);
    BOOST_TEST(error_of([&] { inflate_all(read_file(t.str("bomb.zst")), kZstd, 1 << 20); }) == msg);
    // Exactly at the cap is allowed.
    std::string ten(1 << 20, '\0');
    BOOST_TEST(inflate_all(ten, kTar, 1 << 20).size() == ten.size());
    BOOST_TEST(error_of([&] { inflate_all(ten + "x", kTar, 1 << 20); }) == msg);
}

BOOST_AUTO_TEST_SUITE_END()
