// Fuzz target: the P-256 key and signature decoders (runtime/trust/
// p256_der), which read key files and signatures an attacker may write.
// Each input is tried as a public key PEM, a private key PEM and a DER
// signature checked against a fixed key; only ward::Error may escape.
#include "../../runtime/trust/p256_der.hpp"
#include "ward/base/error.hpp"
#include "ward/trust/keys.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace {

// corpus/key/public.pem, whose private key signed corpus/key/signature.der
// over "payload".
constexpr const char* kPublicPem =
    "-----BEGIN PUBLIC KEY-----\n"
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEX8y/Ox8NSyhAjebs/FQIYbliR7CA\n"
    "OT5hSxks++nKhS2LR/oc07boPdJuv1jFrUm9wC12ieKfC2rg8mJL7cZvJw==\n"
    "-----END PUBLIC KEY-----\n";

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::string_view in(reinterpret_cast<const char*>(data), size);
    try {
        ward::trust::PublicKey::from_pem(in, "fuzz.pub").der();
    } catch (const ward::Error&) {
    }
    try {
        ward::trust::PrivateKey::from_pem(in, "fuzz.pem").public_pem();
    } catch (const ward::Error&) {
    }
    if (auto sig = ward::trust::p256::signature_from_der(in))
        if (ward::trust::p256::signature_der(*sig) != in)
            __builtin_trap(); // a signature has exactly one accepted spelling
    static const auto key = ward::trust::PublicKey::from_pem(kPublicPem, "fixed.pub");
    key.verify("payload", in);
    return 0;
}
