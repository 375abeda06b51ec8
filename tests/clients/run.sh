#!/bin/bash
# The clients lane: real container engines from Debian (containerd, podman,
# Docker, containerd's CRI plugin) driving ward exactly as they drive runc,
# each on private roots, sockets and state dirs of this run, stopped by the
# pid the test started, nothing left behind.
#
# Each tests/clients/NN-*.sh is run by bash on its own with lib.sh sourced
# and prints lines:
#   ok NAME                       a check ward passed
#   FAIL NAME: why                a check ward failed
#   skip NAME: why                a check that cannot run on this machine
#                                 (never counted as passed)
#   compare RUNTIME NAME: ok|FAIL the same check under runc or crun, side by
#                                 side (not counted: the figures for the note)
# and this script ends with "N passed, N failed" (skips on the line before).
set -u
cd "$(dirname "$0")/../.."
export WARD_REPO=$PWD
pass=0 fail=0 skip=0
for case in tests/clients/[0-9]*.sh; do
    [ -f "$case" ] || continue
    echo "== ${case##*/}"
    out=$(bash -c '. tests/clients/lib.sh && . "$0"' "$case" 2>&1)
    rc=$?
    printf '%s\n' "$out"
    p=$(printf '%s\n' "$out" | grep -c '^ok ')
    f=$(printf '%s\n' "$out" | grep -c '^FAIL ')
    s=$(printf '%s\n' "$out" | grep -c '^skip ')
    # A case that died without a verdict is a failure, never a silent pass.
    if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then
        echo "FAIL ${case##*/}: exited $rc"
        f=1
    fi
    pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
done
echo "test cases skipped: $skip"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
