# Sourced by systemd-tests.sh: ward run by an unprivileged user whose
# systemd user manager (user@UID.service, started by `loginctl
# enable-linger`) has a cgroup subtree delegated to it, as on a desktop or
# a server with lingering users. ward runs as that user (setpriv, with the
# session's XDG_RUNTIME_DIR) inside a transient scope of the user's
# manager (`systemd-run --user --scope`), so its own cgroup is in the
# delegated subtree; limits must bite there.

rl_user=wardrl
rl_home=/home/$rl_user

# as_rl CMD...: CMD as the test user with its session's environment;
# DBUS_SESSION_BUS_ADDRESS only when RL_BUS is set.
as_rl() {
    setpriv --reuid "$rl_uid" --regid "$rl_gid" --init-groups \
        env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="$rl_home" \
        XDG_RUNTIME_DIR="/run/user/$rl_uid" \
        ${RL_BUS:+DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/$rl_uid/bus} \
        timeout 60 "$@"
}
# rl_scope CMD...: CMD as the user in a new transient scope of its manager
# (the natural way into the delegated subtree from outside it).
rl_scope() {
    as_rl systemd-run --user --scope --quiet -- "$@"
}
# rl_bundle NAME ARGS [SED-EXPR]: $rl_home/bundles/NAME from the rootless
# template (`ward spec --rootless`, the user's ids mapped to 0), args and an
# optional edit as the bundle helper does (the template's resources are
# empty, so an edit adding the first leaves a ",}" to drop).
rl_bundle() {
    mkdir -p "$rl_home/bundles/$1"
    sed -e "s|\"args\":\[\"sh\"\]|\"args\":[$2]|" -e "${3:-}" -e 's|,}|}|g' \
        -e "s|4000000001|$rl_uid|; s|4000000002|$rl_gid|" \
        /bundle/config.rootless.json >"$rl_home/bundles/$1/config.json"
    chown -R "$rl_uid:$rl_gid" "$rl_home/bundles"
}
# rl_cgroup PID: the process's cgroup as the host sees it.
rl_cgroup() {
    sed -n 's/^0:://p' "/proc/$1/cgroup" 2>/dev/null
}

# The user, its subordinate ids, and its manager (up to 60 s under TCG).
rl_setup() {
    rl_skip=
    touch /etc/subuid /etc/subgid
    if ! useradd -m -s /bin/sh "$rl_user" >/tmp/rl-useradd.out 2>&1; then
        rl_skip="useradd $rl_user: $(first_line /tmp/rl-useradd.out)"
        return
    fi
    rl_uid=$(id -u "$rl_user")
    rl_gid=$(id -g "$rl_user")
    rl_manager=$cgroot/user.slice/user-$rl_uid.slice/user@$rl_uid.service
    if ! loginctl enable-linger "$rl_user" >/tmp/rl-linger.out 2>&1; then
        rl_skip="loginctl enable-linger: $(first_line /tmp/rl-linger.out)"
        return
    fi
    i=0
    while [ $i -lt 600 ]; do
        if [ "$(systemctl is-active "user@$rl_uid.service")" = active ] &&
            [ -S "/run/user/$rl_uid/bus" ] && [ -S "/run/user/$rl_uid/systemd/private" ]; then
            return
        fi
        sleep 0.1
        i=$((i + 1))
    done
}

