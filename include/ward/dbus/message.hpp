// D-Bus messages: the fixed header, the header fields and the body
// (the D-Bus specification, "Message Format"). Little-endian only: ward
// sends 'l' and refuses a peer's big-endian message with a clear error.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ward::dbus {

enum class MessageType : std::uint8_t { method_call = 1, method_return = 2, error = 3, signal = 4 };

struct Message {
    MessageType type = MessageType::method_call;
    std::uint8_t flags = 0;
    std::uint32_t serial = 0;
    std::string path;               // field 1 (o)
    std::string interface;          // field 2 (s)
    std::string member;             // field 3 (s)
    std::string error_name;         // field 4 (s)
    std::uint32_t reply_serial = 0; // field 5 (u), 0 when absent
    std::string destination;        // field 6 (s)
    std::string sender;             // field 7 (s)
    std::string signature;          // field 8 (g), the body's
    std::string body;               // marshalled, starting at an 8-byte boundary
};

// The largest message ward reads (systemd's replies and signals to the
// driver are a few hundred bytes; the specification allows 128 MiB).
inline constexpr std::size_t kMaxMessage = 1 << 20;

// Marshals m (serial, fields and body as given) into wire bytes.
std::string encode(const Message& m);

// The whole message's length from its first 16 bytes; fails on a
// big-endian or malformed header, or one past kMaxMessage.
std::size_t message_length(std::string_view first16);

// Parses one complete message (exactly message_length bytes).
Message decode(std::string_view bytes);

} // namespace ward::dbus
