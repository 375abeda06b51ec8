// Finding cosign signatures in a layout (or a detached pair) and checking
// them: signature first, then the payload, then what it names.
#include "ward/trust/signature.hpp"

#include "base64.hpp"
#include "bundle_signature.hpp"
#include "ward/base/error.hpp"
#include "ward/base/strings.hpp"

#include <fcntl.h>

namespace ward::trust {
namespace {

constexpr uint64_t kMaxPayloadBytes = 1u << 20;

// A signature manifest's payload layers.
void collect(const Layout& layout, const Descriptor& sig_manifest, const std::string& label,
             std::vector<Signature>& out) {
    std::string what = "signature manifest " + sig_manifest.digest.short_str() + " (" + label + ")";
    Manifest m;
    try {
        if (!is_manifest_type(sig_manifest.media_type))
            fail(what + ": media type " + quote(sig_manifest.media_type) + " is not a manifest");
        m = parse_manifest(layout.read_json_blob(sig_manifest, what), sig_manifest.media_type,
                           what);
    } catch (const Error& e) {
        out.push_back(Signature{"", "", what, e.what()});
        return;
    }
    for (const Descriptor& layer : m.layers) {
        if (layer.media_type != media::kCosignPayload)
            continue; // attachments of other kinds are not signatures
        Signature s;
        s.origin = "signature layer " + layer.digest.short_str() + " (" + label + ")";
        try {
            auto ann = layer.annotations.find(std::string(kCosignSignatureAnnotation));
            if (ann == layer.annotations.end())
                fail(s.origin + ": no " + std::string(kCosignSignatureAnnotation) + " annotation");
            auto der = base64_decode(ann->second);
            if (!der || der->empty())
                fail(s.origin + ": " + std::string(kCosignSignatureAnnotation) +
                     " annotation is not valid base64");
            s.der = std::move(*der);
            s.payload = read_verified(layout.open_blob(layer.digest, s.origin), layer.blob(),
                                      kMaxPayloadBytes, s.origin);
        } catch (const Error& e) {
            s.problem = e.what();
        }
        out.push_back(std::move(s));
    }
}

std::string read_small_file(const std::string& path, const std::string& what) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
    if (!fd)
        fail_errno("open " + what + " " + path);
    return read_capped(fd.get(), kMaxPayloadBytes, what + " " + path);
}

} // namespace

std::vector<Signature> find_layout_signatures(const Layout& layout,
                                              const std::vector<Digest>& digests) {
    std::vector<Signature> out;
    std::vector<Digest> seen;
    for (const Descriptor& d : layout.index().manifests) {
        std::string label;
        std::string name = d.ref_name();
        for (const Digest& digest : digests)
            if (name == signature_tag(digest))
                label = "tag " + name;
        auto kind = d.annotations.find("kind");
        if (label.empty() && kind != d.annotations.end() &&
            kind->second == "dev.cosignproject.cosign/sigs")
            label = "kind dev.cosignproject.cosign/sigs";
        if (label.empty()) {
            detail::collect_bundles(layout, d, digests, out);
            continue;
        }
        // One manifest may be both tagged and annotated: read it once.
        bool dup = false;
        for (const Digest& s : seen)
            dup = dup || s == d.digest;
        if (dup)
            continue;
        seen.push_back(d.digest);
        collect(layout, d, label, out);
    }
    return out;
}

Signature load_detached(const std::string& signature_file, const std::string& payload_file) {
    Signature s;
    std::string text = read_small_file(signature_file, "signature");
    std::string_view b64 = text;
    if (b64.ends_with("\r\n"))
        b64.remove_suffix(2);
    else if (b64.ends_with("\n"))
        b64.remove_suffix(1);
    auto der = base64_decode(b64);
    if (!der || der->empty())
        fail("signature " + signature_file +
             ": not base64 (want what cosign --output-signature writes)");
    s.der = std::move(*der);
    s.payload = read_small_file(payload_file, "payload");
    s.origin = "detached signature " + signature_file;
    return s;
}

