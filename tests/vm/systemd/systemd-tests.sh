#!/bin/sh
# Tests that run inside the systemd guest (Debian bookworm, systemd as pid 1,
# pure cgroup v2), started by ward-tests.service. Same output contract as
# guest-tests.sh: "ok NAME", "FAIL NAME: why", "skip NAME: why", then
# "N passed, N failed" between the result markers.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
cgroot=/sys/fs/cgroup
ward() {
    timeout 60 /usr/local/bin/ward "$@"
}

. /tests/helpers.sh

echo "=== WARD-VM-RESULTS BEGIN"
run_cases "systemd guest" /tests/systemd-cases/*.sh
status=$?
echo "=== WARD-VM-RESULTS END"
exit $status
