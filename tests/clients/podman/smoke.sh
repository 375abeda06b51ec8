# Sourced by tests/clients/30-podman.sh: the smoke checks, each run the same
# way under every runtime. LABEL is ward (counted: ok/FAIL) or runc/crun
# (compare lines); RUNTIME is the binary podman gets as --runtime.

# podman_verdict LABEL NAME [WHY]: passed without WHY, failed with it.
podman_verdict() {
    local label=$1 name=podman-$2
    case "$label:$#" in
    ward*:2) ok "$name" ;;
    ward*:3) not_ok "$name" "$3" ;;
    *:2) compare "$label" "$name" ok ;;
    *:3) compare "$label" "$name" "FAIL: $3" ;;
    esac
}

# prun SECONDS RUNTIME RUN-ARGS...: `podman --runtime RUNTIME run` under this
# run's cgroup parent; sets $out, $err, $rc.
prun() {
    local limit=$1 runtime=$2
    shift 2
    pm_capture "$limit" --runtime "$runtime" run --cgroup-parent "$podman_cgroup_parent" "$@"
}

# The outcome of the last prun as a failure reason.
podman_outcome() {
    echo "exit $rc, stdout \"$(printf '%s' "$out" | head -c 200)\", stderr: $(podman_said)"
}

podman_check_run() {
    local label=$1 runtime=$2
    prun 60 "$runtime" --rm "$podman_image" sh -c 'echo hello from $0'
    if [ $rc -eq 0 ] && [ "$out" = "hello from sh" ]; then
        podman_verdict "$label" run-rm
    else
        podman_verdict "$label" run-rm "$(podman_outcome)"
    fi
    prun 60 "$runtime" --rm "$podman_image" sh -c 'exit 7'
    if [ $rc -eq 7 ]; then
        podman_verdict "$label" run-exit-status
    else
        podman_verdict "$label" run-exit-status "expected exit 7: $(podman_outcome)"
    fi
}

# A missing command: podman maps the runtime's "no such file or directory"
# to exit 127, as a shell does, and shows the runtime's message.
podman_check_missing_command() {
    local label=$1 runtime=$2
    prun 60 "$runtime" --rm "$podman_image" /nonexistent
    if [ $rc -eq 127 ] && [[ "$err" == *'/nonexistent'* ]]; then
        podman_verdict "$label" missing-command
    else
        podman_verdict "$label" missing-command "expected exit 127 naming /nonexistent: $(podman_outcome)"
    fi
    echo "  ($label) podman run IMAGE /nonexistent: exit $rc: $(podman_said)"
}

# A terminal: podman run -it driven through a pseudo-terminal; a line typed
# in is run and its output comes back, and the shell's status is podman's.
podman_check_tty() {
    local label=$1 runtime=$2 transcript
    transcript=$(python3 "$podman_tools/pty-drive.py" 60 'expect:# ' 'send:tty; echo typed-$((6*7))' \
        'expect:typed-42' 'send:exit 3' -- podman "${podman_flags[@]}" --runtime "$runtime" run -it \
        --rm --cgroup-parent "$podman_cgroup_parent" "$podman_image" sh 2>&1)
    rc=$?
    if [ $rc -eq 3 ] && [[ "$transcript" == *'/dev/pts/0'* ]]; then
        podman_verdict "$label" run-tty
    else
        podman_verdict "$label" run-tty "exit $rc: $(printf '%s' "$transcript" | tr -s '\r\n' ' ' | tail -c 300)"
    fi
}

podman_check_read_only() {
    local label=$1 runtime=$2
    prun 60 "$runtime" --rm --read-only "$podman_image" \
        sh -c 'touch /tmp/writable || exit 10; touch /probe 2>&1; exit 0'
    if [ $rc -eq 0 ] && [[ "$out" == *'Read-only file system'* ]]; then
        podman_verdict "$label" read-only
    else
        podman_verdict "$label" read-only "expected / read-only, /tmp writable: $(podman_outcome)"
    fi
}

# CAP_MKNOD (bit 27) is not in podman's default set; --cap-add gives it, and
# nothing else appears (CAP_NET_RAW, bit 13, stays out).
podman_check_cap_add() {
    local label=$1 runtime=$2 capeff
    prun 60 "$runtime" --rm --cap-add MKNOD "$podman_image" sh -c 'grep ^CapEff: /proc/self/status'
    capeff=$(printf '%s' "$out" | awk '{print $2}')
    if [ $rc -eq 0 ] && [ -n "$capeff" ] && (((0x$capeff >> 27) & 1)) && ! (((0x$capeff >> 13) & 1)); then
        podman_verdict "$label" cap-add
    else
        podman_verdict "$label" cap-add "expected CAP_MKNOD in CapEff: $(podman_outcome)"
    fi
}

# podman_check_seccomp LABEL RUNTIME NAME KIND: `--security-opt
# seccomp=FILE` with a profile of the user's own under which mkdir fails
# with EOPNOTSUPP (an errno nothing else here returns). KIND "deny" is
# podman's own default-deny profile with that one change (a profile small
# enough to write by hand would not do: runc loads it before setting up the
# user and needs much of the list); KIND "allow" is the usual one-rule
# profile on SCMP_ACT_ALLOW, which baseline refuses on purpose.
podman_check_seccomp() {
    local label=$1 runtime=$2 name=$3 kind=$4 profile=$podman_dir/$3.json
    python3 - "$kind" /usr/share/containers/seccomp.json "$profile" <<'EOF'
import json, sys
kind, default_profile, out = sys.argv[1:]
deny = {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 95}
if kind == "allow":
    profile = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [deny]}
