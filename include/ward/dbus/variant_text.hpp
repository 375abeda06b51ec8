// GVariant's text format (GLib, "GVariant Text Format"), the part the
// values of org.systemd.property.* annotations use: runc hands such a
// value to its D-Bus library's parser, and users write what that takes.
//
//   true, false                         b
//   123, -5, 0x1f                       i (an untyped integer is an int32)
//   1.5, 2e3                            d
//   'text', "text"                      s (escapes \\ \' \" \n \t \r \a \b \f \v)
//   byte N, int16 N, uint16 N, int32 N, uint32 N, int64 N, uint64 N
//                                       y n q i u x t
//   double N, boolean B, string S       d b s
//   @T V  (T one of b y n q i u x t d s as)
//   ['a', "b"], @as []                  as
//
// Anything else (other arrays, tuples, dictionaries, maybes, nested
// variants, octal numbers) is refused with the reason; a text longer than
// kMaxVariantText is refused unread.
#pragma once

#include "ward/dbus/marshal.hpp"

#include <cstddef>
#include <string_view>

namespace ward::dbus {

inline constexpr std::size_t kMaxVariantText = 4096;

// Throws ward::Error saying what is wrong ("2147483648 does not fit an
// int32 ...").
Value parse_variant_text(std::string_view text);

} // namespace ward::dbus
