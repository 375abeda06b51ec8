# Sourced by guest-tests.sh: pause/resume through the cgroup v2 freezer, and
# `ward events` (stats, oom). ward itself enables cpu, io, memory and pids in
# the parents when the hierarchy has them, so the stats files are there.

# lines FILE: how many lines FILE has (0 when missing).
lines() {
    if [ -e "$1" ]; then wc -l <"$1"; else echo 0; fi
}

# wait_lines FILE N: polls until FILE has more than N lines (10 s).
wait_lines() {
    i=0
    while [ $i -lt 100 ]; do
        [ "$(lines "$1")" -gt "$2" ] && return 0
        sleep 0.1
        i=$((i + 1))
    done
    return 1
}

# A detached container prints an increasing number every 20 ms on its stdout
# (the file ward's stdout was redirected to): while it is paused the file
# must not grow, after resume it must.
test_pause_counter() {
    id=counter
    out=/tmp/$id.out
    bundle $id '"sh","-c","i=0; while :; do i=$((i+1)); echo $i; usleep 20000; done"'
    ward run -d -b /bundles/$id $id </dev/null >$out 2>/tmp/$id.err
    rc=$?
    name=pause_stops_a_counter_and_resume_restarts_it
    if [ $rc -ne 0 ]; then
        not_ok $name "ward run -d exited $rc: $(first_line /tmp/$id.err)"
    elif ! wait_lines $out 3; then
        not_ok $name "the counter never ran: $(lines $out) lines"
    elif ! ward pause $id 2>/tmp/$id.err; then
        not_ok $name "ward pause failed: $(first_line /tmp/$id.err)"
    elif ! ward state $id | grep -q '"status": *"paused"'; then
        not_ok $name "state is not paused: $(ward state $id 2>&1 | grep status)"
    elif ! grep -qx 'frozen 1' $cgroot/$id/cgroup.events; then
        not_ok $name "$cgroot/$id/cgroup.events: $(tr '\n' ' ' <$cgroot/$id/cgroup.events)"
    else
        before=$(lines $out)
        sleep 1 # 50 numbers if it were running
        after=$(lines $out)
        if [ "$after" -ne "$before" ]; then
            not_ok $name "the counter went from $before to $after lines while paused"
        elif ! ward resume $id 2>/tmp/$id.err; then
            not_ok $name "ward resume failed: $(first_line /tmp/$id.err)"
        elif ! ward state $id | grep -q '"status": *"running"'; then
            not_ok $name "state after resume: $(ward state $id 2>&1 | grep status)"
        elif ! wait_lines $out $((after + 3)); then
            not_ok $name "the counter did not go on after resume ($after → $(lines $out))"
        else
            ok $name
        fi
    fi

    name=delete_force_of_a_paused_container
    ward pause $id 2>/dev/null
    if ! ward delete --force $id 2>/tmp/$id.err; then
        not_ok $name "ward delete --force failed: $(first_line /tmp/$id.err)"
    elif [ -e $cgroot/$id ]; then
        not_ok $name "$cgroot/$id is left after delete --force"
    elif ward state $id >/dev/null 2>&1; then
        not_ok $name "ward state still knows $id"
    else
        ok $name
    fi
    ward delete --force $id >/dev/null 2>&1
}

