#!/bin/sh
# Tests that run inside the systemd guest (Debian bookworm, systemd as pid 1,
# pure cgroup v2), started by ward-tests.service. Same output contract as
# guest-tests.sh: "ok NAME", "FAIL NAME: why", "skip NAME: why", then
# "N passed, N failed" between the result markers.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
cgroot=/sys/fs/cgroup
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
skip() {
    echo "skip $1: $2"
    skipped=$((skipped + 1))
}
ward() {
    timeout 60 /usr/local/bin/ward "$@"
}

echo "=== WARD-VM-RESULTS BEGIN"
echo "vm: systemd guest uptime $(cut -d' ' -f1 /proc/uptime) s when the tests start"
for case in /tests/systemd-cases/*.sh; do
    . "$case"
done
echo "vm: systemd guest uptime $(cut -d' ' -f1 /proc/uptime) s when the tests end"
echo "test cases skipped: $skipped"
echo "$pass passed, $fail failed"
echo "=== WARD-VM-RESULTS END"
[ $fail -eq 0 ]
