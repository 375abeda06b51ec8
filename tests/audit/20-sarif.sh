# `ward audit --format sarif` checked by a validator this project did not
# write: the SARIF Multitool's `validate` (Microsoft's SARIF SDK, npm
# package @microsoft/sarif-multitool, pinned below), which checks the
# document against the SARIF 2.1.0 schema and the spec's rules. Its exit
# status is 0 whatever it finds, so its own output log is read: a result of
# level "error" fails the case; warnings (its guidance rules) are counted.
# First, the validator is shown to fail a broken document.
MT_VERSION=5.7.0
MT_DIR=/var/cache/ward-tests/sarif-multitool-$MT_VERSION
MT_BIN=$MT_DIR/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool
PY=/usr/bin/python3
# The multitool is a .NET program: without ICU it needs invariant mode.
export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

apt_install() {
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq \
        --no-install-recommends "$@" >>"$AUDIT_TMP/apt.log" 2>&1
}

# Installs the multitool once into $MT_DIR (npm from Debian when missing);
# a partial install never takes the final name.
install_multitool() {
    [ -x "$MT_BIN" ] && return 0
    command -v npm >/dev/null || apt_install nodejs npm || return 1
    local tmp
    mkdir -p "${MT_DIR%/*}" || return 1
    tmp=$(mktemp -d "${MT_DIR}.tmp.XXXXXX") || return 1
    if npm install --prefix "$tmp" --no-audit --no-fund --loglevel=error \
        "@microsoft/sarif-multitool@$MT_VERSION" >"$AUDIT_TMP/npm.log" 2>&1; then
        chmod u+x "$tmp/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"
        mv -T "$tmp" "$MT_DIR" 2>/dev/null || rm -rf "$tmp" # another run won the race
    else
        rm -rf "$tmp"
    fi
    [ -x "$MT_BIN" ]
}

# validate FILE: prints "errors N warnings M" (and the errors themselves);
# status 0 only when the validator ran and found no error.
validate() {
    local out=$AUDIT_TMP/validation.sarif
    rm -f "$out"
    "$MT_BIN" validate "$1" -o "$out" --log ForceOverwrite >"$AUDIT_TMP/mt.log" 2>&1 || {
        echo "validator failed: $(tail -3 "$AUDIT_TMP/mt.log")"
        return 2
    }
    "$PY" - "$out" <<'PY'
import json, sys
try:
    log = json.load(open(sys.argv[1]))
except Exception as e:
    print("no validator log:", e); sys.exit(2)
res = [r for run in log["runs"] for r in run.get("results", [])]
errors = [r for r in res if r.get("level", "warning") == "error"]
warnings = [r for r in res if r.get("level", "warning") == "warning"]
print("errors %d warnings %d" % (len(errors), len(warnings)))
for r in errors:
    print("  %s: %s" % (r["ruleId"], r["message"].get("text", r["message"])))
sys.exit(1 if errors else 0)
PY
}

ms_now() { date +%s%N | cut -c1-13; }

if ! install_multitool; then
    fail sarif-validator "cannot install @microsoft/sarif-multitool@$MT_VERSION into $MT_DIR:\
 $(cat "$AUDIT_TMP/npm.log" "$AUDIT_TMP/apt.log" 2>/dev/null | tail -2 | tr '\n' ' ')"
    exit 0
fi
command -v runc >/dev/null || apt_install runc

# The configs: what runc spec writes, ward spec's default, the configs
# podman and containerd generated (captured once by the clients lane), and
# a privileged one (runc's with every capability and the host's namespaces).
mkdir -p "$AUDIT_TMP/runc" "$AUDIT_TMP/ward" "$AUDIT_TMP/privileged"
configs=()
if runc spec --bundle "$AUDIT_TMP/runc" 2>"$AUDIT_TMP/runc.err"; then
    configs+=("$AUDIT_TMP/runc/config.json")
else
    fail sarif-runc-spec "runc spec: $(cat "$AUDIT_TMP/runc.err")"
