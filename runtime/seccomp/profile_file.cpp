// load_profile / parse_profile: a seccomp profile as an operator has it (an
// OCI linux.seccomp object, a whole config.json, a Docker/moby profile, or
// a built-in profile's name) → the spec::Seccomp that Filter::compile takes.
// Every shape ends in spec's own parser, so a profile is checked exactly as
// config.json's linux.seccomp is.
#include "moby_profile.hpp"
#include "ward/base/document.hpp"
#include "ward/base/error.hpp"
#include "ward/base/file.hpp"
#include "ward/base/strings.hpp"
#include "ward/seccomp/analysis.hpp"
#include "ward/seccomp/profiles.hpp"
#include "ward/spec/parse.hpp"

#include <sys/stat.h>

namespace ward::seccomp {

namespace {

// A config.json has these; a bare profile has none of them.
bool is_config(const json::Value& doc) {
    return doc.find("ociVersion") || doc.find("linux") || doc.find("process") || doc.find("root");
}

// Parses a LinuxSeccomp object as the linux.seccomp of an otherwise empty config.
spec::Seccomp parse_oci(json::Value seccomp, const std::string& source) {
    json::Value linux = json::Value::object();
    linux.set("seccomp", std::move(seccomp));
    json::Value doc = json::Value::object();
    doc.set("ociVersion", json::Value(std::string(spec::kOciVersion)));
    doc.set("linux", std::move(linux));
    spec::Spec parsed = spec::spec_from_json(doc, source);
    return std::move(*parsed.linux->seccomp);
}

std::string caps_text(const std::vector<std::string>& caps) {
    if (caps.empty())
        return "no capabilities";
    std::string out;
    for (const auto& c : caps)
        out += (out.empty() ? "" : ",") + c;
    return out;
}

} // namespace

spec::Seccomp parse_profile(std::string_view text, std::string_view source,
                            const ProfileSource& resolve) {
    const std::string name(source);
    json::Value doc = with_context(name, [&] { return json::parse(text); });
    if (!doc.is_object())
        fail(name + ": expected a JSON object (a seccomp profile or a config.json), got " +
             json::type_name(doc.type()));
    if (is_config(doc)) {
        spec::Spec config = spec::spec_from_json(doc, name);
        if (!config.linux || !config.linux->seccomp)
            fail(name + ": linux.seccomp: this config has no seccomp filter (every syscall is "
                        "allowed)");
        return std::move(*config.linux->seccomp);
    }
    if (moby::is_moby(doc)) {
        json::Value oci = moby::resolve(doc, name, resolve);
        return parse_oci(std::move(oci), name + " (resolved for " +
                                             moby::native_arch_name(resolve.arch) + ", " +
                                             caps_text(resolve.capabilities) + ")");
    }
    return parse_oci(std::move(doc), name);
}

spec::Seccomp load_profile(std::string_view name_or_path, const ProfileSource& resolve) {
    const std::string name(name_or_path);
    struct stat st {};
    // A built-in name wins unless a file of that name is really there.
    bool is_file = ::stat(name.c_str(), &st) == 0;
    if (!is_file && name.find('/') == std::string::npos && builtin_profile(name))
        return builtin_profile_spec(name);
    if (!is_file) {
        std::string known;
        for (const auto& n : builtin_profile_names())
            known += (known.empty() ? "" : ", ") + n;
        fail("seccomp profile " + quote(name) + ": no such file, and not a built-in profile (" +
             known + ")");
    }
    std::string text = read_document(name);
    return parse_profile(text, name, resolve);
}

} // namespace ward::seccomp
