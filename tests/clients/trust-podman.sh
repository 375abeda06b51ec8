# Sourced by tests/clients/60-trust.sh: the trust checks through podman
# (rootful, conmon), first with vfs storage (the rootfs is a plain
# directory podman unpacked), then with podman's default overlay driver
# (the rootfs is an overlay mount of podman's layers).
podman_tools=$repo/tests/clients/podman
. "$podman_tools/env.sh"
. "$podman_tools/setup.sh"
. "$podman_tools/smoke.sh"

# The same OCI archive containerd imported, pulled by podman (in a mount
# namespace where /var/lib is an empty tmpfs, so containers/image's blob
# cache under /var/lib/containers is never the host's).
trust_podman_pull() {
    local archive
    archive=$(containerd_image_busybox) || return 1
    unshare -m --propagation private sh -c 'mount -t tmpfs -o mode=0755 podman-pull /var/lib &&
        exec "$@"' sh podman "${podman_flags[@]}" pull -q "oci-archive:$archive:latest" \
        >"$podman_dir/pull.out" 2>&1 &&
        pm tag "$(tail -1 "$podman_dir/pull.out")" "$trust_image"
}

trust_podman_signed_runs() {
    prun 60 "$trust_bin_signed" --rm "$trust_image" echo hello
    [ $rc -eq 0 ] && [ "$out" = hello ] && return 0
    echo "podman run (signed image in ward's store): $(podman_outcome)"
    return 1
}

trust_podman_refused() {
    prun 60 "$1" --rm "$trust_image" echo hello
    [ $rc -ne 0 ] || { echo "ran: $out"; return 1; }
    shift
    expect_refusal "$err" "$@"
}

trust_podman_unsigned_refused() {
    trust_podman_refused "$trust_bin_unsigned" "rootfs is image $trust_image (sha256:" \
        "no signature for $trust_image"
}

trust_podman_other_key_refused() {
    trust_podman_refused "$trust_bin_other" "rootfs is image $trust_image (sha256:" \
        "no signature by a trusted key"
}

# One file changed in the container's rootfs (podman mount) before its
# first start.
trust_podman_tampered_refused() {
    local id dir
    id=$(pm create --runtime "$trust_bin_signed" --cgroup-parent "$podman_cgroup_parent" \
        "$trust_image" echo hello) || return 1
    dir=$(pm mount "$id")
    if [[ "$dir" != "$podman_dir/"* ]] || [ ! -f "$dir/etc/passwd" ]; then
        echo "podman mount $id: '$dir'"
        return 1
    fi
    echo 'mallory::0:0::/:/bin/sh' >>"$dir/etc/passwd"
    pm unmount "$id" >/dev/null
    pm_capture 60 start --attach "$id"
    pm rm -f "$id" >/dev/null 2>&1
    [ $rc -ne 0 ] || { echo "ran: $out"; return 1; }
    expect_refusal "$err" "rootfs does not match image $trust_image (sha256:" \
        "rootfs file /etc/passwd changed since import"
}

podman_setup_private() {
    mkdir -p "$podman_dir"/{root,runroot,tmp,cni,state} || return 1
    podman_wrappers
    if ! podman_config; then
        not_ok trust-podman-setup "containers.conf could not be merged"
        return 1
    fi
    if ! trust_podman_pull; then
        not_ok trust-podman-setup "podman pull oci-archive: $(tail -3 "$podman_dir/pull.out" | tr '\n' ' ')"
        return 1
    fi
}

# Under the overlay driver, a second start of the image's layers (signed-runs
# proved them first, through podman's l/ symlinks): the cache answers, and
# the container's trust record says so.
trust_podman_overlay_cached_start() {
    local state=$podman_dir/state/ward-trust id detail
    local bin
    bin=$(ward_wrapper ward-trust --root "$state" --store "$trust_dir/store-signed" \
        --policy "$trust_dir/policy.json")
    prun 60 "$bin" -d "$trust_image" sleep 1000
    id=$out
    [ $rc -eq 0 ] || { echo "podman run -d: $(podman_outcome)"; return 1; }
    detail=$("$ward" --root "$state" policy show "$id" 2>&1 | grep -A2 '"trust": {' | tr -s ' \n' ' ')
    pm rm -f -t 0 "$id" >/dev/null 2>&1
    [[ "$detail" == *"client image"*"$trust_image"*"cached:"* ]] && { echo "$detail"; return 0; }
    echo "the trust record does not say the cache answered: $detail"
    return 1
}
trust_podman_overlay_signed_runs() { trust_podman_signed_runs; }
trust_podman_overlay_unsigned_refused() { trust_podman_unsigned_refused; }
trust_podman_overlay_tampered_refused() { trust_podman_tampered_refused; }

trap 'podman_teardown; cleanup_clients' EXIT
podman_setup_private || exit 0
trust_checks podman signed-runs unsigned-refused other-key-refused tampered-refused
podman_teardown
podman_use "$CLIENT_TMP/podman-overlay" overlay
podman_setup_private || exit 0
trust_checks podman-overlay signed-runs cached-start unsigned-refused tampered-refused
# (the EXIT trap tears podman down and reports what it had to force)
true
