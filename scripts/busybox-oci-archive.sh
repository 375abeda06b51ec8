#!/bin/sh
# Builds a tar of an OCI image layout holding busybox-static (one image,
# made by scripts/busybox-image.sh with no registry) tagged twice: "latest"
# runs /bin/sh with a PATH; "pause" sleeps, as a pod sandbox's process does
# (a pause image only holds the pod's namespaces). As `ctr images import`
# reads it.
# Shared by the clients lane (tests/clients/containerd.sh) and the VM lane
# (tests/vm/run.sh), which imports it with the guest's own containerd.
# Usage: scripts/busybox-oci-archive.sh OUT.tar [DIR...]  (DIRs as busybox-image.sh)
set -eu
out=$1
shift
work=$(mktemp -d "${TMPDIR:-/tmp}/ward-oci-archive.XXXXXX")
trap 'rm -rf "$work"' EXIT
"$(dirname "$0")/busybox-image.sh" "$work/layout:latest" "$@"
umoci config --image "$work/layout:latest" --config.cmd /bin/sh \
    --config.env PATH=/usr/sbin:/usr/bin:/sbin:/bin
umoci config --image "$work/layout:latest" --tag pause \
    --config.cmd sleep --config.cmd 2147483647
tar -C "$work/layout" -cf "$out" .
