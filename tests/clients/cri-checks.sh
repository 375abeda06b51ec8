# The checks of 50-cri.sh (sourced by it). A check is check_NAME RUNTIME:
# RUNTIME names the CRI runtime handler (ward, runc or crun), as a pod's
# RuntimeClass would. It returns 0 when a Kubernetes user would see the
# right thing; otherwise its last output line says what they saw instead.
# check_run_pod makes the pod (pod[RUNTIME]) the single-container checks
# after it use; the others make pods of their own, as their pod specs
# differ.

declare -A pod=()

# What a command printed, on one line and bounded, for a FAIL line.
one_line() { printf '%s' "$1" | tr '\n' '|' | sed 's/|/ | /g' | cut -c1-700; }

needs_pod() {
    [ -n "${pod[$1]:-}" ] && return 0
    echo "no pod for $1 (run-pod did not make one)"
    return 1
}

# new_pod NAME RUNTIME [OPTION...]: RunPodSandbox as kubelet sends it, in
# this run's cgroup parent; prints the pod's id, or the CRI's error.
new_pod() {
    local name=$1 runtime=$2
    shift 2
    cri run-pod "$name" --handler "$runtime" --logs "$logs/pods" \
        --cgroup-parent "/$containerd_cgroup" "$@" 2>&1
}

# drop_pod ID: StopPodSandbox then RemovePodSandbox, as kubelet does (the
# removal takes the pod's containers with it).
drop_pod() { cri drop-pod "$1"; }

# run_container POD NAME [OPTION...] -- CMD...: creates and starts a
# container in POD, waits for it to exit, removes it (one client call);
# sets code (its exit code) and out (its log). Returns 1, saying why, when
# a call failed.
run_container() {
    local pod_id=$1 name=$2 all rc
    shift 2
    all=$(cri run "$pod_id" "$name" --image "$image" "$@" 2>&1)
    rc=$?
    echo "$name: $all"
    [ $rc -eq 0 ] || { echo "$(one_line "$all")"; return 1; }
    code=$(sed -n '1s/^exit //p' <<<"$all")
    out=$(sed 1d <<<"$all")
}

# The runtime state dir a handler's container has on the daemon's /run:
# the handler's Root (runc's is the shim's default) and the namespace.
runtime_state() { echo "/run/containerd/$1/$containerd_ns/$2"; }
in_daemon() { nsenter --target "$containerd_pid" --mount -- "$@"; }

check_version() {
    local out
    out=$(cri version 2>&1) || { echo "$(one_line "$out")"; return 1; }
    echo "$out"
    read -r name _ api <<<"$out"
    [ "$name" = containerd ] && [ "$api" = v1 ] && return 0
    echo "Version answered runtime \"$name\", API \"$api\" (want containerd, v1)"
    return 1
}

# The pod runs, under the handler asked for: its sandbox's state is under
# that handler's Root, its process in this run's cgroup parent, and for
# ward the policy in effect is the daemon's WARD_POLICY.
check_run_pod() {
    local id state pid handler ip policy_state
    id=$(new_pod "$1-pod" "$1") || { echo "$(one_line "$id")"; return 1; }
    pod[$1]=$id
    read -r state pid handler ip <<<"$(cri pod-status "$id")"
    echo "pod $id: $state pid $pid handler $handler ip $ip"
    [ "$state" = SANDBOX_READY ] && [ "$handler" = "$1" ] ||
        { echo "pod is $state with handler $handler"; return 1; }
    in_daemon test -d "$(runtime_state "$1" "$id")" ||
        { echo "no runtime state $(runtime_state "$1" "$id"): $1 did not run the sandbox"; return 1; }
    grep -q "/$containerd_cgroup/pod" "/proc/$pid/cgroup" ||
        { echo "sandbox process $pid is not in /$containerd_cgroup: $(one_line "$(cat "/proc/$pid/cgroup")")"; return 1; }
    [ "$1" = ward ] || return 0
    policy_state=$(in_daemon "$ward" --root "/run/containerd/ward/$containerd_ns" policy show "$id" 2>&1)
    echo "$policy_state"
    grep -q "\"source\": *\"WARD_POLICY=$policy\"" <<<"$policy_state" && return 0
    echo "ward's state of the sandbox does not record WARD_POLICY=$policy: $(one_line "$policy_state")"
    return 1
}

