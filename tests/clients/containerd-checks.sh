# The checks of 20-containerd.sh (sourced by it). A smoke check is
# check_NAME BINARY RUNTIME: BINARY is what `ctr run --runc-binary` gets,
# RUNTIME names the runtime (container ids start with it). It returns 0 when
# a user would see the right thing; otherwise its last output line says
# what they saw instead. The detached container RUNTIME-d is shared by the
# checks from detached to delete, in that order.

# What a command printed, on one line and bounded, for a FAIL line.
one_line() { printf '%s' "$1" | tr '\n' '|' | sed 's/|/ | /g' | cut -c1-700; }

# metric_value OUTPUT NAME: NAME's value in `ctr task metrics` OUTPUT.
metric_value() { awk -v name="$2" '$1 == name { print $2 }' <<<"$1"; }

# The STATUS (or PID) column of `ctr task ls` for task ID; empty when none.
task_status() { ctrc tasks list 2>/dev/null | awk -v id="$1" '$1 == id { print $3 }'; }
task_pid() { ctrc tasks list 2>/dev/null | awk -v id="$1" '$1 == id { print $2 }'; }

# wait_status ID STATUS: polls for 10 s.
wait_status() {
    local _
    for _ in $(seq 100); do
        [ "$(task_status "$1")" = "$2" ] && return 0
        sleep 0.1
    done
    echo "task $1 is $(task_status "$1"), not $2 after 10 s"
    return 1
}

# needs_running ID: the detached check's container is there to act on.
# needs_started ID: the detached check did start it (its container record
# is left by a failed `ctr run -d` too).
needs_started() {
    [ -e "$logs/$1.started" ] && return 0
    echo "no container $1 (the detached check did not start one)"
    return 1
}
needs_running() {
    [ "$(task_status "$1")" = RUNNING ] && return 0
    echo "no running container $1 (the detached check did not start one)"
    return 1
}

check_run_exit_0() {
    local out rc
    out=$(ctrc run --rm --runc-binary "$1" "$image" "$2-run0" echo hello 2>&1)
    rc=$?
    [ $rc -eq 0 ] && [ "$out" = hello ] && return 0
    echo "ctr run --rm IMAGE echo hello: exit $rc: $(one_line "$out")"
    return 1
}

check_run_exit_code() {
    local out rc
    out=$(ctrc run --rm --runc-binary "$1" "$image" "$2-run7" sh -c 'exit 7' 2>&1)
    rc=$?
    [ $rc -eq 7 ] && [ -z "$out" ] && return 0
    echo "ctr run --rm IMAGE sh -c 'exit 7': exit $rc (want 7): $(one_line "$out")"
    return 1
}

# A command the image lacks: the runtime's error, with runc's phrase, is
# what ctr shows, and ctr fails.
check_missing_command() {
    local out rc
    out=$(ctrc run --rm --runc-binary "$1" "$image" "$2-miss" nonexistent 2>&1)
    rc=$?
    [ $rc -ne 0 ] && grep -q 'executable file not found' <<<"$out" && return 0
    echo "ctr run --rm IMAGE nonexistent: exit $rc: $(one_line "$out")"
    return 1
}

check_missing_path() {
    local out rc
    out=$(ctrc run --rm --runc-binary "$1" "$image" "$2-miss" /nonexistent 2>&1)
    rc=$?
    [ $rc -ne 0 ] && grep -qi '/nonexistent.*no such file or directory' <<<"$out" && return 0
    echo "ctr run --rm IMAGE /nonexistent: exit $rc: $(one_line "$out")"
    return 1
}

# The shared container: a shell that says it started, then waits; SIGTERM
# makes it say so and exit 42. Its output goes to a log file (--log-uri).
check_detached() {
    local out rc _
    out=$(ctrc run --detach --runc-binary "$1" --log-uri "file://$logs/$2-d.log" "$image" "$2-d" \
        sh -c 'trap "echo got SIGTERM; exit 42" TERM; echo started; sleep 1000 & wait' 2>&1)
    rc=$?
    if [ $rc -ne 0 ]; then
        echo "ctr run -d IMAGE sh: exit $rc: $(one_line "$out")"
        return 1
    fi
    wait_status "$2-d" RUNNING || return 1
    for _ in $(seq 50); do
        grep -qx started "$logs/$2-d.log" 2>/dev/null && touch "$logs/$2-d.started" && return 0
        sleep 0.1
    done
    echo "running, but its log has no \"started\" after 5 s: $(one_line "$(cat "$logs/$2-d.log" 2>&1)")"
    return 1
}

# An exec'd process is in the container's pid namespace (pid 1 is its sh)
# and its exit status is ctr's.
check_exec() {
    needs_running "$2-d" || return 1
    local out rc
    out=$(ctrc tasks exec --exec-id plain "$2-d" sh -c 'echo exec $(cat /proc/1/comm); exit 5' 2>&1)
    rc=$?
    [ $rc -eq 5 ] && [ "$out" = "exec sh" ] && return 0
    echo "ctr task exec ID sh -c 'echo exec \$(cat /proc/1/comm); exit 5': exit $rc (want 5): $(one_line "$out")"
    return 1
}

