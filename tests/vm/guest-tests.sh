#!/bin/sh
# Tests that run inside the VM (busybox sh, as root, on a pure cgroup v2
# kernel). Each test prints "ok NAME" or "FAIL NAME: why"; the script ends
# with "N passed, N failed" and exits non-zero when a test failed.
#
# Bundles share the read-only rootfs /bundle/rootfs (busybox + /checker); their
# config.json is /bundle/config.template.json (ward's starter config on one
# line, made by run.sh) with process.args and linux.resources edited by sed.
#
# The tests live in cases/*.sh (one file per area, run in name order); this
# file sets the guest's paths; helpers.sh holds what the cases share.
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
cgroot=/sys/fs/cgroup
# busybox stat names no cgroup2 type: compare the magic (CGROUP2_SUPER_MAGIC).
cgroup2_magic=63677270
# ward, bounded: a hung ward must not use up the whole VM's timeout.
ward() {
    timeout 60 /bin/ward "$@"
}
. /tests/helpers.sh

run_cases guest /tests/cases/*.sh