check_exit_code() {
    needs_pod "$1" || return 1
    run_container "${pod[$1]}" exit3 -- sh -c 'exit 3' || return 1
    [ "$code" = 3 ] || { echo "ContainerStatus exit code $code, not 3"; return 1; }
    run_container "${pod[$1]}" exit0 -- true || return 1
    [ "$code" = 0 ] || { echo "ContainerStatus exit code $code, not 0"; return 1; }
}

# ExecSync, as kubelet runs exec probes: output and exit code.
check_exec_sync() {
    local id out rc
    needs_pod "$1" || return 1
    id=$(cri create "${pod[$1]}" sleeper --image "$image" -- sleep 1000 2>&1) ||
        { echo "$(one_line "$id")"; return 1; }
    out=$(cri exec "$id" -- echo hi 2>&1)
    rc=$?
    cri exec "$id" -- sh -c 'exit 5'
    local rc5=$?
    cri rm --stop "$id"
    [ $rc = 0 ] && [ "$out" = hi ] || { echo "ExecSync echo hi: exit $rc: $(one_line "$out")"; return 1; }
    [ $rc5 = 5 ] || { echo "ExecSync exit 5: exit code $rc5"; return 1; }
}

# StopContainer sends SIGTERM first: the container's trap runs.
check_stop_signal() {
    local id state code
    needs_pod "$1" || return 1
    id=$(cri create "${pod[$1]}" trapper --image "$image" -- \
        sh -c "trap 'exit 42' TERM; echo ready; while :; do sleep 0.1; done" 2>&1) ||
        { echo "$(one_line "$id")"; return 1; }
    cri wait-log "$id" ready
    read -r state code <<<"$(cri stop "$id" --timeout 10)"
    cri rm "$id"
    [ "$state" = CONTAINER_EXITED ] && [ "$code" = 42 ] && return 0
    echo "after StopContainer: $state, exit code $code (the SIGTERM trap exits 42)"
    return 1
}

# seccomp: RuntimeDefault gives containerd's filter, which refuses a user
# namespace to a container without CAP_SYS_ADMIN (unfiltered, unshare -U
# works for root in a container).
check_seccomp() {
    needs_pod "$1" || return 1
    run_container "${pod[$1]}" seccomp --seccomp runtime-default -- \
        sh -c 'grep Seccomp: /proc/self/status; unshare -U true; echo unshare=$?' || return 1
    grep -qP '^Seccomp:\t2$' <<<"$out" && grep -q 'Operation not permitted' <<<"$out" &&
        grep -q unshare=1 <<<"$out" && return 0
    echo "RuntimeDefault seccomp: want Seccomp 2 and unshare -U refused (EPERM), got: $(one_line "$out")"
    return 1
}

# Kubernetes' default is no seccomp profile (Unconfined): baseline fills
# one in, so ward runs the container filtered where runc and crun (compare
# FAIL, by design) and ward under compat run it unfiltered.
check_seccomp_filled() {
    needs_pod "$1" || return 1
    run_container "${pod[$1]}" unconfined -- grep Seccomp: /proc/self/status || return 1
    grep -qP '^Seccomp:\t2$' <<<"$out" && return 0
    echo "a pod's default (Unconfined) container runs without a filter: $(one_line "$out")"
    return 1
}

check_readonly_rootfs() {
    needs_pod "$1" || return 1
    run_container "${pod[$1]}" readonly --readonly-rootfs -- sh -c 'touch /x; echo touch=$?' ||
        return 1
    grep -q 'Read-only file system' <<<"$out" && grep -q touch=1 <<<"$out" && return 0
    echo "readonly_rootfs: a write to / did not fail: $(one_line "$out")"
    return 1
}

# A pod whose containers share its namespaces (shareProcessNamespace:
# pid POD): two app containers join the sandbox's ipc, uts, net and pid
# namespaces, and B sees A's process.
check_shared_namespaces() {
    local id a state pid _ ns want got rc=0
    id=$(new_pod "$1-shared" "$1" --pid pod) || { echo "$(one_line "$id")"; return 1; }
    read -r state pid _ <<<"$(cri pod-status "$id")"
    a=$(cri create "$id" a --image "$image" --pid pod -- sleep 1234 2>&1) ||
        { echo "$(one_line "$a")"; drop_pod "$id"; return 1; }
    run_container "$id" b --pid pod -- \
        sh -c 'for ns in ipc uts net pid; do echo "ns $ns $(readlink /proc/self/ns/$ns)"; done; ps' ||
        { drop_pod "$id"; return 1; }
    for ns in ipc uts net pid; do
        want=$(readlink "/proc/$pid/ns/$ns")
        got=$(awk -v ns="$ns" '$1 == "ns" && $2 == ns { print $3 }' <<<"$out")
        [ "$want" = "$got" ] || { echo "container b's $ns namespace is $got, the sandbox's $want"; rc=1; }
    done
    grep -q 'sleep 1234' <<<"$out" || { echo "container b does not see a's sleep 1234: $(one_line "$out")"; rc=1; }
    drop_pod "$id"
    return $rc
}

