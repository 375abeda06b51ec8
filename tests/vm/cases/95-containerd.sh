# Sourced by guest-tests.sh: containerd 1.6 (Debian's containerd, ctr and
# containerd-shim-runc-v2, put in the initramfs by run.sh) running ward as
# the runc shim's runtime on this pure cgroup v2 kernel: a memory limit is
# enforced (OOM kill, 137), `ctr task metrics` reads the container's own
# cgroup, exit statuses pass through, kill + delete removes the cgroup.
# Each check runs for ward (ok/FAIL, under the shipped baseline policy, as
# contrib/containerd says) and, when run.sh could add it, for Debian's runc
# (compare lines, not counted).
#
# The daemon is the guest's own (nothing else runs here): its root and
# state are on the guest's tmpfs, its CRI plugin is off (ctr does not use
# it), and images are unpacked by the native snapshotter (overlayfs is a
# module this initramfs does not carry). The image is the busybox-static OCI
# archive run.sh built on the host (scripts/busybox-oci-archive.sh).
ctr_ns=ward-vm
ctr_image=ward.test/busybox:latest
ctr_dir=/tmp/containerd
ctr_pid=
export CONTAINERD_SNAPSHOTTER=native

# ctrv ARG...: ctr in this lane's containerd namespace, bounded like ward.
ctrv() {
    timeout 120 ctr --namespace $ctr_ns "$@"
}

# ctr_start: writes the config, starts the daemon, waits for it to answer
# (30 s; Go programs start slowly under software emulation) and imports the
# image. Prints why on failure; sets $ctr_pid.
ctr_start() {
    mkdir -p $ctr_dir
    cat >$ctr_dir/config.toml <<EOF
version = 2
root = "$ctr_dir/root"
state = "/run/containerd"
disabled_plugins = [
  "io.containerd.grpc.v1.cri",
  "io.containerd.snapshotter.v1.aufs",
  "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.devmapper",
  "io.containerd.snapshotter.v1.overlayfs",
  "io.containerd.snapshotter.v1.zfs",
  "io.containerd.tracing.processor.v1.otlp",
  "io.containerd.internal.v1.tracing",
]
EOF
    containerd --config $ctr_dir/config.toml >$ctr_dir/containerd.log 2>&1 &
    ctr_pid=$!
    i=0
    while ! ctr version >/dev/null 2>&1; do
        if ! kill -0 $ctr_pid 2>/dev/null; then
            echo "containerd exited: $(tail -n 2 $ctr_dir/containerd.log | tr '\n' ' ')"
            return 1
        fi
        i=$((i + 1))
        if [ $i -gt 300 ]; then
            echo "containerd did not answer in 30 s: $(tail -n 2 $ctr_dir/containerd.log | tr '\n' ' ')"
            return 1
        fi
        sleep 0.1
    done
    if ! ctrv images import --base-name ${ctr_image%:*} /images/busybox.tar >$ctr_dir/import.log 2>&1; then
        echo "ctr images import: $(tail -n 2 $ctr_dir/import.log | tr '\n' ' ')"
        return 1
    fi
}

# ctr_cgroup ID: the container's cgroup as the guest sees it (ctr's
# cgroupsPath is /NAMESPACE/ID).
ctr_cgroup() {
    echo $cgroot/$ctr_ns/$1
}

# wait_file FILE: polls until FILE exists (30 s).
wait_file() {
    i=0
    while [ ! -e "$1" ]; do
        i=$((i + 1))
        [ $i -gt 300 ] && return 1
        sleep 0.1
    done
}

# task_status ID: RUNNING, STOPPED, ... or nothing when there is no task.
task_status() {
    ctrv tasks list 2>/dev/null | awk -v id="$1" '$1 == id { print $3 }'
}

# wait_task_stopped ID: polls until the task is STOPPED (30 s).
wait_task_stopped() {
    i=0
    while [ "$(task_status "$1")" != STOPPED ]; do
        i=$((i + 1))
        [ $i -gt 300 ] && return 1
        sleep 0.1
    done
}

# ctr_forget ID: whatever a failed check left of container ID.
ctr_forget() {
    ctrv tasks kill --signal SIGKILL "$1" >/dev/null 2>&1
    ctrv tasks delete --force "$1" >/dev/null 2>&1
    ctrv containers delete "$1" >/dev/null 2>&1
}

# metric OUTPUT NAME: NAME's value in `ctr task metrics`' table.
metric() {
    echo "$1" | awk -v m="$2" '$1 == m { print $2 }'
}

# Each check_* BINARY RUNTIME prints why on failure and returns non-zero.

# A 32 MiB limit: the container waits until the guest has read its
# memory.max, then a dd with a 64 MiB buffer is OOM-killed and ctr run exits
# 137. The container says it runs and waits through files in a directory
# bound into it.
check_oom() {
    id=$2-oom gate=$ctr_dir/gate-$2 limit=33554432
    rm -rf $gate
    mkdir -p $gate
    ctrv run --rm --runc-binary "$1" --memory-limit $limit \
        --mount type=bind,src=$gate,dst=/gate,options=rbind:rw $ctr_image $id \
        sh -c 'touch /gate/ready; until [ -e /gate/go ]; do usleep 10000; done; exec dd if=/dev/zero of=/dev/null bs=64M count=1' \
        </dev/null >$ctr_dir/$id.out 2>&1 &
    run_pid=$!
    max=
    # Read once the container runs: a runtime may make the cgroup first and
    # write its limits after (runc does).
    wait_file $gate/ready && max=$(cat "$(ctr_cgroup $id)/memory.max")
    touch $gate/go
    wait $run_pid
    rc=$?
    if [ "$max" != $limit ]; then
        echo "memory.max of $(ctr_cgroup $id) is '$max', want $limit (ctr run exited $rc: $(first_line $ctr_dir/$id.out))"
        return 1
    elif [ $rc -ne 137 ]; then
        echo "ctr run exited $rc, want 137 (OOM kill): $(first_line $ctr_dir/$id.out)"
        return 1
    fi
}

