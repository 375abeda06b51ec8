# Golden JSON reports: `ward audit FILE --policy P --format json` for the
# configs a security team compares (ward's own default under each shipped
# policy, the runtime-spec example, `runc spec`, Docker's --privileged, and
# what containerd and podman generate), each compared with
# tests/audit/golden/NAME.json; and the exit status a CI gate reads (1 when
# an enforced rule breaks, 0 otherwise).
#
# Inputs: tests/data/audit/ (see its README.md for where each came from),
# tests/data/clients/ (the clients lane's captures; podman's "<limit>"
# placeholder for the host's rlimit becomes 1048576 here, as the unit tests
# do), and `ward spec`'s output.
#
# What is normalised before comparing, and only that: this run's temporary
# directory in the report's subject ($AUDIT_TMP → <tmp>). Everything else
# (rule IDs, severities, evidence, messages, the policy's name and source)
# must match byte for byte after pretty-printing both sides.
#
# Regenerating the goldens (after a deliberate change to the catalogue or a
# check; review the diff before committing):
#   AUDIT_GOLDEN_UPDATE=1 WARD=$PWD/build/ward tests/audit/run.sh
# writes every golden from this build instead of comparing, and says so.
golden_dir=tests/audit/golden
policies=contrib/policies
py=/usr/bin/python3

# normalise FILE: the report, pretty-printed, with $AUDIT_TMP replaced.
normalise() {
    "$py" - "$1" "$AUDIT_TMP" <<'PY'
import json, sys
text = open(sys.argv[1]).read().replace(sys.argv[2], "<tmp>")
print(json.dumps(json.loads(text), indent=2, ensure_ascii=False))
PY
}

# golden NAME CONFIG POLICY WANT-STATUS: the report of CONFIG under
# contrib/policies/POLICY.json against tests/audit/golden/NAME.json, and
# the exit status.
golden() {
    local name=$1 config=$2 policy=$3 want=$4 out=$AUDIT_TMP/$1.out rc start ms
    start=$(date +%s%N)
    "$W" audit "$config" --policy "$policies/$policy.json" --format json >"$out" 2>"$out.err"
    rc=$?
    ms=$(( ($(date +%s%N) - start) / 1000000 ))
    echo "note: ward audit $name: $ms ms (the whole command)"
    if [ "$rc" -ne "$want" ]; then
        fail "golden-$name" "exit status $rc, want $want: $(head -3 "$out.err" | tr '\n' ' ')"
        return
    fi
    if ! normalise "$out" >"$out.norm" 2>"$out.err"; then
        fail "golden-$name" "not JSON: $(head -c 300 "$out") $(head -2 "$out.err")"
        return
    fi
    if [ "${AUDIT_GOLDEN_UPDATE:-}" = 1 ]; then
        mkdir -p "$golden_dir"
        cp "$out.norm" "$golden_dir/$name.json"
        echo "note: golden-$name: written to $golden_dir/$name.json"
        ok "golden-$name"
        return
    fi
    if [ ! -f "$golden_dir/$name.json" ]; then
        fail "golden-$name" "no $golden_dir/$name.json (AUDIT_GOLDEN_UPDATE=1 writes it)"
    elif diff -u "$golden_dir/$name.json" "$out.norm" >"$out.diff"; then
        ok "golden-$name"
    else
        fail "golden-$name" "differs from $golden_dir/$name.json: $(head -30 "$out.diff")"
    fi
}

# status NAME CONFIG POLICY WANT: only the exit status.
status() {
    local rc
    "$W" audit "$2" --policy "$policies/$3.json" --format json >/dev/null 2>"$AUDIT_TMP/status.err"
    rc=$?
    if [ "$rc" -eq "$4" ]; then
        ok "status-$1"
    else
        fail "status-$1" "exit status $rc, want $4: $(head -3 "$AUDIT_TMP/status.err" | tr '\n' ' ')"
    fi
}

if ! "$W" audit --help >/dev/null 2>&1; then
    fail golden "$W audit --help fails: this ward has no audit verb"
    return 0 2>/dev/null || exit 0
fi

"$W" spec --bundle "$AUDIT_TMP" >"$AUDIT_TMP/spec.out" 2>&1 ||
    fail ward-spec "ward spec: $(head -3 "$AUDIT_TMP/spec.out")"
ward_default=$AUDIT_TMP/config.json
podman=$AUDIT_TMP/podman-default.json
sed 's/"<limit>"/1048576/g' tests/data/clients/podman-default.json >"$podman"

golden ward-default-hardened "$ward_default" hardened 0
golden ward-default-baseline "$ward_default" baseline 0
golden ward-default-compat "$ward_default" compat 0
golden runtime-spec-example tests/data/audit/runtime-spec-example.json hardened 1
golden runc-spec tests/data/audit/runc-spec.json hardened 1
golden docker-privileged tests/data/audit/docker-privileged.json hardened 1
golden containerd-default tests/data/clients/containerd-default.json baseline 0
golden podman-default "$podman" baseline 0

# The gate both ways: what an engine generates is refused by hardened and
# admitted by compat (which only warns), whatever the report holds.
status containerd-hardened tests/data/clients/containerd-default.json hardened 1
status podman-hardened "$podman" hardened 1
status privileged-compat tests/data/audit/docker-privileged.json compat 0
status privileged-baseline tests/data/audit/docker-privileged.json baseline 1
