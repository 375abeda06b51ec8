// ward's own D-Bus client (the systemd cgroup driver's transport): the wire
// bytes for each type, worked out by hand from the D-Bus specification
// ("Marshaling" and "Message Format"), written here piece by piece with the
// padding spelled out, and the parser's refusals of malformed input.
#include "error_text.hpp"
#include "ward/base/error.hpp"
#include "ward/dbus/connection.hpp"
#include "ward/dbus/marshal.hpp"
#include "ward/dbus/message.hpp"
#include "ward/dbus/systemd_manager.hpp"

#include <boost/test/unit_test.hpp>

using namespace ward;
using namespace ward::dbus;
using ward::test::check_fails_with;

namespace {

// n zero bytes of padding.
std::string pad(std::size_t n) {
    return std::string(n, '\0');
}
// A little-endian uint32 / uint64.
std::string u32(std::uint32_t v) {
    std::string s;
    for (int i = 0; i < 4; ++i)
        s += static_cast<char>((v >> (8 * i)) & 0xff);
    return s;
}
std::string u64(std::uint64_t v) {
    std::string s;
    for (int i = 0; i < 8; ++i)
        s += static_cast<char>((v >> (8 * i)) & 0xff);
    return s;
}
// s / o: length, bytes, NUL (the caller has aligned to 4).
std::string str(std::string_view v) {
    return u32(static_cast<std::uint32_t>(v.size())) + std::string(v) + pad(1);
}
// g: one length byte, bytes, NUL.
std::string sig(std::string_view v) {
    return std::string(1, static_cast<char>(v.size())) + std::string(v) + pad(1);
}

} // namespace

BOOST_AUTO_TEST_SUITE(dbus_marshal)

BOOST_AUTO_TEST_CASE(basic_types_align_to_their_size) {
    Writer w;
    w.byte('A'); // 0
    w.uint32(1); // aligned to 4
    w.byte(2);   // 8
    w.int16(-2); // aligned to 2
    w.byte(3);   // 12
    w.uint64(5); // aligned to 8
    w.boolean(true);
    w.int64(-1);
    std::string want = "A" + pad(3) + u32(1) + "\x02" + pad(1) + "\xfe\xff" + "\x03" + pad(3) +
                       u64(5) + u32(1) + pad(4) + u64(~std::uint64_t{0});
    BOOST_TEST(w.bytes() == want);
}

BOOST_AUTO_TEST_CASE(strings_paths_and_signatures) {
    Writer w;
    w.string("ab");          // 0..7
    w.object_path("/a/b_1"); // aligned to 8: 4+6+1
    w.signature("a(sv)");    // 1+5+1, no alignment
    std::string want = str("ab") + pad(1) + str("/a/b_1") + sig("a(sv)");
    BOOST_TEST(w.bytes() == want);
    Writer bad;
    check_fails_with([&] { bad.object_path("/a//b"); }, "invalid d-bus object path \"/a//b\"");
    check_fails_with([&] { bad.object_path("a"); }, "invalid d-bus object path");
    check_fails_with([&] { bad.object_path("/a-b"); }, "invalid d-bus object path");
    check_fails_with([&] { bad.string(std::string("a\0b", 3)); }, "NUL byte");
    BOOST_TEST(valid_object_path("/"));
    BOOST_TEST(!valid_object_path("/a/"));
}

// The length of an array of 8-aligned elements excludes the padding after
// the length, which is there even for an empty array.
BOOST_AUTO_TEST_CASE(array_length_excludes_the_padding_before_elements) {
    Writer empty;
    empty.uint64(0); // so the array starts at 8
    auto m = empty.begin_array(8);
    empty.end_array(m);
    BOOST_TEST(empty.bytes() == u64(0) + u32(0) + pad(4));

    Writer one;
    one.byte(1);
    auto m1 = one.begin_array(8);
    one.uint64(7);
    one.end_array(m1);
    BOOST_TEST(one.bytes() == "\x01" + pad(3) + u32(8) + u64(7));
}