# events --stats: one JSON line with the memory and pids figures of the
# container's cgroup (controllers enabled above).
test_events_stats() {
    id=stats
    bundle $id '"sleep","600"'
    ward run -d -b /bundles/$id $id </dev/null >/tmp/$id.out 2>/tmp/$id.err
    rc=$?
    name=events_stats_reports_memory_and_pids
    ward events --stats $id >/tmp/$id.events 2>/tmp/$id.err
    erc=$?
    memory=$(grep -oE '"memory":\{("cache":[0-9]+,)?"usage":\{"limit":18446744073709551615,"usage":[0-9]+' /tmp/$id.events)
    if [ $rc -ne 0 ]; then
        not_ok $name "ward run -d exited $rc: $(first_line /tmp/$id.err)"
    elif [ $erc -ne 0 ]; then
        not_ok $name "ward events --stats exited $erc: $(first_line /tmp/$id.err)"
    elif [ "$(lines /tmp/$id.events)" -ne 1 ]; then
        not_ok $name "$(lines /tmp/$id.events) lines, want 1"
    elif ! grep -q "^{\"type\":\"stats\",\"id\":\"$id\",\"data\":{\"cpu\":{\"usage\":{\"total\":[1-9]" /tmp/$id.events; then
        not_ok $name "no stats event with cpu usage: $(cut -c1-200 /tmp/$id.events)"
    elif [ -z "$memory" ] || [ "${memory##*:}" -le 0 ]; then
        not_ok $name "no memory usage (memory.current $(cat $cgroot/$id/memory.current)): $(grep -o '"memory":{[^}]*}' /tmp/$id.events)"
    elif ! grep -q '"pids":{"current":1}' /tmp/$id.events; then
        not_ok $name "pids: $(grep -o '"pids":{[^}]*}' /tmp/$id.events), want current 1, no limit"
    else
        ok $name
    fi
    ward delete --force $id >/dev/null 2>&1
}

# An oom event: linux.resources.memory (16 MiB, no swap) on a created
# container, `ward events` streams in the background, and the started
# container runs a dd whose 64 MiB buffer cannot fit; the shell survives it
# and sleeps on.
test_events_oom() {
    id=oom
    bundle $id '"sh","-c","dd if=/dev/zero of=/dev/null bs=64M count=1; echo dd-exited-$?; sleep 600"' \
        's#"resources":{#"resources":{"memory":{"limit":16777216,"swap":16777216},#'
    name=events_reports_an_oom_kill
    if ! ward create -b /bundles/$id $id </dev/null >/tmp/$id.out 2>/tmp/$id.err; then
        not_ok $name "ward create failed: $(first_line /tmp/$id.err)"
        return
    fi
    if [ "$(cat $cgroot/$id/memory.max)" != 16777216 ]; then
        not_ok $name "memory.max is $(cat $cgroot/$id/memory.max), want 16777216"
        ward delete --force $id >/dev/null 2>&1
        return
    fi
    ward events --interval 1h $id >/tmp/$id.events 2>/tmp/$id.events.err &
    events_pid=$!
    sleep 0.5 # let events set its watches
    ward start $id 2>/tmp/$id.err
    i=0
    while [ $i -lt 100 ] && ! grep -q '"type":"oom"' /tmp/$id.events; do
        sleep 0.1
        i=$((i + 1))
    done
    ward kill $id KILL 2>/dev/null
    # events ends by itself once the container's cgroup is empty.
    i=0
    while [ $i -lt 100 ] && kill -0 $events_pid 2>/dev/null; do
        sleep 0.1
        i=$((i + 1))
    done
    if kill -0 $events_pid 2>/dev/null; then
        kill $events_pid
        ended=no
    else
        ended=yes
    fi
    wait $events_pid
    erc=$?
    if ! grep -qx "{\"type\":\"oom\",\"id\":\"$id\"}" /tmp/$id.events; then
        not_ok $name "no oom line (memory.events: $(tr '\n' ' ' <$cgroot/$id/memory.events 2>/dev/null); container said: $(first_line /tmp/$id.out)); events: $(first_line /tmp/$id.events.err)"
    elif ! grep -q 'dd-exited-137' /tmp/$id.out; then
        not_ok $name "dd was not SIGKILLed: $(first_line /tmp/$id.out)"
    elif [ $ended != yes ]; then
        not_ok $name "ward events still running 10 s after the container was killed"
    elif [ $erc -ne 0 ]; then
        not_ok $name "ward events exited $erc: $(first_line /tmp/$id.events.err)"
    else
        ok $name
    fi
    ward delete --force $id >/dev/null 2>&1
}

test_pause_counter
test_events_stats
test_events_oom
