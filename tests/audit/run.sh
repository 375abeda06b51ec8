#!/bin/bash
# The audit lane: `ward audit` and `ward profile` as a security team uses
# them, against configs and profiles made by other tools (runc spec, the
# runtime-spec example, containerd's, podman's and Docker's generated
# configs, containers-common's seccomp.json) and against containers really
# running under ward and under runc. Reports are compared with golden
# files; SARIF goes through a validator this project did not write.
#
# Each tests/audit/NN-*.sh is run by bash on its own with lib.sh sourced
# and prints lines:
#   ok NAME            a check that passed
#   FAIL NAME: why     a check that failed
#   skip NAME: why     a check that cannot run here (never counted as passed)
# and this script ends with "N passed, N failed" (skips on the line before).
set -u
cd "$(dirname "$0")/../.."
export WARD_REPO=$PWD
. tests/run-cases.sh
run_cases tests/audit