// a(sv) with one property: the struct at 8, the variant's signature "t",
// then the uint64 aligned to 8 (counted from the start).
BOOST_AUTO_TEST_CASE(one_property_in_a_sv) {
    Writer w;
    write_properties(w, {{"MemoryMax", std::uint64_t{1024}}});
    std::string want = u32(32) + pad(4) + str("MemoryMax") + sig("t") + pad(7) + u64(1024);
    BOOST_TEST(w.bytes() == want);
    BOOST_TEST(w.bytes().size() == 40u);
}

BOOST_AUTO_TEST_CASE(every_property_shape_has_its_signature) {
    BOOST_TEST(signature_of(Value{true}) == "b");
    BOOST_TEST(signature_of(Value{std::uint32_t{1}}) == "u");
    BOOST_TEST(signature_of(Value{std::uint64_t{1}}) == "t");
    BOOST_TEST(signature_of(Value{std::string("x")}) == "s");
    BOOST_TEST(signature_of(Value{std::vector<std::uint32_t>{1}}) == "au");
    BOOST_TEST(signature_of(Value{std::vector<std::uint8_t>{1}}) == "ay");
    BOOST_TEST(signature_of(Value{IoLimits{}}) == "a(st)");
    BOOST_TEST(signature_of(Value{StringPairs{}}) == "a(ss)");

    // a(st) as IOReadBandwidthMax takes it, at offset 0 of a variant: the
    // signature (7 bytes), the array length at 8, the struct at 16.
    Writer w;
    write_variant(w, IoLimits{{"/dev/vda", 1048576}});
    std::string want =
        sig("a(st)") + pad(1) + u32(24) + pad(4) + str("/dev/vda") + pad(3) + u64(1048576);
    BOOST_TEST(w.bytes() == want);

    Writer b;
    write_variant(b, std::vector<std::uint8_t>{0x03});
    BOOST_TEST(b.bytes() == sig("ay") + u32(1) + "\x03");
}

// The types an annotation's GVariant text can give, each as a variant at
// offset 0: its signature (3 or 4 bytes), padding to the type's
// alignment, the value.
BOOST_AUTO_TEST_CASE(annotation_value_types_in_a_variant) {
    auto variant = [](const Value& v) {
        Writer w;
        write_variant(w, v);
        return w.bytes();
    };
    BOOST_TEST(signature_of(Value{std::uint8_t{1}}) == "y");
    BOOST_TEST(variant(std::uint8_t{7}) == sig("y") + "\x07");
    BOOST_TEST(variant(std::int16_t{-2}) == sig("n") + pad(1) + "\xfe\xff");
    BOOST_TEST(variant(std::uint16_t{0x1234}) == sig("q") + pad(1) + "\x34\x12");
    BOOST_TEST(variant(std::int32_t{-1}) == sig("i") + pad(1) + u32(0xffffffff));
    BOOST_TEST(variant(std::int64_t{-5}) ==
               sig("x") + pad(5) + u64(static_cast<std::uint64_t>(std::int64_t{-5})));
    // 1.5 is 0x3ff8000000000000 in IEEE 754.
    BOOST_TEST(variant(1.5) == sig("d") + pad(5) + u64(0x3ff8000000000000));
    BOOST_TEST(variant(true) == sig("b") + pad(1) + u32(1));
    // as: the byte length (after the padding), then each string at 4.
    BOOST_TEST(variant(std::vector<std::string>{"a.service", "b"}) ==
               sig("as") + u32(22) + str("a.service") + pad(2) + str("b"));
    BOOST_TEST(variant(std::vector<std::string>{}) == sig("as") + u32(0));
    // a(ss) as DeviceAllow takes it.
    BOOST_TEST(variant(StringPairs{{"/dev/null", "rw"}}) ==
               sig("a(ss)") + pad(1) + u32(23) + pad(4) + str("/dev/null") + pad(2) + str("rw"));
}

