// A bundle's transparency-log entry, checked offline against the log keys
// a policy names: the signed entry timestamp (Rekor's inclusion promise)
// and the entry's body bound to this very envelope. Nothing is fetched.
#include "base64.hpp"
#include "json_fields.hpp"
#include "ward/base/error.hpp"
#include "ward/base/hex.hpp"
#include "ward/base/strings.hpp"
#include "ward/trust/sigstore_bundle.hpp"

namespace ward::trust {
namespace {

using fields::bad;
using fields::member;
using fields::string_member;
using json::Value;

// What Rekor v1 signs for an entry: canonical JSON (keys sorted, no
// spaces) of body, integratedTime, logID (hex) and logIndex.
std::string promised_bytes(const LogEntry& e) {
    return R"({"body":")" + e.body_base64 + R"(","integratedTime":)" +
           std::to_string(e.integrated_time) + R"(,"logID":")" + to_hex(e.log_id) +
           R"(","logIndex":)" + std::to_string(e.log_index) + "}";
}

// A dsse 0.0.1 body names the payload's hash and the envelope's signatures
// with their keys: it must be this payload, this signature, this signer.
void check_body(const LogEntry& e, const SigstoreBundle& bundle, const PublicKey& signer,
                const std::string& what) {
    if (e.kind != "dsse" || e.version != "0.0.1")
        fail(what + ": entry kind " + e.kind + " " + e.version +
             " is not checked by ward (want dsse 0.0.1)");
    Value body = fields::parse_object(e.body, what + ": canonicalizedBody");
    std::string in = what + ": canonicalizedBody";
    if (string_member(body, "kind", in, "", true) != e.kind ||
        string_member(body, "apiVersion", in, "", true) != e.version)
        fail(in + ": kind or apiVersion differs from kindVersion");
    const Value* spec = member(body, "spec", in, "", json::Type::object, true);
    const Value* hash = member(*spec, "payloadHash", in, "spec", json::Type::object, true);
    if (string_member(*hash, "algorithm", in, "spec.payloadHash", true) != "sha256" ||
        string_member(*hash, "value", in, "spec.payloadHash", true) != sha256(bundle.payload).hex)
        fail(in + ": spec.payloadHash is not the hash of this bundle's payload");
    const Value* sigs = member(*spec, "signatures", in, "spec", json::Type::array, true);
    for (const Value& s : sigs->as_array()) {
        if (!s.is_object())
            continue;
        auto sig = base64_decode(string_member(s, "signature", in, "spec.signatures[]", true));
        auto verifier = base64_decode(string_member(s, "verifier", in, "spec.signatures[]", true));
        if (!sig || *sig != bundle.signature || !verifier)
            continue;
        PublicKey logged = with_context(in + ": spec.signatures[].verifier",
                                        [&] { return PublicKey::from_pem(*verifier, "verifier"); });
        if (logged.der() == signer.der())
            return;
    }
    fail(in + ": records neither this signature nor its key");
}

} // namespace

std::string check_log_entry(const SigstoreBundle& bundle, const std::vector<PublicKey>& log_keys,
                            const PublicKey& signer, const std::string& what) {
    if (bundle.log_entries.empty())
        fail(what + ": no transparency-log entry, and the policy names a log key "
                    "(rekorPublicKeyPath)");
    std::vector<std::string> why;
    for (size_t i = 0; i < bundle.log_entries.size(); ++i) {
        const LogEntry& e = bundle.log_entries[i];
        std::string at = what + ": tlogEntries[" + std::to_string(i) + "]";
        const PublicKey* log = nullptr;
        for (const PublicKey& key : log_keys)
            if (!log && sha256(key.der()).hex == to_hex(e.log_id))
                log = &key;
        if (!log) {
            why.push_back(at + ": log " + to_hex(e.log_id).substr(0, 16) +
                          " is not one the policy trusts");
            continue;
        }
        if (e.signed_entry_ts.empty()) {
            why.push_back(at + ": no inclusionPromise (signed entry timestamp) to check offline");
            continue;
        }
        if (!log->verify(promised_bytes(e), e.signed_entry_ts)) {
            why.push_back(at + ": signed entry timestamp does not verify with " + log->name());
            continue;
        }
        try {
            check_body(e, bundle, signer, at);
        } catch (const Error& err) {
            why.push_back(err.what());
            continue;
        }
        return "log entry " + std::to_string(e.log_index) + " (" + e.kind + ") promised by " +
               log->name();
    }
    fail(join(why, "; "));
}

} // namespace ward::trust
