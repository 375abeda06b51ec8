#include "ward/dbus/message.hpp"

#include "ward/base/error.hpp"
#include "ward/dbus/marshal.hpp"

#include <cstring>

namespace ward::dbus {

namespace {

enum Field : std::uint8_t {
    path_field = 1,
    interface_field = 2,
    member_field = 3,
    error_name_field = 4,
    reply_serial_field = 5,
    destination_field = 6,
    sender_field = 7,
    signature_field = 8,
};

void string_field(Writer& w, std::uint8_t code, const char* sig, const std::string& value) {
    if (value.empty())
        return;
    w.begin_struct();
    w.byte(code);
    w.signature(sig);
    if (sig[0] == 'o')
        w.object_path(value);
    else if (sig[0] == 'g')
        w.signature(value);
    else
        w.string(value);
}

std::uint32_t read_u32(std::string_view b, std::size_t at) {
    std::uint32_t v;
    std::memcpy(&v, b.data() + at, 4);
    return v;
}

} // namespace

std::string encode(const Message& m) {
    Writer w;
    w.byte('l');
    w.byte(static_cast<std::uint8_t>(m.type));
    w.byte(m.flags);
    w.byte(1); // protocol version
    w.uint32(static_cast<std::uint32_t>(m.body.size()));
    w.uint32(m.serial);
    auto fields = w.begin_array(8);
    string_field(w, path_field, "o", m.path);
    string_field(w, interface_field, "s", m.interface);
    string_field(w, member_field, "s", m.member);
    string_field(w, error_name_field, "s", m.error_name);
    if (m.reply_serial != 0) {
        w.begin_struct();
        w.byte(reply_serial_field);
        w.signature("u");
        w.uint32(m.reply_serial);
    }
    string_field(w, destination_field, "s", m.destination);
    string_field(w, sender_field, "s", m.sender);
    string_field(w, signature_field, "g", m.signature);
    w.end_array(fields);
    w.align(8); // the body starts on an 8-byte boundary
    std::string out = w.take();
    out += m.body;
    return out;
}

std::size_t message_length(std::string_view h) {
    if (h.size() < 16)
        fail("d-bus header shorter than 16 bytes");
    if (h[0] != 'l')
        fail(h[0] == 'B' ? "d-bus peer sent a big-endian message (ward reads little-endian only)"
                         : "d-bus message has an unknown byte-order mark");
    if (h[3] != 1)
        fail("d-bus message has protocol version " +
             std::to_string(static_cast<unsigned char>(h[3])));
    std::size_t body = read_u32(h, 4);
    std::size_t fields = read_u32(h, 12);
    if (body > kMaxMessage || fields > kMaxMessage)
        fail("d-bus message larger than " + std::to_string(kMaxMessage) + " bytes");
    std::size_t header = 16 + fields;
    header = (header + 7) / 8 * 8;
    if (header + body > kMaxMessage)
        fail("d-bus message larger than " + std::to_string(kMaxMessage) + " bytes");
    return header + body;
}

Message decode(std::string_view bytes) {
    std::size_t total = message_length(bytes);
    if (bytes.size() != total)
        fail("d-bus message is " + std::to_string(bytes.size()) + " bytes, its header says " +
             std::to_string(total));
    Message m;
    Reader r(bytes);
    r.byte();
    auto type = r.byte();
    if (type < 1 || type > 4)
        fail("d-bus message type " + std::to_string(type) + " is unknown");
    m.type = static_cast<MessageType>(type);
    m.flags = r.byte();
    r.byte();
    std::size_t body_len = r.uint32();
    m.serial = r.uint32();
    std::size_t end = r.begin_array(8);
    while (r.position() < end) {
        r.align(8);
        auto code = r.byte();
        auto sig = r.signature();
        auto expect = [&](const char* want) {
            if (sig != want)
                fail("d-bus header field " + std::to_string(code) + " has signature \"" + sig +
                     "\"");
        };
        switch (code) {
        case path_field:
            expect("o");
            m.path = r.object_path();
            break;
        case interface_field:
            expect("s");
            m.interface = r.string();
            break;
        case member_field:
            expect("s");
            m.member = r.string();
            break;
        case error_name_field:
            expect("s");
            m.error_name = r.string();
            break;
        case reply_serial_field:
            expect("u");
            m.reply_serial = r.uint32();
            break;
        case destination_field:
            expect("s");
            m.destination = r.string();
            break;
        case sender_field:
            expect("s");
            m.sender = r.string();
            break;
        case signature_field:
            expect("g");
            m.signature = r.signature();
            break;
        default: { // fields ward does not use (unix fds, ...): skip by type
            std::size_t i = 0;
            r.skip(sig, i);
        }
        }
    }
    if (r.position() != end)
        fail("d-bus header fields overrun their array");
    r.align(8);
    if (bytes.size() - r.position() != body_len)
        fail("d-bus body length does not match the header");
    m.body = std::string(bytes.substr(r.position()));
    return m;
}

} // namespace ward::dbus