# host_pod RUNTIME NAME WHAT [POD OPTION...] -- [CONTAINER OPTION...]: a
# pod in a host namespace (WHAT is the Kubernetes setting, hostPID or
# hostNetwork). Baseline refuses it: under ward the pod must fail to start
# with a message naming WHAT. runc and crun have no policy: the pod and a
# container in the host namespace must run.
host_pod() {
    local runtime=$1 name=$2 what=$3 pod_opts=() id
    shift 3
    while [ $# -gt 0 ] && [ "$1" != -- ]; do pod_opts+=("$1") && shift; done
    shift
    id=$(new_pod "$runtime-$name" "$runtime" "${pod_opts[@]}")
    local rc=$?
    echo "RunPodSandbox: $id"
    if [ "$runtime" = ward ]; then
        [ $rc -ne 0 ] && grep -q "$what" <<<"$id" && return 0
        [ $rc -eq 0 ] && drop_pod "$id"
        echo "a $what pod was not refused naming $what: $(one_line "$id")"
        return 1
    fi
    [ $rc -eq 0 ] || { echo "$(one_line "$id")"; return 1; }
    run_container "$id" host "$@" -- true
    rc=$?
    drop_pod "$id"
    [ $rc -eq 0 ] && [ "$code" = 0 ] && return 0
    echo "a container in the $what pod: exit ${code:-?}"
    return 1
}

check_host_pid() { host_pod "$1" hostpid hostPID --pid node -- --pid node; }
check_host_network() { host_pod "$1" hostnet hostNetwork --network node -- --network-node; }

# contrib/kubernetes/runtimeclass.yaml's example pod as kubelet sends it
# (its command; the handler is the RuntimeClass's, or runc's or crun's for
# the comparison; the image is the lane's busybox: no registry here).
check_runtimeclass_example() {
    local yaml=$repo/contrib/kubernetes/runtimeclass.yaml handler id cmd=()
    handler=$(awk '$1 == "handler:" { print $2 }' "$yaml")
    [ "$1" = ward ] && [ "$handler" != ward ] && { echo "runtimeclass.yaml's handler is $handler"; return 1; }
    mapfile -t cmd < <(sed -n 's/^ *command: *//p' "$yaml" |
        /usr/bin/python3 -c 'import json, sys; print("\n".join(json.load(sys.stdin)))')
    id=$(new_pod "$1-hello" "$1") || { echo "$(one_line "$id")"; return 1; }
    run_container "$id" hello -- "${cmd[@]}"
    local rc=$?
    drop_pod "$id"
    [ $rc -eq 0 ] || return 1
    # contrib/kubernetes/README.md says what ward shows: baseline's filter.
    [ "$1" != ward ] || grep -qP '^Seccomp:\t2$' <<<"$out" ||
        { echo "the example pod runs without a seccomp filter: $(one_line "$out")"; return 1; }
    [ "$code" = 0 ] && grep -q 'hello from ward' <<<"$out" && return 0
    echo "the example pod: exit $code: $(one_line "$out")"
    return 1
}

# Every pod stopped and removed as kubelet does: nothing of any is left in
# the CRI, containerd, the daemon's mounts, the runtimes' state, cgroups,
# shims or libcni's cache. A pod's own cgroup (pod<uid>) is kubelet's,
# which makes it before the pod and removes it after: removed here as
# kubelet would (the runtimes create it as a missing parent and leave it);
# one that still holds a container's cgroup stays and is reported. The
# shims exit once their last task is gone: up to 5 s.
check_leftovers() {
    local id _ left
    for id in "${pod[@]}"; do drop_pod "$id"; done
    find /sys/fs/cgroup -mindepth 3 -maxdepth 3 -path "*/$containerd_cgroup/pod*" -type d \
        -exec rmdir {} + 2>/dev/null
    left=$(cri pods 2>&1)
    [ -n "$left" ] && { echo "pods left: $(one_line "$left")"; return 1; }
    for _ in $(seq 50); do
        left=$(containerd_leftovers; cni_cache_left)
        [ -z "$left" ] && return 0
        sleep 0.1
    done
    echo "$(one_line "$left")"
    return 1
}
