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
    expect_refusal "$out" "rootfs is image $trust_image (sha256:" "no signature for $trust_image"
}

trust_ctr_other_key_refused() {
    ctr_trust_run "$trust_bin_other" trust-other echo hello
    [ $rc -ne 0 ] || { echo "ran: $out"; return 1; }
    expect_refusal "$out" "rootfs is image $trust_image (sha256:" "no signature by a trusted key"
}

# ctr_snapshot_dir KEY WHICH: the upperdir or lowerdir of snapshot KEY's
# overlay (as `ctr snapshots mounts` prints its options).
ctr_snapshot_dir() {
    ctrc snapshots mounts /unused "$1" | grep -o "$2=[^, ]*" | cut -d= -f2
}

# in_containerd_root DIR: DIR is a directory of this run's containerd (a
# test never writes anywhere else).
in_containerd_root() {
    [[ "$1" == "$containerd_dir/root/"* ]] && [ -d "$1" ]
}

# The image's own layer, as containerd unpacked it: the lower directory of
# a snapshot prepared on top of the committed one.
ctr_image_layer() {
    local committed
    committed=$(ctrc snapshots ls | awk '$NF == "Committed" {print $1}' | head -1)
    [ -n "$committed" ] || return 1
    ctrc snapshots prepare trust-probe "$committed" >/dev/null || return 1
    ctr_snapshot_dir trust-probe lowerdir
    ctrc snapshots rm trust-probe >/dev/null
}

# One file of the image's layer changed in containerd's snapshot before
# any verified start; put back afterwards (same inode, same bytes).
trust_ctr_tampered_refused() {
    local layer saved=$trust_dir/passwd.saved
    layer=$(ctr_image_layer)
    in_containerd_root "$layer" || { echo "no image layer found: '$layer'"; return 1; }
    cp "$layer/etc/passwd" "$saved"
    echo 'mallory::0:0::/:/bin/sh' >>"$layer/etc/passwd"
    ctr_trust_run "$trust_bin_signed" trust-tampered echo hello
    cat "$saved" >"$layer/etc/passwd"
    [ $rc -ne 0 ] || { echo "ran: $out"; return 1; }
    expect_refusal "$out" "rootfs does not match image $trust_image (sha256:" \
        "rootfs file /etc/passwd changed since import"
}

# ward's record of container ID's trust step (policy.json, under the runc
# shim's root in the daemon's mount namespace).
ctr_trust_detail() {
    nsenter --target "$containerd_pid" --mount -- \
        "$ward" --root "/run/containerd/runc/$containerd_ns" policy show "$1" 2>&1 |
        grep -A2 '"trust": {' | tr -s ' \n' ' '
}

# A second start of the same image's layers (signed-runs proved them
# first): the cache answers, and says so in the container's record.
trust_ctr_cached_start() {
    out=$(ctrc run --detach --runc-binary "$trust_bin_signed" "$trust_image" trust-cached \
        sleep 1000 2>&1)
    rc=$?
    [ $rc -eq 0 ] || { echo "ctr run -d: exit $rc: $out"; return 1; }
    local detail
    detail=$(ctr_trust_detail trust-cached)
    ctrc tasks kill --signal SIGKILL trust-cached >/dev/null 2>&1
    wait_status trust-cached STOPPED
    ctrc tasks delete trust-cached >/dev/null 2>&1
    [[ "$detail" == *"client image"*"cached:"* ]] && return 0
    echo "the trust record does not say the cache answered: $detail"
    return 1
}

# The cached container's own snapshot changed before its next start: the
# upper layer is looked at on every start, so the cache does not answer
# and the full walk names the file.
trust_ctr_tampered_after_cache_refused() {
    local upper
    upper=$(ctr_snapshot_dir trust-cached upperdir)
    in_containerd_root "$upper" || { echo "no upperdir for trust-cached: '$upper'"; return 1; }
    mkdir -p "$upper/etc"
    { cat "$trust_dir"/store-signed/images/sha256/*/rootfs/etc/passwd; echo 'mallory::0:0::/:/bin/sh'; } \
        >"$upper/etc/passwd"
    out=$(ctrc tasks start trust-cached 2>&1)
    rc=$?
    ctrc tasks delete --force trust-cached >/dev/null 2>&1
    ctrc containers delete trust-cached >/dev/null 2>&1
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
