// Admission of images under the policy's trust section: scope lookup,
// every requirement of the scope, keys read at the time of the check.
#include "ward/trust/admission.hpp"

#include "base64.hpp"
#include "ward/base/error.hpp"
#include "ward/base/strings.hpp"

namespace ward::trust {
namespace {

using policy::Requirement;
using policy::SignedIdentity;

std::string describe(const SignedIdentity& rule, const ImageName& image) {
    switch (rule.kind) {
    case SignedIdentity::Kind::match_repo_digest_or_exact:
        if (!image.tag.empty())
            return quote(image.repository + ":" + image.tag);
        return "repository " + quote(image.repository);
    case SignedIdentity::Kind::match_repository:
        return "repository " + quote(image.repository);
    case SignedIdentity::Kind::match_exact:
        return "exactly " + quote(image.repository + (image.tag.empty() ? "" : ":" + image.tag) +
                                  (image.digest.empty() ? "" : "@" + image.digest));
    case SignedIdentity::Kind::exact_repository:
        return "repository " + quote(rule.repository);
    }
    return "?";
}

} // namespace

ImageName parse_image_name(const std::string& name) {
    ImageName out;
    std::string rest = name;
    if (size_t at = rest.find('@'); at != std::string::npos) {
        out.digest = rest.substr(at + 1);
        rest.resize(at);
    }
    size_t slash = rest.rfind('/');
    size_t colon = rest.rfind(':');
    if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
        out.tag = rest.substr(colon + 1);
        rest.resize(colon);
    }
    out.repository = rest;
    return out;
}

bool identity_matches(const SignedIdentity& rule, const std::string& name,
                      const std::string& identity) {
    ImageName image = parse_image_name(name);
    ImageName signed_as = parse_image_name(identity);
    switch (rule.kind) {
    case SignedIdentity::Kind::match_repo_digest_or_exact:
        // A name with a tag must be signed for that tag; one by digest
        // only needs its repository (the digest is what was signed).
        if (!image.tag.empty())
            return signed_as.repository == image.repository && signed_as.tag == image.tag &&
                   signed_as.digest.empty();
        return signed_as.repository == image.repository;
    case SignedIdentity::Kind::match_repository:
        return signed_as.repository == image.repository;
    case SignedIdentity::Kind::match_exact:
        return identity == name;
    case SignedIdentity::Kind::exact_repository:
        return signed_as.repository == rule.repository;
    }
    return false;
}

namespace {

// The keys named by paths (read now) and base64 PEM data; `field` is the
// data field's name for messages ("keyData", "rekorPublicKeyData").
std::vector<PublicKey> load_keys(const Requirement& requirement,
                                 const std::vector<std::string>& paths,
                                 const std::vector<std::string>& data, const std::string& field) {
    std::vector<PublicKey> keys;
    for (const auto& path : paths)
        keys.push_back(with_context(requirement.where + ": key " + path,
                                    [&] { return PublicKey::load(path); }));
    for (size_t i = 0; i < data.size(); ++i) {
        std::string name = requirement.where + "." + field +
                           (data.size() > 1 ? "[" + std::to_string(i) + "]" : "");
        auto pem = base64_decode(data[i]);
        if (!pem)
            fail(name + ": not base64 (" + field + " is the PEM public key, base64-encoded)");
        keys.push_back(PublicKey::from_pem(*pem, name));
    }
    return keys;
}

} // namespace

std::vector<PublicKey> requirement_keys(const Requirement& requirement) {
    return load_keys(requirement, requirement.key_paths, requirement.key_data, "keyData");
}

std::vector<PublicKey> requirement_log_keys(const Requirement& requirement) {
    return load_keys(requirement, requirement.rekor_key_paths, requirement.rekor_key_data,
                     "rekorPublicKeyData");
}

Admission admit_image(const policy::TrustSection& trust, const std::string& name,
                      const std::vector<Digest>& chain, const std::vector<Signature>& signatures) {
    policy::ScopeMatch match = policy::requirements_for(trust, name);
    std::string subject = name + (chain.empty() ? "" : " (manifest " + chain.back().str() + ")");
    Admission admission;
    admission.scope = match.scope;
    for (const Requirement& req : *match.requirements) {
        switch (req.type) {
        case Requirement::Type::reject:
            fail(name + " is rejected by the policy (scope " + quote(match.scope) + ")");
        case Requirement::Type::insecure_accept_anything:
            if (admission.requirement.empty())
                admission.requirement = "insecureAcceptAnything";
            break;
        case Requirement::Type::sigstore_signed: {
            std::vector<PublicKey> keys = requirement_keys(req);
            ImageName image = parse_image_name(name);
            IdentityCheck check;
            check.accepts = [&](const std::string& identity) {
                return identity_matches(req.signed_identity, name, identity);
            };
            check.want = describe(req.signed_identity, image);
            check.stated = req.signed_identity.stated;
            admission.signature = verify_signatures(signatures, keys, chain, check, subject,
                                                    requirement_log_keys(req));
            admission.requirement = "sigstoreSigned";
            break;
        }
        }
    }
    return admission;
}

} // namespace ward::trust
