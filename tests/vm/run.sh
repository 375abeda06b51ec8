#!/bin/bash
# VM lane: boots Debian's kernel under qemu (software emulation) with
# cgroup_no_v1=all and an initramfs holding busybox, build/ward, build/checker,
# a busybox bundle and tests/vm/guest-tests.sh, then reports the guest's
# results. The host runs a hybrid cgroup layout; the VM is pure cgroup v2.
#
#   tests/vm/run.sh --can-run   exit 0 if this machine can boot the VM, exit 77
#                               with the reason as the last line if not;
#                               installs qemu and caches the kernel on the way
#   tests/vm/run.sh             build the initramfs, boot it, print the guest's
#                               results, end with "N passed, N failed"
#
# The kernel package and the files taken from it are cached in
# $WARD_VM_CACHE (default /var/cache/ward-vm), so only the first run on a
# machine downloads anything. Delete that directory to pick up a newer kernel.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
cache=${WARD_VM_CACHE:-/var/cache/ward-vm}
work=$repo/build/vm
# Hard limit on one boot; the lane normally takes far less (see README.md).
boot_timeout=${WARD_VM_TIMEOUT:-300}
begin_marker='=== WARD-VM-RESULTS BEGIN'
end_marker='=== WARD-VM-RESULTS END'

# Kernel options the guest needs built in: the initramfs carries no modules.
required_config="CGROUPS MEMCG CGROUP_PIDS CPUSETS CGROUP_SCHED BLK_CGROUP CGROUP_FREEZER
CGROUP_DEVICE CGROUP_BPF NAMESPACES UTS_NS IPC_NS USER_NS PID_NS NET_NS SECCOMP_FILTER
DEVTMPFS TMPFS BLK_DEV_INITRD RD_GZIP SERIAL_8250_CONSOLE UNIX BINFMT_ELF BINFMT_SCRIPT"

# Modules the guest loads (in this order) for its one virtio disk, which the
# io controller tests need: Debian builds virtio_blk as a module; overlayfs
# for the writable roots of store images (cases/85-store-image.sh).
guest_modules="drivers/virtio/virtio_ring drivers/virtio/virtio drivers/virtio/virtio_pci_legacy_dev
drivers/virtio/virtio_pci_modern_dev drivers/virtio/virtio_pci drivers/block/virtio_blk
net/vmw_vsock/vsock fs/overlayfs/overlay"

# The probe's verdict when the VM cannot run here: the last line is the reason.
cannot_run() {
    echo "$*"
    exit 77
}

apt_install() {
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" \
        >/dev/null 2>&1 && return 0
    # A fresh machine may have no package lists yet.
    apt-get update -qq >/dev/null 2>&1 || return 1
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" \
        >/dev/null 2>&1
}

