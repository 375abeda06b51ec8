# Sourced by guest-tests.sh: linux.resources limits, applied through cgroup v2
# and shown to bite. The guest runs ward under the hardened policy's rules
# (/etc/ward/policy.json, see run.sh);
# every controller is available here, so nothing is refused for lack of one.

# limits_bundle NAME ARGS RESOURCES: a bundle whose linux.resources starts
# with RESOURCES (JSON members, without braces).
limits_bundle() {
    bundle "$1" "$2" "s#\"resources\":{#\"resources\":{$3,#"
}

# cg_value ID FILE: the content of the container's cgroup file, on one line.
cg_value() {
    tr '\n' ' ' <"$cgroot/$1/$2" 2>/dev/null | sed 's/ *$//'
}

# A process allocating past memory.max is OOM-killed: ward run returns 137.
test_memory_oom() {
    name=memory_max_oom_kills_and_run_returns_137
    # dd's 64 MiB buffer is filled from /dev/zero: 64 MiB of anonymous memory.
    limits_bundle oom '"dd","if=/dev/zero","of=/dev/null","bs=64M","count=1"' \
        '"memory":{"limit":33554432,"swap":33554432}'
    ward run -b /bundles/oom oom </dev/null >/tmp/oom.out 2>/tmp/oom.err
    rc=$?
    if [ $rc -ne 137 ]; then
        not_ok $name "ward run exited $rc, want 137 (SIGKILL by the OOM killer): $(first_line /tmp/oom.err)"
    elif ! dmesg | grep -q 'Memory cgroup out of memory'; then
        not_ok $name "exit 137 but the kernel log has no memory cgroup OOM kill"
    elif [ -e $cgroot/oom ]; then
        not_ok $name "$cgroot/oom is left after the container was OOM-killed"
    else
        ok $name
    fi
}

# Fork loop under pids.max: fork fails with EAGAIN, the container lives on.
test_pids_fork_loop() {
    name=pids_max_stops_fork_loop_container_survives
    # The inner sh forks sleeps until fork fails; the outer one (pid 1) then
    # reports what its cgroup says.
    limits_bundle pids "\"sh\",\"-c\",\"sh -c 'i=0; while [ \$i -lt 40 ]; do sleep 30 \\& i=\$((i+1)); done' 2>\\&1; echo survived; cat /sys/fs/cgroup/pids.max; grep max /sys/fs/cgroup/pids.events\"" \
        '"pids":{"limit":10}'
    ward run -b /bundles/pids pids </dev/null >/tmp/pids.out 2>/tmp/pids.err
    rc=$?
    out=$(tr '\n' '|' </tmp/pids.out)
    events=$(grep '^max ' /tmp/pids.out | cut -d' ' -f2)
    if [ $rc -ne 0 ]; then
        not_ok $name "ward run exited $rc: $(first_line /tmp/pids.err) / $out"
    elif ! grep -q "can't fork" /tmp/pids.out; then
        not_ok $name "no \"can't fork\" from the fork loop: $out"
    elif ! grep -q 'Resource temporarily unavailable' /tmp/pids.out; then
        not_ok $name "fork did not fail with EAGAIN: $out"
    elif ! grep -qx survived /tmp/pids.out; then
        not_ok $name "the container's init did not carry on: $out"
    elif ! grep -qx 10 /tmp/pids.out; then
        not_ok $name "pids.max inside is not 10: $out"
    elif [ -z "$events" ] || [ "$events" -lt 1 ]; then
        not_ok $name "pids.events counts no refused fork: $out"
    else
        ok $name
    fi
}

