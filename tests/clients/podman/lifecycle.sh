# Sourced by tests/clients/podman/smoke.sh: one detached container through
# its life: run -d, exec, logs, pause/unpause, stop (SIGTERM reaches it), rm.
#
# Its program counts into /ticks/n (a directory of the host's, so the count
# can be read while the container is paused) and answers SIGTERM with a line
# in its log and exit 0; without the signal, podman stop would have to
# SIGKILL it after the timeout (exit 137, no line).
podman_life_program='trap "echo got SIGTERM; exit 0" TERM
echo started
i=0
while :; do i=$((i+1)); echo $i >/ticks/n; sleep 0.1; done'

podman_ticks() {
    local n
    for _ in 1 2 3 4 5; do
        n=$(cat "$1/n" 2>/dev/null)
        [ -n "$n" ] && break
        sleep 0.05
    done
    echo "${n:-0}"
}

podman_state() { pm inspect -f '{{.State.Status}}' "$1" 2>&1; }

podman_check_detached() {
    local label=$1 runtime=$2 name=life-$1 ticks=$podman_dir/ticks-$1 id check
    mkdir -p "$ticks"
    prun 60 "$runtime" -d --name "$name" -v "$ticks:/ticks" "$podman_image" sh -c "$podman_life_program"
    id=$out
    if [ $rc -ne 0 ] || [ "$(podman_state "$name")" != running ]; then
        podman_verdict "$label" run-detached "$(podman_outcome); state $(podman_state "$name")"
        for check in exec exec-exit-status logs pids-limit pause unpause stop-sigterm rm; do
            podman_verdict "$label" $check "no running container (run -d failed)"
        done
        pm rm -f -t 0 "$name" >/dev/null 2>&1
        return
    fi
    podman_verdict "$label" run-detached

    pm_capture 60 exec "$name" sh -c 'echo exec-$((6*7)) in $(cat /proc/1/comm)'
    if [ $rc -eq 0 ] && [ "$out" = "exec-42 in sh" ]; then
        podman_verdict "$label" exec
    else
        podman_verdict "$label" exec "$(podman_outcome)"
    fi
    pm_capture 60 exec "$name" sh -c 'exit 5'
    if [ $rc -eq 5 ]; then
        podman_verdict "$label" exec-exit-status
    else
        podman_verdict "$label" exec-exit-status "expected exit 5: $(podman_outcome)"
    fi
    pm_capture 60 logs "$name"
    if [ $rc -eq 0 ] && [ "$out" = started ]; then
        podman_verdict "$label" logs
    else
        podman_verdict "$label" logs "$(podman_outcome)"
    fi
    podman_check_pids_limit "$label" "$name"
    podman_check_pause "$label" "$name" "$ticks"
    podman_check_stop_rm "$label" "$name" "$id"
}

# The pids.max of every cgroup process PID is in that has the pids
# controller (v1 hierarchies and the cgroup2 one), one per line.
podman_pids_max_of() {
    local pid=$1 v1 v2 controllers path
    v1=$(awk '{ for (i = 7; i <= NF; i++) if ($i == "-") break
               if ($(i+1) == "cgroup" && $(i+3) ~ /(^|,)pids(,|$)/) print $5 }' /proc/self/mountinfo | head -1)
    v2=$(awk '{ for (i = 7; i <= NF; i++) if ($i == "-") break
               if ($(i+1) == "cgroup2") print $5 }' /proc/self/mountinfo | head -1)
    while IFS=: read -r _ controllers path; do
        if [ -n "$controllers" ]; then
            [[ ",$controllers," == *,pids,* ]] && [ -n "$v1" ] && cat "$v1$path/pids.max"
        elif [ -n "$v2" ]; then
            cat "$v2$path/pids.max"
        fi
    done <"/proc/$pid/cgroup" 2>/dev/null
}

