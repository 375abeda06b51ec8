// The trust parsers that see untrusted bytes, as fuzz entry points. Each
// must return (a parsed document) or throw ward::Error; anything else (a
// crash, a sanitizer report, another exception type) is a bug. Used by the
// NAME_fuzz.cpp targets (libFuzzer with `make fuzz`; make check's
// fuzz-replay lane replays their seed corpora).
#pragma once

#include "ward/base/error.hpp"
#include "ward/trust/bundle_sign.hpp"
#include "ward/trust/oci.hpp"
#include "ward/trust/signature.hpp"
#include "ward/trust/sigstore_bundle.hpp"

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace ward::fuzz {

inline void parse_one(std::string_view target, std::string_view data) {
    using namespace ward::trust;
    try {
        if (target == "index") {
            parse_index(data, media::kOciIndex, "index");
            parse_index(data, media::kDockerList, "index");
        } else if (target == "manifest") {
            parse_manifest(data, media::kOciManifest, "manifest");
            parse_manifest(data, media::kDockerManifest, "manifest");
        } else if (target == "config") {
            parse_image_config(data, "config");
        } else if (target == "payload") {
            parse_payload(data, "payload");
        } else if (target == "bundle_payload") {
            parse_bundle_payload(data);
        } else if (target == "sigstore_bundle") {
            // The statement parser sees a bundle's payload and, alone, the
            // input itself (so plain statements are fuzzed too).
            try {
                parse_cosign_statement(parse_sigstore_bundle(data, "bundle").payload, "statement");
            } catch (const ward::Error&) {
            }
            parse_cosign_statement(data, "statement");
        } else if (target == "digest") {
            parse_digest(data);
            parse_image_ref(data);
        }
    } catch (const ward::Error&) {
    }
}

} // namespace ward::fuzz
