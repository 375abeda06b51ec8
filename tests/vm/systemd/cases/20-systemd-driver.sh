# Sourced by systemd-tests.sh: containers through --systemd-cgroup. Each
# check reads systemd's own view (systemctl show) and the kernel's (the
# scope's cgroup files), and the limits are made to bite.

# Debug messages go to a log (the driver notes each D-Bus connection it
# had to make again there; the summary below counts them).
sd_ward() {
    ward --debug --log /tmp/sd-ward.log --systemd-cgroup "$@"
}
# show UNIT PROP: the property's value as systemctl shows it.
show() {
    systemctl show -p "$2" --value "$1" 2>/dev/null
}

# A detached container with limits: the scope exists, delegated, in
# system.slice, holding the init; its properties and cgroup files are what
# the config asked; delete stops the unit and removes the cgroup.
test_scope_created_with_limits_and_stopped_by_delete() {
    name=systemd_scope_create_show_delete
    unit=ward-sd1.scope
    cg=$cgroot/system.slice/$unit
    bundle sd1 '"sleep","1000"' \
        's|"resources":{|"resources":{"memory":{"limit":67108864},"pids":{"limit":40},"cpu":{"shares":1024,"quota":50000,"period":100000,"cpus":"0-1","mems":"0"},|'
    if ! sd_ward create --bundle /bundles/sd1 sd1 >/tmp/sd1.out 2>&1; then
        not_ok $name "create: $(head -n 3 /tmp/sd1.out | tr '\n' ' ')"
        return
    fi
    sd_ward start sd1 >/dev/null 2>&1
    pid=$(ward state sd1 | sed -n 's/.*"pid": *\([0-9]*\).*/\1/p')
    state=$(show $unit ActiveState)
    delegate=$(show $unit Delegate)
    slice=$(show $unit Slice)
    mem=$(show $unit MemoryMax)
    tasks=$(show $unit TasksMax)
    weight=$(show $unit CPUWeight)
    quota=$(show $unit CPUQuotaPerSecUSec)
    cpus=$(show $unit AllowedCPUs)
    mems=$(show $unit AllowedMemoryNodes)
    procs=$(cat $cg/cgroup.procs 2>/dev/null | tr '\n' ' ')
    memmax=$(cat $cg/memory.max 2>/dev/null)
    pidsmax=$(cat $cg/pids.max 2>/dev/null)
    echo "vm: $unit: ActiveState=$state Delegate=$delegate Slice=$slice MemoryMax=$mem TasksMax=$tasks CPUWeight=$weight CPUQuotaPerSecUSec=$quota AllowedCPUs=$cpus AllowedMemoryNodes=$mems procs=$procs"
    sd_ward delete --force sd1 >/tmp/sd1.del 2>&1
    after=$(show $unit ActiveState)
    if [ "$state" != active ] || [ "$delegate" != yes ] || [ "$slice" != system.slice ]; then
        not_ok $name "unit: ActiveState=$state Delegate=$delegate Slice=$slice"
    elif [ "$mem" != 67108864 ] || [ "$tasks" != 40 ] || [ "$weight" != 100 ] || [ "$quota" != 500ms ]; then
        not_ok $name "properties: MemoryMax=$mem TasksMax=$tasks CPUWeight=$weight CPUQuotaPerSecUSec=$quota"
    elif [ "$cpus" != 0-1 ] || [ "$mems" != 0 ]; then
        not_ok $name "properties: AllowedCPUs=$cpus AllowedMemoryNodes=$mems, want 0-1 and 0"
    elif [ "$procs" != "$pid " ]; then
        not_ok $name "cgroup.procs of $cg is '$procs', want the init $pid alone (the holder gone)"
    elif [ "$memmax" != 67108864 ] || [ "$pidsmax" != 40 ]; then
        not_ok $name "cgroup files: memory.max=$memmax pids.max=$pidsmax"
    elif [ -d "$cg" ] || [ "$after" = active ]; then
        not_ok $name "after delete: cgroup dir there: $([ -d "$cg" ] && echo yes || echo no), ActiveState=$after ($(head -n 2 /tmp/sd1.del))"
    else
        ok $name
    fi
}

