# Sourced by guest-tests.sh: exec on a pure cgroup v2 kernel. The exec'd
# process is in the container's own cgroup (so its limits bind it), and its
# exit status comes back.

test_exec_cgroup() {
    id=execcg
    bundle $id '"sleep","1000"'
    name=exec_process_is_in_the_containers_cgroup
    if ! ward run -d -b /bundles/$id $id </dev/null >/tmp/$id.out 2>/tmp/$id.err; then
        not_ok $name "ward run -d failed: $(first_line /tmp/$id.err)"
        return
    fi
    ward exec -d --pid-file /tmp/$id.pid $id sleep 1000 </dev/null >/dev/null 2>/tmp/$id.err
    rc=$?
    pid=$(cat /tmp/$id.pid 2>/dev/null)
    if [ $rc -ne 0 ]; then
        not_ok $name "ward exec -d exited $rc: $(first_line /tmp/$id.err)"
    elif [ -z "$pid" ]; then
        not_ok $name "no pid in --pid-file"
    elif ! grep -qx "$pid" $cgroot/$id/cgroup.procs; then
        not_ok $name "pid $pid not in $cgroot/$id/cgroup.procs: $(tr '\n' ' ' <$cgroot/$id/cgroup.procs)"
    else
        ok $name
    fi

    name=exec_exit_status_passes_through
    ward exec $id sh -c 'exit 7' </dev/null >/dev/null 2>/tmp/$id.err
    rc=$?
    if [ $rc -eq 7 ]; then ok $name; else not_ok $name "exit $rc, want 7: $(first_line /tmp/$id.err)"; fi
    ward delete --force $id >/dev/null 2>&1
}

test_exec_cgroup