# What the rootless cases stand on: the manager runs with its subtree
# delegated (owned by the user, memory and pids available), the session's
# sockets exist, the user has a subordinate range, and systemd-run puts a
# command of the user's into a scope of that subtree.
test_rootless_user_manager() {
    name=rootless_user_manager_delegated
    state=$(systemctl is-active "user@$rl_uid.service")
    delegate=$(systemctl show -p Delegate --value "user@$rl_uid.service")
    owner=$(stat -c %u "$rl_manager" 2>/dev/null)
    controllers=$(cat "$rl_manager/cgroup.controllers" 2>/dev/null)
    subuid=$(grep "^$rl_user:" /etc/subuid)
    scope_cg=$(rl_scope cat /proc/self/cgroup 2>&1 | sed -n 's/^0:://p')
    echo "vm: rootless: user@$rl_uid.service $state Delegate=$delegate owner=$owner controllers='$controllers' subuid=$subuid systemd-run scope: $scope_cg"
    has_controllers=no
    echo "$controllers" | grep -qw memory && echo "$controllers" | grep -qw pids &&
        has_controllers=yes
    if [ "$state" != active ] || [ "$owner" != "$rl_uid" ]; then
        not_ok $name "user@$rl_uid.service is '$state', its cgroup owned by '$owner'"
    elif [ $has_controllers = no ]; then
        not_ok $name "$rl_manager/cgroup.controllers is '$controllers', want memory and pids"
    elif [ -z "$subuid" ]; then
        not_ok $name "no range for $rl_user in /etc/subuid"
    elif [ "$(stat -c %u "/run/user/$rl_uid")" != "$rl_uid" ]; then
        not_ok $name "/run/user/$rl_uid is not the user's"
    else
        case $scope_cg in
        "/user.slice/user-$rl_uid.slice/user@$rl_uid.service/"*.scope) ok $name ;;
        *) not_ok $name "systemd-run --user --scope ran in '$scope_cg'" ;;
        esac
    fi
}

