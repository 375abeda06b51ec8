# `ward audit --compare`: runc spec's config (made here by runc, and the
# copy saved in tests/data/audit/runc-spec.json), ward:hardened and podman's
# default config side by side; specific rows, which side is marked weaker,
# and the exit status.
PY=/usr/bin/python3
command -v runc >/dev/null ||
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq \
        --no-install-recommends runc >"$AUDIT_TMP/apt.log" 2>&1
mkdir -p "$AUDIT_TMP/runc"
if ! runc spec --bundle "$AUDIT_TMP/runc" 2>"$AUDIT_TMP/err"; then
    fail compare-runc-spec "runc spec: $(cat "$AUDIT_TMP/err")"
    exit 0
fi
podman=$AUDIT_TMP/podman.json
sed 's/"<limit>"/1048576/g' tests/data/clients/podman-default.json >"$podman"

# check NAME EXPECTED-WEAKER FIELD: the row FIELD marks exactly the
# operands listed (0-based, comma-separated; "" for none).
check_rows() {
    "$PY" - "$1" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
rows = {r["field"]: r for r in doc["rows"]}
# field -> indices marked weaker (runc, ward:hardened, podman)
want = {
    "process.capabilities.bounding": [0, 2],      # 3 and 11 caps against none
    "linux.seccomp.defaultAction": [0],           # runc spec has no filter
    "linux.seccomp (allowed syscalls)": [0, 2],   # none < podman's 379 < hardened's
    "process.noNewPrivileges": [2],               # podman leaves it out
    "root.readonly": [2],                         # podman's root is writable
    "linux.namespaces[cgroup]": [0, 2],           # only ward makes one
    "linux.namespaces[pid]": [],                  # all three make one
    "linux.resources.pids.limit": [0, 1],         # only podman limits pids
}
bad = []
for field, marked in want.items():
    if field not in rows:
        bad.append("no row " + field); continue
    got = [i for i, c in enumerate(rows[field]["cells"]) if c["weaker"]]
    if got != marked:
        bad.append("%s: weaker %s, want %s" % (field, got, marked))
if rows.get("linux.seccomp.defaultAction", {}).get("cells", [{}])[0].get("text") != "no filter":
    bad.append("runc's filter not shown as 'no filter'")
if [s["label"] for s in doc["subjects"]][1] != "ward:hardened":
    bad.append("subjects out of order")
print("; ".join(bad))
sys.exit(1 if bad else 0)
PY
}

for runc_config in "$AUDIT_TMP/runc/config.json" tests/data/audit/runc-spec.json; do
    name=compare-json-$(basename "$(dirname "$runc_config")")
    "$W" audit --compare --format json "$runc_config" ward:hardened "$podman" \
        >"$AUDIT_TMP/cmp.json" 2>"$AUDIT_TMP/err"
    rc=$?
    if [ $rc -ne 0 ]; then
        fail "$name" "exit $rc: $(head -2 "$AUDIT_TMP/err")"
    elif why=$(check_rows "$AUDIT_TMP/cmp.json"); then
        ok "$name"
    else
        fail "$name" "$why"
    fi
done

# The table: the weaker cell starts with "* ", the stronger one does not.
"$W" audit --compare "$AUDIT_TMP/runc/config.json" ward:hardened "$podman" >"$AUDIT_TMP/cmp.txt"
rc=$?
line=$(grep '^  root.readonly ' "$AUDIT_TMP/cmp.txt")
if [ $rc -eq 0 ] && [[ $line =~ ^\ \ root\.readonly\ +true\ +true\ +\*\ absent\ \(false\)$ ]]; then
    ok compare-table-marks-weaker
else
    fail compare-table-marks-weaker "exit $rc, row: $line"
fi

# Errors exit 1 and name the operand.
out=$("$W" audit --compare ward:nosuchpolicy ward:hardened 2>&1)
rc=$?
if [ $rc -eq 1 ] && grep -q "ward:nosuchpolicy: no policy of that name" <<<"$out"; then
    ok compare-unknown-policy
else
    fail compare-unknown-policy "exit $rc: $out"
fi
out=$("$W" audit --compare ward:hardened 2>&1)
rc=$?
if [ $rc -eq 1 ] && grep -q "requires a minimum of 2" <<<"$out"; then
    ok compare-needs-two
else
    fail compare-needs-two "exit $rc: $out"
fi