check_exec_tty() {
    needs_running "$2-d" || return 1
    local out rc
    out=$(ctrc_tty tasks exec --tty --exec-id tty "$2-d" sh -c 'tty; exit 3' 2>&1)
    rc=$?
    [ $rc -eq 3 ] && grep -qx '/dev/pts/[0-9]*' <<<"$out" && return 0
    echo "ctr task exec --tty ID sh -c 'tty; exit 3': exit $rc (want 3): $(one_line "$out")"
    return 1
}

check_pause_resume() {
    needs_running "$2-d" || return 1
    local out
    out=$(ctrc tasks pause "$2-d" 2>&1) || { echo "ctr task pause: $(one_line "$out")"; return 1; }
    wait_status "$2-d" PAUSED || return 1
    out=$(ctrc tasks resume "$2-d" 2>&1) || { echo "ctr task resume: $(one_line "$out")"; return 1; }
    wait_status "$2-d" RUNNING
}

# ps lists the container's processes: its init (the pid task ls shows) and
# the sleep it started.
check_ps() {
    needs_running "$2-d" || return 1
    local out rc pid pids
    pid=$(task_pid "$2-d")
    out=$(ctrc tasks ps "$2-d" 2>&1)
    rc=$?
    echo "$out"
    pids=$(awk 'NR > 1 { print $1 }' <<<"$out" | sort -n | tr '\n' ' ')
    [ $rc -eq 0 ] && grep -qw "$pid" <<<"$pids" && [ "$(wc -w <<<"$pids")" -eq 2 ] && return 0
    echo "ctr task ps: exit $rc, pids $pids (want init $pid and its sleep): $(one_line "$out")"
    return 1
}

# metrics succeeds and reports the container's own figures: its pids
# (memory and cpu figures depend on the controllers the host gives the
# container's cgroup). The runc shim reads them itself from the cgroups the
# container's init is in (cgroup v1 on a hybrid host), so a FAIL says
# which those are.
check_metrics() {
    needs_running "$2-d" || return 1
    local out rc pid
    pid=$(task_pid "$2-d")
    out=$(ctrc tasks metrics "$2-d" 2>&1)
    rc=$?
    echo "$out"
    [ $rc -eq 0 ] && grep -Eq '^pids\.current +2 *$' <<<"$out" && return 0
    echo "ctr task metrics: exit $rc, pids.current \"$(metric_value "$out" pids.current)\" (want 2)," \
        "memory.usage_in_bytes \"$(metric_value "$out" memory.usage_in_bytes)\", cpuacct.usage \"$(metric_value "$out" cpuacct.usage)\";" \
        "the init's cgroups: $(cut -d: -f2,3 "/proc/$pid/cgroup" | tr '\n' ' ')"
    return 1
}

# SIGTERM (ctr's default) reaches the container's process: its trap runs,
# and its exit status (42) is what `ctr task delete` reports (ctr 1.6 exits
# 0 and warns "task ID exit with non-zero exit code 42").
check_kill() {
    needs_running "$2-d" || return 1
    local out rc
    out=$(ctrc tasks kill "$2-d" 2>&1) || { echo "ctr task kill: $(one_line "$out")"; return 1; }
    wait_status "$2-d" STOPPED || return 1
    if ! grep -qx 'got SIGTERM' "$logs/$2-d.log"; then
        echo "stopped, but the process's trap did not run: $(one_line "$(cat "$logs/$2-d.log")")"
        return 1
    fi
    out=$(ctrc tasks delete "$2-d" 2>&1)
    rc=$?
    [ $rc -eq 0 ] && grep -q "task $2-d exit with non-zero exit code 42\"" <<<"$out" && return 0
    echo "ctr task delete after SIGTERM: exit $rc (want exit code 42 reported): $(one_line "$out")"
    return 1
}

# The container goes, and with it everything of it: bundle, runtime state,
# cgroup.
check_delete() {
    local id=$2-d out left
    needs_started "$id" || return 1
    if [ -n "$(task_status "$id")" ]; then # kill did not get this far
        ctrc tasks kill --signal SIGKILL "$id" >/dev/null 2>&1
        wait_status "$id" STOPPED
        out=$(ctrc tasks delete "$id" 2>&1)
        [ -z "$(task_status "$id")" ] || { echo "ctr task delete: $(one_line "$out")"; return 1; }
    fi
    out=$(ctrc containers delete "$id" 2>&1) || { echo "ctr container delete: $(one_line "$out")"; return 1; }
    left=$(ctrc containers list --quiet | grep -x "$id")
    [ -d "$(containerd_bundle "$id")" ] && left+=" bundle $(containerd_bundle "$id")"
    left+=$(nsenter --target "$containerd_pid" --mount -- \
        find /run/containerd/runc -mindepth 2 -maxdepth 2 -name "$id" -printf ' state %p')
    left+=$(find /sys/fs/cgroup -mindepth 3 -maxdepth 3 -path "*/$containerd_cgroup/$id" -printf ' cgroup %p')
    [ -z "$left" ] && return 0
    echo "after ctr container delete, left:$left"
    return 1
}

