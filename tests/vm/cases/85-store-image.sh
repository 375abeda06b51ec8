# Sourced by guest-tests.sh: a store image on a pure cgroup v2 kernel. The
# busybox-static OCI archive run.sh adds for cases/95-containerd.sh is
# imported (its /proc is the image's own or, where the layer has none, one
# import made: image.json's mountPoints) and `ward run --image` runs it with
# /proc mounted; `--writable` gives it an overlay root whose writes land in the
# state dir while the store rootfs stays byte-identical (find + sha256sum),
# and delete removes the upper layer. Under the shipped baseline policy
# (hardened refuses a writable root). Skipped when the archive or the
# baseline policy is missing (see tests/containerd.skip), and the writable
# case when the guest kernel has no overlayfs (run.sh loads Debian's
# overlay module; another kernel may lack it).
store=/tmp/ward-store
store_policy=${store_policy:-/etc/ward/baseline.json}
ward_root=${ward_root:-/run/ward} # ward's default --root

# store_walk DIR: every path with type, mode, owner, size and link target,
# then every file's SHA-256.
store_walk() {
    (cd "$1" && find . | sort | while read -r p; do
        stat -c '%n %F %a %u:%g %s %N' "$p"
    done && find . -type f | sort | xargs sha256sum)
}

test_store_image() {
    name=store_image_runs_with_proc_mounted
    if [ ! -f /images/busybox.tar ] || [ ! -f $store_policy ]; then
        skip $name "no busybox OCI archive or baseline policy in this guest: $(cat /tests/containerd.skip 2>/dev/null)"
        return
    fi
    mkdir -p -m 0700 $store
    if ! ward --store $store --policy $store_policy image import --name ward.test/scratch:1 \
        /images/busybox.tar:latest >/tmp/store.out 2>/tmp/store.err; then
        not_ok $name "import failed: $(first_line /tmp/store.err)"
        return
    fi
    entry=$(ls -d $store/images/sha256/*)
    out=$(ward --store $store --policy $store_policy run --image ward.test/scratch:1 scratch -- \
        sh -c 'grep -c " / /proc .* - proc " /proc/self/mountinfo' 2>/tmp/store.err)
    if ! grep -q '"/proc"' "$entry/image.json" && ! grep -q '"path":"/proc"' "$entry/files.jsonl"; then
        not_ok $name "/proc is neither in files.jsonl nor in image.json's mountPoints"
    elif [ "$out" != 1 ]; then
        not_ok $name "want /proc mounted once, got '$out': $(first_line /tmp/store.err)"
    else
        ok $name
    fi

    name=writable_root_is_an_overlay_and_the_store_stays_identical
    if ! grep -qw overlay /proc/filesystems; then
        skip $name "the guest kernel has no overlayfs (not built in, module not loaded)"
        return
    fi
    before=$(store_walk "$entry/rootfs")
    out=$(ward --store $store --policy $store_policy run --keep --writable --image ward.test/scratch:1 \
        rw -- sh -c 'echo hi >/made && cat /made' 2>/tmp/store.err)
    upper=$(ls $ward_root/rw/rootfs-upper 2>/dev/null)
    ward delete rw >/dev/null 2>&1
    after=$(store_walk "$entry/rootfs")
    if [ "$out" != hi ]; then
        not_ok $name "want hi, got '$out': $(grep -v "^warning: " /tmp/store.err | head -n 3 | tr "\n" " ")"
    elif [ "$upper" != made ]; then
        not_ok $name "the upper layer held '$upper', want made"
    elif [ -e $ward_root/rw ]; then
        not_ok $name "delete left $ward_root/rw"
    elif [ "$before" != "$after" ]; then
        not_ok $name "the store rootfs changed"
    else
        ok $name
    fi
}

test_store_image
