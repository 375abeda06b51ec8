#include "ward/linux/mountinfo.hpp"

#include "ward/base/error.hpp"
#include "ward/base/strings.hpp"

#include <algorithm>
#include <charconv>

namespace ward::linux {

std::string unescape_mountinfo(std::string_view s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 3 < s.size() &&
            std::all_of(s.begin() + static_cast<long>(i) + 1, s.begin() + static_cast<long>(i) + 4,
                        [](char c) { return c >= '0' && c <= '7'; })) {
            out +=
                static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
            i += 3;
        } else {
            out += s[i];
        }
    }
    return out;
}

std::vector<MountEntry> parse_mountinfo(const std::string& text) {
    std::vector<MountEntry> out;
    for (const auto& line : split(text, '\n')) {
        if (line.empty())
            continue;
        auto f = split(line, ' ');
        auto dash = std::find(f.begin(), f.end(), "-");
        if (f.size() < 10 || dash == f.end() || dash - f.begin() < 6 || f.end() - dash < 4)
            fail("mountinfo: malformed line " + quote(line));
        MountEntry m;
        auto [end, ec] = std::from_chars(f[0].data(), f[0].data() + f[0].size(), m.mount_id);
        if (ec != std::errc() || end != f[0].data() + f[0].size())
            fail("mountinfo: malformed line " + quote(line));
        m.root = unescape_mountinfo(f[3]);
        m.mount_point = unescape_mountinfo(f[4]);
        m.options = split(f[5], ',');
        m.optional_fields.assign(f.begin() + 6, dash);
        m.fstype = dash[1];
        m.source = unescape_mountinfo(dash[2]);
        m.super_options = split(dash[3], ',');
        out.push_back(std::move(m));
    }
    return out;
}

} // namespace ward::linux
