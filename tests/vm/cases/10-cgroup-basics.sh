# Sourced by guest-tests.sh: the container's own cgroup2 dir on a pure v2 kernel.

# The VM has no cgroup v1 at all: nothing is on a v1 hierarchy, and with
# cgroup_no_v1=all no controller can even be mounted as v1.
test_no_cgroup_v1() {
    name=kernel_has_no_cgroup_v1
    v1=$(awk 'NR > 1 && $2 != 0 { print $1 }' /proc/cgroups | tr '\n' ' ')
    self=$(cat /proc/self/cgroup)
    fstype=$(stat -f -c %t $cgroot)
    others=$(awk '$3 == "cgroup" { print $2 }' /proc/mounts)
    mountable=$(awk 'NR > 1 { print $1 }' /proc/cgroups | while read -r c; do
        mkdir -p /tmp/v1-"$c"
        if mount -t cgroup -o "$c" cgroup /tmp/v1-"$c" 2>/dev/null; then
            printf ' %s' "$c"
            umount /tmp/v1-"$c"
        fi
        rmdir /tmp/v1-"$c"
    done)
    if [ -n "$v1" ]; then
        not_ok $name "controllers on a v1 hierarchy in /proc/cgroups: $v1"
    elif [ "$self" != "0::/" ]; then
        not_ok $name "/proc/self/cgroup is '$self', want '0::/'"
    elif [ "$fstype" != $cgroup2_magic ]; then
        not_ok $name "$cgroot has filesystem magic $fstype, want $cgroup2_magic (cgroup2)"
    elif [ -n "$others" ]; then
        not_ok $name "cgroup v1 mounted at $others"
    elif [ -n "$mountable" ]; then
        not_ok $name "these controllers mount as cgroup v1:$mountable"
    else
        ok $name
    fi
}

# The controllers the resource limits will need are available at the root.
test_controllers() {
    name=root_cgroup_offers_cpu_io_memory_pids
    have=$(cat $cgroot/cgroup.controllers)
    missing=
    for c in cpu io memory pids; do
        case " $have " in *" $c "*) ;; *) missing="$missing $c" ;; esac
    done
    if [ -n "$missing" ]; then
        not_ok $name "missing:$missing (have: $have)"
    else
        ok $name
    fi
}

# ward run starts the checker in a container: pid 1, the config's hostname.
test_run_checker() {
    name=run_checker_status
    bundle checker '"/checker","status"'
    ward run -b /bundles/checker checker </dev/null >/tmp/checker.out 2>/tmp/checker.err
    rc=$?
    if [ $rc -ne 0 ]; then
        not_ok $name "ward run exited $rc: $(first_line /tmp/checker.err)"
    elif ! grep -qx 'pid: 1' /tmp/checker.out; then
        not_ok $name "checker is not pid 1: $(grep '^pid:' /tmp/checker.out)"
    elif ! grep -qx 'hostname: ward' /tmp/checker.out; then
        not_ok $name "hostname: $(grep '^hostname:' /tmp/checker.out)"
    else
        ok $name
    fi
}

# The container's exit status is ward run's, and run removes its cgroup.
test_exit_status() {
    name=run_propagates_exit_status_and_removes_cgroup
    bundle exit3 '"sh","-c","exit 3"'
    ward run -b /bundles/exit3 exit3 </dev/null >/tmp/exit3.out 2>/tmp/exit3.err
    rc=$?
    if [ $rc -ne 3 ]; then
        not_ok $name "ward run exited $rc, want 3: $(first_line /tmp/exit3.err)"
    elif [ -e $cgroot/exit3 ]; then
        not_ok $name "$cgroot/exit3 is left after the container exited"
    else
        ok $name
    fi
}

# Inside its cgroup namespace the container is at the root of its own cgroup,
# and its /sys/fs/cgroup is cgroup2.
test_container_cgroupns() {
    name=container_sees_own_cgroup2_root
    bundle cgns '"sh","-c","cat /proc/self/cgroup; stat -f -c %t /sys/fs/cgroup"'
    ward run -b /bundles/cgns cgns </dev/null >/tmp/cgns.out 2>/tmp/cgns.err
    rc=$?
    got=$(tr '\n' ' ' </tmp/cgns.out)
    if [ $rc -ne 0 ]; then
        not_ok $name "ward run exited $rc: $(first_line /tmp/cgns.err)"
    elif [ "$got" != "0::/ $cgroup2_magic " ]; then
        not_ok $name "container saw '$got', want '0::/ $cgroup2_magic ' (cgroup2 magic)"
    else
        ok $name
    fi
}

