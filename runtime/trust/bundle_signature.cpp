// Sigstore bundles attached to an image in an OCI layout, and their
// verification as one of the image's signatures.
#include "bundle_signature.hpp"

#include "ward/base/error.hpp"
#include "ward/base/strings.hpp"
#include "ward/trust/sigstore_bundle.hpp"

namespace ward::trust::detail {
namespace {

constexpr uint64_t kMaxBundleBytes = 1u << 20;
constexpr std::string_view kBundleContentAnnotation = "dev.sigstore.bundle.content";

bool names_one_of(const Digest& d, const std::vector<Digest>& digests) {
    for (const Digest& want : digests)
        if (want == d)
            return true;
    return false;
}

bool marked_as_bundle(const Descriptor& d) {
    return d.artifact_type == media::kSigstoreBundle ||
           d.annotations.count(std::string(kBundleContentAnnotation));
}

// The bundle layers of referrer manifest `d`. `require_subject`: listed
// in index.json directly, where only its subject says which image it is
// for (a fallback tag already names the image).
void collect_manifest(const Layout& layout, const Descriptor& d, const std::vector<Digest>& digests,
                      bool require_subject, const std::string& label, std::vector<Signature>& out) {
    std::string what = "bundle manifest " + d.digest.short_str() + " (" + label + ")";
    Manifest m;
    try {
        if (!is_manifest_type(d.media_type))
            fail(what + ": media type " + quote(d.media_type) + " is not a manifest");
        m = parse_manifest(layout.read_json_blob(d, what), d.media_type, what);
    } catch (const Error& e) {
        out.push_back(Signature{"", "", what, e.what(), SignatureFormat::sigstore_bundle});
        return;
    }
    if (require_subject && !(m.subject && names_one_of(m.subject->digest, digests)))
        return; // a referrer of another image in the same layout
    for (const Descriptor& layer : m.layers) {
        if (layer.media_type != media::kSigstoreBundle)
            continue;
        Signature s;
        s.format = SignatureFormat::sigstore_bundle;
        s.origin = "sigstore bundle " + layer.digest.short_str() + " (" + label + ")";
        try {
            s.payload = read_verified(layout.open_blob(layer.digest, s.origin), layer.blob(),
                                      kMaxBundleBytes, s.origin);
        } catch (const Error& e) {
            s.problem = e.what();
        }
        out.push_back(std::move(s));
    }
}

} // namespace

bool collect_bundles(const Layout& layout, const Descriptor& entry,
                     const std::vector<Digest>& digests, std::vector<Signature>& out) {
    std::string name = entry.ref_name();
    for (const Digest& d : digests) {
        if (name != "sha256-" + d.hex)
            continue;
        std::string label = "tag " + name;
        if (!is_index_type(entry.media_type)) {
            collect_manifest(layout, entry, digests, false, label, out);
            return true;
        }
        std::string what = "referrers index " + entry.digest.short_str() + " (" + label + ")";
        try {
            Index referrers =
                parse_index(layout.read_json_blob(entry, what), entry.media_type, what);
            for (const Descriptor& r : referrers.manifests)
                if (marked_as_bundle(r) || r.artifact_type.empty())
                    collect_manifest(layout, r, digests, false, label, out);
        } catch (const Error& e) {
            out.push_back(Signature{"", "", what, e.what(), SignatureFormat::sigstore_bundle});
        }
        return true;
    }
    if (!name.empty() || !marked_as_bundle(entry))
        return false;
    collect_manifest(layout, entry, digests, true, "referrer", out);
    return true;
}

std::optional<VerifiedSignature>
verify_bundle(const Signature& sig, const std::vector<PublicKey>& keys,
              const std::vector<Digest>& chain, const IdentityCheck& identity,
              const std::vector<PublicKey>& log_keys, std::vector<std::string>& why) {
    try {
        SigstoreBundle bundle = parse_sigstore_bundle(sig.payload, sig.origin);
        std::string signed_bytes = dsse_pae(bundle.payload_type, bundle.payload);
        const PublicKey* by = nullptr;
        for (const PublicKey& key : keys)
            if (!by && key.verify(signed_bytes, bundle.signature))
                by = &key;
        if (!by)
            fail(sig.origin + ": does not verify with " + key_list(keys));
        std::vector<Digest> subjects =
            parse_cosign_statement(bundle.payload, sig.origin + ": statement");
        const Digest* signed_digest = nullptr;
        for (const Digest& s : subjects)
            if (!signed_digest && names_one_of(s, chain))
                signed_digest = &s;
        if (!signed_digest)
            fail(sig.origin + ": signs " + subjects.front().str() + ", not this image");
        if (identity.refusal && identity.stated)
            fail(sig.origin + ": a sigstore bundle names no docker-reference, and " +
                 identity.want + " was asked for (leave signedIdentity out to trust the digest)");
        VerifiedSignature v{
            *signed_digest, "", by->name(), sig.origin, SignatureFormat::sigstore_bundle, {}};
        if (!log_keys.empty())
            v.notes.push_back(check_log_entry(bundle, log_keys, *by, sig.origin));
        else if (!bundle.log_entries.empty())
            v.notes.push_back("transparency-log entry not checked (no rekorPublicKeyPath)");
        return v;
    } catch (const Error& e) {
        why.push_back(e.what());
        return std::nullopt;
    }
}

} // namespace ward::trust::detail