# A memory hog under MemoryMax is OOM-killed; a fork loop under TasksMax
# cannot fork.
test_limits_bite_through_the_scope() {
    name=systemd_memory_max_oom_kills
    bundle sdoom '"sh","-c","dd if=/dev/zero of=/dev/null bs=64M count=1"' \
        's|"resources":{|"resources":{"memory":{"limit":16777216,"swap":16777216},|'
    sd_ward run --bundle /bundles/sdoom sdoom >/tmp/sdoom.out 2>&1
    rc=$?
    sd_ward delete --force sdoom >/dev/null 2>&1
    if [ $rc -eq 137 ]; then
        ok $name
    else
        not_ok $name "ward run exited $rc, want 137 (OOM-killed): $(head -n 5 /tmp/sdoom.out | tr '\n' ' ')"
        echo "vm: journal:"
        journalctl -b -n 25 -o short-monotonic --no-pager 2>&1 | sed 's/^/   | /'
    fi

    name=systemd_tasks_max_stops_forks
    # "\&": a bare & in the sed replacement would be the matched text.
    bundle sdpids '"sh","-c","for i in 1 2 3 4 5 6 7 8 9 10; do sleep 5 \& done; wait"' \
        's|"resources":{|"resources":{"pids":{"limit":5},|'
    sd_ward run --bundle /bundles/sdpids sdpids >/tmp/sdpids.out 2>&1
    rc=$?
    sd_ward delete --force sdpids >/dev/null 2>&1
    if grep -q "can't fork" /tmp/sdpids.out; then
        ok $name
    else
        not_ok $name "no fork failed under TasksMax=5 (exit $rc): $(head -n 2 /tmp/sdpids.out | tr '\n' ' ')"
    fi
}

# systemctl daemon-reload re-applies the unit's properties to its cgroup:
# the limits stay (they are unit properties) and so does ward's device
# program. The container has CAP_MKNOD and a /dev/kmsg node from
# linux.devices (under a policy that only warns about both, as in the
# busybox guest's device tests): the filter is what refuses writing kmsg
# and mknod of 1:1.
cat >/tmp/sd-devices-policy.json <<'JSON'
{"name": "vm-devices",
 "description": "warns only: the device checks need CAP_MKNOD and linux.devices",
 "rules": {"capabilities": {"action": "warn", "allowed": []},
           "devices": {"action": "warn", "allowed": []}}}
JSON
device_probe='echo x >/dev/null && echo null-ok; echo hi 2>/dev/null >/dev/kmsg && echo kmsg-written || echo kmsg-refused; mknod /tmp/m c 1 1 2>/dev/null && echo mknod-ok || echo mknod-refused'
test_daemon_reload_keeps_limits_and_device_rules() {
    name=systemd_daemon_reload_keeps_limits_and_devices
    unit=ward-sdr.scope
    cg=$cgroot/system.slice/$unit
    caps='"CAP_MKNOD"'
    kmsg='{"path":"/dev/kmsg","type":"c","major":1,"minor":11,"fileMode":384}'
    bundle sdr '"sleep","1000"' \
        "s|\"resources\":{|\"resources\":{\"memory\":{\"limit\":33554432},\"pids\":{\"limit\":30},|; s|\"bounding\":\[\]|\"bounding\":[$caps]|; s|\"effective\":\[\]|\"effective\":[$caps]|; s|\"permitted\":\[\]|\"permitted\":[$caps]|; s|\"linux\":{|\"linux\":{\"devices\":[$kmsg],|"
    if ! sd_ward --policy /tmp/sd-devices-policy.json run -d --bundle /bundles/sdr sdr </dev/null >/tmp/sdr.out 2>&1; then
        not_ok $name "run -d: $(grep -v '^warning' /tmp/sdr.out | head -n 3 | tr '\n' ' ')"
        return
    fi
    before=$(ward exec sdr sh -c "$device_probe" 2>&1 | tr '\n' ' ')
    systemctl daemon-reload
    sleep 1
    after=$(ward exec sdr sh -c "$device_probe" 2>&1 | tr '\n' ' ')
    memmax=$(cat $cg/memory.max 2>/dev/null)
    pidsmax=$(cat $cg/pids.max 2>/dev/null)
    echo "vm: device probe before daemon-reload: $before; after: $after"
    sd_ward delete --force sdr >/dev/null 2>&1
    want='null-ok kmsg-refused mknod-refused '
    if [ "$before" != "$want" ]; then
        not_ok $name "before daemon-reload: '$before', want '$want'"
    elif [ "$after" != "$want" ]; then
        not_ok $name "after daemon-reload the device rules changed: '$after', want '$want'"
    elif [ "$memmax" != 33554432 ] || [ "$pidsmax" != 30 ]; then
        not_ok $name "after daemon-reload: memory.max=$memmax pids.max=$pidsmax"
    else
        ok $name
    fi
}

