# ward profile show / diff: two small known profiles, ward's default-deny
# against containers-common's seccomp.json (podman's default, resolved as
# podman resolves it), a moby profile with and without CAP_SYS_ADMIN, and a
# malformed profile. Expected sets come from the profile files themselves
# (read here with python), never from ward's own output.
PY=/usr/bin/python3
DATA=tests/data/audit/profiles
CONTAINERS_SECCOMP=/usr/share/containers/seccomp.json

# names_of JSON_FILE PY_EXPR: prints the sorted names a python expression
# (over `d`, the parsed file) yields, one per line.
names_of() {
    "$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); print("\n".join(sorted(eval(sys.argv[2]))))' "$1" "$2"
}

# arch_list FILE ARCH KEY: names in the diff's list KEY for ARCH.
arch_list() {
    names_of "$1" "[c['name'] for a in d['architectures'] if a['arch']=='$2' for c in a['$3']]"
}

# --- two known profiles: exactly the expected syscalls
if "$W" profile diff "$DATA/a.json" "$DATA/b.json" --format json >"$AUDIT_TMP/ab.json" 2>"$AUDIT_TMP/ab.err"; then
    got="$(arch_list "$AUDIT_TMP/ab.json" SCMP_ARCH_X86_64 onlyA)|$(arch_list "$AUDIT_TMP/ab.json" SCMP_ARCH_X86_64 onlyB)|$(arch_list "$AUDIT_TMP/ab.json" SCMP_ARCH_X86_64 changed)|$(arch_list "$AUDIT_TMP/ab.json" SCMP_ARCH_X86_64 deniedDifferently)"
    want="mount|getpid|socket|kill"
    if [ "$got" = "$want" ]; then ok profile-diff-known; else fail profile-diff-known "got $got, want $want"; fi
    defaults=$(names_of "$AUDIT_TMP/ab.json" "[a['aDefault']+' '+a['bDefault'] for a in d['architectures']]")
    if [ "$defaults" = "SCMP_ACT_ERRNO(38) SCMP_ACT_ERRNO(1)" ]; then
        ok profile-diff-default
    else
        fail profile-diff-default "defaults: $defaults"
    fi
else
    fail profile-diff-known "exit $?: $(cat "$AUDIT_TMP/ab.err")"
fi

# With CAP_SYS_PTRACE, b.json's ptrace entry applies too.
if "$W" profile diff --caps CAP_SYS_PTRACE "$DATA/a.json" "$DATA/b.json" --format json >"$AUDIT_TMP/abp.json"; then
    got=$(arch_list "$AUDIT_TMP/abp.json" SCMP_ARCH_X86_64 onlyB | tr '\n' ' ')
    if [ "$got" = "getpid ptrace " ]; then ok profile-diff-caps; else fail profile-diff-caps "onlyB: $got"; fi
else
    fail profile-diff-caps "exit $?"
fi

# The table names the same syscalls under their headings.
table=$("$W" profile diff "$DATA/a.json" "$DATA/b.json")
if printf '%s\n' "$table" | grep -A1 '^  allowed by A, not B:' | grep -q '^    mount ' &&
    printf '%s\n' "$table" | grep -A1 '^  allowed by B, not A:' | grep -q '^    getpid ' &&
    printf '%s\n' "$table" | grep -q 'A: SCMP_ACT_ALLOW if arg0 == 1'; then
    ok profile-diff-table
else
    fail profile-diff-table "$table"
fi

# --- default-deny against containers-common's seccomp.json
if [ ! -f "$CONTAINERS_SECCOMP" ]; then
    # podman's dependency ships it; wait for another run's dpkg lock.
    for _ in $(seq 60); do
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q golang-github-containers-common \
            >"$AUDIT_TMP/apt.log" 2>&1 && break
        grep -q 'lock' "$AUDIT_TMP/apt.log" || break
        sleep 5
    done
fi
if [ ! -f "$CONTAINERS_SECCOMP" ]; then
    fail profile-diff-containers "no $CONTAINERS_SECCOMP: $(tail -2 "$AUDIT_TMP/apt.log")"
elif "$W" profile diff default-deny "$CONTAINERS_SECCOMP" --format json >"$AUDIT_TMP/dc.json" 2>"$AUDIT_TMP/dc.err"; then
    # Names seccomp.json allows outright (no args, includes or excludes)
    # that default-deny explicitly refuses: each must be in ward's onlyB.
    "$PY" - "$CONTAINERS_SECCOMP" seccomp-profiles/default-deny.json >"$AUDIT_TMP/expect" <<'EOF'
import ctypes, json, sys
# Only names x86_64 has (libseccomp itself says, not ward).
scmp = ctypes.CDLL("libseccomp.so.2")
def on_x86_64(name):
    return scmp.seccomp_syscall_resolve_name_arch(0xc000003e, name.encode()) >= 0
