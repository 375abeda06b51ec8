// Value → JSON text, compact or indented like Go's json.MarshalIndent(v, "", "  ").
#include "ward/json/json.hpp"

#include <charconv>
#include <cmath>

namespace ward::json {
namespace {

// Length of the valid UTF-8 sequence starting at s[i], or 0 when invalid
// (overlong forms, surrogates and code points past U+10FFFF are invalid).
size_t utf8_sequence_length(std::string_view s, size_t i) {
    auto byte = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
    unsigned char c = byte(i);
    size_t len;
    uint32_t cp;
    if (c < 0x80)
        return 1;
    if ((c & 0xe0) == 0xc0) {
        len = 2;
        cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
        len = 3;
        cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
        len = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (i + len > s.size())
        return 0;
    for (size_t k = 1; k < len; ++k) {
        if ((byte(i + k) & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (byte(i + k) & 0x3f);
    }
    static constexpr uint32_t kMinimum[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMinimum[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

void write_string(std::string& out, std::string_view s) {
    static constexpr char kHex[] = "0123456789abcdef";
    out += '"';
    for (size_t i = 0; i < s.size();) {
        auto c = static_cast<unsigned char>(s[i]);
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        case '\b':
            out += "\\b";
            break;
        case '\f':
            out += "\\f";
            break;
        default:
            if (c < 0x20) {
                out += "\\u00";
                out += kHex[c >> 4];
                out += kHex[c & 0xf];
            } else if (c >= 0x80) {
                size_t len = utf8_sequence_length(s, i);
                if (len == 0) {
                    // Like Go: an invalid byte becomes U+FFFD, so the output
                    // is always valid JSON that our own parser accepts.
                    out += "\\ufffd";
                    ++i;
                } else {
                    out.append(s.substr(i, len));
                    i += len;
                }
                continue;
            } else {
                out += static_cast<char>(c);
            }
        }
        ++i;
    }
    out += '"';
}

void write_number(std::string& out, const Value& v) {
    if (auto i = v.as_int64()) {
        out += std::to_string(*i);
        return;
    }
    if (v.is_integer()) {
        out += std::to_string(*v.as_uint64());
        return;
    }
    double d = v.as_double();
    if (!std::isfinite(d)) {
        out += "null"; // JSON has no NaN or infinity
        return;
    }
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
    std::string_view text(buf, static_cast<size_t>(end - buf));
    out += text;
    // Keep a double a double when it is read back.
    if (text.find_first_of(".eEn") == std::string_view::npos)
        out += ".0";
}

void newline(std::string& out, Style style, int depth) {
    if (style == Style::pretty) {
        out += '\n';
        out.append(static_cast<size_t>(depth) * 2, ' ');
    }
}

void write_value(std::string& out, const Value& v, Style style, int depth) {
    switch (v.type()) {
    case Type::null:
        out += "null";
        break;
    case Type::boolean:
        out += v.as_bool() ? "true" : "false";
        break;
    case Type::number:
        write_number(out, v);
        break;
    case Type::string:
        write_string(out, v.as_string());
        break;
    case Type::array: {
        const auto& items = v.as_array();
        out += '[';
        for (size_t i = 0; i < items.size(); ++i) {
            if (i)
                out += ',';
            newline(out, style, depth + 1);
            write_value(out, items[i], style, depth + 1);
        }
        if (!items.empty())
            newline(out, style, depth);
        out += ']';
        break;
    }
    case Type::object: {
        const auto& members = v.as_object();
        out += '{';
        for (size_t i = 0; i < members.size(); ++i) {
            if (i)
                out += ',';
            newline(out, style, depth + 1);
            write_string(out, members[i].first);
            out += style == Style::pretty ? ": " : ":";
            write_value(out, members[i].second, style, depth + 1);
        }
        if (!members.empty())
            newline(out, style, depth);
        out += '}';
        break;
    }
    }
}

} // namespace

std::string serialize(const Value& value, Style style) {
    std::string out;
    write_value(out, value, style, 0);
    return out;
}

} // namespace ward::json