// StartTransientUnit's body for a scope with its init's pid: ss, then
// a(sv) at 24 (elements from 32), then the empty a(sa(sv)).
BOOST_AUTO_TEST_CASE(start_transient_unit_body_bytes) {
    auto body =
        start_transient_unit_body("a.scope", "fail", {{"PIDs", std::vector<std::uint32_t>{42}}});
    std::string want = str("a.scope") + str("fail") + pad(3) + u32(24) + pad(4) + str("PIDs") +
                       sig("au") + pad(3) + u32(4) + u32(42) + u32(0) + pad(4);
    BOOST_TEST(body == want);
    BOOST_TEST(body.size() == 64u);
}

// SetUnitProperties' body (ward update through systemd): s, the runtime
// flag as a 4-byte boolean, then a(sv) whose elements start at 8-aligned 24.
BOOST_AUTO_TEST_CASE(set_unit_properties_body_bytes) {
    auto body = set_unit_properties_body("a.scope", {{"TasksMax", std::uint64_t{7}}});
    // "TasksMax" ends at 37, its signature "t" at 40: the uint64 needs no
    // padding, and the one element is 24 bytes long.
    std::string want =
        str("a.scope") + u32(1) + u32(24) + pad(4) + str("TasksMax") + sig("t") + u64(7);
    BOOST_TEST(body == want);
}

// Hello to the bus, serial 1, no body: the header fields array runs from
// 16 to 125, and the header is padded to 128.
BOOST_AUTO_TEST_CASE(method_call_header_bytes) {
    Message m;
    m.serial = 1;
    m.path = "/org/freedesktop/DBus";
    m.interface = "org.freedesktop.DBus";
    m.member = "Hello";
    m.destination = "org.freedesktop.DBus";
    std::string want = std::string("l\x01\x00\x01", 4) + u32(0) + u32(1) + u32(109) + // fixed part
                       "\x01" + sig("o") + str("/org/freedesktop/DBus") + pad(2) +    // 16..47
                       "\x02" + sig("s") + str("org.freedesktop.DBus") + pad(3) +     // 48..79
                       "\x03" + sig("s") + str("Hello") + pad(2) +                    // 80..95
                       "\x06" + sig("s") + str("org.freedesktop.DBus") + pad(3);      // 96..127
    auto got = encode(m);
    BOOST_TEST(got == want);
    BOOST_TEST(got.size() == 128u);
    BOOST_TEST(message_length(got.substr(0, 16)) == 128u);
}

BOOST_AUTO_TEST_CASE(round_trip_with_a_body) {
    Message m;
    m.type = MessageType::method_call;
    m.serial = 7;
    m.path = "/org/freedesktop/systemd1";
    m.interface = "org.freedesktop.systemd1.Manager";
    m.member = "StopUnit";
    m.destination = "org.freedesktop.systemd1";
    m.signature = "ss";
    Writer body;
    body.string("x.scope");
    body.string("replace");
    m.body = body.take();
    auto back = decode(encode(m));
    BOOST_TEST(back.serial == 7u);
    BOOST_TEST(back.path == m.path);
    BOOST_TEST(back.interface == m.interface);
    BOOST_TEST(back.member == m.member);
    BOOST_TEST(back.destination == m.destination);
    BOOST_TEST(back.signature == "ss");
    Reader r(back.body);
    BOOST_TEST(r.string() == "x.scope");
    BOOST_TEST(r.string() == "replace");
    BOOST_TEST(r.at_end());
}