# A detached container's init is in /sys/fs/cgroup/ID; kill + delete removes it.
test_detached_cgroup() {
    id=detached
    bundle $id '"sleep","600"'
    ward run -d --pid-file /tmp/$id.pid -b /bundles/$id $id </dev/null >/tmp/$id.out 2>/tmp/$id.err
    rc=$?
    pid=$(cat /tmp/$id.pid 2>/dev/null)
    name=detached_container_in_own_cgroup
    if [ $rc -ne 0 ]; then
        not_ok $name "ward run -d exited $rc: $(first_line /tmp/$id.err)"
    elif [ -z "$pid" ]; then
        not_ok $name "no pid in the --pid-file"
    elif [ ! -d $cgroot/$id ]; then
        not_ok $name "$cgroot/$id does not exist"
    elif ! grep -qx "$pid" $cgroot/$id/cgroup.procs; then
        not_ok $name "pid $pid not in $cgroot/$id/cgroup.procs: $(tr '\n' ' ' <$cgroot/$id/cgroup.procs)"
    elif [ "$(cat /proc/"$pid"/cgroup)" != "0::/$id" ]; then
        not_ok $name "/proc/$pid/cgroup is '$(cat /proc/"$pid"/cgroup)', want '0::/$id'"
    else
        ok $name
    fi

    name=kill_and_delete_remove_cgroup
    if ! ward kill $id KILL 2>/tmp/$id.err; then
        not_ok $name "ward kill failed: $(first_line /tmp/$id.err)"
    elif ! wait_stopped $id; then
        not_ok $name "container not stopped 10 s after SIGKILL"
    elif ! ward delete $id 2>/tmp/$id.err; then
        not_ok $name "ward delete failed: $(first_line /tmp/$id.err)"
    elif [ -e $cgroot/$id ]; then
        not_ok $name "$cgroot/$id is left after delete"
    elif ward state $id >/dev/null 2>&1; then
        not_ok $name "ward state still knows $id after delete"
    else
        ok $name
    fi
    # Whatever failed above, leave nothing running for the next tests.
    ward delete --force $id >/dev/null 2>&1
}

# ward create already puts the waiting init in /sys/fs/cgroup/ID; deleting
# the never-started container removes it.
test_created_cgroup() {
    id=created
    bundle $id '"true"'
    ward create --pid-file /tmp/$id.pid -b /bundles/$id $id </dev/null >/tmp/$id.out 2>/tmp/$id.err
    rc=$?
    pid=$(cat /tmp/$id.pid 2>/dev/null)
    name=created_container_in_own_cgroup
    if [ $rc -ne 0 ]; then
        not_ok $name "ward create exited $rc: $(first_line /tmp/$id.err)"
    elif ! ward state $id 2>/dev/null | grep -q '"status": *"created"'; then
        not_ok $name "state is not created: $(ward state $id 2>&1 | tr '\n' ' ')"
    elif [ -z "$pid" ] || ! grep -qx "$pid" $cgroot/$id/cgroup.procs 2>/dev/null; then
        not_ok $name "init pid '$pid' not in $cgroot/$id/cgroup.procs"
    else
        ok $name
    fi

    name=delete_created_removes_cgroup
    if ! ward delete $id 2>/tmp/$id.err; then
        not_ok $name "ward delete failed: $(first_line /tmp/$id.err)"
    elif [ -e $cgroot/$id ]; then
        not_ok $name "$cgroot/$id is left after delete"
    elif [ -n "$pid" ] && [ -e /proc/"$pid" ] && ! grep -q '^State:.*zombie' /proc/"$pid"/status; then
        not_ok $name "init $pid still alive after delete"
    else
        ok $name
    fi
    ward delete --force $id >/dev/null 2>&1
}

test_no_cgroup_v1
test_controllers
test_run_checker
test_exit_status
test_container_cgroupns
test_detached_cgroup
test_created_cgroup

