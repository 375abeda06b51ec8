# Shared by the audit lane's cases (sourced; run.sh has cd'd to the repo).
# WARD: the binary under test. AUDIT_TMP: a private directory for this case,
# removed when the case ends.
W=${WARD:-$WARD_REPO/build/ward}
AUDIT_TMP=$(mktemp -d /tmp/ward-audit.XXXXXX)
trap 'rm -rf "$AUDIT_TMP"' EXIT

ok() { echo "ok $1"; }
fail() { echo "FAIL $1: $2"; }
skip() { echo "skip $1: $2"; }
