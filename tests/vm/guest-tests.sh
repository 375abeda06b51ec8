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
# file holds the helpers they share and the summary line.
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
cgroot=/sys/fs/cgroup
# busybox stat names no cgroup2 type: compare the magic (CGROUP2_SUPER_MAGIC).
cgroup2_magic=63677270
pass=0
fail=0
skipped=0
ok() {
    echo "ok $1"
    pass=$((pass + 1))
}
not_ok() {
    echo "FAIL $1: $2"
    fail=$((fail + 1))
}
# skip NAME WHY: a test that cannot run in this guest (never counted as passed).
skip() {
    echo "skip $1: $2"
    skipped=$((skipped + 1))
}
# ward, bounded: a hung ward must not use up the whole VM's timeout.
ward() {
    timeout 60 /bin/ward "$@"
}
# bundle NAME ARGS [SED-EXPR]: /bundles/NAME whose process.args are the JSON
# array items ARGS (e.g. '"sh","-c","exit 3"'), with an optional extra edit.
bundle() {
    mkdir -p "/bundles/$1"
    sed -e "s|\"args\":\[\"sh\"\]|\"args\":[$2]|" -e "${3:-}" \
        /bundle/config.template.json >"/bundles/$1/config.json"
}
# first_line FILE: the first line of FILE, for failure messages.
first_line() {
    head -n 1 "$1" 2>/dev/null
}
# wait_stopped ID: polls ward state until the container is stopped (10 s).
wait_stopped() {
    i=0
    while [ $i -lt 100 ]; do
        ward state "$1" 2>/dev/null | grep -q '"status": *"stopped"' && return 0
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}

# The guest's boot time (kernel start to here), for tests/vm/README.md.
echo "vm: guest uptime $(cut -d' ' -f1 /proc/uptime) s when the tests start"
for case in /tests/cases/*.sh; do
    . "$case"
done

echo "vm: guest uptime $(cut -d' ' -f1 /proc/uptime) s when the tests end"
echo "test cases skipped: $skipped"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
