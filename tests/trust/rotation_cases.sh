# Signed identities and key rotation, sourced by check.sh after
# store_cases.sh (same directory, helpers, keys, layouts). Admission is
# asked the way an operator asks it: `ward image import` under a policy,
# and `ward policy check --trust IMAGE`, which admits a store image as
# create would and says which requirement and which key admit it.

# policy FILE SCOPE REQUIREMENT-JSON: a policy whose only scope is SCOPE.
policy() {
    printf '{"name":"%s","rules":{},"trust":{"default":[{"type":"reject"}],"scopes":{"%s":[%s]}}}' \
        "$(basename "$1" .json)" "$2" "$3" >"$1"
}
# signed_by KEYPATHS [IDENTITY-TYPE]: a sigstoreSigned requirement.
signed_by() { printf '{"type":"sigstoreSigned","keyPaths":[%s],"signedIdentity":{"type":"%s"}}' "$1" "${2:-matchRepoDigestOrExact}"; }
q() { printf '"%s"' "$1"; }
S2="$tmp/id-store"

# --- ward image sign's default identity is the full reference (as skopeo)
rm -rf img && cp -a base img
expect "sign: the default identity is REPO:TAG" 0 out "signed $D as \"localhost/img:v1\"" -- image sign --key ward.key img:v1
policy "$tmp/default-rule.json" localhost/img "$(signed_by "$(q "$tmp/ward.pub")")"
expect "default-signed image passes the default matchRepoDigestOrExact" 0 out "imported $D as localhost/img:v1" -- --policy "$tmp/default-rule.json" --store "$S2" image import img:v1
expect "policy check --trust: admitted, by which key" 0 out "admit   trust.scopes[\"localhost/img\"][0] sigstoreSigned: key $tmp/ward.pub, identity \"localhost/img:v1\"" -- --policy "$tmp/default-rule.json" --store "$S2" policy check --trust localhost/img:v1
grep -qx "allowed: create would start this image" out && ok "policy check --trust: says create would start it" || not_ok "policy check --trust: says create would start it"
grep -qx "scope   \"localhost/img\"" out && ok "policy check --trust: names the scope" || not_ok "policy check --trust: names the scope"
expect "policy check --trust by digest prefix" 0 out "image   localhost/img:v1 $D" -- --policy "$tmp/default-rule.json" --store "$S2" policy check --trust "$SHORT"
expect "policy check --trust: unknown image" 1 err "image \"localhost/nope:1\" is not in the store ($S2)" -- --policy "$tmp/default-rule.json" --store "$S2" policy check --trust localhost/nope:1
expect "policy check --trust and a CONFIG: usage" 1 err "ward: usage: policy check --trust IMAGE (no CONFIG)" -- policy check --trust x config.json

# --- cosign's form on request: the repository alone
rm -rf img && cp -a base img
expect "sign --identity-form repository: REPO only" 0 out "signed $D as \"localhost/img\"" -- image sign --key ward.key --identity-form repository img:v1
expect "--identity and --identity-form exclude each other" 1 err "--identity and --identity-form exclude each other" -- image sign --key ward.key --identity localhost/img:v1 --identity-form repository img:v1
expect "--identity-form: bad value" 1 err "invalid value \"tag\" for flag -identity-form: want reference or repository" -- image sign --key ward.key --identity-form tag img:v1
policy "$tmp/repo-rule.json" localhost/img "$(signed_by "$(q "$tmp/ward.pub")" matchRepository)"
policy "$tmp/exact-rule.json" localhost/img "$(signed_by "$(q "$tmp/ward.pub")" matchExact)"
expect "cosign form refused by matchExact, saying why" 1 err "identity \"localhost/img\" is a repository without a tag or digest (cosign's form); matchExact wants \"localhost/img:v1\"" -- --policy "$tmp/exact-rule.json" --store "$tmp/cosign-store" image import img:v1
expect "cosign form refused by the default rule too" 1 err "matchRepoDigestOrExact wants \"localhost/img:v1\"" -- --policy "$tmp/default-rule.json" --store "$tmp/cosign-store" image import img:v1
expect "cosign form passes matchRepository" 0 out "imported $D as localhost/img:v1" -- --policy "$tmp/repo-rule.json" --store "$tmp/cosign-store" image import img:v1
# openssl as the signer (not ward): a tagged identity under matchExact.
rm -rf img && cp -a base img && cosign_sign img "$D" localhost/img:v1 signer.key
policy "$tmp/exact-openssl.json" localhost/img "$(signed_by "$(q "$tmp/signer.pub")" matchExact)"
expect "openssl-signed REPO:TAG passes matchExact" 0 out "imported $D as localhost/img:v1" -- --policy "$tmp/exact-openssl.json" --store "$tmp/openssl-store" image import img:v1