# One detached container with every kind of limit; its cgroup files say
# what was asked (with runc's conversions), its busy loop is throttled, and
# update raises and lowers limits while it runs.
test_limits_detached() {
    id=limits
    dev=$(cat /sys/block/vda/dev 2>/dev/null)
    limits_bundle $id '"sh","-c","while :; do :; done"' \
        "\"memory\":{\"limit\":67108864,\"swap\":100663296,\"reservation\":16777216},\"pids\":{\"limit\":20},\"cpu\":{\"shares\":1024,\"quota\":10000,\"period\":100000,\"cpus\":\"1\",\"mems\":\"0\"},\"blockIO\":{\"weight\":500,\"throttleReadBpsDevice\":[{\"major\":${dev%:*},\"minor\":${dev#*:},\"rate\":1048576}],\"throttleWriteIOPSDevice\":[{\"major\":${dev%:*},\"minor\":${dev#*:},\"rate\":100}]}"
    name=limits_written_as_asked
    if [ -z "$dev" ]; then
        not_ok $name "the guest has no /dev/vda (virtio disk): $(ls /sys/block | tr '\n' ' ')"
        return
    fi
    if ! ward run -d -b /bundles/$id $id </dev/null >/tmp/$id.out 2>/tmp/$id.err; then
        not_ok $name "ward run -d failed: $(first_line /tmp/$id.err)"
        ward delete --force $id >/dev/null 2>&1
        return
    fi
    # name, file, want
    bad=
    check() {
        got=$(cg_value $id "$1")
        [ "$got" = "$2" ] || bad="$bad $1='$got' (want '$2');"
    }
    check memory.max 67108864
    check memory.swap.max 33554432
    check memory.low 16777216
    check pids.max 20
    check cpu.weight 100
    check cpu.max "10000 100000"
    check cpuset.cpus 1
    check cpuset.mems 0
    # No BFQ in the guest: blockIO.weight 500 → io.weight 1 + 490·9999/990.
    check io.weight "default 4950"
    check io.max "$dev rbps=1048576 wbps=max riops=max wiops=100"
    if [ -n "$bad" ]; then
        not_ok $name "$bad"
    else
        ok $name
    fi

    name=cpu_max_throttles_busy_loop
    t1=$(awk '$1 == "nr_throttled" { print $2 }' $cgroot/$id/cpu.stat)
    sleep 1
    t2=$(awk '$1 == "nr_throttled" { print $2 }' $cgroot/$id/cpu.stat)
    if [ -z "$t1" ] || [ -z "$t2" ] || [ "$t2" -le "$t1" ]; then
        not_ok $name "nr_throttled did not grow in 1 s: $t1 → $t2"
    else
        ok $name
    fi

    name=update_raises_limits
    # A memory limit above the config's memory+swap (96 MiB) needs a new swap too.
    ward update --memory 128m $id 2>/tmp/$id.err
    rc=$?
    if [ $rc -ne 1 ] || ! grep -q 'linux.resources.memory.swap: 100663296 is below memory.limit 134217728' /tmp/$id.err; then
        not_ok $name "update --memory 128m alone: exit $rc, want 1 naming memory.swap: $(first_line /tmp/$id.err)"
    elif ! ward update --memory 128m --memory-swap 256m --pids-limit 50 $id 2>/tmp/$id.err; then
        not_ok $name "ward update failed: $(first_line /tmp/$id.err)"
    elif [ "$(cg_value $id memory.max)" != 134217728 ] || [ "$(cg_value $id pids.max)" != 50 ] ||
        [ "$(cg_value $id memory.swap.max)" != 134217728 ]; then
        not_ok $name "memory.max $(cg_value $id memory.max), pids.max $(cg_value $id pids.max), memory.swap.max $(cg_value $id memory.swap.max); want 134217728, 50, 134217728"
    else
        ok $name
    fi

    name=update_lowers_limits_keeps_swap_and_saved_config
    # The memory+swap of the last update (256 MiB) still holds: swap.max follows.
    if ! ward update -r - $id 2>/tmp/$id.err <<'EOF'; then
{"memory":{"limit":50331648},"pids":{"limit":3}}
EOF
        not_ok $name "ward update -r - failed: $(first_line /tmp/$id.err)"
    elif [ "$(cg_value $id memory.max)" != 50331648 ] || [ "$(cg_value $id pids.max)" != 3 ] ||
        [ "$(cg_value $id memory.swap.max)" != 218103808 ]; then
        not_ok $name "memory.max $(cg_value $id memory.max), pids.max $(cg_value $id pids.max), memory.swap.max $(cg_value $id memory.swap.max); want 50331648, 3, 218103808"
    elif ! tr -d ' \n' </run/ward/$id/config.json | grep -q '"memory":{"limit":50331648,"reservation":16777216,"swap":268435456}'; then
        not_ok $name "the saved config does not hold the new limit: $(tr -d ' \n' </run/ward/$id/config.json | grep -o '"memory":{[^}]*}')"
    else
        ok $name
    fi

    name=update_lowered_pids_limit_bites
    # The busy loop and nothing else runs; with pids.max 3 a container may
    # fork 2 more. Forking into the cgroup from outside: write our own
    # subshell into it and fork there.
    out=$(sh -c "echo \$\$ >$cgroot/$id/cgroup.procs && for i in 1 2 3 4; do sleep 5 >/dev/null 2>&1 & done; wait" 2>&1)
    if ! echo "$out" | grep -q "can't fork"; then
        not_ok $name "4 forks in a cgroup at pids.max 3 all worked: $out"
    else
        ok $name
    fi

    name=update_stopped_container_refused
    ward kill $id KILL 2>/dev/null
    wait_stopped $id
    ward update --memory 256m $id >/tmp/$id.out 2>/tmp/$id.err
    rc=$?
    if [ $rc -ne 1 ] || ! grep -q 'container not running' /tmp/$id.err; then
        not_ok $name "exit $rc, want 1 with \"container not running\": $(first_line /tmp/$id.err)"
    else
        ok $name
    fi

    name=delete_removes_limited_cgroup
    if ! ward delete --force $id >/dev/null 2>/tmp/$id.err; then
        not_ok $name "ward delete --force failed: $(first_line /tmp/$id.err); procs: $(cg_value $id cgroup.procs)"
    elif [ -e $cgroot/$id ]; then
        not_ok $name "$cgroot/$id is left after delete"
    else
        ok $name
    fi
}

