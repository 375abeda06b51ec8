# The live audit from the command line: `ward audit --container ID` of a
# running ward container (busybox), exit 0 when declared and enforced agree,
# 1 when they differ (a capability execve dropped); `ward audit --pid` of
# that container's process and of a vanished pid; the audited process is
# never left stopped or traced. Times of both audits are printed.
R="$AUDIT_TMP/root"
B="$AUDIT_TMP/bundle"
POL="$WARD_REPO/contrib/policies/compat.json"
IDS=()
cleanup_live() {
    for id in "${IDS[@]}"; do "$W" --root "$R" delete -f "$id" >/dev/null 2>&1; done
    rm -rf "$AUDIT_TMP"
}
trap cleanup_live EXIT

if ! "$W" audit --help 2>&1 | grep -q -- '--pid'; then
    fail live-cli "this ward's audit --help has no --pid"
    exit 0
fi

mkdir -p "$B/rootfs/bin" "$B/rootfs/proc" "$B/rootfs/sys" "$B/rootfs/dev" "$B/rootfs/tmp"
cp /bin/busybox "$B/rootfs/bin/busybox"
for t in sh sleep; do ln -s busybox "$B/rootfs/bin/$t"; done

# config.json from `ward spec` with the default-deny profile, running sleep; caps as given ($1: bounding, $2: effective=permitted)
write_config() {
    rm -f "$B/config.json"
    (cd "$B" && "$W" spec) || return 1
    "$W" profile export default-deny >"$AUDIT_TMP/profile.json" || return 1
    /usr/bin/python3 - "$B/config.json" "$1" "$2" "$AUDIT_TMP/profile.json" <<'EOF'
import json, sys
p, bnd, eff = sys.argv[1], sys.argv[2].split(","), sys.argv[3].split(",")
c = json.load(open(p))
c["linux"]["seccomp"] = json.load(open(sys.argv[4]))
c["process"]["terminal"] = False
c["process"]["args"] = ["/bin/sleep", "300"]
c["process"]["capabilities"] = {"bounding": bnd, "effective": eff, "permitted": eff,
                                "inheritable": [], "ambient": []}
json.dump(c, open(p, "w"))
EOF
}

start() { # $1: id
    IDS+=("$1")
    "$W" --root "$R" --policy "$POL" create --bundle "$B" "$1" </dev/null >/dev/null 2>"$AUDIT_TMP/err" &&
        "$W" --root "$R" start "$1" 2>>"$AUDIT_TMP/err"
}

untouched() { # $1: name, $2: pid
    local st tr
    st=$(awk '/^State:/{print $2}' "/proc/$2/status")
    tr=$(awk '/^TracerPid:/{print $2}' "/proc/$2/status")
    if [ "$st" = T ] || [ "$st" = t ] || [ "$tr" != 0 ]; then
        fail "$1" "pid $2 left State $st TracerPid $tr"
    else
        ok "$1"
    fi
}

ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

