# Sourced by tests/clients/60-trust.sh: the signed images, ward's stores,
# the policy and the ward wrappers the clients call.
#
#   $trust_dir/layout            the busybox OCI layout, unsigned (what the clients import)
#   $trust_dir/signed            the same layout signed by trusted.key
#   $trust_dir/other             the same layout signed by other.key
#   $trust_dir/policy.json       baseline's rules; trust: ward.test/busybox signed by trusted.pub
#   $trust_dir/store-{signed,unsigned,other}   each image imported into a store of its own
#   $trust_bin_{signed,unsigned,other}         ward with that store and the policy
trust_dir=$CLIENT_TMP/trust
trust_image=ward.test/busybox:latest

# trust_policy TRUSTED_PUB: baseline.json with hardened's kind of trust
# section naming that key for ward.test/busybox.
trust_policy() {
    python3 - "$(policy_file baseline)" "$1" <<'PY'
import json, sys
policy = json.load(open(sys.argv[1]))
policy["name"] = "client-trust"
policy["trust"] = {
    "default": [{"type": "reject"}],
    "scopes": {"ward.test/busybox": [{"type": "sigstoreSigned", "keyPath": sys.argv[2],
                                      "signedIdentity": {"type": "matchRepository"}}]},
    "unverified": "refuse",
    "verifyRootfs": "never",
    "unpack": policy["trust"]["unpack"],
}
print(json.dumps(policy, indent=2))
PY
}

# trust_import NAME POLICY LAYOUT: LAYOUT:latest imported into store-NAME
# under POLICY (each store is made 0700, as ward wants a store it trusts).
trust_import() {
    local store=$trust_dir/store-$1
    mkdir -m 0700 -p "$store"
    "$ward" --store "$store" --policy "$2" image import --quiet --name "$trust_image" "$3:latest"
}

trust_setup() {
    set -e
    mkdir -p "$trust_dir/layout"
    tar -C "$trust_dir/layout" -xf "$(containerd_image_busybox)"
    "$ward" key generate --out "$trust_dir/trusted"
    "$ward" key generate --out "$trust_dir/other"
    cp -a "$trust_dir/layout" "$trust_dir/signed"
    cp -a "$trust_dir/layout" "$trust_dir/other-signed"
    "$ward" image sign --key "$trust_dir/trusted.key" --identity "$trust_image" "$trust_dir/signed:latest"
    "$ward" image sign --key "$trust_dir/other.key" --identity "$trust_image" "$trust_dir/other-signed:latest"
    trust_policy "$trust_dir/trusted.pub" >"$trust_dir/policy.json"
    trust_policy "$trust_dir/other.pub" >"$trust_dir/policy-other.json"
    # The signed image goes in under the policy that will judge it; the
    # unsigned one under baseline (which accepts anything), the other
    # key's under a policy trusting that key: each store holds an image
    # its importer admitted, which create must judge again.
    trust_import signed "$trust_dir/policy.json" "$trust_dir/signed"
    trust_import unsigned "$(policy_file baseline)" "$trust_dir/layout"
    trust_import other "$trust_dir/policy-other.json" "$trust_dir/other-signed"
    local kind
    for kind in signed unsigned other; do
        eval "trust_bin_$kind=\$(ward_wrapper ward-$kind --store \"\$trust_dir/store-$kind\" --policy \"\$trust_dir/policy.json\")"
    done
    set +e
}

# The manifest digest of the image in store-NAME.
trust_digest() {
    "$ward" --store "$trust_dir/store-$1" image ls -q --format table | head -1
}

# expect_refusal OUTPUT PHRASE...: the client's output holds ward's one
# refusal line, with every PHRASE in that line.
expect_refusal() {
    local out=$1 line phrase
    shift
    line=$(grep -o 'refusing to start: [^"]*' <<<"$out" | head -1)
    if [ -z "$line" ]; then
        echo "no refusal in: $(tr '\n' ' ' <<<"$out" | cut -c1-400)"
        return 1
    fi
    for phrase in "$@"; do
        if [[ "$line" != *"$phrase"* ]]; then
            echo "the refusal does not say \"$phrase\": $line"
            return 1
        fi
    done
    echo "$line"
}

# trust_checks CLIENT CHECK...: runs trust_CLIENT_CHECK for each (its
# output in $logs), an ok or FAIL line trust-CLIENT-CHECK each, the FAIL
# with the check's last line.
trust_checks() {
    local client=$1 check fn
    shift
    for check in "$@"; do
        fn=trust_${client//-/_}_${check//-/_}
        if "$fn" >"$logs/$client-$check.out" 2>&1; then
            ok "trust-$client-$check"
        else
            not_ok "trust-$client-$check" "$(tail -1 "$logs/$client-$check.out")"
        fi
    done
}
