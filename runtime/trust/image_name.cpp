// Image names in the store, and sizes as `ward image ls` shows them.
//
// A name is what the policy's scopes and a signature's docker-reference
// are compared with, so the store only keeps full ones: a registry host
// first, always a tag. The grammar is the distribution reference one
// (lower-case path components separated by '.', '_', '__' or dashes; a
// tag of word characters, '.' and '-', at most 128), without the
// "docker.io/library/" normalisation: a name means what it says.
// parse_reference reads other tools' references (a signature's identity)
// with the same grammar, normalised as containers/image does.
#include "ward/base/error.hpp"
#include "ward/base/strings.hpp"
#include "ward/trust/digest.hpp"
#include "ward/trust/reference.hpp"
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

bool lower_case(std::string_view s) {
    for (char c : s)
        if (c >= 'A' && c <= 'Z')
            return false;
    return true;
}

bool hex64(std::string_view s) {
    if (s.size() != 64)
        return false;
    for (char c : s)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return false;
    return true;
}

// Splits off "@digest" and ":tag" (a ':' after the last '/'), checking each.
bool split_tag_and_digest(std::string& rest, Reference& out) {
    if (auto at = rest.find('@'); at != std::string::npos) {
        out.digest = rest.substr(at + 1);
        rest.resize(at);
        if (!is_digest(out.digest))
            return false;
    }
    size_t slash = rest.rfind('/');
    size_t colon = rest.rfind(':');
    if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
        out.tag = rest.substr(colon + 1);
        rest.resize(colon);
        if (!tag_ok(out.tag))
            return false;
    }
    return true;
}

} // namespace

std::string Reference::str() const {
    return name + (tag.empty() ? "" : ":" + tag) + (digest.empty() ? "" : "@" + digest);
}

std::optional<Reference> parse_reference(std::string_view text) {
    // A bare image ID is not a name (containers/image refuses it too).
    if (hex64(text))
        return std::nullopt;
    Reference out;
    std::string rest(text);
    if (!split_tag_and_digest(rest, out))
        return std::nullopt;
    size_t slash = rest.find('/');
    std::string first = rest.substr(0, slash);
    std::string domain = "docker.io", path = rest;
    if (slash != std::string::npos && (looks_like_host(first) || !lower_case(first))) {
        domain = first;
        path = rest.substr(slash + 1);
    }
    if (domain == "index.docker.io")
        domain = "docker.io";
    if (domain == "docker.io" && path.find('/') == std::string::npos)
        path = "library/" + path;
    if (!host_ok(domain))
        return std::nullopt;
    for (const auto& component : split(path, '/'))
        if (!path_component_ok(component))
            return std::nullopt;
    out.name = domain + "/" + path;
    if (out.name.size() > 255)
        return std::nullopt;
    return out;
}

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