# 1. Declared and enforced agree.
write_config CAP_NET_BIND_SERVICE,CAP_CHOWN CAP_NET_BIND_SERVICE,CAP_CHOWN || { fail live-setup "ward spec failed"; exit 0; }
if start agree; then
    pid=$("$W" --root "$R" state agree | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["pid"])')
    t0=$(date +%s%N)
    "$W" --root "$R" audit --container agree --format json >"$AUDIT_TMP/agree.json" 2>"$AUDIT_TMP/agree.err"
    rc=$?
    echo "time: audit --container $(ms_since "$t0") ms"
    diffs=$(grep -o '"WARD-LIVE-10[1-8]"' "$AUDIT_TMP/agree.json" | sort -u | tr '\n' ' ')
    if [ $rc -eq 0 ] && [ -z "$diffs" ] && grep -q '"CAP_CHOWN"' "$AUDIT_TMP/agree.json"; then
        ok live-container-agrees
    else
        fail live-container-agrees "exit $rc, differences: ${diffs:-none}; $(head -c 300 "$AUDIT_TMP/agree.err")"
    fi
    untouched live-container-untouched "$pid"
    t0=$(date +%s%N)
    "$W" audit --pid "$pid" --format json >"$AUDIT_TMP/pid.json" 2>"$AUDIT_TMP/pid.err"
    rc=$?
    echo "time: audit --pid $(ms_since "$t0") ms"
    if [ $rc -eq 0 ] && grep -q '"mode": "filter"\|"mode": "disabled"' "$AUDIT_TMP/pid.json"; then
        ok live-pid-report
    else
        fail live-pid-report "exit $rc: $(head -c 300 "$AUDIT_TMP/pid.err")"
    fi
    untouched live-pid-untouched "$pid"
    # 1b. --compare with live operands: the ward container (its filter, no
    # capabilities beyond the two) beside a plain process this case started
    # (every capability, no filter, the host's namespaces) and ward:hardened.
    sleep 300 &
    plain=$!
    "$W" --root "$R" audit --compare container:agree "pid:$plain" ward:hardened --format json \
        >"$AUDIT_TMP/cmp.json" 2>"$AUDIT_TMP/cmp.err"
    rc=$?
    verdict=$(/usr/bin/python3 - "$AUDIT_TMP/cmp.json" <<'EOF2'
import json, sys
try:
    c = json.load(open(sys.argv[1]))
except Exception as e:
    print("no JSON:", e); sys.exit()
kinds = [s["kind"] for s in c["subjects"]]
rows = {r["field"]: r["cells"] for r in c["rows"]}
want = {
    "kinds": kinds == ["container", "pid", "ward"],
    # the plain process holds every capability, the container two
    "container bounding": sorted(rows["process.capabilities.bounding"][0]["value"]) == ["CAP_CHOWN", "CAP_NET_BIND_SERVICE"],
    "plain bounding weaker": rows["process.capabilities.bounding"][1]["weaker"] and "CAP_SYS_ADMIN" in rows["process.capabilities.bounding"][1]["value"],
    "plain has no filter": rows["linux.seccomp (allowed syscalls)"][1]["value"] == "all",
    "container's filter decoded": isinstance(rows["linux.seccomp (allowed syscalls)"][0]["value"], dict),
    "plain nnp weaker": rows["process.noNewPrivileges"][1]["weaker"],
    "plain shares the host's net": rows["linux.namespaces[network]"][1]["value"] == "host" and rows["linux.namespaces[network]"][0]["value"] == "new",
    "devices unseen live": rows["linux.devices"][0].get("seen") is False and not rows["linux.devices"][0]["weaker"] and "seen" not in rows["linux.devices"][2],
}
bad = [k for k, v in want.items() if not v]
print("ok" if not bad else "wrong: " + ", ".join(bad))
EOF2
)
    kill "$plain" 2>/dev/null; wait "$plain" 2>/dev/null
    if [ $rc -eq 0 ] && [ "$verdict" = ok ]; then
        ok live-compare-operands
    else
        fail live-compare-operands "exit $rc, $verdict; $(head -c 300 "$AUDIT_TMP/cmp.err")"
    fi
else
    fail live-container-agrees "could not start: $(cat "$AUDIT_TMP/err")"
fi

# 2. CAP_CHOWN effective/permitted but not bounding: execve drops it.
write_config CAP_NET_BIND_SERVICE CAP_NET_BIND_SERVICE,CAP_CHOWN || fail live-container-difference "ward spec failed"
if start dropped; then
    "$W" --root "$R" audit --container dropped --format json >"$AUDIT_TMP/dropped.txt" 2>&1
    rc=$?
    if [ $rc -eq 1 ] && grep -q 'CAP_CHOWN declared, not enforced' "$AUDIT_TMP/dropped.txt"; then
        ok live-container-difference
    else
        fail live-container-difference "exit $rc: $(head -c 400 "$AUDIT_TMP/dropped.txt")"
    fi
else
    fail live-container-difference "could not start: $(cat "$AUDIT_TMP/err")"
fi

# 3. A vanished pid: a clear error, exit 1.
sleep 0 & gone=$!
wait "$gone"
"$W" audit --pid "$gone" >"$AUDIT_TMP/gone.txt" 2>&1
rc=$?
if [ $rc -eq 1 ] && grep -q "pid $gone: no such process" "$AUDIT_TMP/gone.txt"; then
    ok live-vanished-pid
else
    fail live-vanished-pid "exit $rc: $(head -c 300 "$AUDIT_TMP/gone.txt")"
fi
