// D-Bus wire format (little-endian), the part the systemd cgroup driver
// needs: the basic types y b n q i u x t s o g, arrays, structs, dict
// entries and variants, each aligned to its natural boundary counted from
// the start of the message (the D-Bus specification, "Marshaling").
//
// ward links as one static PIE and Debian ships no static libsystemd, so
// sd-bus is not an option: this is ward's own small client (see
// docs/architecture.md, "The systemd cgroup driver").
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace ward::dbus {

// Appends marshalled values to a buffer whose offset 0 is the message's
// first byte (alignment is relative to it).
class Writer {
  public:
    void align(std::size_t boundary);
    void byte(std::uint8_t v);
    void boolean(bool v);
    void int16(std::int16_t v);
    void uint16(std::uint16_t v);
    void int32(std::int32_t v);
    void uint32(std::uint32_t v);
    void int64(std::int64_t v);
    void uint64(std::uint64_t v);
    void float64(double v);               // d: IEEE 754, little-endian
    void string(std::string_view v);      // s
    void object_path(std::string_view v); // o: checked against the path grammar
    void signature(std::string_view v);   // g

    // An array: begin_array returns a mark for end_array, which fills in the
    // byte length (padding before the first element not counted).
    struct ArrayMark {
        std::size_t length_at; // where the uint32 length sits
        std::size_t start;     // the first element's offset
    };
    ArrayMark begin_array(std::size_t element_alignment);
    void end_array(ArrayMark mark);
    void begin_struct() { align(8); } // structs and dict entries

    const std::string& bytes() const { return buf_; }
    std::string take() { return std::move(buf_); }

  private:
    void raw(const void* p, std::size_t n);
    std::string buf_;
};

// Reads marshalled values; every read is bounds-checked and fails with a
// clear Error naming what was being read.
class Reader {
  public:
    // base: the offset of data[0] within its message (alignment is relative
    // to the message start).
    explicit Reader(std::string_view data, std::size_t base = 0) : data_(data), base_(base) {}
    void align(std::size_t boundary);
    std::uint8_t byte();
    bool boolean();
    std::uint32_t uint32();
    std::int32_t int32();
    std::uint64_t uint64();
    std::int64_t int64();
    std::string string();
    std::string object_path() { return string(); }
    std::string signature();
    // Reads an array's length and aligns to its first element; returns the
    // end position to compare with position().
    std::size_t begin_array(std::size_t element_alignment);
    std::size_t position() const { return pos_; }
    bool at_end() const { return pos_ >= data_.size(); }
    // Skips one complete value of the single complete type at sig[i...],
    // advancing i past it (for header fields and variants ward ignores).
    void skip(std::string_view sig, std::size_t& i);

  private:
    std::string_view take(std::size_t n, const char* what);
    std::string_view data_;
    std::size_t base_;
    std::size_t pos_ = 0;
};

// A unit property's value: the shapes systemd's transient unit properties
// take (b u t s au ay a(st) a(ss)), then the other basic types and as, for
// the properties an org.systemd.property.* annotation names (its GVariant
// text may give any of them: variant_text.hpp).
using IoLimits = std::vector<std::pair<std::string, std::uint64_t>>;  // a(st)
using StringPairs = std::vector<std::pair<std::string, std::string>>; // a(ss)
using Value =
    std::variant<bool, std::uint32_t, std::uint64_t, std::string, std::vector<std::uint32_t>,
                 std::vector<std::uint8_t>, IoLimits, StringPairs, std::uint8_t, std::int16_t,
                 std::uint16_t, std::int32_t, std::int64_t, double, std::vector<std::string>>;

// The D-Bus signature of a value ("t", "a(st)", ...).
std::string signature_of(const Value& v);
// Marshals v as a variant (its signature, then the value).
void write_variant(Writer& w, const Value& v);

struct Property {
    std::string name;
    Value value;
    bool operator==(const Property&) const = default;
};
// a(sv)
void write_properties(Writer& w, const std::vector<Property>& props);

// True for a valid object path ("/", or "/" elements of [A-Za-z0-9_]).
bool valid_object_path(std::string_view p);

} // namespace ward::dbus
