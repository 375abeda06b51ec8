#!/bin/sh
# /init of the systemd guest's initramfs (Debian's dash, run by the kernel as
# pid 1). The initramfs is a whole Debian bookworm system; pivot_root(2)
# cannot move the initramfs root (ward pivots into each container's rootfs,
# and systemd's own services use mount namespaces), so copy it to a tmpfs
# and switch_root there with systemd as the new pid 1.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
# virtio_blk for the test disk (/dev/vda), in dependency order, with the
# test bundle's busybox (the Debian image has no kmod).
while read -r m; do
    [ -n "$m" ] && /bundle/rootfs/bin/busybox insmod "/modules/$m.ko"
done </modules/order
mkdir -p /newroot
mount -t tmpfs -o mode=0755 tmpfs /newroot
for entry in /* /.[!.]*; do
    case $entry in
    /newroot | /dev | /proc | /sys | /init | '/.[!.]*') ;;
    *) cp -a "$entry" /newroot/ ;;
    esac
done
mkdir -p /newroot/dev /newroot/proc /newroot/sys
mount --move /dev /newroot/dev
# switch_root deletes what was on the initramfs, freeing its memory.
exec switch_root /newroot /lib/systemd/systemd