fi
"$W" spec --bundle "$AUDIT_TMP/ward" && configs+=("$AUDIT_TMP/ward/config.json")
# The podman capture has placeholders for this run's limits (as 10-golden.sh).
mkdir -p "$AUDIT_TMP/podman"
sed 's/"<limit>"/1048576/g' tests/data/clients/podman-default.json >"$AUDIT_TMP/podman/config.json"
configs+=("$AUDIT_TMP/podman/config.json" tests/data/clients/containerd-default.json)
if [ -f "$AUDIT_TMP/runc/config.json" ]; then
    "$PY" - "$AUDIT_TMP/runc/config.json" "$AUDIT_TMP/privileged/config.json" <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
caps = ["CAP_SYS_ADMIN", "CAP_SYS_PTRACE", "CAP_SYS_MODULE", "CAP_NET_ADMIN", "CAP_DAC_READ_SEARCH"]
for s in c["process"]["capabilities"].values():
    s.extend(caps)
c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] in ("mount", "uts")]
c["mounts"].append({"destination": "/host", "type": "bind", "source": "/", "options": ["rbind"]})
json.dump(c, open(sys.argv[2], "w"))
PY
    configs+=("$AUDIT_TMP/privileged/config.json")
fi

# The validator must fail a broken document: a ward result without its
# required message (a ward SARIF otherwise valid).
"$W" audit --format sarif "${configs[0]}" >"$AUDIT_TMP/base.sarif"
"$PY" - "$AUDIT_TMP/base.sarif" "$AUDIT_TMP/broken.sarif" <<'PY'
import json, sys
log = json.load(open(sys.argv[1]))
del log["runs"][0]["results"][0]["message"]
json.dump(log, open(sys.argv[2], "w"))
PY
if msg=$(validate "$AUDIT_TMP/broken.sarif"); then
    fail sarif-validator-rejects-broken "a result without message passed: $msg"
elif grep -q "JSON1002" <<<"$msg"; then
    ok sarif-validator-rejects-broken
else
    fail sarif-validator-rejects-broken "not the missing-property error: $msg"
fi

passed=0
for config in "${configs[@]}"; do
    name=$(basename "$(dirname "$config")")-$(basename "$config" .json)
    out=$AUDIT_TMP/$name.sarif
    "$W" audit --format sarif "$config" >"$out" 2>"$AUDIT_TMP/err"
    rc=$?
    if [ $rc -gt 1 ] || ! "$PY" -c 'import json,sys; json.load(open(sys.argv[1]))' "$out" 2>/dev/null; then
        fail "sarif-$name" "ward audit exited $rc without a SARIF document: $(head -3 "$AUDIT_TMP/err")"
        continue
    fi
    start=$(ms_now)
    msg=$(validate "$out")
    vrc=$?
    echo "# validator on $name: $(($(ms_now) - start)) ms, $msg" | head -1
    if [ $vrc -ne 0 ]; then
        fail "sarif-valid-$name" "$msg"
        continue
    fi
    # The same findings and verdict as the JSON report of the same config:
    # one result per finding, "error" exactly for the enforce findings.
    "$W" audit --format json "$config" >"$AUDIT_TMP/$name.json" 2>/dev/null
    if why=$("$PY" - "$out" "$AUDIT_TMP/$name.json" <<'PY'
import json, sys
sarif = json.load(open(sys.argv[1])); rep = json.load(open(sys.argv[2]))
results = sarif["runs"][0]["results"]
rules = sarif["runs"][0]["tool"]["driver"]["rules"]
errors = sum(1 for r in results if r["level"] == "error")
if len(results) != len(rep["findings"]):
    sys.exit("%d results, %d findings" % (len(results), len(rep["findings"])))
if errors != rep["verdict"]["enforceFindings"]:
    sys.exit("%d error results, %d enforce findings" % (errors, rep["verdict"]["enforceFindings"]))
if any(rules[r["ruleIndex"]]["id"] != r["ruleId"] for r in results):
    sys.exit("a ruleIndex points at another rule")
PY
    ); then
        ok "sarif-valid-$name"
        passed=$((passed + 1))
    else
        fail "sarif-valid-$name" "SARIF and JSON disagree: $why"
    fi
done
[ $passed -ge 3 ] || fail sarif-three-configs "only $passed configs gave valid SARIF"