# podman asks every container for a pids limit (2048 unless told): it must
# bind the container, or the run fail; ward's warning goes only to the log
# podman reads when create fails.
podman_check_pids_limit() {
    local label=$1 name=$2 want pid found
    want=$(pm inspect -f '{{.HostConfig.PidsLimit}}' "$name")
    pid=$(pm inspect -f '{{.State.Pid}}' "$name")
    found=$(podman_pids_max_of "$pid")
    if [ -n "$want" ] && [ "$want" -gt 0 ] && grep -qx "$want" <<<"$found"; then
        podman_verdict "$label" pids-limit
    elif [[ $label == ward* ]] && ! grep -qw pids /sys/fs/cgroup/unified/cgroup.controllers 2>/dev/null &&
        [ -d /sys/fs/cgroup/unified ]; then
        # Known and open (issue 11): on a hybrid host ward's cgroup2
        # hierarchy has no pids controller, so baseline (unavailableLimits:
        # warn) runs the container unlimited and says so on stderr. Whether
        # baseline should refuse instead is the open question; a skip with
        # the reason, never a pass. On a pure v2 host the check counts.
        skip "podman-pids-limit" "hybrid cgroup host: the cgroup2 hierarchy has no pids controller; ward warned instead of applying pids.limit $want"
    else
        podman_verdict "$label" pids-limit "podman asked for pids.limit $want; the container's cgroups have pids.max: $(echo ${found:-none})"
    fi
}

# Paused, the count stands still; resumed, it moves on.
podman_check_pause() {
    local label=$1 name=$2 ticks=$3 before after
    pm_capture 60 pause "$name"
    if [ $rc -ne 0 ] || [ "$(podman_state "$name")" != paused ]; then
        podman_verdict "$label" pause "$(podman_outcome); state $(podman_state "$name")"
    else
        before=$(podman_ticks "$ticks")
        sleep 0.5
        after=$(podman_ticks "$ticks")
        if [ "$before" = "$after" ]; then
            podman_verdict "$label" pause
        else
            podman_verdict "$label" pause "paused, yet the count went on from $before to $after"
        fi
    fi
    pm_capture 60 unpause "$name"
    before=$(podman_ticks "$ticks")
    sleep 0.5
    after=$(podman_ticks "$ticks")
    if [ $rc -eq 0 ] && [ "$(podman_state "$name")" = running ] && [ "$after" -gt "$before" ]; then
        podman_verdict "$label" unpause
    else
        podman_verdict "$label" unpause "$(podman_outcome); state $(podman_state "$name"), count $before then $after"
    fi
}

podman_check_stop_rm() {
    local label=$1 name=$2 id=$3 started elapsed_ms code
    started=$(date +%s%N)
    pm_capture 60 stop -t 10 "$name"
    elapsed_ms=$((($(date +%s%N) - started) / 1000000))
    code=$(pm inspect -f '{{.State.ExitCode}}' "$name" 2>&1)
    pm_capture 60 logs "$name"
    if [ "$code" = 0 ] && [[ "$out" == *'got SIGTERM'* ]] && [ $elapsed_ms -lt 5000 ]; then
        podman_verdict "$label" stop-sigterm
    else
        podman_verdict "$label" stop-sigterm "exit code $code after $elapsed_ms ms, log \"$(echo $out)\": $(podman_said)"
    fi
    pm_capture 60 rm "$name"
    local left=()
    [ $rc -ne 0 ] && left+=("podman rm: exit $rc: $(podman_said)")
    pm container exists "$name" && left+=("podman still lists it")
    [ -e "$podman_dir/state/$label/$id" ] && left+=("runtime state dir left")
    compgen -G "/sys/fs/cgroup/*$podman_cgroup_parent/libpod-$id" >/dev/null && left+=("cgroups left")
    if [ ${#left[@]} -eq 0 ]; then
        podman_verdict "$label" rm
    else
        podman_verdict "$label" rm "${left[*]}"
    fi
}
