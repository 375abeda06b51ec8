# `ward profile record` and `ward profile merge` (sourced by run.sh with
# lib.sh: $W, $AUDIT_TMP, ok/fail/skip).
#
# A busybox-static workload that touches files, opens an AF_UNIX and an
# AF_INET socket and starts child processes is recorded; it then runs under
# the recorded profile with the same output, while the same workload plus
# `mknod` (mknodat(2), never recorded) fails with EPERM. A second recording
# of `mknod` merged with the first lets both run: the control that shows the
# denial is the profile's doing. Runs under the compat policy and under
# hardened (its trust section set to allow unsigned bundles: the bundle is a
# test's own), with private --root dirs and TMPDIR, so nothing is shared.
set -u
PY=/usr/bin/python3
B=$AUDIT_TMP/bundle
ROOTS=$AUDIT_TMP/roots
export TMPDIR=$AUDIT_TMP/tmp # record's private bundle dir goes here
mkdir -p "$B/rootfs"/{bin,tmp,proc,dev,etc} "$ROOTS" "$TMPDIR"

if [ ! -x /bin/busybox ] || ! file -L /bin/busybox 2>/dev/null | grep -q static; then
    apt-get install -y busybox-static >/dev/null 2>&1 || true
fi
if ! /bin/busybox --list 2>/dev/null | grep -qx mknod; then
    skip record "busybox-static (with mknod) is not installed and could not be"
    exit 0
fi
cp /bin/busybox "$B/rootfs/bin/busybox"
for a in sh cat echo ls mkdir rm touch logger nc mknod; do ln -s busybox "$B/rootfs/bin/$a"; done
echo "root:x:0:0:root:/:/bin/sh" >"$B/rootfs/etc/passwd"

# The workload: files, an AF_UNIX socket (logger to a /dev/log that is not
# there), an AF_INET one (nc to a closed port), a child shell, a pipe.
cat >"$B/rootfs/bin/work.sh" <<'EOF'
#!/bin/sh
echo hello >/tmp/f
cat /tmp/f
mkdir /tmp/d && touch /tmp/d/x && ls /tmp/d && rm -r /tmp/d
logger -s -t work unix-socket 2>/dev/null
nc -w 1 127.0.0.1 9 </dev/null >/dev/null 2>&1
sh -c 'echo child $((6 * 7))' | cat
if [ "${1:-}" = mknod ]; then mknod /tmp/p p || exit 9; echo made-fifo; fi
echo done
EOF
chmod 755 "$B/rootfs/bin/work.sh"

# config.json for args "$@" (a JSON array), optionally with a seccomp profile.
make_config() { # ARGS_JSON [PROFILE]
    $PY - "$B/config.json" "$1" "${2:-}" <<'EOF'
import json, sys
path, args, profile = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3]
c = {
  "ociVersion": "1.2.0",
  "process": {"terminal": False, "user": {"uid": 0, "gid": 0}, "args": args,
              "env": ["PATH=/bin"], "cwd": "/", "noNewPrivileges": True,
              "capabilities": {k: ["CAP_NET_BIND_SERVICE"] for k in
                               ("bounding", "effective", "permitted")}},
  "root": {"path": "rootfs", "readonly": True},
  "hostname": "rec",
  "mounts": [
    {"destination": "/proc", "type": "proc", "source": "proc"},
    {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "mode=755"]},
    {"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "nodev"]}],
  "linux": {"namespaces": [{"type": t} for t in ("pid", "network", "ipc", "uts", "mount")],
            "maskedPaths": ["/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
                            "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
                            "/proc/sched_debug", "/proc/scsi", "/sys/firmware"],
            "readonlyPaths": ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                              "/proc/sysrq-trigger"]}}
if profile:
    c["linux"]["seccomp"] = json.load(open(profile))
json.dump(c, open(path, "w"), indent=1)
EOF
}

# ward run of the bundle as configured; stdout to $1, stderr to $1.err.
run_bundle() { # OUT POLICY ROOT
    "$W" --root "$3" --policy "$2" run --bundle "$B" "rec-$$-$RANDOM" >"$1" 2>"$1.err"
}

# Policies: compat as shipped; hardened minus the refusal of unsigned bundles.
$PY - contrib/policies/hardened.json "$AUDIT_TMP/hardened-unsigned.json" <<'EOF'
import json, sys
p = json.load(open(sys.argv[1]))
p["name"] = "hardened-unsigned"
p["trust"]["unverified"] = "allow"
json.dump(p, open(sys.argv[2], "w"))
EOF

WORK='["/bin/sh","/bin/work.sh"]'
WORK_MKNOD='["/bin/sh","/bin/work.sh","mknod"]'

