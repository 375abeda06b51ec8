// The policy's trust section ↔ TrustSection, and scope lookup. Strict like
// the rules: an unknown key or requirement type is an error, and so is a
// containers-policy.json feature ward does not implement (keyless/fulcio):
// a requirement ward cannot check must never be read as one that passes.
#include "ward/policy/trust.hpp"

#include "document_reader.hpp"
#include "trust_section.hpp"
#include "ward/base/error.hpp"
#include "ward/base/strings.hpp"

namespace ward::policy {
namespace {

using json::Value;

constexpr SignedIdentity::Kind kIdentityKinds[] = {
    SignedIdentity::Kind::match_repo_digest_or_exact,
    SignedIdentity::Kind::match_repository,
    SignedIdentity::Kind::match_exact,
    SignedIdentity::Kind::exact_reference,
    SignedIdentity::Kind::exact_repository,
    SignedIdentity::Kind::remap_identity,
};

// A field the identity type needs; whether it is a valid reference is
// judged where references are parsed (trust/identity), and a bad one never
// matches, with the refusal naming it.
std::string required_field(DocumentReader& r, const char* key, const std::string& type) {
    std::string value = r.str(key).value_or("");
    if (value.empty())
        fail(r.at(key) + ": required for " + type);
    return value;
}

SignedIdentity parse_identity(const Value& v, const std::string& path) {
    DocumentReader r(v, path);
    SignedIdentity id;
    std::string type = r.str("type").value_or("");
    if (type.empty())
        fail(r.at("type") + ": required");
    bool known = false;
    for (auto kind : kIdentityKinds)
        if (type == signed_identity_name(kind)) {
            id.kind = kind;
            known = true;
        }
    if (!known)
        fail(r.at("type") + ": " + quote(type) +
             " is not a signedIdentity type (matchRepoDigestOrExact, matchRepository, "
             "matchExact, exactReference, exactRepository, remapIdentity)");
    if (id.kind == SignedIdentity::Kind::exact_reference)
        id.reference = required_field(r, "dockerReference", type);
    if (id.kind == SignedIdentity::Kind::exact_repository)
        id.repository = required_field(r, "dockerRepository", type);
    if (id.kind == SignedIdentity::Kind::remap_identity) {
        id.prefix = required_field(r, "prefix", type);
        id.signed_prefix = required_field(r, "signedPrefix", type);
    }
    r.done();
    return id;
}

// keyPath/keyPaths/keyData/keyDatas (prefix "key") or their rekorPublicKey…
// twins, spelled as containers-policy.json(5) spells them: at most one of
// the four (exactly one when `required`), paths absolute.
void read_keys(DocumentReader& r, const std::string& path, const std::string& prefix,
               std::vector<std::string>& paths_out, std::vector<std::string>& data_out,
               bool required) {
    std::string p1 = prefix + "Path", pn = prefix + "Paths", d1 = prefix + "Data",
                dn = prefix + "Datas";
    auto path_one = r.str(p1.c_str());
    auto paths = r.strings(pn.c_str());
    auto data = r.str(d1.c_str());
    auto datas = r.strings(dn.c_str());
    int given = int(path_one.has_value()) + int(paths.has_value()) + int(data.has_value()) +
                int(datas.has_value());
    if (given > 1 || (required && given != 1))
        fail(path + ": sigstoreSigned needs " + (required ? "exactly" : "at most") + " one of " +
             p1 + ", " + pn + ", " + d1 + ", " + dn);
    if (path_one)
        paths_out.push_back(*path_one);
    if (paths)
        paths_out = *paths;
    if (data)
        data_out.push_back(*data);
    if (datas)
        data_out = *datas;
    if (given == 1 && paths_out.empty() && data_out.empty())
        fail(path + ": " +
             (required ? "sigstoreSigned names no key" : "empty " + prefix + " list"));
    for (const auto& p : paths_out)
        if (p.empty() || p[0] != '/')
            fail(path + ": key path " + quote(p) + " must be absolute");
}

Requirement parse_requirement(const Value& v, const std::string& path) {
    DocumentReader r(v, path);
    Requirement req;
    req.where = path;
    std::string type = r.str("type").value_or("");
    if (type == "reject")
        req.type = Requirement::Type::reject;
    else if (type == "insecureAcceptAnything")
        req.type = Requirement::Type::insecure_accept_anything;
    else if (type == "sigstoreSigned")
        req.type = Requirement::Type::sigstore_signed;
    else if (type == "signedBy")
        fail(r.at("type") + ": \"signedBy\" (GPG simple signing) is not supported by ward; use " +
             "sigstoreSigned");
    else if (type.empty())
        fail(r.at("type") + ": required");
    else
        fail(r.at("type") + ": " + quote(type) +
             " is not a requirement type (reject, insecureAcceptAnything, sigstoreSigned)");
    if (req.type != Requirement::Type::sigstore_signed) {
        r.done();
        return req;
    }
    for (const char* keyless : {"fulcio", "pki"})
        if (r.get(keyless))
            fail(r.at(keyless) + ": keyless (Fulcio/PKI) verification is not supported by " +
                 "ward; name the public keys with keyPath, keyPaths or keyData");
    read_keys(r, path, "key", req.key_paths, req.key_data, true);
    read_keys(r, path, "rekorPublicKey", req.rekor_key_paths, req.rekor_key_data, false);
    if (const Value* id = r.get("signedIdentity")) {
        req.signed_identity = parse_identity(*id, r.at("signedIdentity"));
        req.signed_identity.stated = true;
    }
    r.done();
    return req;
}

Requirements parse_requirements(const Value& v, const std::string& path) {
    if (!v.is_array())
        fail(path + ": expected array, got " + json::type_name(v.type()));
    if (v.as_array().empty())
        fail(path +
             ": empty (say {\"type\": \"reject\"} or {\"type\": \"insecureAcceptAnything\"})");
    Requirements out;
    for (size_t i = 0; i < v.as_array().size(); ++i)
        out.push_back(parse_requirement(v.as_array()[i], path + "[" + std::to_string(i) + "]"));
    return out;
}

Treatment parse_treatment(DocumentReader& r, const char* key, Treatment fallback) {
    auto text = r.str(key);
    if (!text)
        return fallback;
    for (Treatment t : {Treatment::refuse, Treatment::drop, Treatment::keep})
        if (*text == treatment_name(t))
            return t;
    fail(r.at(key) + ": " + quote(*text) + " is not one of refuse, drop, keep");
}

// "docker.io/library/x", "*.example.com", "host:5000/ns/repo:tag": a scope
// is a name, or a name prefix at a '/' boundary, or a wildcard domain.
void check_scope(const std::string& scope, const std::string& path) {
    if (scope.empty())
        fail(path + ": empty scope");
    if (scope.find("://") != std::string::npos || scope.find(' ') != std::string::npos ||
        scope.back() == '/')
        fail(path + ": " + quote(scope) + " is not a scope (host[:port][/path][:tag|@digest])");
    if (scope[0] == '*' &&
        (scope.size() < 3 || scope[1] != '.' || scope.find_first_of("/*", 1) != std::string::npos))
        fail(path + ": " + quote(scope) + ": a wildcard scope is \"*.domain\"");
}

Value requirement_to_json(const Requirement& req) {
    Value r = Value::object();
    r.set("type", requirement_type_name(req.type));
    if (req.type != Requirement::Type::sigstore_signed)
        return r;
    auto list = [](const std::vector<std::string>& v) {
        Value a = Value::array();
        for (const auto& s : v)
            a.push(s);
        return a;
    };
    if (req.key_paths.size() == 1)
        r.set("keyPath", req.key_paths[0]);
    else if (!req.key_paths.empty())
        r.set("keyPaths", list(req.key_paths));
    if (req.key_data.size() == 1)
        r.set("keyData", req.key_data[0]);
    else if (!req.key_data.empty())
        r.set("keyDatas", list(req.key_data));
    if (req.rekor_key_paths.size() == 1)
        r.set("rekorPublicKeyPath", req.rekor_key_paths[0]);
    else if (!req.rekor_key_paths.empty())
        r.set("rekorPublicKeyPaths", list(req.rekor_key_paths));
    if (req.rekor_key_data.size() == 1)
        r.set("rekorPublicKeyData", req.rekor_key_data[0]);
    else if (!req.rekor_key_data.empty())
        r.set("rekorPublicKeyDatas", list(req.rekor_key_data));
    // Written only when the policy stated it: a default written out would
    // read back as stated, and refuse Sigstore bundles it admitted before.
    if (!req.signed_identity.stated)
        return r;
    const SignedIdentity& rule = req.signed_identity;
    Value id = Value::object();
    id.set("type", signed_identity_name(rule.kind));
    if (rule.kind == SignedIdentity::Kind::exact_reference)
        id.set("dockerReference", rule.reference);
    if (rule.kind == SignedIdentity::Kind::exact_repository)
        id.set("dockerRepository", rule.repository);
    if (rule.kind == SignedIdentity::Kind::remap_identity) {
        id.set("prefix", rule.prefix);
        id.set("signedPrefix", rule.signed_prefix);
    }
    r.set("signedIdentity", id);
    return r;
}

Value requirements_to_json(const Requirements& reqs) {
    Value a = Value::array();
    for (const auto& req : reqs)
        a.push(requirement_to_json(req));
    return a;
}

// The host part of a name: its first component when that looks like a host
// (has a '.' or ':' or is "localhost"), as the docker reference grammar says.
std::string host_of(const std::string& repository) {
    std::string first = repository.substr(0, repository.find('/'));
    return first;
}

} // namespace

const char* requirement_type_name(Requirement::Type type) {
    switch (type) {
    case Requirement::Type::reject:
        return "reject";
    case Requirement::Type::insecure_accept_anything:
        return "insecureAcceptAnything";
    case Requirement::Type::sigstore_signed:
        return "sigstoreSigned";
    }
    return "?";
}

const char* signed_identity_name(SignedIdentity::Kind kind) {
    switch (kind) {
    case SignedIdentity::Kind::match_repo_digest_or_exact:
        return "matchRepoDigestOrExact";
    case SignedIdentity::Kind::match_repository:
        return "matchRepository";
    case SignedIdentity::Kind::match_exact:
        return "matchExact";
    case SignedIdentity::Kind::exact_reference:
        return "exactReference";
    case SignedIdentity::Kind::exact_repository:
        return "exactRepository";
    case SignedIdentity::Kind::remap_identity:
        return "remapIdentity";
    }
    return "?";
}

const char* treatment_name(Treatment treatment) {
    switch (treatment) {
    case Treatment::refuse:
        return "refuse";
    case Treatment::drop:
        return "drop";
    case Treatment::keep:
        return "keep";
    }
    return "?";
}

const char* unverified_name(TrustSection::Unverified u) {
    switch (u) {
    case TrustSection::Unverified::refuse:
        return "refuse";
    case TrustSection::Unverified::warn:
        return "warn";
    case TrustSection::Unverified::allow:
        return "allow";
    }
    return "?";
}

TrustSection parse_trust_section(const Value& v, const std::string& path) {
    DocumentReader r(v, path);
    TrustSection t;
    const Value* def = r.get("default");
    if (!def)
        fail(r.at("default") + ": required (the requirements for images no scope names)");
    t.default_requirements = parse_requirements(*def, r.at("default"));
    if (const Value* scopes = r.get("scopes")) {
        if (!scopes->is_object())
            fail(r.at("scopes") + ": expected object, got " + json::type_name(scopes->type()));
        for (const auto& [scope, reqs] : scopes->as_object()) {
            std::string where = r.at("scopes") + "[" + quote(scope) + "]";
            check_scope(scope, where);
            t.scopes[scope] = parse_requirements(reqs, where);
        }
    }
    if (const Value* bundles = r.get("bundles"))
        t.bundles = parse_requirements(*bundles, r.at("bundles"));
    if (auto u = r.str("unverified")) {
        bool known = false;
        for (auto k : {TrustSection::Unverified::refuse, TrustSection::Unverified::warn,
                       TrustSection::Unverified::allow})
            if (*u == unverified_name(k)) {
                t.unverified = k;
                known = true;
            }
        if (!known)
            fail(r.at("unverified") + ": " + quote(*u) + " is not one of refuse, warn, allow");
    }
    if (auto vr = r.str("verifyRootfs")) {
        if (*vr == "always")
            t.verify_rootfs = TrustSection::VerifyRootfs::always;
        else if (*vr != "never")
            fail(r.at("verifyRootfs") + ": " + quote(*vr) + " is not one of always, never");
    }
    if (const Value* unpack = r.get("unpack")) {
        DocumentReader u(*unpack, r.at("unpack"));
        t.unpack.devices = parse_treatment(u, "devices", t.unpack.devices);
        t.unpack.setid = parse_treatment(u, "setid", t.unpack.setid);
        t.unpack.file_capabilities =
            parse_treatment(u, "fileCapabilities", t.unpack.file_capabilities);
        u.done();
    }
    r.done();
    return t;
}

Value trust_section_to_json(const TrustSection& t) {
    Value doc = Value::object();
    doc.set("default", requirements_to_json(t.default_requirements));
    if (!t.scopes.empty()) {
        Value scopes = Value::object();
        for (const auto& [scope, reqs] : t.scopes)
            scopes.set(scope, requirements_to_json(reqs));
        doc.set("scopes", scopes);
    }
    if (t.bundles)
        doc.set("bundles", requirements_to_json(*t.bundles));
    doc.set("unverified", unverified_name(t.unverified));
    doc.set("verifyRootfs",
            t.verify_rootfs == TrustSection::VerifyRootfs::always ? "always" : "never");
    Value unpack = Value::object();
    unpack.set("devices", treatment_name(t.unpack.devices));
    unpack.set("setid", treatment_name(t.unpack.setid));
    unpack.set("fileCapabilities", treatment_name(t.unpack.file_capabilities));
    doc.set("unpack", unpack);
    return doc;
}

// containers-policy.json(5)'s docker transport order: the full name (tag
// or digest included), the repository, each namespace prefix shorter by a
// component, the host, then "*.domain" wildcards from the most specific.
ScopeMatch requirements_for(const TrustSection& trust, const std::string& name) {
    auto found = [&](const std::string& scope) { return trust.scopes.find(scope); };
    if (auto it = found(name); it != trust.scopes.end())
        return {&it->second, it->first};
    // Strip "@digest", then ":tag" (a ':' after the last '/').
    std::string repository = name.substr(0, name.find('@'));
    size_t slash = repository.rfind('/');
    size_t colon = repository.rfind(':');
    if (colon != std::string::npos && (slash == std::string::npos || colon > slash))
        repository.resize(colon);
    for (std::string prefix = repository; !prefix.empty();) {
        if (auto it = found(prefix); it != trust.scopes.end())
            return {&it->second, it->first};
        size_t cut = prefix.rfind('/');
        if (cut == std::string::npos)
            break;
        prefix.resize(cut);
    }
    std::string host = host_of(repository);
    size_t port = host.find(':');
    std::string domain = host.substr(0, port);
    for (size_t dot = domain.find('.'); dot != std::string::npos; dot = domain.find('.', dot + 1))
        if (auto it = found("*" + domain.substr(dot)); it != trust.scopes.end())
            return {&it->second, it->first};
    return {&trust.default_requirements, "default"};
}

} // namespace ward::policy
