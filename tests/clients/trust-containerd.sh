# Sourced by tests/clients/60-trust.sh: the trust checks through containerd
# (ctr, the runc shim, overlayfs snapshots). Each prints why on its last
# line when it fails.

# ctr_trust_run BIN ID ARGS...: `ctr run --rm` of the image with ward
# (BIN) as the runtime; sets $out and $rc.
ctr_trust_run() {
    local bin=$1 id=$2
    shift 2
    out=$(ctrc run --rm --runc-binary "$bin" "$trust_image" "$id" "$@" 2>&1)
    rc=$?
}

trust_ctr_signed_runs() {
    ctr_trust_run "$trust_bin_signed" trust-signed echo hello
    [ $rc -eq 0 ] && [ "$out" = hello ] && return 0
    echo "ctr run (signed image in ward's store): exit $rc: $(tr '\n' ' ' <<<"$out")"
    return 1
}

# The same image, imported unsigned: its rootfs is found, its admission
# under the policy fails.
trust_ctr_unsigned_refused() {
    ctr_trust_run "$trust_bin_unsigned" trust-unsigned echo hello
    [ $rc -ne 0 ] || { echo "ran: $out"; return 1; }
    expect_refusal "$out" "rootfs is image $trust_image (sha256:" "no signature by a trusted key"
}

trust_ctr_other_key_refused() {
    ctr_trust_run "$trust_bin_other" trust-other echo hello
    [ $rc -ne 0 ] || { echo "ran: $out"; return 1; }
    expect_refusal "$out" "rootfs is image $trust_image (sha256:" "no signature by a trusted key"
}

# ctr_upperdir ID: the upper directory of container ID's snapshot (as
# `ctr snapshots mounts` prints the overlay options).
ctr_upperdir() {
    ctrc snapshots mounts /unused "$1" | grep -o 'upperdir=[^,]*' | cut -d= -f2
}

# One file changed in the container's snapshot before its first start.
trust_ctr_tampered_refused() {
    local upper
    ctrc containers create --runc-binary "$trust_bin_signed" "$trust_image" trust-tampered \
        echo hello >/dev/null || return 1
    upper=$(ctr_upperdir trust-tampered)
    [ -d "$upper" ] || { echo "no upperdir for trust-tampered: '$upper'"; return 1; }
    mkdir -p "$upper/etc"
    { cat "$trust_dir"/store-signed/images/sha256/*/rootfs/etc/passwd; echo 'mallory::0:0::/:/bin/sh'; } >"$upper/etc/passwd"
    out=$(ctrc tasks start trust-tampered 2>&1)
    rc=$?
    ctrc tasks delete --force trust-tampered >/dev/null 2>&1
    ctrc containers delete trust-tampered >/dev/null 2>&1
    [ $rc -ne 0 ] || { echo "ran: $out"; return 1; }
    expect_refusal "$out" "rootfs does not match image $trust_image (sha256:" \
        "rootfs file /etc/passwd changed since import"
}

trust_ctr_cleanup() {
    local id
    for id in $(ctrc containers list --quiet 2>/dev/null); do
        ctrc tasks delete --force "$id" >/dev/null 2>&1
        ctrc containers delete "$id" >/dev/null 2>&1
    done
}