ensure_tools() {
    local missing=()
    command -v qemu-system-x86_64 >/dev/null || missing+=(qemu-system-x86)
    # Debian's dynamic busybox also installs /bin/busybox; the guest needs the static one.
    dpkg-query -W -f='${Status}' busybox-static 2>/dev/null | grep -q 'install ok installed' ||
        missing+=(busybox-static)
    [ ${#missing[@]} -eq 0 ] && return 0
    [ "$(id -u)" = 0 ] || cannot_run "needs ${missing[*]} (run as root to install)"
    apt_install "${missing[@]}" || cannot_run "apt-get install ${missing[*]} failed"
    command -v qemu-system-x86_64 >/dev/null || cannot_run "qemu-system-x86_64 not found after install"
}

# Prints the cached kernel directory (newest version), if any.
cached_kernel() {
    local dirs=("$cache"/kernel-*/)
    [ -e "${dirs[0]}" ] || return 0
    printf '%s\n' "${dirs[@]%/}" | sort -V | tail -n 1
}

# Downloads linux-image-amd64's versioned kernel package and keeps the
# kernel image and its config in $cache/kernel-VERSION.
fetch_kernel() {
    [ "$(id -u)" = 0 ] || cannot_run "no cached kernel in $cache (run as root once to fetch it)"
    mkdir -p "$cache" || cannot_run "cannot create $cache"
    local pkg
    pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
        sed -n 's/^ *Depends: \(linux-image-[0-9].*-amd64\)$/\1/p' | head -n 1)
    if [ -z "$pkg" ]; then
        apt-get update -qq >/dev/null 2>&1 || true
        pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
            sed -n 's/^ *Depends: \(linux-image-[0-9].*-amd64\)$/\1/p' | head -n 1)
    fi
    [ -n "$pkg" ] || cannot_run "apt knows no linux-image-*-amd64 package for linux-image-amd64"
    local version=${pkg#linux-image-}
    local tmp
    tmp=$(mktemp -d "$cache/.fetch.XXXXXX")
    # apt downloads as _apt when that user can write the directory.
    chown _apt "$tmp" 2>/dev/null || true
    local deb
    deb=$(find "$cache" -maxdepth 1 -name "${pkg}_*_amd64.deb" | sort -V | tail -n 1)
    if [ -z "$deb" ]; then
        if ! (cd "$tmp" && apt-get download -qq "$pkg" >/dev/null 2>&1); then
            rm -rf "$tmp"
            cannot_run "apt-get download $pkg failed"
        fi
        deb=$(find "$tmp" -maxdepth 1 -name '*.deb' | head -n 1)
        mv "$deb" "$cache/"
        deb=$cache/${deb##*/}
    fi
    mkdir "$tmp/kernel"
    if ! dpkg-deb --fsys-tarfile "$deb" |
        tar -x -C "$tmp/kernel" --strip-components=2 "./boot/vmlinuz-$version" "./boot/config-$version"; then
        rm -rf "$tmp"
        cannot_run "cannot extract the kernel from $deb"
    fi
    mv "$tmp/kernel/vmlinuz-$version" "$tmp/kernel/vmlinuz"
    mv "$tmp/kernel/config-$version" "$tmp/kernel/config"
    rm -rf "$cache/kernel-$version"
    mv -T "$tmp/kernel" "$cache/kernel-$version"
    rm -rf "$tmp"
}

# Copies the guest's modules from the cached kernel package into
# $kernel/modules (once per kernel).
ensure_modules() {
    local version=${kernel##*/kernel-} m missing=
    for m in $guest_modules; do
        [ -f "$kernel/modules/${m##*/}.ko" ] || missing=1
    done
    [ -z "$missing" ] && return 0
    local deb
    deb=$(find "$cache" -maxdepth 1 -name "linux-image-${version}_*_amd64.deb" | sort -V | tail -n 1)
    [ -n "$deb" ] || cannot_run "no kernel package for $version in $cache to take modules from"
    local tmp
    tmp=$(mktemp -d "$cache/.modules.XXXXXX") || cannot_run "cannot write to $cache"
    local paths=()
    for m in $guest_modules; do
        paths+=("./lib/modules/$version/kernel/$m.ko")
    done
    if ! dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" "${paths[@]}"; then
        rm -rf "$tmp"
        cannot_run "cannot extract the guest's modules from $deb"
    fi
    mkdir -p "$kernel/modules"
    for m in $guest_modules; do
        mv "$tmp/lib/modules/$version/kernel/$m.ko" "$kernel/modules/"
    done
    rm -rf "$tmp"
}

# Sets $kernel to the cached kernel directory, fetching it when missing.
ensure_kernel() {
    kernel=$(cached_kernel)
    if [ -z "$kernel" ]; then
        # One fetch at a time: CI and a developer may share the machine.
        if [ "$(id -u)" = 0 ] && mkdir -p "$cache" 2>/dev/null; then
            exec 9>"$cache/.lock"
            flock 9
        fi
        kernel=$(cached_kernel)
        [ -n "$kernel" ] || fetch_kernel
        kernel=$(cached_kernel)
        exec 9>&-
    fi
    if [ -z "$kernel" ] || [ ! -f "$kernel/vmlinuz" ]; then
        cannot_run "no kernel image in $cache"
    fi
    local opt
    for opt in $required_config; do
        grep -qx "CONFIG_$opt=y" "$kernel/config" ||
            cannot_run "kernel $kernel lacks CONFIG_$opt=y (the initramfs carries no modules but virtio's)"
    done
    ensure_modules
}

can_run() {
    [ "$(uname -m)" = x86_64 ] || cannot_run "needs an x86_64 host, this is $(uname -m)"
    ensure_tools
    qemu-system-x86_64 -accel help 2>/dev/null | grep -qx tcg ||
        cannot_run "qemu-system-x86_64 has no tcg accelerator"
    command -v python3 >/dev/null || cannot_run "needs python3 to prepare the bundle's config.json"
    ensure_kernel
}

# copy_binary SRC DEST ROOT: SRC as ROOT/DEST, with the libraries ldd names
# for it (the dynamic loader too) at their own paths under ROOT.
copy_binary() {
    local lib
    mkdir -p "$3$(dirname "$2")"
    cp "$1" "$3$2"
    for lib in $(ldd "$1" | grep -o '/[^ ]*'); do
        [ -e "$3$lib" ] && continue
        mkdir -p "$3$(dirname "$lib")"
        cp -L "$lib" "$3$lib"
    done
}

# Debian's containerd (daemon, ctr, the runc shim) and runc for
# cases/95-containerd.sh, and a busybox-static OCI archive for it to import.
# When they cannot be had, the reason goes to tests/containerd.skip (the
# case skips) rather than stopping the lane, whose other tests need none
# of it. They add about 92 MB to the initramfs (36 MB gzip'd): see README.md.
add_containerd() {
    local root=$1 p missing=()
    for p in containerd runc umoci; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
            missing+=("$p")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        if [ "$(id -u)" != 0 ]; then
            echo "the host lacks ${missing[*]} (run as root to install)" >"$root/tests/containerd.skip"
            return 0
        elif ! apt_install "${missing[@]}"; then
            echo "apt-get install ${missing[*]} failed on the host" >"$root/tests/containerd.skip"
            return 0
        fi
    fi
    mkdir -p "$root/images"
    if ! "$repo/scripts/busybox-oci-archive.sh" "$root/images/busybox.tar" >"$work/image.log" 2>&1; then
        echo "building the busybox OCI archive failed: $(tail -n 1 "$work/image.log")" \
            >"$root/tests/containerd.skip"
        return 0
    fi
    for p in containerd ctr containerd-shim-runc-v2; do
        copy_binary "/usr/bin/$p" "/usr/bin/$p" "$root"
    done
    copy_binary /usr/sbin/runc /usr/sbin/runc "$root"
    cp "$repo/contrib/policies/baseline.json" "$root/etc/ward/baseline.json"
}

# Builds $work/initramfs.cpio.gz from $work/root.
build_initramfs() {
    if [ ! -x "$repo/build/ward" ] || [ ! -x "$repo/build/checker" ] ||
        [ ! -x "$repo/build/escape-probe" ]; then
        if ! make -C "$repo" -j2 all build/checker build/escape-probe >"$work/make.log" 2>&1; then
            tail -n 20 "$work/make.log"
            echo "vm: make failed; nothing to boot"
            echo "0 passed, 1 failed"
            exit 1
        fi
    fi
    local root=$work/root
    rm -rf "$root"
    mkdir -p "$root"
    sh "$repo/scripts/busybox-rootfs.sh" "$root"
    mkdir -p "$root/run" "$root/newroot" "$root/tests" "$root/bundle"

    # ward and what the dynamic loader needs for it (ldd names the loader too).
    copy_binary "$repo/build/ward" /bin/ward "$root"
    strip --strip-debug "$root/bin/ward" 2>/dev/null || true
    cp "$repo/build/checker" "$root/bin/checker"
    cp "$repo/build/escape-probe" "$root/bin/escape-probe"
    mkdir -p "$root/modules"
    local m
    for m in $guest_modules; do
        cp "$kernel/modules/${m##*/}.ko" "$root/modules/"
    done
    echo "$guest_modules" | tr ' ' '\n' | sed 's|.*/||' >"$root/modules/order"

    # The containers' bundle: a read-only busybox rootfs with the checker, and
    # ward's own starter config, compacted to one line so the guest can edit
    # it with sed ("args":["sh"] and "resources":{ each appear once).
    sh "$repo/scripts/busybox-rootfs.sh" "$root/bundle/rootfs"
    cp "$repo/build/checker" "$root/bundle/rootfs/checker"
    cp "$repo/build/escape-probe" "$root/bundle/rootfs/escape-probe"
    # The rootless one (the systemd guest's cases/30-rootless.sh) is
    # `ward spec --rootless`, with "resources":{} for the same edits and the
    # mapped host ids as placeholders the guest replaces with its test
    # user's (4000000001 for the uid, 4000000002 for the gid).
    local spec=$work/spec
    rm -rf "$spec"
    mkdir -p "$spec/rootful" "$spec/rootless"
    "$repo/build/ward" spec --bundle "$spec/rootful"
    "$repo/build/ward" spec --rootless --bundle "$spec/rootless"
    python3 - "$spec" "$root/bundle" <<'PY'
import json, sys
def template(src, dst, rootless):
    with open(src) as f:
        spec = json.load(f)
    spec["root"]["path"] = "/bundle/rootfs"
    if rootless:
        spec["linux"]["resources"] = {}
        spec["linux"]["uidMappings"][0]["hostID"] = 4000000001
        spec["linux"]["gidMappings"][0]["hostID"] = 4000000002
    text = json.dumps(spec, separators=(",", ":"))
    for needle in ('"args":["sh"]', '"resources":{'):
        if text.count(needle) != 1:
            sys.exit(f"{src} has {text.count(needle)} of {needle}, the guest tests expect 1")
    with open(dst, "w") as f:
        f.write(text + "\n")
template(sys.argv[1] + "/rootful/config.json", sys.argv[2] + "/config.template.json", False)
template(sys.argv[1] + "/rootless/config.json", sys.argv[2] + "/config.rootless.json", True)
PY

    # The guest's /etc/ward/policy.json: the shipped hardened policy with its
    # rules as they are, but unverified bundles allowed. The VM lane tests
    # cgroup v2 limits on plain bundles; image trust has its own lane.
    mkdir -p "$root/etc/ward"
    sed 's/"unverified": "refuse"/"unverified": "allow"/' "$repo/contrib/policies/hardened.json" \
        >"$root/etc/ward/policy.json"
    grep -q '"unverified": "allow"' "$root/etc/ward/policy.json" || {
        echo "run.sh: contrib/policies/hardened.json has no \"unverified\": \"refuse\" to relax" >&2
        exit 1
    }

    add_containerd "$root"

    install -m 0755 "$here/guest-init.sh" "$root/init"
    install -m 0755 "$here/guest-tests.sh" "$root/tests/guest-tests.sh"
    install -m 0644 "$here/helpers.sh" "$root/tests/helpers.sh"
    mkdir -p "$root/tests/cases"
    install -m 0644 "$here"/cases/*.sh "$root/tests/cases/"

    (cd "$root" && find . | LC_ALL=C sort | busybox cpio -o -H newc -R 0:0 2>/dev/null) |
        gzip -1 >"$work/initramfs.cpio.gz"
}

# Boots the VM; the serial console goes to $work/serial.log.
boot() {
    local log=$work/serial.log
    rm -f "$log"
    # The guest's block device for io.max / io.weight: 1 MB, never mounted.
    rm -f "$work/disk.img"
    truncate -s 1M "$work/disk.img"
    local rc=0
    timeout -k 10 "$boot_timeout" qemu-system-x86_64 \
        -accel tcg -cpu max -m 1024 -smp 2 \
        -nodefaults -nographic -no-reboot -monitor none -nic none \
        -serial "file:$log" \
        -drive "file=$work/disk.img,format=raw,if=virtio" \
        -kernel "$kernel/vmlinuz" -initrd "$work/initramfs.cpio.gz" \
        -append "console=ttyS0 cgroup_no_v1=all syscall.x32=y panic=-1 quiet" \
        </dev/null >"$work/qemu.log" 2>&1 || rc=$?
    return $rc
}

if [ "${1:-}" = --can-run ]; then
    can_run
    exit 0
elif [ $# -gt 0 ]; then
    echo "usage: $0 [--can-run]" >&2
    exit 2
fi

start=$SECONDS
can_run
mkdir -p "$work"
build_initramfs
total_pass=0
total_fail=0

# report_guest SERIAL-LOG QEMU-RC LABEL: prints the guest's result lines and
# adds its "N passed, N failed" to the totals; a guest that never printed its
# end marker counts as one failure.
report_guest() {
    local log=$1 qemu_rc=$2 label=$3 txt=${1%.log}.txt results=${1%.log}.results
    # The guest's lines, without the serial console's carriage returns and the
    # firmware's terminal escapes.
    tr -d '\r' <"$log" | sed 's/\x1bc//g; s/\x1b\[[0-9;?]*[A-Za-z]//g' >"$txt"
    # A marker may share its line with firmware or kernel output before it.
    if ! grep -q "$end_marker\$" "$txt"; then
        echo "vm: the $label guest never printed its end marker (qemu exit $qemu_rc; 124 is the timeout)"
        echo "vm: last lines of the serial console:"
        tail -n 40 "$txt" | awk '{ print "   | " $0 }'
        total_fail=$((total_fail + 1))
        return 0
    fi
    sed -n "/$begin_marker\$/,/$end_marker\$/p" "$txt" | sed '1d;$d' >"$results"
    # Kernel messages on the console (lines starting "[    1.234]") stay in the log.
    grep -v -E '^([0-9]+ passed, [0-9]+ failed|\[ *[0-9]+\.[0-9]+\] )' "$results" || true
    local result
    result=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$results" | tail -n 1 || true)
    if [ -z "$result" ]; then
        echo "vm: the $label guest tests printed no result line"
        total_fail=$((total_fail + 1))
        return 0
    fi
    local passed=${result%% passed*} failed=${result#*, }
    failed=${failed%% failed*}
    if [ "$failed" -gt 0 ]; then
        echo "vm: $label guest kernel log after the tests:"
        sed -n "/$end_marker\$/,\$p" "$txt" | sed '1d' | tail -n 30 | sed 's/^/   | /'
    fi
    echo "vm: $label guest: $result"
    total_pass=$((total_pass + passed))
    total_fail=$((total_fail + failed))
}

# WARD_VM_GUESTS=systemd boots only the systemd guest (while working on it;
# the lane itself always runs both).
if [ "${WARD_VM_GUESTS:-all}" != systemd ]; then
    echo "vm: booting $(basename "$kernel") under qemu (tcg); serial log: ${work#"$repo"/}/serial.log"
    qemu_rc=0
    boot || qemu_rc=$?
    report_guest "$work/serial.log" $qemu_rc busybox
fi

# The second boot: Debian with systemd as pid 1 (systemd/lane.sh).
. "$here/systemd/lane.sh"
ensure_systemd_image
if [ -n "$systemd_skip" ]; then
    echo "skip systemd guest: $systemd_skip"
else
    build_systemd_initramfs
    echo "vm: booting the systemd guest; serial log: ${work#"$repo"/}/systemd-serial.log"
    sd_start=$SECONDS
    qemu_rc=0
    boot_systemd || qemu_rc=$?
    echo "vm: systemd guest took $((SECONDS - sd_start)) s (boot, tests, poweroff)"
    report_guest "$work/systemd-serial.log" $qemu_rc systemd
fi

echo "vm: lane took $((SECONDS - start)) s"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