# A bad cgroupsPath fails create with the field and value, leaving no unit.
test_bad_cgroups_path_is_refused() {
    name=systemd_bad_cgroups_path_refused
    bundle sdbad '"true"' 's|"linux":{|"linux":{"cgroupsPath":"/not/systemd",|'
    sd_ward create --bundle /bundles/sdbad sdbad >/tmp/sdbad.out 2>&1
    rc=$?
    sd_ward delete --force sdbad >/dev/null 2>&1
    if [ $rc -ne 0 ] && grep -q 'cgroupsPath "/not/systemd"' /tmp/sdbad.out; then
        ok $name
    else
        not_ok $name "exit $rc: $(head -n 2 /tmp/sdbad.out | tr '\n' ' ')"
    fi
}

# ward killed with SIGKILL in the middle of create (in a createRuntime hook,
# the init already in the scope): delete --force finds the unit in the
# state, and afterwards neither the unit nor its cgroup is left.
test_killed_create_leaves_no_unit() {
    name=systemd_kill_9_mid_create_then_delete_force_leaves_no_unit
    unit=ward-sdkill.scope
    rm -f /tmp/sd-hook.pid
    sed 's#"hooks": {"action": "enforce", "allowed": \[\]}#"hooks": {"action": "enforce", "allowed": ["/bin/sh"]}#' \
        /etc/ward/policy.json >/tmp/sd-hook-policy.json
    bundle sdkill '"true"' 's#"linux":{#"hooks":{"createRuntime":[{"path":"/bin/sh","args":["sh","-c","echo $$ >/tmp/sd-hook.pid; exec sleep 20"]}]},"linux":{#'
    /usr/local/bin/ward --policy /tmp/sd-hook-policy.json --systemd-cgroup create -b /bundles/sdkill sdkill \
        </dev/null >/tmp/sdkill.out 2>&1 &
    wpid=$!
    i=0
    while [ ! -s /tmp/sd-hook.pid ] && [ $i -lt 200 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    if [ ! -s /tmp/sd-hook.pid ]; then
        not_ok $name "the createRuntime hook never ran: $(grep -v '^warning' /tmp/sdkill.out | head -n 2 | tr '\n' ' ')"
        kill -9 $wpid 2>/dev/null
        wait $wpid 2>/dev/null
        sd_ward delete --force sdkill >/dev/null 2>&1
        return
    fi
    mid=$(show $unit ActiveState)
    kill -9 $wpid
    wait $wpid 2>/dev/null
    kill "$(cat /tmp/sd-hook.pid)" 2>/dev/null
    sd_ward delete --force sdkill >/tmp/sdkill.del 2>&1
    rc=$?
    after=$(show $unit ActiveState)
    if [ "$mid" != active ]; then
        not_ok $name "mid-create the unit was '$mid', want active"
    elif [ $rc -ne 0 ]; then
        not_ok $name "delete --force exited $rc: $(head -n 2 /tmp/sdkill.del | tr '\n' ' ')"
    elif [ "$after" = active ] || [ -d $cgroot/system.slice/$unit ]; then
        not_ok $name "after delete --force: ActiveState=$after, cgroup dir $([ -d $cgroot/system.slice/$unit ] && echo left || echo gone)"
    else
        ok $name
    fi
}

# As root the driver talks to the system manager's private socket, even
# with a system bus running (logind's, in this guest).
test_root_uses_the_private_socket() {
    name=systemd_root_uses_the_private_socket
    private=$(grep -c 'connecting to the system manager at /run/systemd/private' /tmp/sd-ward.log)
    other=$(grep 'systemd: connecting to' /tmp/sd-ward.log | grep -vc 'the system manager at /run/systemd/private')
    if [ ! -S /run/dbus/system_bus_socket ]; then
        not_ok $name "no system bus in the guest: the check would prove nothing"
    elif [ "$private" = 0 ] || [ "$other" != 0 ]; then
        not_ok $name "$private connections to /run/systemd/private, $other elsewhere"
    else
        ok $name
    fi
}

test_scope_created_with_limits_and_stopped_by_delete
test_limits_bite_through_the_scope
test_daemon_reload_keeps_limits_and_device_rules
test_bad_cgroups_path_is_refused
test_killed_create_leaves_no_unit
test_root_uses_the_private_socket
echo "vm: systemd driver: D-Bus connections: $(grep -c 'nudging the peer' /tmp/sd-ward.log 2>/dev/null) Subscribe calls nudged with a Ping, $(grep -c 'connecting again' /tmp/sd-ward.log 2>/dev/null) connections made again"
