// Admission of images under the policy's trust section: scope lookup,
// every requirement of the scope, keys read at the time of the check.
#include "ward/trust/admission.hpp"

#include "base64.hpp"
#include "ward/base/error.hpp"
#include "ward/base/strings.hpp"

namespace ward::trust {

using policy::Requirement;

RequirementKeys requirement_keys(const Requirement& requirement, const VerifyMemo* memo) {
    RequirementKeys out;
    std::vector<std::string> missing;
    for (const auto& path : requirement.key_paths) {
        auto key = with_context(requirement.where + ": key " + path,
                                [&] { return PublicKey::load_if_present(path, memo); });
        if (key)
            out.keys.push_back(std::move(*key));
        else
            missing.push_back(path);
    }
    for (size_t i = 0; i < requirement.key_data.size(); ++i) {
        std::string name = requirement.where + ".keyData" +
                           (requirement.key_data.size() > 1 ? "[" + std::to_string(i) + "]" : "");
        auto pem = base64_decode(requirement.key_data[i]);
        if (!pem)
            fail(name + ": not base64 (keyData is the PEM public key, base64-encoded)");
        out.keys.push_back(PublicKey::from_pem(*pem, name, memo));
    }
    if (out.keys.empty() && !missing.empty())
        fail(requirement.where +
             ": no key left to verify with: " + (missing.size() == 1 ? "key file " : "key files ") +
             join(missing, ", ") + (missing.size() == 1 ? " does" : " do") + " not exist");
    for (const auto& path : missing)
        out.skipped.push_back(requirement.where + ": key " + path +
                              " does not exist; skipped, the requirement's other keys remain");
    return out;
}

std::vector<PublicKey> requirement_log_keys(const Requirement& requirement,
                                            const VerifyMemo* memo) {
    std::vector<PublicKey> keys;
    for (const auto& path : requirement.rekor_key_paths)
        keys.push_back(with_context(requirement.where + ": log key " + path,
                                    [&] { return PublicKey::load(path, memo); }));
    for (size_t i = 0; i < requirement.rekor_key_data.size(); ++i) {
        std::string name =
            requirement.where + ".rekorPublicKeyData" +
            (requirement.rekor_key_data.size() > 1 ? "[" + std::to_string(i) + "]" : "");
        auto pem = base64_decode(requirement.rekor_key_data[i]);
        if (!pem)
            fail(name + ": not base64 (rekorPublicKeyData is the PEM public key, "
                        "base64-encoded)");
        keys.push_back(PublicKey::from_pem(*pem, name, memo));
    }
    return keys;
}

namespace {

MetRequirement check_signed(const Requirement& req, const std::string& name,
                            const std::vector<Digest>& chain,
                            const std::vector<Signature>& signatures, const VerifyMemo* memo,
                            Admission& admission) {
    RequirementKeys keys = requirement_keys(req, memo);
    admission.warnings.insert(admission.warnings.end(), keys.skipped.begin(), keys.skipped.end());
    IdentityCheck check;
    check.refusal = [&](const std::string& identity) {
        return identity_refusal(req.signed_identity, name, identity);
    };
    check.want =
        std::string("signedIdentity ") + policy::signed_identity_name(req.signed_identity.kind);
    check.stated = req.signed_identity.stated;
    std::string subject = name + (chain.empty() ? "" : " (manifest " + chain.back().str() + ")");
    return {req.where, "sigstoreSigned",
            verify_signatures(signatures, keys.keys, chain, check, subject,
                              requirement_log_keys(req, memo))};
}

} // namespace

Admission admit_image(const policy::TrustSection& trust, const std::string& name,
                      const std::vector<Digest>& chain, const std::vector<Signature>& signatures,
                      const VerifyMemo* memo) {
    policy::ScopeMatch match = policy::requirements_for(trust, name);
    Admission admission;
    admission.scope = match.scope;
    for (const Requirement& req : *match.requirements) {
        switch (req.type) {
        case Requirement::Type::reject:
            fail(name + " is rejected by the policy (scope " + quote(match.scope) + ")");
        case Requirement::Type::insecure_accept_anything:
            admission.met.push_back({req.where, "insecureAcceptAnything", std::nullopt});
            if (admission.requirement.empty())
                admission.requirement = "insecureAcceptAnything";
            break;
        case Requirement::Type::sigstore_signed:
            admission.met.push_back(check_signed(req, name, chain, signatures, memo, admission));
            admission.signature = admission.met.back().signature;
            admission.requirement = "sigstoreSigned";
            break;
        }
    }
    return admission;
}

} // namespace ward::trust