case_for_policy() { # NAME POLICY
    local name=$1 policy=$2 root=$ROOTS/$1 out=$AUDIT_TMP/$1
    mkdir -p "$root" "$out"
    make_config "$WORK"
    if ! run_bundle "$out/plain" "$policy" "$root"; then
        fail "$name-plain-run" "the workload fails without a filter: $(cat "$out/plain.err")"
        return
    fi
    expected=$(cat "$out/plain")

    # record: the workload's own output and exit status, a profile, coverage.
    "$W" --root "$root" --policy "$policy" profile record --out "$out/p1.json" -- "$B" \
        >"$out/rec.out" 2>"$out/rec.err"
    rc=$?
    if [ $rc -ne 0 ] || [ "$(cat "$out/rec.out")" != "$expected" ]; then
        fail "$name-record" "exit $rc, stdout $(cat "$out/rec.out") / stderr $(cat "$out/rec.err")"
        return
    fi
    ok "$name-record-passes-output-and-status"
    if grep -q 'SCMP_ARCH_X86_64: [0-9]* syscalls' "$out/rec.err" &&
        grep -q '[1-9][0-9]* notifications, workload exit status 0' "$out/rec.err"; then
        ok "$name-record-prints-coverage"
    else
        fail "$name-record-prints-coverage" "$(cat "$out/rec.err")"
    fi
    shape=$($PY - "$out/p1.json" <<'EOF'
import json, sys
p = json.load(open(sys.argv[1]))
allowed = set(p["syscalls"][0]["names"])
fams = sorted(r["args"][0]["valueTwo"] for r in p["syscalls"] if r["names"] == ["socket"])
clone = [r for r in p["syscalls"] if r["names"] == ["clone"]]
print(p["defaultAction"], p.get("defaultErrnoRet"), fams,
      bool(clone) and clone[0]["args"][0]["value"] == 0x7E020000,
      "execve" in allowed, "mknodat" in allowed, "socket" in allowed, "mount" in allowed)
EOF
)
    if [ "$shape" = "SCMP_ACT_ERRNO 1 [1, 2] True True False False False" ]; then
        ok "$name-profile-default-deny-families-clone-rule"
    else
        fail "$name-profile-default-deny-families-clone-rule" "got: $shape"
    fi

    # The workload under its recorded profile: same output.
    make_config "$WORK" "$out/p1.json"
    if run_bundle "$out/under" "$policy" "$root" && [ "$(cat "$out/under")" = "$expected" ]; then
        ok "$name-workload-runs-under-its-profile"
    else
        fail "$name-workload-runs-under-its-profile" \
            "stdout $(cat "$out/under") / stderr $(cat "$out/under.err")"
    fi
    # ...and a call it never made (mknodat) is refused with EPERM.
    make_config "$WORK_MKNOD" "$out/p1.json"
    run_bundle "$out/denied" "$policy" "$root"
    rc=$?
    if [ $rc -eq 9 ] && grep -qx "mknod: /tmp/p: Operation not permitted" "$out/denied.err" &&
        ! grep -q made-fifo "$out/denied"; then
        ok "$name-unrecorded-syscall-is-eperm"
    else
        fail "$name-unrecorded-syscall-is-eperm" \
            "exit $rc, stdout $(cat "$out/denied") / stderr $(cat "$out/denied.err")"
    fi

    # merge: a recording of the mknod run joined with the first lets it run
    # (the control: the denial above is the profile's).
    make_config "$WORK_MKNOD"
    "$W" --root "$root" --policy "$policy" profile record -o "$out/p2.json" -- "$B" \
        >/dev/null 2>"$out/rec2.err" || fail "$name-record-2" "$(cat "$out/rec2.err")"
    "$W" profile merge "$out/p1.json" "$out/p2.json" --out "$out/m.json" 2>"$out/merge.err" ||
        fail "$name-merge" "$(cat "$out/merge.err")"
    make_config "$WORK_MKNOD" "$out/m.json"
    if run_bundle "$out/merged" "$policy" "$root" && grep -q made-fifo "$out/merged" &&
        grep -qx done "$out/merged"; then
        ok "$name-merged-profile-runs-both"
    else
        fail "$name-merged-profile-runs-both" \
            "stdout $(cat "$out/merged") / stderr $(cat "$out/merged.err")"
    fi
    # The workload's exit status is record's.
    make_config '["/bin/sh","-c","exit 3"]'
    "$W" --root "$root" --policy "$policy" profile record -o "$out/p3.json" -- "$B" \
        >/dev/null 2>"$out/rec3.err"
    rc=$?
    if [ $rc -eq 3 ] && grep -q 'workload exit status 3' "$out/rec3.err"; then
        ok "$name-record-exit-status-is-the-workloads"
    else
        fail "$name-record-exit-status-is-the-workloads" "exit $rc: $(cat "$out/rec3.err")"
    fi
    left=$("$W" --root "$root" list -q)
    if [ -z "$left" ] && [ -z "$(ls -A "$TMPDIR")" ]; then
        ok "$name-record-leaves-nothing"
    else
        fail "$name-record-leaves-nothing" "containers: $left; tmp: $(ls -A "$TMPDIR")"
    fi
}

case_for_policy compat contrib/policies/compat.json
case_for_policy hardened "$AUDIT_TMP/hardened-unsigned.json"

# merge refuses what record never writes, naming the file.
echo '{"defaultAction":"SCMP_ACT_ALLOW"}' >"$AUDIT_TMP/allow.json"
if ! "$W" profile merge "$AUDIT_TMP/compat/p1.json" "$AUDIT_TMP/allow.json" 2>"$AUDIT_TMP/m.err" &&
    grep -q 'allow.json: defaultAction is "SCMP_ACT_ALLOW"' "$AUDIT_TMP/m.err"; then
    ok merge-refuses-a-foreign-profile
else
    fail merge-refuses-a-foreign-profile "$(cat "$AUDIT_TMP/m.err")"
fi
