# Sourced by tests/vm/run.sh: the systemd guest, a second boot of the same
# kernel with a whole Debian bookworm system (systemd as pid 1) as its
# initramfs, for the systemd cgroup driver's tests (cases/*.sh beside this
# file). The system is built once with mmdebstrap from Debian's archive and
# cached as a tarball beside the kernel; each run unpacks it, adds ward and
# the tests, and packs the initramfs.

# What the guest needs beyond minbase: systemd as init; for the rootless
# cases (cases/30-rootless.sh), logind with the system bus it needs
# (dbus, libpam-systemd), so that `loginctl enable-linger` starts a user's
# manager (user@UID.service, delegated), that manager's session bus
# (dbus-user-session), and newuidmap/newgidmap for /etc/subuid ranges
# (uidmap). As root the driver still talks to /run/systemd/private.
systemd_packages="systemd-sysv dbus libpam-systemd dbus-user-session uidmap"
# The cache key names the package list: an image cached without one of
# them is not this image, and is built again (the old one is removed).
systemd_key=$(printf '%s\n' "$systemd_packages" | sha256sum | cut -c1-12)
systemd_image=$cache/debian-bookworm-systemd-$systemd_key.tar

# Sets $systemd_skip to the reason when the image cannot be had.
ensure_systemd_image() {
    systemd_skip=
    [ -f "$systemd_image" ] && return 0
    if [ "$(id -u)" != 0 ]; then
        systemd_skip="no cached $systemd_image (run as root once to build it)"
        return 0
    fi
    if ! command -v mmdebstrap >/dev/null && ! apt_install mmdebstrap; then
        systemd_skip="apt-get install mmdebstrap failed"
        return 0
    fi
    exec 8>"$cache/.systemd-image.lock"
    flock 8
    if [ ! -f "$systemd_image" ]; then
        # No man pages, locales or docs: they would only grow the initramfs.
        # --format=tar: mmdebstrap guesses the format from the name, and
        # "….tar.tmp" would make a directory.
        if ! mmdebstrap --variant=minbase --format=tar --include="$systemd_packages" \
            --dpkgopt='path-exclude=/usr/share/man/*' \
            --dpkgopt='path-exclude=/usr/share/locale/*' \
            --dpkgopt='path-exclude=/usr/share/doc/*' \
            bookworm "$systemd_image.tmp" >"$work/mmdebstrap.log" 2>&1; then
            rm -f "$systemd_image.tmp"
            systemd_skip="mmdebstrap of bookworm failed: $(tail -n 1 "$work/mmdebstrap.log")"
        else
            mv "$systemd_image.tmp" "$systemd_image"
            # Images of other package lists (and the unkeyed name of old).
            find "$cache" -maxdepth 1 -name 'debian-bookworm-systemd*.tar' \
                ! -name "${systemd_image##*/}" -delete
        fi
    fi
    exec 8>&-
}

# Builds $work/systemd-initramfs.cpio.gz: the cached system, ward, the tests
# and a busybox bundle like the busybox guest's.
build_systemd_initramfs() {
    local root=$work/sdroot
    rm -rf "$root"
    mkdir -p "$root"
    tar -x -C "$root" -f "$systemd_image"
    install -m 0755 "$repo/build/ward" "$root/usr/local/bin/ward"
    install -m 0755 "$repo/build/checker" "$root/usr/local/bin/checker"
    mkdir -p "$root/bundle" "$root/tests/systemd-cases" "$root/etc/ward"
    cp -a "$work/root/bundle/." "$root/bundle/"
    cp "$work/root/etc/ward/policy.json" "$root/etc/ward/policy.json"
    # The busybox guest's virtio modules, for the disk the IO property
    # cases limit (stage1-init.sh loads them; the image has no insmod).
    cp -a "$work/root/modules" "$root/modules"
    install -m 0755 "$here/systemd/stage1-init.sh" "$root/init"
    install -m 0755 "$here/systemd/systemd-tests.sh" "$root/tests/systemd-tests.sh"
    install -m 0644 "$here/helpers.sh" "$root/tests/helpers.sh"
    install -m 0644 "$here"/systemd/cases/*.sh "$root/tests/systemd-cases/"
    install -m 0644 "$here/systemd/ward-tests.service" "$root/etc/systemd/system/"
    mkdir -p "$root/etc/systemd/system/multi-user.target.wants"
    ln -sf ../ward-tests.service "$root/etc/systemd/system/multi-user.target.wants/"
    # The serial console carries the results: no login prompt on it.
    ln -sf /dev/null "$root/etc/systemd/system/serial-getty@ttyS0.service"
    ln -sf /dev/null "$root/etc/systemd/system/getty@tty1.service"
    echo ward-systemd-vm >"$root/etc/hostname"
    (cd "$root" && find . | LC_ALL=C sort | busybox cpio -o -H newc -R 0:0 2>/dev/null) |
        gzip -1 >"$work/systemd-initramfs.cpio.gz"
}

# A whole Debian system under TCG, its tests a few minutes on a busy
# machine (README.md): twice the busybox guest's limit.
systemd_boot_timeout=${WARD_VM_SYSTEMD_TIMEOUT:-$((boot_timeout * 2))}

boot_systemd() {
    local rc=0
    rm -f "$work/systemd-serial.log"
    # A 1 MB disk, never mounted: /dev/vda for IOReadBandwidthMax & co.
    rm -f "$work/systemd-disk.img"
    truncate -s 1M "$work/systemd-disk.img"
    timeout -k 10 "$systemd_boot_timeout" qemu-system-x86_64 \
        -accel tcg -cpu max -m 2048 -smp 2 \
        -nodefaults -nographic -no-reboot -monitor none -nic none \
        -serial "file:$work/systemd-serial.log" \
        -drive "file=$work/systemd-disk.img,format=raw,if=virtio" \
        -kernel "$kernel/vmlinuz" -initrd "$work/systemd-initramfs.cpio.gz" \
        -append "console=ttyS0 cgroup_no_v1=all panic=-1 quiet systemd.show_status=false" \
        </dev/null >"$work/systemd-qemu.log" 2>&1 || rc=$?
    return $rc
}