VerifiedSignature verify_signatures(const std::vector<Signature>& signatures,
                                    const std::vector<PublicKey>& keys,
                                    const std::vector<Digest>& chain,
                                    const std::optional<std::string>& identity,
                                    const std::vector<PublicKey>& log_keys) {
    IdentityCheck check;
    if (identity) {
        check.refusal = [&](const std::string& got) -> std::optional<std::string> {
            if (got == *identity)
                return std::nullopt;
            return "identity " + quote(got) + ", want " + quote(*identity);
        };
        check.want = "the identity " + quote(*identity);
        check.stated = true;
    }
    return verify_signatures(signatures, keys, chain, check,
                             chain.empty() ? "" : "manifest " + chain.back().str(), log_keys);
}

std::string detail::key_list(const std::vector<PublicKey>& keys) {
    std::vector<std::string> names;
    for (const PublicKey& key : keys)
        names.push_back(key.name());
    return (names.size() == 1 ? "key " : "keys ") + join(names, ", ");
}

const char* signature_format_name(SignatureFormat format) {
    return format == SignatureFormat::sigstore_bundle ? "sigstore bundle v0.3" : "simple signing";
}

namespace {

// One simple-signing signature; nullopt with the reason in `why`.
std::optional<VerifiedSignature> verify_simple(const Signature& sig,
                                               const std::vector<PublicKey>& keys,
                                               const std::vector<Digest>& chain,
                                               const IdentityCheck& identity,
                                               std::vector<std::string>& why) {
    const PublicKey* by = nullptr;
    for (const PublicKey& key : keys)
        if (!by && key.verify(sig.payload, sig.der))
            by = &key;
    if (!by) {
        why.push_back(sig.origin + ": does not verify with " + detail::key_list(keys));
        return std::nullopt;
    }
    SignaturePayload p;
    try {
        p = parse_payload(sig.payload, sig.origin + ": payload");
    } catch (const Error& e) {
        why.push_back(e.what());
        return std::nullopt;
    }
    bool in_chain = false;
    for (const Digest& d : chain)
        in_chain = in_chain || d == p.manifest_digest;
    if (!in_chain) {
        why.push_back(sig.origin + ": signs " + p.manifest_digest.str() + ", not this image");
        return std::nullopt;
    }
    if (auto refused = identity.refusal ? identity.refusal(p.docker_reference) : std::nullopt) {
        why.push_back(sig.origin + ": " + *refused);
        return std::nullopt;
    }
    return VerifiedSignature{p.manifest_digest,
                             p.docker_reference,
                             by->name(),
                             sig.origin,
                             SignatureFormat::simple_signing,
                             {}};
}

} // namespace

VerifiedSignature verify_signatures(const std::vector<Signature>& signatures,
                                    const std::vector<PublicKey>& keys,
                                    const std::vector<Digest>& chain, const IdentityCheck& identity,
                                    const std::string& subject,
                                    const std::vector<PublicKey>& log_keys) {
    if (chain.empty())
        fail("verify signatures: nothing to verify");
    if (keys.empty())
        fail("no trusted key to verify " + subject);
    if (signatures.empty())
        fail("no signature for " + subject + " (looked for tag " + signature_tag(chain.front()) +
             (chain.size() > 1 ? " and the digests of its index" : "") +
             ", and for sigstore bundle referrers)");
    std::vector<std::string> why;
    for (const Signature& sig : signatures) {
        if (!sig.problem.empty()) {
            why.push_back(sig.problem);
            continue;
        }
        std::optional<VerifiedSignature> v =
            sig.format == SignatureFormat::sigstore_bundle
                ? detail::verify_bundle(sig, keys, chain, identity, log_keys, why)
                : verify_simple(sig, keys, chain, identity, why);
        if (v)
            return *v;
    }
    fail("no signature by a trusted key for " + subject + ": " + join(why, "; "));
}

} // namespace ward::trust