// What systemd sends: an error reply (its name and message) and the
// JobRemoved signal (uoss), with a header field ward skips (UNIX_FDS).
BOOST_AUTO_TEST_CASE(error_reply_and_job_removed_signal) {
    Message e;
    e.type = MessageType::error;
    e.serial = 9;
    e.reply_serial = 3;
    e.error_name = "org.freedesktop.DBus.Error.InvalidArgs";
    e.signature = "s";
    Writer eb;
    eb.string("Cannot set property Foo, or unknown property.");
    e.body = eb.take();
    auto back = decode(encode(e));
    BOOST_TEST(static_cast<int>(back.type) == 3);
    BOOST_TEST(back.reply_serial == 3u);
    BOOST_TEST(back.error_name == e.error_name);
    BOOST_TEST(Reader(back.body).string() == "Cannot set property Foo, or unknown property.");

    // A signal written out by hand, with field 9 (UNIX_FDS, u) first.
    std::string body =
        u32(12) + str("/org/freedesktop/systemd1/job/12") + pad(3) + str("w.scope") + str("done");
    std::string fields = "\x09" + sig("u") + u32(0) +                                    // 16..23
                         "\x01" + sig("o") + str("/org/freedesktop/systemd1") + pad(6) + // 24..63
                         "\x02" + sig("s") + str("org.freedesktop.systemd1.Manager") +
                         pad(7) +                                         // 64..111
                         "\x03" + sig("s") + str("JobRemoved") + pad(5) + // 112..135
                         "\x08" + sig("g") + sig("uoss");                 // 136..145
    std::string msg = std::string("l\x04\x01\x01", 4) +
                      u32(static_cast<std::uint32_t>(body.size())) + u32(44) +
                      u32(static_cast<std::uint32_t>(fields.size())) + fields;
    msg += pad((8 - msg.size() % 8) % 8);
    msg += body;
    auto s = decode(msg);
    BOOST_TEST(static_cast<int>(s.type) == 4);
    BOOST_TEST(s.member == "JobRemoved");
    BOOST_TEST(s.signature == "uoss");
    Reader r(s.body);
    BOOST_TEST(r.uint32() == 12u);
    BOOST_TEST(r.object_path() == "/org/freedesktop/systemd1/job/12");
    BOOST_TEST(r.string() == "w.scope");
    BOOST_TEST(r.string() == "done");
}

BOOST_AUTO_TEST_CASE(malformed_messages_are_refused) {
    check_fails_with([] { message_length(std::string("B\x01\x00\x01", 4) + pad(12)); },
                     "big-endian");
    check_fails_with([] { message_length(std::string("l\x01\x00\x02", 4) + pad(12)); },
                     "protocol version 2");
    check_fails_with(
        [] { message_length(std::string("l\x01\x00\x01", 4) + u32(2u << 20) + pad(8)); },
        "larger than");
    check_fails_with([] { message_length("l"); }, "shorter than 16");
    check_fails_with([] { Reader(u32(10) + "abc").string(); }, "truncated reading a string");
    check_fails_with([] { Reader(u32(2)).boolean(); }, "boolean is 2");
    check_fails_with([] { Reader(u32(1) + "ab").string(); }, "not NUL-terminated");
    check_fails_with(
        [] {
            // A Reader is a view: the bytes must outlive it.
            const std::string data = std::string("\x01\x01\0\0", 4) + u32(0);
            Reader r(data);
            r.byte();
            r.uint32();
        },
        "non-zero padding");
    check_fails_with([] { Reader(u32(1u << 30)).begin_array(4); }, "the limit is 64 MiB");
    Message m;
    m.serial = 1;
    m.member = "X";
    auto bytes = encode(m);
    check_fails_with([&] { decode(bytes + "x"); }, "its header says");
    bytes[1] = 9;
    check_fails_with([&] { decode(bytes); }, "message type 9");
}

BOOST_AUTO_TEST_CASE(sasl_external_sends_the_uid_in_hex) {
    BOOST_TEST(sasl_auth_line(0) == "AUTH EXTERNAL 30\r\n");
    BOOST_TEST(sasl_auth_line(1000) == "AUTH EXTERNAL 31303030\r\n");
}

BOOST_AUTO_TEST_SUITE_END()
