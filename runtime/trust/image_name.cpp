// Image names in the store, and sizes as `ward image ls` shows them.
//
// A name is what the policy's scopes and a signature's docker-reference
// are compared with, so the store only keeps full ones: a registry host
// first, always a tag. The grammar is the distribution reference one
// (lower-case path components separated by '.', '_', '__' or dashes; a
// tag of word characters, '.' and '-', at most 128), without the
// "docker.io/library/" normalisation: a name means what it says.
#include "ward/base/error.hpp"
#include "ward/base/strings.hpp"
#include "ward/trust/store.hpp"

#include <cctype>
#include <cstdio>
#include <filesystem>
#include <iterator>

namespace ward::trust {
namespace {

bool lower_alnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

// [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*
bool path_component_ok(std::string_view c) {
    size_t i = 0;
    auto alnum_run = [&] {
        size_t start = i;
        while (i < c.size() && lower_alnum(c[i]))
            ++i;
        return i > start;
    };
    if (!alnum_run())
        return false;
    while (i < c.size()) {
        if (c[i] == '.')
            ++i;
        else if (c[i] == '_')
            i += (i + 1 < c.size() && c[i + 1] == '_') ? 2 : 1;
        else if (c[i] == '-')
            while (i < c.size() && c[i] == '-')
                ++i;
        else
            return false;
        if (!alnum_run())
            return false;
    }
    return true;
}

// host[:port]: DNS labels (letters, digits, dashes) and dots, or "localhost".
bool host_ok(std::string_view h) {
    auto colon = h.find(':');
    std::string_view host = h.substr(0, colon);
    if (colon != std::string_view::npos) {
        std::string_view port = h.substr(colon + 1);
        if (port.empty() || port.size() > 5 || !parse_uint(port))
            return false;
    }
    if (host.empty())
        return false;
    for (const auto& label : split(host, '.')) {
        if (label.empty() || label.front() == '-' || label.back() == '-')
            return false;
        for (char c : label)
            if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-'))
                return false;
    }
    return true;
}

bool tag_ok(std::string_view t) {
    if (t.empty() || t.size() > 128 || t[0] == '.' || t[0] == '-')
        return false;
    for (char c : t)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-'))
            return false;
    return true;
}

// A first component names a registry when it has a '.' or a ':' or is
// "localhost" (the distribution rule).
bool looks_like_host(std::string_view first) {
    return first == "localhost" || first.find('.') != std::string_view::npos ||
           first.find(':') != std::string_view::npos;
}

} // namespace

std::string normalize_image_name(const std::string& name) {
    auto bad = [&](const std::string& why) {
        fail("invalid image name " + quote(name) + ": " + why);
    };
    if (name.find('@') != std::string::npos)
        bad("a name has a tag, not a digest");
    std::string repo = name, tag = "latest";
    auto slash = name.rfind('/');
    auto colon = name.rfind(':');
    if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
        repo = name.substr(0, colon);
        tag = name.substr(colon + 1);
    }
    std::vector<std::string> parts = split(repo, '/');
    if (parts.size() < 2 || !looks_like_host(parts[0]))
        bad("want a full name HOST/PATH[:TAG], e.g. localhost/" +
            (parts.empty() || parts.back().empty() ? std::string("app") : parts.back()) +
            ":latest or docker.io/library/busybox:1.36");
    if (!host_ok(parts[0]))
        bad("registry host " + quote(parts[0]) + " is not a host name[:port]");
    for (size_t i = 1; i < parts.size(); ++i)
        if (!path_component_ok(parts[i]))
            bad("path component " + quote(parts[i]) +
                " must be lower-case letters and digits, separated by '.', '_' or '-'");
    if (!tag_ok(tag))
        bad("tag " + quote(tag) + " must be letters, digits, '_', '.' or '-' (at most 128)");
    return repo + ":" + tag;
}

std::string default_image_name(const std::string& source_path, const std::string& ref_name) {
    // A full reference in ref.name ("docker.io/library/busybox:1.36", as
    // skopeo writes for docker:// sources and `podman save` does) is the
    // image's name; a plain tag ("v1", what umoci and `skopeo copy
    // oci:DIR:v1` write) is only the tag.
    if (ref_name.find('/') != std::string::npos)
        return normalize_image_name(ref_name);
    std::filesystem::path p = std::filesystem::path(source_path).lexically_normal();
    std::string base = p.filename();
    if (base.empty() || base == "." || base == "..")
        base = std::filesystem::absolute(p).lexically_normal().parent_path().filename();
    for (const char* ext : {".tar.gz", ".tar.zst", ".tgz", ".tar"})
        if (base.size() > std::string_view(ext).size() && base.ends_with(ext)) {
            base.resize(base.size() - std::string_view(ext).size());
            break;
        }
    std::string name = "localhost/" + base + ":" + (ref_name.empty() ? "latest" : ref_name);
    return with_context("default name from " + quote(source_path) + " (use --name)",
                        [&] { return normalize_image_name(name); });
}

std::string human_size(uint64_t bytes) {
    static const char* kUnits[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB"};
    double v = static_cast<double>(bytes);
    size_t u = 0;
    // 999.7 would print as "1e+03": round into the next unit first.
    while (v >= 999.5 && u + 1 < std::size(kUnits)) {
        v /= 1000;
        ++u;
    }
    // Three significant digits and a space, as `podman images` prints.
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3g %s", v, kUnits[u]);
    return buf;
}

} // namespace ward::trust
