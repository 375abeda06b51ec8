#include "duration.hpp"

#include <cstdint>
#include <utility>

namespace ward::cli {
namespace {

// Units in nanoseconds.
constexpr std::pair<std::string_view, uint64_t> kUnits[] = {
    {"ns", 1},         {"us", 1000},         {"\u00b5s", 1000}, // micro sign
    {"\u03bcs", 1000},                                          // Greek mu
    {"ms", 1000000},   {"s", 1000000000ULL}, {"m", 60 * 1000000000ULL}, {"h", 3600 * 1000000000ULL},
};

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

} // namespace

std::optional<std::chrono::nanoseconds> parse_go_duration(std::string_view s) {
    bool negative = false;
    if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
        negative = s[0] == '-';
        s.remove_prefix(1);
    }
    if (s == "0")
        return std::chrono::nanoseconds(0);
    if (s.empty())
        return std::nullopt;
    constexpr unsigned __int128 kLimit = static_cast<unsigned __int128>(INT64_MAX) + 1;
    unsigned __int128 total = 0;
    while (!s.empty()) {
        // [0-9]*(\.[0-9]*)? with at least one digit on either side of the dot.
        unsigned __int128 whole = 0, frac = 0, scale = 1;
        size_t digits = 0;
        while (!s.empty() && is_digit(s[0])) {
            whole = whole * 10 + static_cast<unsigned>(s[0] - '0');
            if (whole > kLimit)
                return std::nullopt;
            s.remove_prefix(1);
            ++digits;
        }
        if (!s.empty() && s[0] == '.') {
            s.remove_prefix(1);
            while (!s.empty() && is_digit(s[0])) {
                if (scale < static_cast<unsigned __int128>(1000000000000000000ULL)) {
                    frac = frac * 10 + static_cast<unsigned>(s[0] - '0');
                    scale *= 10;
                }
                s.remove_prefix(1);
                ++digits;
            }
        }
        if (digits == 0)
            return std::nullopt;
        // The unit is everything up to the next number, looked up whole.
        size_t end = 0;
        while (end < s.size() && !is_digit(s[end]) && s[end] != '.')
            ++end;
        std::string_view name = s.substr(0, end);
        s.remove_prefix(end);
        uint64_t unit = 0;
        for (const auto& [spelling, ns] : kUnits)
            if (name == spelling)
                unit = ns;
        if (unit == 0)
            return std::nullopt;
        total += whole * unit + frac * unit / scale;
        if (total > kLimit)
            return std::nullopt;
    }
    if (!negative && total == kLimit)
        return std::nullopt;
    auto value = static_cast<int64_t>(negative ? -static_cast<__int128>(total)
                                               : static_cast<__int128>(total));
    return std::chrono::nanoseconds(value);
}

} // namespace ward::cli