# rl_pid ID: the container's init pid, from the user's ward state.
rl_pid() {
    as_rl ward state "$1" 2>/dev/null | sed -n 's/.*"pid": *\([0-9]*\).*/\1/p'
}
# rl_check_cgroup PID CGROUP WANT-UNDER LIMITS: prints a "vm:" line, and
# what is wrong unless the init's CGROUP is under WANT-UNDER, the user's,
# holds the init alone and has LIMITS ("memory.max pids.max cpu.max").
rl_check_cgroup() {
    pid=$1 rl_cg=$2 under=$3 limits=$4
    dir=$cgroot$rl_cg
    got="$(cat "$dir/memory.max" 2>/dev/null) $(cat "$dir/pids.max" 2>/dev/null) $(cat "$dir/cpu.max" 2>/dev/null)"
    procs=$(tr '\n' ' ' <"$dir/cgroup.procs" 2>/dev/null)
    owner=$(stat -c %u "$dir" 2>/dev/null)
    uid=$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status" 2>/dev/null)
    echo "vm: rootless container $pid: cgroup $rl_cg owner $owner limits $got procs $procs uid $uid"
    case $rl_cg in
    "$under"/*) ;;
    *)
        echo "its cgroup is '$rl_cg', not under $under"
        return
        ;;
    esac
    if [ "$owner" != "$rl_uid" ] || [ "$uid" != "$rl_uid" ]; then
        echo "cgroup owner $owner, init uid $uid, want $rl_uid"
    elif [ "$got" != "$limits" ]; then
        echo "memory.max pids.max cpu.max are '$got', want '$limits'"
    elif [ "$procs" != "$pid " ]; then
        echo "cgroup.procs is '$procs', want the init $pid alone"
    fi
}
# Memory, pids and cpu: the controllers user@.service delegates.
limits_64m_40='s|"resources":{|"resources":{"memory":{"limit":67108864},"pids":{"limit":40},"cpu":{"quota":50000,"period":100000},|'
oom_probe='"sh","-c","dd if=/dev/zero of=/dev/null bs=64M count=1"'
limits_16m='s|"resources":{|"resources":{"memory":{"limit":16777216,"swap":16777216},|'
# "\&": a bare & in the sed replacement would be the matched text.
fork_probe='"sh","-c","for i in 1 2 3 4 5 6 7 8 9 10; do sleep 5 \& done; wait"'
limits_pids_5='s|"resources":{|"resources":{"pids":{"limit":5},|'

# The cgroupfs driver, ward in a scope of the user's manager: a relative
# (here empty) cgroupsPath puts the container beside that scope, in the
# delegated subtree; the user owns it and the limits are written there.
test_rootless_cgroupfs() {
    name=rootless_cgroupfs_cgroup_delegated_with_limits
    rl_bundle rlc1 '"sleep","1000"' "$limits_64m_40"
    if ! rl_scope ward run -d --bundle "$rl_home/bundles/rlc1" rlc1 </dev/null >/tmp/rlc1.out 2>&1; then
        not_ok $name "run -d: $(grep -v '^warning' /tmp/rlc1.out | head -n 3 | tr '\n' ' ')"
    else
        pid=$(rl_pid rlc1)
        rl_cg=$(rl_cgroup "$pid")
        why=$(rl_check_cgroup "$pid" "$rl_cg" "/user.slice/user-$rl_uid.slice/user@$rl_uid.service/app.slice" "67108864 40 50000 100000")
        as_rl ward delete --force rlc1 >/tmp/rlc1.del 2>&1
        if [ -n "$(echo "$why" | grep -v '^vm:')" ]; then
            echo "$why" | grep '^vm:'
            not_ok $name "$(echo "$why" | grep -v '^vm:')"
        elif [ -d "$cgroot$rl_cg" ]; then
            echo "$why"
            not_ok $name "delete --force left $rl_cg ($(first_line /tmp/rlc1.del))"
        else
            echo "$why"
            ok $name
        fi
    fi

    name=rootless_cgroupfs_memory_limit_oom_kills
    rl_bundle rloom "$oom_probe" "$limits_16m"
    rl_scope ward run --bundle "$rl_home/bundles/rloom" rloom >/tmp/rloom.out 2>&1
    rc=$?
    as_rl ward delete --force rloom >/dev/null 2>&1
    [ $rc -eq 137 ] && ok $name ||
        not_ok $name "ward run exited $rc, want 137: $(grep -v '^warning' /tmp/rloom.out | head -n 3 | tr '\n' ' ')"

    name=rootless_cgroupfs_pids_limit_stops_forks
    rl_bundle rlpids "$fork_probe" "$limits_pids_5"
    rl_scope ward run --bundle "$rl_home/bundles/rlpids" rlpids >/tmp/rlpids.out 2>&1
    rc=$?
    as_rl ward delete --force rlpids >/dev/null 2>&1
    grep -q "can't fork" /tmp/rlpids.out && ok $name ||
        not_ok $name "no fork failed under pids.max 5 (exit $rc): $(head -n 2 /tmp/rlpids.out | tr '\n' ' ')"

    # The control: ward outside the delegated subtree (here in the test
    # service's cgroup, as the user) has no cgroup it may make, so the
    # hardened policy refuses the limit instead of running unlimited.
    name=rootless_cgroupfs_outside_the_delegation_refused
    as_rl ward run --bundle "$rl_home/bundles/rlpids" rlpids2 >/tmp/rlpids2.out 2>&1
    rc=$?
    as_rl ward delete --force rlpids2 >/dev/null 2>&1
    if [ $rc -ne 0 ] && grep -q 'pids.limit cannot be applied: rootless: no cgroup is delegated to uid' /tmp/rlpids2.out; then
        ok $name
    else
        not_ok $name "exit $rc: $(grep -v '^warning' /tmp/rlpids2.out | head -n 2 | tr '\n' ' ')"
    fi
}

# A limit whose controller is not delegated to the user (io: user@.service
# delegates cpu, memory and pids) is judged by the policy against what the
# delegated subtree has, with either driver: hardened refuses it, naming
# the controller and where it is missing, before anything is made.
test_rootless_undelegated_controller() {
    at=/sys/fs/cgroup/user.slice/user-$rl_uid.slice/user@$rl_uid.service
    rl_bundle rlio '"true"' 's|"resources":{|"resources":{"blockIO":{"weight":500},|'
    for driver in cgroupfs systemd; do
        name=rootless_${driver}_undelegated_controller_refused
        flag=
        [ $driver = systemd ] && flag=--systemd-cgroup
        rl_scope ward $flag run --bundle "$rl_home/bundles/rlio" rlio >/tmp/rlio.out 2>&1
        rc=$?
        as_rl ward $flag delete --force rlio >/dev/null 2>&1
        if [ $rc -ne 0 ] && grep -q "needs the io controller, which the cgroup2 hierarchy at $at does not have (it has: cpu, memory, pids)" /tmp/rlio.out; then
            ok $name
        else
            not_ok $name "exit $rc: $(grep -v '^warning' /tmp/rlio.out | head -n 2 | tr '\n' ' ')"
        fi
    done
}

# The systemd driver run by the user: the scope is its own manager's
# (user.slice of user@UID.service), found through its private socket, or
# the session bus when DBUS_SESSION_BUS_ADDRESS says so (RL_BUS).
rl_sd() {
    rl_scope ward --debug --log /tmp/rl-sd.log --systemd-cgroup "$@"
}
rl_show() {
    as_rl systemctl --user show -p "$2" --value "$1" 2>/dev/null
}
test_rootless_systemd_scope() {
    name=rootless_systemd_scope_in_the_users_manager
    unit=ward-rlsd1.scope
    want_cg=/user.slice/user-$rl_uid.slice/user@$rl_uid.service/user.slice/$unit
    rl_bundle rlsd1 '"sleep","1000"' "$limits_64m_40"
    if ! rl_sd run -d --bundle "$rl_home/bundles/rlsd1" rlsd1 </dev/null >/tmp/rlsd1.out 2>&1; then
        not_ok $name "run -d: $(grep -v '^warning' /tmp/rlsd1.out | head -n 3 | tr '\n' ' ')"
        return
    fi
    pid=$(rl_pid rlsd1)
    props="$(rl_show $unit ActiveState) $(rl_show $unit Delegate) $(rl_show $unit Slice) $(rl_show $unit MemoryMax) $(rl_show $unit TasksMax) $(rl_show $unit ControlGroup)"
    rl_cg=$(rl_cgroup "$pid")
    why=$(rl_check_cgroup "$pid" "$rl_cg" "/user.slice/user-$rl_uid.slice/user@$rl_uid.service/user.slice" "67108864 40 50000 100000")
    echo "vm: $unit: $props"
    # exec as the user joins the container's cgroup from a scope of its
    # manager; from outside the delegation it is refused, saying how.
    exec_in=$(rl_scope ward exec rlsd1 sh -c 'cat /proc/self/cgroup; id -u' 2>/tmp/rlsd1.exec-in |
        tr '\n' ' ')
    as_rl ward exec rlsd1 true >/tmp/rlsd1.exec 2>&1
    exec_out=$?
    echo "vm: exec in a scope: $exec_in; outside: exit $exec_out: $(first_line /tmp/rlsd1.exec)"
    # update as the user: the cgroup and the user manager's unit property.
    as_rl ward update --pids-limit 30 rlsd1 >/tmp/rlsd1.upd 2>&1
    updated="$(rl_show $unit TasksMax) $(cat "$cgroot$rl_cg/pids.max" 2>/dev/null)"
    as_rl ward --systemd-cgroup delete --force rlsd1 >/tmp/rlsd1.del 2>&1
    after=$(rl_show $unit ActiveState)
    via=$(grep -c "connecting to uid $rl_uid's user manager at /run/user/$rl_uid/systemd/private" /tmp/rl-sd.log)
    echo "$why" | grep '^vm:'
    why=$(echo "$why" | grep -v '^vm:')
    if [ "$props" != "active yes user.slice 67108864 40 $want_cg" ]; then
        not_ok $name "systemctl --user show: '$props'"
    elif [ -n "$why" ]; then
        not_ok $name "$why"
    elif [ "$rl_cg" != "$want_cg" ]; then
        not_ok $name "the init is in $rl_cg, want $want_cg"
    elif [ "$via" = 0 ]; then
        not_ok $name "ward's log names no connection to the user manager's private socket"
    elif [ "$exec_in" != "0::/ 0 " ]; then
        not_ok $name "exec from a scope of the user's manager: '$exec_in', want '0::/ 0 ' ($(grep -v '^warning' /tmp/rlsd1.exec-in | head -n 1))"
    elif [ $exec_out = 0 ] || ! grep -q 'systemd-run --user --scope ward exec' /tmp/rlsd1.exec; then
        not_ok $name "exec from outside the delegation: exit $exec_out: $(first_line /tmp/rlsd1.exec)"
    elif [ "$updated" != "30 30" ]; then
        not_ok $name "after update --pids-limit 30: TasksMax and pids.max '$updated' ($(first_line /tmp/rlsd1.upd))"
    elif [ "$after" = active ] || [ -d "$cgroot$want_cg" ]; then
        not_ok $name "after delete: ActiveState=$after, cgroup $([ -d "$cgroot$want_cg" ] && echo left || echo gone) ($(first_line /tmp/rlsd1.del))"
    else
        ok $name
    fi
}

# Unit properties that bite: MemoryMax (through the session bus, whose
# daemon routes JobRemoved to ward only after AddMatch) and TasksMax.
test_rootless_systemd_limits_bite() {
    name=rootless_systemd_memory_max_oom_kills_via_session_bus
    rl_bundle rlsdoom "$oom_probe" "$limits_16m"
    RL_BUS=1 rl_sd run --bundle "$rl_home/bundles/rlsdoom" rlsdoom >/tmp/rlsdoom.out 2>&1
    rc=$?
    as_rl ward --systemd-cgroup delete --force rlsdoom >/dev/null 2>&1
    via=$(grep -c "connecting to uid $rl_uid's user manager (through DBUS_SESSION_BUS_ADDRESS) at /run/user/$rl_uid/bus" /tmp/rl-sd.log)
    if [ $rc -ne 137 ]; then
        not_ok $name "ward run exited $rc, want 137: $(grep -v '^warning' /tmp/rlsdoom.out | head -n 3 | tr '\n' ' ')"
    elif [ "$via" = 0 ]; then
        not_ok $name "ward's log names no connection through the session bus"
    else
        ok $name
    fi

    name=rootless_systemd_tasks_max_stops_forks
    rl_bundle rlsdpids "$fork_probe" "$limits_pids_5"
    rl_sd run --bundle "$rl_home/bundles/rlsdpids" rlsdpids >/tmp/rlsdpids.out 2>&1
    rc=$?
    as_rl ward --systemd-cgroup delete --force rlsdpids >/dev/null 2>&1
    grep -q "can't fork" /tmp/rlsdpids.out && ok $name ||
        not_ok $name "no fork failed under TasksMax=5 (exit $rc): $(head -n 2 /tmp/rlsdpids.out | tr '\n' ' ')"
}

# ward killed with SIGKILL in a createRuntime hook (the init in the scope):
# delete --force stops the user's unit; nothing is left.
test_rootless_systemd_killed_create() {
    name=rootless_systemd_kill_9_mid_create_leaves_no_unit
    unit=ward-rlkill.scope
    rm -f /tmp/rl-hook.pid
    sed 's#"hooks": {"action": "enforce", "allowed": \[\]}#"hooks": {"action": "enforce", "allowed": ["/bin/sh"]}#' \
        /etc/ward/policy.json >/tmp/rl-hook-policy.json
    chmod 0644 /tmp/rl-hook-policy.json
    rl_bundle rlkill '"true"' 's#"linux":{#"hooks":{"createRuntime":[{"path":"/bin/sh","args":["sh","-c","echo $$ >/tmp/rl-hook.pid; exec sleep 20"]}]},"linux":{#'
    rl_scope ward --policy /tmp/rl-hook-policy.json --systemd-cgroup create \
        -b "$rl_home/bundles/rlkill" rlkill </dev/null >/tmp/rlkill.out 2>&1 &
    i=0
    while [ ! -s /tmp/rl-hook.pid ] && [ $i -lt 200 ]; do
        sleep 0.1
        i=$((i + 1))
    done
    # The ward process itself (systemd-run execs it in the scope).
    wpid=
    for d in /proc/[0-9]*; do
        case $(tr '\0' ' ' <"$d/cmdline" 2>/dev/null) in
        "ward --policy /tmp/rl-hook-policy.json "* | */ward" --policy /tmp/rl-hook-policy.json "*)
            wpid=${d#/proc/}
            ;;
        esac
    done
    if [ ! -s /tmp/rl-hook.pid ] || [ -z "$wpid" ]; then
        not_ok $name "hook pid '$(cat /tmp/rl-hook.pid 2>/dev/null)', ward's pid '$wpid': $(grep -v '^warning' /tmp/rlkill.out | head -n 2 | tr '\n' ' ')"
        kill "$(cat /tmp/rl-hook.pid 2>/dev/null)" 2>/dev/null
        wait
        as_rl ward --systemd-cgroup delete --force rlkill >/dev/null 2>&1
        return
    fi
    mid=$(rl_show $unit ActiveState)
    cg=$(rl_show $unit ControlGroup)
    kill -9 "$wpid"
    wait
    kill "$(cat /tmp/rl-hook.pid)" 2>/dev/null
    as_rl ward --systemd-cgroup delete --force rlkill >/tmp/rlkill.del 2>&1
    rc=$?
    after=$(rl_show $unit ActiveState)
    if [ "$mid" != active ]; then
        not_ok $name "mid-create the unit was '$mid', want active"
    elif [ $rc -ne 0 ]; then
        not_ok $name "delete --force exited $rc: $(head -n 2 /tmp/rlkill.del | tr '\n' ' ')"
    elif [ "$after" = active ] || [ -d "$cgroot$cg" ]; then
        not_ok $name "after delete --force: ActiveState=$after, cgroup $cg $([ -d "$cgroot$cg" ] && echo left || echo gone)"
    else
        ok $name
    fi
}