# A container exiting 7 makes ctr run exit 7.
check_exit_status() {
    id=$2-exit
    ctrv run --rm --runc-binary "$1" $ctr_image $id sh -c 'exit 7' </dev/null >$ctr_dir/$id.out 2>&1
    rc=$?
    [ $rc -eq 7 ] && return 0
    echo "ctr run exited $rc, want 7: $(first_line $ctr_dir/$id.out)"
    return 1
}

# `ctr task metrics` of a running container (sleep, 64 MiB limit) reports
# its own cgroup: pids.current and memory.usage_limit as the guest reads
# them in the container's cgroup (the root cgroup has every process of the
# guest and no limit), memory usage above 0 and below the guest's memory.
check_metrics() {
    id=$2-metrics limit=67108864
    out=$(ctrv run -d --runc-binary "$1" --memory-limit $limit $ctr_image $id sleep 600 </dev/null 2>&1) || {
        echo "ctr run -d: $(echo "$out" | head -n 1)"
        return 1
    }
    cg=$(ctr_cgroup $id)
    out=$(ctrv tasks metrics $id 2>&1)
    rc=$?
    pids=$(metric "$out" pids.current)
    usage=$(metric "$out" memory.usage)
    usage_limit=$(metric "$out" memory.usage_limit)
    total=$(awk '/^MemTotal:/ { print $2 * 1024 }' /proc/meminfo)
    want_pids=$(cat $cg/pids.current 2>/dev/null)
    if [ $rc -ne 0 ]; then
        echo "ctr task metrics exited $rc: $(echo "$out" | head -n 1)"
    elif [ -z "$want_pids" ]; then
        echo "no $cg/pids.current in the guest"
    elif [ "$pids" != "$want_pids" ] || [ "$pids" -gt 2 ]; then
        echo "pids.current '$pids', the container's cgroup has $want_pids (guest processes: $(ls -d /proc/[0-9]* | wc -l))"
    elif [ "$usage_limit" != $limit ]; then
        echo "memory.usage_limit '$usage_limit', want $limit (the container's memory.max: $(cat $cg/memory.max))"
    elif [ -z "$usage" ] || [ "$usage" -le 0 ] || [ "$usage" -ge "$total" ]; then
        echo "memory.usage '$usage', want above 0 and below the guest's $total"
    else
        ctr_forget $id
        return 0
    fi
    ctr_forget $id
    return 1
}

# A detached container's init is in its cgroup; `ctr task kill` (SIGKILL)
# then `ctr task delete` removes that cgroup.
check_kill_delete() {
    id=$2-kill
    out=$(ctrv run -d --runc-binary "$1" $ctr_image $id sleep 600 </dev/null 2>&1) || {
        echo "ctr run -d: $(echo "$out" | head -n 1)"
        return 1
    }
    cg=$(ctr_cgroup $id)
    pid=$(ctrv tasks list | awk -v id=$id '$1 == id { print $2 }')
    if [ -z "$pid" ] || ! grep -qx "$pid" $cg/cgroup.procs 2>/dev/null; then
        echo "the task's pid '$pid' is not in $cg/cgroup.procs"
    elif ! out=$(ctrv tasks kill --signal SIGKILL $id 2>&1); then
        echo "ctr task kill: $(echo "$out" | head -n 1)"
    elif ! wait_task_stopped $id; then
        echo "the task is $(task_status $id) 30 s after SIGKILL"
    elif ! out=$(ctrv tasks delete $id 2>&1); then
        echo "ctr task delete: $(echo "$out" | head -n 1)"
    elif [ -e $cg ]; then
        echo "$cg is left after ctr task delete"
    else
        ctr_forget $id
        return 0
    fi
    ctr_forget $id
    return 1
}

# The runtimes to run each check with: ward behind a wrapper that picks the
# baseline policy (the shim passes runc's flags only), and runc when run.sh
# put it in.
ctr_runtimes() {
    cat >/bin/ward-baseline <<'EOF'
#!/bin/sh
exec /bin/ward --policy /etc/ward/baseline.json "$@"
EOF
    chmod 0755 /bin/ward-baseline
    echo "ward:/bin/ward-baseline"
    [ -x /usr/sbin/runc ] && echo "runc:/usr/sbin/runc"
}

test_containerd() {
    if [ -e /tests/containerd.skip ]; then
        skip containerd "$(cat /tests/containerd.skip)"
        return
    fi
    # Not in a subshell: $ctr_pid is needed to stop the daemon.
    if ! ctr_start >$ctr_dir.why 2>&1; then
        not_ok containerd_start "$(cat $ctr_dir.why)"
        return
    fi
    runtimes=$(ctr_runtimes)
    for check in oom exit_status metrics kill_delete; do
        for entry in $runtimes; do
            runtime=${entry%%:*}
            if why=$(check_$check "${entry#*:}" $runtime 2>&1); then
                verdict=ok
            else
                verdict="FAIL ($(echo "$why" | tail -n 1))"
            fi
            if [ $runtime != ward ]; then
                echo "compare $runtime containerd_$check: $verdict"
            elif [ "$verdict" = ok ]; then
                ok containerd_$check
            else
                not_ok containerd_$check "$(echo "$why" | tail -n 1)"
            fi
        done
    done
    [ -x /usr/sbin/runc ] ||
        echo "compare runc containerd: not run ($(cat /tests/runc.skip 2>/dev/null))"
    kill $ctr_pid 2>/dev/null
    wait $ctr_pid 2>/dev/null
}

test_containerd
