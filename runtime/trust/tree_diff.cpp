#include "ward/trust/tree_diff.hpp"

#include "ward/base/strings.hpp"

#include <cstdio>

namespace ward::trust {

namespace {

std::string octal(uint32_t mode) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%04o", mode & 07777);
    return buf;
}

std::string device(const FileRecord& r) {
    return std::string(entry_type_name(r.type)) + " " + std::to_string(r.major) + ":" +
           std::to_string(r.minor);
}

std::optional<std::string> xattr_difference(const FileRecord& want, const FileRecord& got,
                                            const std::string& file, const std::string& since) {
    if (want.xattrs == got.xattrs)
        return std::nullopt;
    // The first name (sorted) present on one side only or with another value.
    auto w = want.xattrs.begin();
    auto g = got.xattrs.begin();
    while (w != want.xattrs.end() || g != got.xattrs.end()) {
        if (g == got.xattrs.end() || (w != want.xattrs.end() && w->first < g->first))
            return file + " xattr " + w->first + " removed " + since;
        if (w == want.xattrs.end() || g->first < w->first)
            return file + " xattr " + g->first + " added " + since;
        if (w->second != g->second)
            return file + " xattr " + w->first + " changed " + since;
        ++w;
        ++g;
    }
    return std::nullopt;
}

} // namespace

std::optional<std::string> path_difference(const std::string& rel, const FileRecord& want,
                                           const FileRecord& got, const std::string& since) {
    std::string file = "rootfs file " + shown_path(rel);
    if (want.type != got.type)
        return file + " type changed " + since + " (want " + entry_type_name(want.type) + ", got " +
               entry_type_name(got.type) + ")";
    if (want.type == EntryType::file && (want.digest != got.digest || want.size != got.size))
        return file + " changed " + since;
    if (want.mode != got.mode)
        return file + " mode changed " + since + " (want " + octal(want.mode) + ", got " +
               octal(got.mode) + ")";
    if (want.uid != got.uid || want.gid != got.gid)
        return file + " owner changed " + since + " (want " + std::to_string(want.uid) + ":" +
               std::to_string(want.gid) + ", got " + std::to_string(got.uid) + ":" +
               std::to_string(got.gid) + ")";
    if (want.target != got.target)
        return "rootfs symlink " + shown_path(rel) + " target changed " + since + " (want " +
               quote(want.target) + ", got " + quote(got.target) + ")";
    if (want.major != got.major || want.minor != got.minor)
        return "rootfs device " + shown_path(rel) + " changed " + since + " (want " + device(want) +
               ", got " + device(got) + ")";
    if (auto x = xattr_difference(want, got, file, since))
        return x;
    // Every field of FileRecord is compared above; this catches one added
    // to the struct later and not here.
    if (!(want == got))
        return file + " changed " + since;
    return std::nullopt;
}

std::string shown_path(const std::string& rel) {
    std::string path = "/" + rel;
    if (!valid_utf8(path)) {
        // Each byte of a name that is not UTF-8 shown as \xNN: the message
        // stays text, and says exactly which bytes are there.
        std::string out = "\"";
        for (unsigned char c : path) {
            if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\x%02x", c);
                out += buf;
            } else {
                out += static_cast<char>(c);
            }
        }
        return out + "\"";
    }
    for (unsigned char c : path)
        if (c < 0x20 || c == 0x7f || c == ' ' || c == '"')
            return quote(path);
    return path;
}

std::optional<std::string> first_difference(const TreeRecord& want, const TreeRecord& got,
                                            const std::string& since) {
    auto w = want.files.begin();
    auto g = got.files.begin();
    while (w != want.files.end() || g != got.files.end()) {
        if (g == got.files.end() || (w != want.files.end() && w->first < g->first))
            return "rootfs file " + shown_path(w->first) + " removed " + since;
        if (w == want.files.end() || g->first < w->first)
            return "rootfs file " + shown_path(g->first) + " added " + since;
        if (auto d = path_difference(w->first, w->second, g->second, since))
            return d;
        ++w;
        ++g;
    }
    return std::nullopt;
}

} // namespace ward::trust
