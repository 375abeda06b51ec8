#!/bin/sh
# Builds an OCI image of busybox-static with umoci: one layer holding
# scripts/busybox-rootfs.sh's tree plus the contents of each DIR given
# (copied on top, in order). The caller sets the config (umoci config).
# Usage: scripts/busybox-image.sh LAYOUT:TAG [DIR...]
set -eu
ref=$1
shift
layout=${ref%:*}
staged=$(mktemp -d "${TMPDIR:-/tmp}/ward-image.XXXXXX")
trap 'rm -rf "$staged"' EXIT
[ -d "$layout" ] || umoci init --layout "$layout"
umoci new --image "$ref"
umoci unpack --image "$ref" "$staged/bundle" >/dev/null
"$(dirname "$0")/busybox-rootfs.sh" "$staged/bundle/rootfs"
for dir in "$@"; do
    cp -a "$dir/." "$staged/bundle/rootfs/"
done
umoci repack --image "$ref" "$staged/bundle" >/dev/null
