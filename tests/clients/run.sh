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
. tests/run-cases.sh
run_cases tests/clients