# ward run by the user outside its manager's subtree (here in the test
# service's cgroup): the init could not be moved into the scope, so create
# fails saying how to run it, and no unit is left.
test_rootless_systemd_outside_the_delegation() {
    name=rootless_systemd_outside_the_delegation_refused
    rl_bundle rlout '"true"'
    as_rl ward --systemd-cgroup run --bundle "$rl_home/bundles/rlout" rlout >/tmp/rlout.out 2>&1
    rc=$?
    after=$(rl_show ward-rlout.scope ActiveState)
    as_rl ward --systemd-cgroup delete --force rlout >/dev/null 2>&1
    if [ $rc -ne 0 ] && grep -q 'systemd-run --user --scope' /tmp/rlout.out && [ "$after" != active ]; then
        echo "vm: $(grep -v '^warning' /tmp/rlout.out | head -n 1)"
        ok $name
    else
        not_ok $name "exit $rc, unit $after: $(grep -v '^warning' /tmp/rlout.out | head -n 2 | tr '\n' ' ')"
    fi
}

rl_started=$(cut -d. -f1 /proc/uptime)
rl_setup
if [ -n "$rl_skip" ]; then
    for t in user_manager_delegated cgroupfs_cgroup_delegated_with_limits \
        cgroupfs_memory_limit_oom_kills cgroupfs_pids_limit_stops_forks \
        cgroupfs_outside_the_delegation_refused cgroupfs_undelegated_controller_refused \
        systemd_undelegated_controller_refused systemd_scope_in_the_users_manager \
        systemd_memory_max_oom_kills_via_session_bus systemd_tasks_max_stops_forks \
        systemd_kill_9_mid_create_leaves_no_unit systemd_outside_the_delegation_refused; do
        skip rootless_$t "$rl_skip"
    done
else
    test_rootless_user_manager
    test_rootless_cgroupfs
    test_rootless_undelegated_controller
    test_rootless_systemd_scope
    test_rootless_systemd_limits_bite
    test_rootless_systemd_killed_create
    test_rootless_systemd_outside_the_delegation
fi
echo "vm: rootless cases took $(($(cut -d. -f1 /proc/uptime) - rl_started)) s"