else:
    profile = json.load(open(default_profile))
    for rule in profile["syscalls"]:
        rule["names"] = [n for n in rule["names"] if n not in deny["names"]]
    profile["syscalls"] = [r for r in profile["syscalls"] if r["names"]] + [deny]
json.dump(profile, open(out, "w"), indent=1)
EOF
    prun 60 "$runtime" --rm --security-opt seccomp="$profile" "$podman_image" \
        sh -c 'grep "^Seccomp:" /proc/self/status; mkdir /tmp/dir 2>&1; exit 0'
    if [ $rc -eq 0 ] && [[ "$out" == *'Seccomp:'*2* ]] && [[ "$out" == *'not supported'* ]]; then
        podman_verdict "$label" "$name"
    elif [[ $label == ward* ]] && [ "$kind" = allow ] && [ $rc -ne 0 ] &&
        [[ "$err" == *'linux.seccomp.defaultAction is SCMP_ACT_ALLOW, allowed: an action that denies'* ]]; then
        # baseline requires a filter that denies by default; an
        # allow-everything profile with one deny is refused, naming the
        # rule: what a user of this policy must see.
        podman_verdict "$label" "$name"
    else
        podman_verdict "$label" "$name" "expected mkdir refused by the profile: $(podman_outcome)"
    fi
}

# --cgroups=disabled: podman passes --cgroup-manager disabled to runtimes in
# runtime_supports_nocgroups (and refuses the others); the container must
# then stay in conmon's cgroups, with none of its own.
podman_check_no_cgroups() {
    local label=$1 runtime=$2 id pid conmon
    # (no --cgroup-parent: podman refuses one when there is no cgroup)
    pm_capture 60 --runtime "$runtime" run -d --cgroups=disabled "$podman_image" sleep 60
    id=$out
    if [ $rc -ne 0 ]; then
        podman_verdict "$label" cgroups-disabled "$(podman_outcome)"
        return
    fi
    pid=$(pm inspect -f '{{.State.Pid}}' "$id")
    conmon=$(pm inspect -f '{{.State.ConmonPid}}' "$id")
    if [ "$(cat "/proc/$pid/cgroup")" = "$(cat "/proc/$conmon/cgroup")" ]; then
        podman_verdict "$label" cgroups-disabled
    else
        podman_verdict "$label" cgroups-disabled "the container got cgroups of its own: $(tr '\n' ' ' <"/proc/$pid/cgroup")"
    fi
    pm rm -f -t 0 "$id" >/dev/null 2>&1
}

# ward only: what a user sees when the policy refuses a container. podman
# relays the runtime's error through conmon, which cuts a long one: podman
# then prints "container create failed (no logs from conmon): conmon bytes"
# and the escaped JSON. The error must arrive whole, name the policy and say
# how to choose another.
podman_check_refusal_error() {
    local runtime=$1
    prun 60 "$runtime" --rm --privileged "$podman_image" true
    if [ $rc -ne 0 ] && [[ "$err" == *'policy "baseline"'* ]] && [[ "$err" == *WARD_POLICY* ]] &&
        [[ "$err" != *'conmon bytes'* ]]; then
        podman_verdict ward refusal-error
    else
        podman_verdict ward refusal-error "--privileged: exit $rc, $(printf '%s' "$err" | wc -c) bytes: $(podman_said | cut -c1-300)"
    fi
}

podman_smoke() {
    local label=$1 runtime=$2
    podman_check_run "$label" "$runtime"
    podman_check_missing_command "$label" "$runtime"
    podman_check_detached "$label" "$runtime"
    podman_check_tty "$label" "$runtime"
    podman_check_read_only "$label" "$runtime"
    podman_check_cap_add "$label" "$runtime"
    podman_check_seccomp "$label" "$runtime" seccomp-profile deny
    podman_check_seccomp "$label" "$runtime" seccomp-allow-profile allow
    podman_check_no_cgroups "$label" "$runtime"
    podman_check_sdnotify "$label" "$runtime"
    podman_check_nothing_left "$label" nothing-left
}

# After a runtime's checks and `podman rm -a -f` (for containers a failed
# check left), runtime state dirs, cgroups and processes left are failures.
podman_check_nothing_left() {
    local label=$1 name=$2 left=() dirs
    pm rm -a -f -t 0 >/dev/null 2>&1
    # (ward's compiled-profile cache, ROOT/@seccomp, is kept on purpose)
    dirs=$(ls -A "$podman_dir/state/$label" 2>/dev/null | grep -vx @seccomp)
    [ -n "$dirs" ] && left+=("runtime state: $(echo $dirs)")
    dirs=$(find /sys/fs/cgroup/*"$podman_cgroup_parent" -mindepth 1 -maxdepth 1 -type d ! -name conmon 2>/dev/null)
    [ -n "$dirs" ] && left+=("cgroups: $(echo $dirs)")
    dirs=$(podman_leftover_pids)
    [ -n "$dirs" ] && left+=("processes: $(echo $dirs)")
    if [ ${#left[@]} -eq 0 ]; then
        podman_verdict "$label" "$name"
    else
        podman_verdict "$label" "$name" "${left[*]}"
    fi
}

. "$podman_tools/lifecycle.sh"
. "$podman_tools/contrib.sh"
