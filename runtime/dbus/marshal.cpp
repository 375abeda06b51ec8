#include "ward/dbus/marshal.hpp"

#include "ward/base/error.hpp"

#include <bit>
#include <cstring>
#include <limits>

namespace ward::dbus {

void Writer::raw(const void* p, std::size_t n) {
    buf_.append(static_cast<const char*>(p), n);
}

void Writer::align(std::size_t boundary) {
    while (buf_.size() % boundary != 0)
        buf_.push_back('\0');
}

// x86-64 and the other targets ward builds for are little-endian, the byte
// order every message ward sends declares ('l').
static_assert(std::endian::native == std::endian::little,
              "ward's D-Bus writer assumes little-endian");

void Writer::byte(std::uint8_t v) {
    raw(&v, 1);
}
void Writer::boolean(bool v) {
    uint32(v ? 1 : 0);
}
void Writer::int16(std::int16_t v) {
    align(2);
    raw(&v, 2);
}
void Writer::uint16(std::uint16_t v) {
    align(2);
    raw(&v, 2);
}
void Writer::int32(std::int32_t v) {
    align(4);
    raw(&v, 4);
}
void Writer::uint32(std::uint32_t v) {
    align(4);
    raw(&v, 4);
}
void Writer::int64(std::int64_t v) {
    align(8);
    raw(&v, 8);
}
void Writer::uint64(std::uint64_t v) {
    align(8);
    raw(&v, 8);
}

void Writer::float64(double v) {
    static_assert(sizeof(double) == 8 && std::numeric_limits<double>::is_iec559);
    align(8);
    raw(&v, 8);
}

void Writer::string(std::string_view v) {
    if (v.find('\0') != std::string_view::npos)
        fail("d-bus string holds a NUL byte");
    uint32(static_cast<std::uint32_t>(v.size()));
    raw(v.data(), v.size());
    byte(0);
}

void Writer::object_path(std::string_view v) {
    if (!valid_object_path(v))
        fail("invalid d-bus object path \"" + std::string(v) + "\"");
    string(v);
}

void Writer::signature(std::string_view v) {
    if (v.size() > 255)
        fail("d-bus signature longer than 255 bytes");
    byte(static_cast<std::uint8_t>(v.size()));
    raw(v.data(), v.size());
    byte(0);
}

Writer::ArrayMark Writer::begin_array(std::size_t element_alignment) {
    uint32(0); // the length, filled in by end_array
    ArrayMark mark{buf_.size() - 4, 0};
    // The length excludes the padding before the first element, which is
    // there even when the array is empty.
    align(element_alignment);
    mark.start = buf_.size();
    return mark;
}

void Writer::end_array(ArrayMark mark) {
    auto len = static_cast<std::uint32_t>(buf_.size() - mark.start);
    std::memcpy(buf_.data() + mark.length_at, &len, 4);
}

std::string_view Reader::take(std::size_t n, const char* what) {
    if (data_.size() - pos_ < n || pos_ > data_.size())
        fail(std::string("d-bus message truncated reading ") + what);
    auto out = data_.substr(pos_, n);
    pos_ += n;
    return out;
}

void Reader::align(std::size_t boundary) {
    while ((base_ + pos_) % boundary != 0) {
        if (take(1, "padding")[0] != '\0')
            fail("d-bus message has non-zero padding");
    }
}

std::uint8_t Reader::byte() {
    return static_cast<std::uint8_t>(take(1, "a byte")[0]);
}

bool Reader::boolean() {
    auto v = uint32();
    if (v > 1)
        fail("d-bus boolean is " + std::to_string(v));
    return v == 1;
}

std::uint32_t Reader::uint32() {
    align(4);
    std::uint32_t v;
    std::memcpy(&v, take(4, "a uint32").data(), 4);
    return v;
}

std::int32_t Reader::int32() {
    return static_cast<std::int32_t>(uint32());
}

std::uint64_t Reader::uint64() {
    align(8);
    std::uint64_t v;
    std::memcpy(&v, take(8, "a uint64").data(), 8);
    return v;
}

std::int64_t Reader::int64() {
    return static_cast<std::int64_t>(uint64());
}

std::string Reader::string() {
    auto n = uint32();
    std::string out(take(n, "a string"));
    if (take(1, "a string's NUL")[0] != '\0')
        fail("d-bus string is not NUL-terminated");
    return out;
}

std::string Reader::signature() {
    auto n = byte();
    std::string out(take(n, "a signature"));
    if (take(1, "a signature's NUL")[0] != '\0')
        fail("d-bus signature is not NUL-terminated");
    return out;
}

std::size_t Reader::begin_array(std::size_t element_alignment) {
    auto n = uint32();
    if (n > (std::uint32_t{1} << 26))
        fail("d-bus array of " + std::to_string(n) + " bytes (the limit is 64 MiB)");
    align(element_alignment);
    if (data_.size() - pos_ < n)
        fail("d-bus message truncated inside an array");
    return pos_ + n;
}

namespace {

std::size_t alignment_of(char code) {
    switch (code) {
    case 'y':
    case 'g':
    case 'v':
        return 1;
    case 'n':
    case 'q':
        return 2;
    case 'x':
    case 't':
    case 'd':
    case '(':
    case '{':
        return 8;
    default:
        return 4; // b i u s o a h
    }
}

// The index just past the single complete type starting at sig[i].
std::size_t type_end(std::string_view sig, std::size_t i) {
    if (i >= sig.size())
        fail("d-bus signature \"" + std::string(sig) + "\" ends early");
    char c = sig[i];
    if (c == 'a')
        return type_end(sig, i + 1);
    if (c == '(' || c == '{') {
        char close = c == '(' ? ')' : '}';
        std::size_t j = i + 1;
        while (j < sig.size() && sig[j] != close)
            j = type_end(sig, j);
        if (j >= sig.size())
            fail("d-bus signature \"" + std::string(sig) + "\" has an unclosed " + c);
        return j + 1;
    }
    return i + 1;
}

} // namespace

void Reader::skip(std::string_view sig, std::size_t& i) {
    if (i >= sig.size())
        fail("d-bus signature \"" + std::string(sig) + "\" ends early");
    char c = sig[i];
    switch (c) {
    case 'y':
        byte();
        break;
    case 'n':
    case 'q':
        align(2);
        take(2, "an int16");
        break;
    case 'b':
    case 'i':
    case 'u':
    case 'h':
        uint32();
        break;
    case 'x':
    case 't':
    case 'd':
        uint64();
        break;
    case 's':
    case 'o':
        string();
        break;
    case 'g':
        signature();
        break;
    case 'v': {
        auto inner = signature();
        std::size_t k = 0;
        skip(inner, k);
        if (k != inner.size())
            fail("d-bus variant signature \"" + inner + "\" is not one complete type");
        break;
    }
    case 'a': {
        std::size_t elem = i + 1;
        std::size_t end = begin_array(alignment_of(elem < sig.size() ? sig[elem] : 'y'));
        std::size_t after = type_end(sig, elem);
        while (pos_ < end) {
            std::size_t k = elem;
            skip(sig, k);
        }
        if (pos_ != end)
            fail("d-bus array element overruns its array");
        i = after;
        return;
    }
    case '(':
    case '{': {
        align(8);
        char close = c == '(' ? ')' : '}';
        std::size_t j = i + 1;
        while (j < sig.size() && sig[j] != close)
            skip(sig, j);
        if (j >= sig.size())
            fail("d-bus signature \"" + std::string(sig) + "\" has an unclosed " + c);
        i = j + 1;
        return;
    }
    default:
        fail(std::string("d-bus type code '") + c + "' is not supported");
    }
    ++i;
}

std::string signature_of(const Value& v) {
    static constexpr const char* kSigs[] = {"b", "u", "t", "s", "au", "ay", "a(st)", "a(ss)",
                                            "y", "n", "q", "i", "x",  "d",  "as"};
    static_assert(std::size(kSigs) == std::variant_size_v<Value>);
    return kSigs[v.index()];
}

namespace {

// Arrays: the element alignment, then each element.
template <typename T, typename Fn>
void array(Writer& w, std::size_t alignment, const std::vector<T>& items, Fn&& each) {
    auto mark = w.begin_array(alignment);
    for (const auto& item : items)
        each(item);
    w.end_array(mark);
}

} // namespace

void write_variant(Writer& w, const Value& v) {
    w.signature(signature_of(v));
    std::visit(
        [&w](const auto& x) {
            using T = std::decay_t<decltype(x)>;
            if constexpr (std::is_same_v<T, bool>) {
                w.boolean(x);
            } else if constexpr (std::is_same_v<T, std::uint8_t>) {
                w.byte(x);
            } else if constexpr (std::is_same_v<T, std::int16_t>) {
                w.int16(x);
            } else if constexpr (std::is_same_v<T, std::uint16_t>) {
                w.uint16(x);
            } else if constexpr (std::is_same_v<T, std::int32_t>) {
                w.int32(x);
            } else if constexpr (std::is_same_v<T, std::uint32_t>) {
                w.uint32(x);
            } else if constexpr (std::is_same_v<T, std::int64_t>) {
                w.int64(x);
            } else if constexpr (std::is_same_v<T, std::uint64_t>) {
                w.uint64(x);
            } else if constexpr (std::is_same_v<T, double>) {
                w.float64(x);
            } else if constexpr (std::is_same_v<T, std::string>) {
                w.string(x);
            } else if constexpr (std::is_same_v<T, std::vector<std::uint32_t>>) {
                array(w, 4, x, [&](std::uint32_t u) { w.uint32(u); });
            } else if constexpr (std::is_same_v<T, std::vector<std::uint8_t>>) {
                array(w, 1, x, [&](std::uint8_t b) { w.byte(b); });
            } else if constexpr (std::is_same_v<T, std::vector<std::string>>) {
                array(w, 4, x, [&](const std::string& s) { w.string(s); });
            } else if constexpr (std::is_same_v<T, IoLimits>) {
                array(w, 8, x, [&](const auto& e) {
                    w.begin_struct();
                    w.string(e.first);
                    w.uint64(e.second);
                });
            } else {
                static_assert(std::is_same_v<T, StringPairs>);
                array(w, 8, x, [&](const auto& e) {
                    w.begin_struct();
                    w.string(e.first);
                    w.string(e.second);
                });
            }
        },
        v);
}

void write_properties(Writer& w, const std::vector<Property>& props) {
    auto mark = w.begin_array(8);
    for (const auto& p : props) {
        w.begin_struct();
        w.string(p.name);
        write_variant(w, p.value);
    }
    w.end_array(mark);
}

bool valid_object_path(std::string_view p) {
    if (p.empty() || p[0] != '/')
        return false;
    if (p == "/")
        return true;
    if (p.back() == '/')
        return false;
    bool after_slash = true;
    for (std::size_t i = 1; i < p.size(); ++i) {
        char c = p[i];
        if (c == '/') {
            if (after_slash)
                return false;
            after_slash = true;
            continue;
        }
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_'))
            return false;
        after_slash = false;
    }
    return true;
}

} // namespace ward::dbus
