# Sigstore bundles v0.3 (cosign v3's default), sourced by check.sh after
# the store cases: the bundles are tests/data/cosign-bundle's, made by
# sigstore-js over that directory's umoci image (make-fixtures.sh), attached
# by sigstore_bundle.py as cosign attaches them (an OCI 1.1 referrer listed
# in index.json, or the referrers fallback tag sha256-<hex>). Each refusal
# leaves the store unchanged.
FX=$(realpath "$(dirname "$EDIT")/../data/cosign-bundle")
BUNDLE_PY=$(realpath "$(dirname "$EDIT")/sigstore_bundle.py")
BD=$(cat "$FX/manifest-digest")
# bundled NAME BUNDLE referrer|tag: the fixture image with BUNDLE attached.
bundled() { rm -rf "$1" && cp -a "$FX/image" "$1" && "$BUNDLE_PY" attach "$1" "$BD" "$FX/$2" "$3"; }
# trust_policy FILE [EXTRA]: every image needs a signature by signer.pub.
trust_policy() {
    printf '{"name":"bundles","rules":{},"trust":{"default":[{"type":"sigstoreSigned","keyPath":"%s"%s}]}}' \
        "$FX/signer.pub" "${2:-}" >"$1"
}
trust_policy "$tmp/bundle-policy.json"
trust_policy "$tmp/rekor-policy.json" ",\"rekorPublicKeyPath\":\"$FX/rekor.pub\""
trust_policy "$tmp/identity-policy.json" ',"signedIdentity":{"type":"matchRepository"}'
BS="$tmp/bundle-store"
mkdir -p "$BS" "$tmp/bundle-tlog1" "$tmp/bundle-tlog2"

bundled bref good.bundle.json referrer
expect "bundle referrer: image verify" 0 out "signature $BD sigstore bundle v0.3 (names no identity) key $FX/signer.pub" -- image verify --key "$FX/signer.pub" bref:v1
bundled btag good.bundle.json tag
expect "bundle fallback tag: image verify" 0 out "(tag sha256-${BD#sha256:})" -- image verify --key "$FX/signer.pub" btag:v1
expect "bundle: the fallback tag is not taken for an image" 0 out "verified btag" -- image verify --key "$FX/signer.pub" btag
expect "bundle: wrong key" 1 err "does not verify with key $FX/other.pub" -- image verify --key "$FX/other.pub" bref:v1
expect "bundle: --identity cannot be met" 1 err "a sigstore bundle names no docker-reference" -- image verify --key "$FX/signer.pub" --identity r.example/app bref:v1

expect "bundle: import under the policy's key" 0 out "signature $BD sigstore bundle v0.3 key $FX/signer.pub" -- --policy "$tmp/bundle-policy.json" --store "$BS" image import --name localhost/bundled:v1 bref:v1
expect "bundle: import from the fallback tag" 0 out "already imported $BD as localhost/bundled:v1" -- --policy "$tmp/bundle-policy.json" --store "$BS" image import --name localhost/bundled:v1 btag:v1

# Refusals, each leaving a fresh store as it was.
S="$tmp/bundle-refusals"
mkdir -p "$S"
P="$tmp/bundle-policy.json"
expect "bundle: a store for the refusals" 0 out "imported $BD" -- --policy "$P" --store "$S" image import btag:v1
bundled bother other-digest.bundle.json referrer
refused "bundle over another digest" "sigstore bundle " -- image import bother:v1
expect "bundle over another digest: names what it signs" 1 err ", not this image" -- --policy "$P" --store "$S" image import bother:v1
bundled btamper tampered.bundle.json referrer
refused "bundle with a tampered payload" "does not verify with key $FX/signer.pub" -- image import btamper:v1
bundled bpred wrong-predicate.bundle.json tag
refused "bundle with another predicate type" "predicateType: \"https://slsa.dev/provenance/v1\" is not cosign's image signature" -- image import bpred:v1
P="$tmp/identity-policy.json"
refused "bundle under a stated signedIdentity" "a sigstore bundle names no docker-reference" -- image import bref:v1

# The transparency log: checked with the policy's Rekor key, else noted.
P="$tmp/bundle-policy.json"
bundled btlog tlog.bundle.json referrer
expect "bundle log entry without a log key: not checked, and said" 0 out "transparency-log entry not checked (no rekorPublicKeyPath)" -- --policy "$P" --store "$tmp/bundle-tlog1" image import btlog:v1
expect "bundle log entry with the log key: promised" 0 out "log entry 42 (dsse) promised by $FX/rekor.pub" -- --policy "$tmp/rekor-policy.json" --store "$tmp/bundle-tlog2" image import btlog:v1
expect "image verify --rekor-key: the entry it promised" 0 out "log entry 42 (dsse) promised by $FX/rekor.pub" -- image verify --key "$FX/signer.pub" --rekor-key "$FX/rekor.pub" btlog:v1
expect "image verify --rekor-key: a bundle without an entry is refused" 1 err "no transparency-log entry, and the policy names a log key" -- image verify --key "$FX/signer.pub" --rekor-key "$FX/rekor.pub" bref:v1
expect "image verify --rekor-key: another log's key is refused" 1 err "is not one the policy trusts" -- image verify --key "$FX/signer.pub" --rekor-key "$FX/signer.pub" btlog:v1
expect "image verify without --rekor-key: the entry is not checked" 0 out "transparency-log entry not checked" -- image verify --key "$FX/signer.pub" btlog:v1
expect "image sign refuses --rekor-key" 1 err "--rekor-key is for image verify" -- image sign --key "$FX/signer.pub" --rekor-key "$FX/rekor.pub" btlog:v1
P="$tmp/rekor-policy.json"
bundled bset bad-set.bundle.json referrer
refused "bundle with a bad signed entry timestamp" "signed entry timestamp does not verify with $FX/rekor.pub" -- image import bset:v1
refused "bundle without a log entry under a log key" "no transparency-log entry, and the policy names a log key" -- image import bref:v1