# contrib/containerd's handler, pasted into the daemon's config: containerd
# reads it as the handler the README names, and the config's own CRI
# settings stay. A plugin's table is in containerd's dump only when the
# plugin is on, so the dump reads this run's config with the CRI plugin
# on, as a Kubernetes node has it.
handler_dump() {
    grep -v '"io.containerd.grpc.v1.cri",' "$containerd_dir/config.toml" >"$containerd_dir/config-cri.toml"
    containerd --config "$containerd_dir/config-cri.toml" config dump
}
handler_value() { # TABLE KEY: KEY of the handler's TABLE ("" or ".options") as containerd read it
    handler_dump | awk -v table="containerd.runtimes.ward$1]" -v key="$2" '
        /^ *\[/ { here = substr($0, length($0) - length(table) + 1) == table }
        here && $1 == key { gsub(/"/, "", $3); print $3 }'
}
handler_option() { handler_value .options "$1"; }
check_handler_config() {
    local dump type
    dump=$(handler_dump 2>&1) || { echo "containerd config dump: $(one_line "$dump")"; return 1; }
    grep -A12 -F '.containerd.runtimes.ward' <<<"$dump"
    type=$(handler_value "" runtime_type)
    if ! grep -q '^ *restrict_oom_score_adj = true$' <<<"$dump"; then
        echo "the config's own CRI setting restrict_oom_score_adj = true is lost"
        return 1
    fi
    [ "$type" = io.containerd.runc.v2 ] && [ "$(handler_option BinaryName)" = "$ward" ] &&
        [ "$(handler_option SystemdCgroup)" = false ] && return 0
    echo "handler ward as containerd read it: runtime_type \"$type\"," \
        "BinaryName \"$(handler_option BinaryName)\", SystemdCgroup \"$(handler_option SystemdCgroup)\""
    return 1
}

# ctr cannot select a CRI handler (ctr talks to containerd's container and
# task services; handlers are the CRI plugin's). What a handler is to the
# shim is its options, which ctr sets per container: --runc-binary and
# --runc-root get the handler's BinaryName and Root as containerd read
# them. The policy is the daemon's WARD_POLICY (contrib/containerd/README.md),
# which the shim passes on to ward; `ward policy show` says which it used.
check_handler_run() {
    local bin root out rc state
    bin=$(handler_option BinaryName)
    root=$(handler_option Root)
    out=$(ctrc run --detach --runc-binary "$bin" --runc-root "$root" "$image" handler sleep 1000 2>&1)
    rc=$?
    if [ $rc -ne 0 ]; then
        echo "ctr run -d --runc-binary $bin --runc-root $root IMAGE sleep: exit $rc: $(one_line "$out")"
        return 1
    fi
    state=$(nsenter --target "$containerd_pid" --mount -- \
        "$ward" --root "$root/$containerd_ns" policy show handler 2>&1)
    echo "$state"
    ctrc tasks kill --signal SIGKILL handler >/dev/null 2>&1
    wait_status handler STOPPED
    ctrc tasks delete handler >/dev/null 2>&1
    ctrc containers delete handler >/dev/null 2>&1
    grep -q "\"source\": *\"WARD_POLICY=$baseline\"" <<<"$state" && return 0
    echo "ward's state under $root/$containerd_ns does not record the WARD_POLICY baseline: $(one_line "$state")"
    return 1
}

# The config containerd generates for a default `ctr run IMAGE ID` (the
# image's command), as the runtime gets it in the bundle, with this run's
# namespace and id as placeholders: the fixture baseline is derived from.
check_default_config() {
    local out fixture=$repo/tests/data/clients/containerd-default.json got=$logs/default.json
    out=$(ctrc run --detach --runc-binary "$(command -v runc)" "$image" default-config 2>&1) ||
        { echo "ctr run -d IMAGE (runc): $(one_line "$out")"; return 1; }
    sed -e "s|/$containerd_ns/default-config\"|/<namespace>/<id>\"|" \
        "$(containerd_bundle default-config)/config.json" | jq . >"$got"
    ctrc tasks kill --signal SIGKILL default-config >/dev/null 2>&1
    wait_status default-config STOPPED
    ctrc tasks delete default-config >/dev/null 2>&1
    ctrc containers delete default-config >/dev/null 2>&1
    if [ "${CLIENTS_CAPTURE:-}" = 1 ]; then
        mkdir -p "${fixture%/*}" && cp "$got" "$fixture"
    elif ! diff -u "$fixture" "$got"; then
        echo "containerd's default config differs from ${fixture#"$repo"/} (CLIENTS_CAPTURE=1 rewrites it)"
        return 1
    fi
}

# What baseline says about that config, without running it.
check_default_config_baseline() {
    local out rc
    [ -s "$logs/default.json" ] || { echo "no default config captured"; return 1; }
    out=$("$ward" --policy "$baseline" policy check "$logs/default.json" 2>&1)
    rc=$?
    echo "$out"
    [ $rc -eq 0 ] && return 0
    echo "ward policy check: exit $rc: $(one_line "$(grep -v '^fill' <<<"$out")")"
    return 1
}
