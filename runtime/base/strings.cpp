#include "ward/base/strings.hpp"

#include <charconv>
#include <chrono>
#include <cstdio>
#include <ctime>

namespace ward {

std::vector<std::string> split(std::string_view s, char sep) {
    std::vector<std::string> out;
    size_t start = 0;
    while (true) {
        size_t pos = s.find(sep, start);
        if (pos == std::string_view::npos) {
            out.emplace_back(s.substr(start));
            return out;
        }
        out.emplace_back(s.substr(start, pos - start));
        start = pos + 1;
    }
}

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
    std::string out;
    for (size_t i = 0; i < parts.size(); ++i) {
        if (i)
            out += sep;
        out += parts[i];
    }
    return out;
}

bool starts_with(std::string_view s, std::string_view prefix) {
    return s.starts_with(prefix);
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\n'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n'))
        s.remove_suffix(1);
    return s;
}

template <typename T>
static std::optional<T> parse_number(std::string_view s) {
    T value{};
    if (s.empty())
        return std::nullopt;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc() || end != s.data() + s.size())
        return std::nullopt;
    return value;
}

std::optional<int64_t> parse_int(std::string_view s) {
    return parse_number<int64_t>(s);
}
std::optional<uint64_t> parse_uint(std::string_view s) {
    return parse_number<uint64_t>(s);
}

// A message quotes a prefix of a long value (a 1 MB annotation would
// otherwise be a 1 MB error line), cut on a UTF-8 boundary, and its length:
// "abc..."... (1048576 bytes).
constexpr size_t kQuotedBytes = 200;

std::string quote(std::string_view s) {
    const size_t whole = s.size();
    if (whole > kQuotedBytes) {
        size_t cut = kQuotedBytes;
        while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xc0) == 0x80)
            --cut;
        s = s.substr(0, cut);
    }
    std::string out = "\"";
    for (char c : s) {
        auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (u < 0x20 || u == 0x7f) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", u);
            out += buf;
        } else {
            out += c;
        }
    }
    out += '"';
    if (whole > s.size())
        out += "... (" + std::to_string(whole) + " bytes)";
    return out;
}

std::string rfc3339_now(bool nanoseconds) {
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    // Civil date by std::chrono, not gmtime_r/strftime: glibc's run tzset,
    // which reads /etc/localtime, a file read on every container start for
    // a time that is UTC anyway.
    using namespace std::chrono;
    sys_seconds now{seconds{ts.tv_sec}};
    sys_days day = floor<days>(now);
    year_month_day date{day};
    hh_mm_ss time{now - day};
    char buf[64];
    int n = std::snprintf(
        buf, sizeof buf, "%04d-%02u-%02uT%02ld:%02ld:%02lld", static_cast<int>(date.year()),
        static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
        static_cast<long>(time.hours().count()), static_cast<long>(time.minutes().count()),
        static_cast<long long>(time.seconds().count()));
    if (nanoseconds)
        std::snprintf(buf + n, sizeof buf - static_cast<size_t>(n), ".%09ldZ", ts.tv_nsec);
    else
        std::snprintf(buf + n, sizeof buf - static_cast<size_t>(n), "Z");
    return buf;
}

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

} // namespace

bool valid_utf8(std::string_view s) {
    for (size_t i = 0; i < s.size();) {
        size_t len = utf8_sequence_length(s, i);
        if (len == 0)
            return false;
        i += len;
    }
    return true;
}

void append_json_string(std::string& out, std::string_view s) {
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

} // namespace ward