# --- key rotation: several keys per scope (keyPaths)
mkdir -p keys && cp ward.pub keys/old.pub && cp other.pub keys/new.pub
rm -rf img && cp -a base img
"$W" image sign --key ward.key img:v1 >/dev/null
"$W" image sign --key other.key img:v1 >/dev/null
S5="$tmp/rotation-store"
policy "$tmp/both.json" localhost "$(signed_by "$(q "$tmp/keys/old.pub"),$(q "$tmp/keys/new.pub")")"
expect "rotation: imported under both keys" 0 out "imported $D as localhost/img:v1" -- --policy "$tmp/both.json" --store "$S5" image import img:v1
expect "rotation: the first listed key admits it" 0 out "key $tmp/keys/old.pub" -- --policy "$tmp/both.json" --store "$S5" policy check --trust localhost/img:v1
policy "$tmp/new-only.json" localhost "$(signed_by "$(q "$tmp/keys/new.pub")")"
expect "rotation: the old key dropped, the new one admits it" 0 out "key $tmp/keys/new.pub" -- --policy "$tmp/new-only.json" --store "$S5" policy check --trust localhost/img:v1
# An image only the old key signed (another image: one more file), revoked
# by removing that key from the list.
rm -rf old && cp -a base old
umoci insert --image old:v1 files/bin/hello /bin/hello2
DOLD=$("$EDIT" digest old v1)
"$W" image sign --key ward.key old:v1 >/dev/null
expect "rotation: an image signed by the old key only" 0 out "imported" -- --policy "$tmp/both.json" --store "$S5" image import old:v1
expect "revocation by removal: refused" 1 out "refuse  no signature by a trusted key for localhost/old:v1 (manifest $DOLD): " -- --policy "$tmp/new-only.json" --store "$S5" policy check --trust localhost/old:v1
grep -q "does not verify with key $tmp/keys/new.pub" out && grep -qx "refused: create would not start this image" out && ok "revocation: says why and that create would refuse" || not_ok "revocation: says why and that create would refuse"
# Signed again with the new key and imported again: the store keeps the
# new signature, and the image is admitted once more.
"$W" image sign --key other.key old:v1 >/dev/null
expect "re-import of a re-signed image" 0 out "already imported $DOLD as localhost/old:v1" -- --policy "$tmp/new-only.json" --store "$S5" image import old:v1
expect "re-signed: admitted by the new key" 0 out "key $tmp/keys/new.pub" -- --policy "$tmp/new-only.json" --store "$S5" policy check --trust localhost/old:v1
# A deleted key file among several: skipped with a warning.
policy "$tmp/one-gone.json" localhost "$(signed_by "$(q "$tmp/keys/gone.pub"),$(q "$tmp/keys/new.pub")")"
expect "a missing key file is skipped: admitted" 0 out "key $tmp/keys/new.pub" -- --policy "$tmp/one-gone.json" --store "$S5" policy check --trust localhost/img:v1
grep -qF "warn    trust.scopes[\"localhost\"][0]: key $tmp/keys/gone.pub does not exist; skipped" out && ok "a missing key file: warned" || not_ok "a missing key file: warned"
expect "import warns about the missing key file" 0 err "key $tmp/keys/gone.pub does not exist; skipped" -- --policy "$tmp/one-gone.json" --store "$S5" image import img:v1
policy "$tmp/all-gone.json" localhost "$(signed_by "$(q "$tmp/keys/gone.pub"),$(q "$tmp/keys/gone2.pub")")"
expect "every key file gone: refused, naming them" 1 out "no key left to verify with: key files $tmp/keys/gone.pub, $tmp/keys/gone2.pub do not exist" -- --policy "$tmp/all-gone.json" --store "$S5" policy check --trust localhost/img:v1
echo "not a key" >keys/bad.pub
policy "$tmp/bad-key.json" localhost "$(signed_by "$(q "$tmp/keys/bad.pub"),$(q "$tmp/keys/new.pub")")"
expect "an invalid key file is an error naming it" 1 out "key $tmp/keys/bad.pub: $tmp/keys/bad.pub: not a PEM public key" -- --policy "$tmp/bad-key.json" --store "$S5" policy check --trust localhost/img:v1