# ward killed with SIGKILL in the middle of create (in a createRuntime
# hook): delete --force still finds the cgroup from the state and removes it.
# hardened runs no hooks: this create runs under the guest's policy with
# /bin/sh allowed as a hook, every other rule as it is.
test_killed_create_cleanup() {
    id=killed
    name=kill_9_mid_create_then_delete_force_leaves_no_cgroup
    rm -f /tmp/hook.pid
    sed 's#"hooks": {"action": "enforce", "allowed": \[\]}#"hooks": {"action": "enforce", "allowed": ["/bin/sh"]}#' \
        /etc/ward/policy.json >/tmp/hook-policy.json
    if ! grep -q '"allowed": \["/bin/sh"\]' /tmp/hook-policy.json; then
        not_ok $name "/etc/ward/policy.json has no hooks rule to relax"
        return
    fi
    limits_bundle $id '"true"' '"pids":{"limit":10}'
    sed -i 's#"linux":{#"hooks":{"createRuntime":[{"path":"/bin/sh","args":["sh","-c","echo $$ >/tmp/hook.pid; exec sleep 20"]}]},"linux":{#' \
        /bundles/$id/config.json
    /bin/ward --policy /tmp/hook-policy.json create -b /bundles/$id $id </dev/null >/tmp/$id.out 2>/tmp/$id.err &
    wpid=$!
    i=0
    while [ ! -s /tmp/hook.pid ] && [ $i -lt 100 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    if [ ! -s /tmp/hook.pid ]; then
        not_ok $name "the createRuntime hook never ran: $(first_line /tmp/$id.err)"
        kill -9 $wpid 2>/dev/null
        wait $wpid 2>/dev/null
        ward delete --force $id >/dev/null 2>&1
        return
    fi
    had=$(cat $cgroot/$id/pids.max 2>/dev/null)
    kill -9 $wpid
    wait $wpid 2>/dev/null
    kill "$(cat /tmp/hook.pid)" 2>/dev/null
    if [ "$had" != 10 ]; then
        not_ok $name "mid-create, $cgroot/$id/pids.max was '$had', want 10 (limits before the init runs)"
    elif ! ward delete --force $id 2>/tmp/$id.err; then
        not_ok $name "ward delete --force failed: $(first_line /tmp/$id.err)"
    elif [ -e $cgroot/$id ]; then
        not_ok $name "$cgroot/$id is left after delete --force"
    elif [ -e /run/ward/$id ]; then
        not_ok $name "/run/ward/$id is left after delete --force"
    else
        ok $name
    fi
}

test_memory_oom
test_pids_fork_loop
test_limits_detached
test_killed_create_cleanup