c = json.load(open(sys.argv[1])); w = json.load(open(sys.argv[2]))
allow = {n for s in c["syscalls"] if s["action"] == "SCMP_ACT_ALLOW" and not s.get("args")
         and not s.get("includes") and not s.get("excludes") for n in s.get("names", [])}
refused = {n for s in w["syscalls"] if s["action"] == "SCMP_ACT_ERRNO" and not s.get("args")
           for n in s["names"]}
print("\n".join(sorted(n for n in allow & refused if on_x86_64(n))))
EOF
    arch_list "$AUDIT_TMP/dc.json" SCMP_ARCH_X86_64 onlyB >"$AUDIT_TMP/onlyb"
    missing=$(comm -23 "$AUDIT_TMP/expect" "$AUDIT_TMP/onlyb" | tr '\n' ' ')
    if [ -s "$AUDIT_TMP/expect" ] && [ -z "$missing" ]; then
        ok profile-diff-containers
    else
        fail profile-diff-containers "expected in onlyB: $(tr '\n' ' ' <"$AUDIT_TMP/expect"); missing: $missing"
    fi
else
    fail profile-diff-containers "exit $?: $(cat "$AUDIT_TMP/dc.err")"
fi

# --- a moby profile with and without CAP_SYS_ADMIN
allowed() { # FILE: names allowed (or conditional) on x86_64
    names_of "$1" "[s['name'] for a in d['architectures'] if a['arch']=='SCMP_ARCH_X86_64' for s in a['syscalls'] if s['outcome']!='deny']"
}
# moby-admin.json writes mount and umount2 under includes.caps
# [CAP_SYS_ADMIN], as Docker's default profile does.
"$W" profile show "$DATA/moby-admin.json" --format json >"$AUDIT_TMP/m0.json"
"$W" profile show --caps SYS_ADMIN "$DATA/moby-admin.json" --format json >"$AUDIT_TMP/m1.json"
added=$(comm -13 <(allowed "$AUDIT_TMP/m0.json") <(allowed "$AUDIT_TMP/m1.json") | tr '\n' ' ')
if [ "$added" = "mount umount2 " ]; then ok profile-show-caps; else fail profile-show-caps "added with CAP_SYS_ADMIN: $added"; fi

# containers-common's file grants other calls for CAP_SYS_ADMIN (bpf,
# perf_event_open, quotactl, sethostname, ...): each it lists must appear.
if [ -f "$CONTAINERS_SECCOMP" ]; then
    "$W" profile show "$CONTAINERS_SECCOMP" --format json >"$AUDIT_TMP/without.json"
    "$W" profile show --caps CAP_SYS_ADMIN "$CONTAINERS_SECCOMP" --format json >"$AUDIT_TMP/with.json"
    admin=$(names_of "$CONTAINERS_SECCOMP" "{n for s in d['syscalls'] if s.get('includes',{}).get('caps')==['CAP_SYS_ADMIN'] and not s.get('includes',{}).get('arches') and s['action']=='SCMP_ACT_ALLOW' for n in s['names'] if n in ('bpf','perf_event_open','quotactl','sethostname','setdomainname','lookup_dcookie')}")
    added=$(comm -13 <(allowed "$AUDIT_TMP/without.json") <(allowed "$AUDIT_TMP/with.json"))
    missing=$(comm -23 <(printf '%s\n' "$admin") <(printf '%s\n' "$added") | tr '\n' ' ')
    if [ -n "$admin" ] && [ -z "$missing" ]; then
        ok profile-show-caps-containers
    else
        fail profile-show-caps-containers "want added: $admin; missing: $missing"
    fi
else
    fail profile-show-caps-containers "no $CONTAINERS_SECCOMP"
fi

# --- a malformed profile: a clear error naming the field, exit 1
cat >"$AUDIT_TMP/bad.json" <<'EOF'
{"defaultAction": "SCMP_ACT_ERRNO", "archMap": [],
 "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW"},
              {"names": ["write"], "action": "SCMP_ACT_ALOW"}]}
EOF
"$W" profile show "$AUDIT_TMP/bad.json" >/dev/null 2>"$AUDIT_TMP/bad.err"
rc=$?
if [ $rc -eq 1 ] && grep -q 'syscalls\[1\]\.action: "SCMP_ACT_ALOW" is not a seccomp action' "$AUDIT_TMP/bad.err"; then
    ok profile-malformed
else
    fail profile-malformed "exit $rc: $(cat "$AUDIT_TMP/bad.err")"
fi
printf '{"defaultAction": ' >"$AUDIT_TMP/cut.json"
"$W" profile diff default-deny "$AUDIT_TMP/cut.json" >/dev/null 2>"$AUDIT_TMP/cut.err"
rc=$?
if [ $rc -eq 1 ] && grep -q 'cut.json: invalid JSON' "$AUDIT_TMP/cut.err"; then
    ok profile-malformed-json
else
    fail profile-malformed-json "exit $rc: $(cat "$AUDIT_TMP/cut.err")"
fi
