#!/bin/sh
# /init of the VM lane's initramfs (busybox sh, run by the kernel as pid 1).
#
# Stage 1 (on the initramfs): pivot_root(2) cannot move the initramfs root, so
# ward could not pivot into a container's rootfs from there. Copy everything to
# a tmpfs and switch_root into it; this script runs again there as stage 2.
# Stage 2: mount the pseudo filesystems (cgroup2 only: the kernel was booted
# with cgroup_no_v1=all), run the tests between marker lines that
# tests/vm/run.sh looks for on the serial console, and power off.
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
umask 022

if [ ! -e /.stage2 ]; then
    # The initramfs has no /dev/console node, so the kernel may have started
    # us without stdio: take the console from devtmpfs.
    mount -t devtmpfs devtmpfs /dev
    exec </dev/console >/dev/console 2>&1
    mount -t tmpfs -o mode=0755 tmpfs /newroot
    for entry in /* /.[!.]*; do
        case $entry in
        /newroot | /dev | /proc | /sys | '/.[!.]*') ;;
        *) cp -a "$entry" /newroot/ ;;
        esac
    done
    mkdir -p /newroot/dev /newroot/proc /newroot/sys
    touch /newroot/.stage2
    mount --move /dev /newroot/dev
    exec switch_root /newroot /init
fi

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mkdir -p /dev/pts /dev/shm /run /tmp
mount -t devpts -o newinstance,ptmxmode=0666 devpts /dev/pts
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
mount -t tmpfs -o mode=0755 tmpfs /run
mount -t cgroup2 -o nsdelegate cgroup2 /sys/fs/cgroup
ln -sf /proc/self/fd /dev/fd 2>/dev/null
hostname ward-vm
# virtio_blk for the test disk (/dev/vda), in dependency order.
while read -r m; do
    [ -n "$m" ] && insmod "/modules/$m.ko"
done </modules/order

echo "=== WARD-VM-RESULTS BEGIN"
sh /tests/guest-tests.sh
rc=$?
echo "=== WARD-VM-RESULTS END"
if [ $rc -ne 0 ]; then
    # Only what the kernel said after boot: the tests' time.
    echo "--- guest dmesg since /init started (last 30 lines)"
    dmesg | sed -n '/Run \/init as init process/,$p' | tail -n 30
fi
sync
poweroff -f
