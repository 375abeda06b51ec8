# The Docker smoke checks (sourced after daemons.sh). docker_smoke RUNTIME
# runs each with `docker --runtime RUNTIME` and reports it for ward as
# ok/FAIL, for runc and crun as compare lines.

# docker_verdict RUNTIME NAME WHY: WHY empty means the check passed.
docker_verdict() {
    local runtime=$1 name=docker-$2 why=$3
    if [ "$runtime" = ward ]; then
        if [ -z "$why" ]; then ok "$name"; else not_ok "$name" "$why"; fi
    elif [ -z "$why" ]; then
        compare "$runtime" "$name" ok
    else
        compare "$runtime" "$name" "FAIL: $why"
    fi
}

# docker_expect_exit CODE [STDOUT]: why the last dk_capture is not a run
# that exited CODE (printing STDOUT when given); empty when it is.
docker_expect_exit() {
    if [ "$rc" -ne "$1" ]; then
        echo "exit $rc, want $1: $(dk_said)"
    elif [ $# -gt 1 ] && [ "$out" != "$2" ]; then
        echo "printed \"$out\", want \"$2\""
    fi
}

# docker_wait_logs ID TEXT: waits up to 5 s until the container's log holds
# a line TEXT (docker writes the log while the container runs).
docker_wait_logs() {
    local _
    for _ in $(seq 50); do
        dk logs "$1" 2>&1 | grep -qx "$2" && return 0
        sleep 0.1
    done
    return 1
}

# The detached container: a shell that says it started, and on SIGTERM
# says so and exits 7, so `docker stop` shows whether SIGTERM reached it
# (a process that ignores it is SIGKILLed after -t: 137).
docker_sleeper='trap "echo got-term; exit 7" TERM; echo started; while :; do sleep 0.1; done'

# docker_detached RUNTIME: run -d, exec, logs, stop, rm on one container.
docker_detached() {
    local rt=$1 id why check
    dk_capture run --detach --runtime "$rt" "$docker_image" sh -c "$docker_sleeper"
    id=$out
    why=$(docker_expect_exit 0)
    if [ -z "$why" ] && [ "$(dk inspect --format '{{.State.Running}}' "$id" 2>&1)" != true ]; then
        why="not running after run -d: $(dk inspect --format '{{.State.Status}} {{.State.Error}}' "$id" 2>&1)"
    fi
    docker_verdict "$rt" run-detached "$why"
    if [ -n "$why" ]; then
        [ -n "$id" ] && dk rm --force "$id" >/dev/null 2>&1
        for check in exec logs stop-sigterm rm; do
            docker_verdict "$rt" "$check" "no container: run -d failed"
        done
        return
    fi

    dk_capture exec "$id" sh -c 'echo exec-out; exit 5'
    docker_verdict "$rt" exec "$(docker_expect_exit 5 exec-out)"

    why=
    docker_wait_logs "$id" started || why="log lacks \"started\": $(dk logs "$id" 2>&1 | head -3)"
    docker_verdict "$rt" logs "$why"

    dk_capture stop --time 10 "$id"
    why=$(docker_expect_exit 0)
    local code
    code=$(dk inspect --format '{{.State.ExitCode}}' "$id" 2>&1)
    if [ -z "$why" ] && [ "$code" != 7 ]; then
        why="exit code $code after stop, want 7 (the TERM trap's)"
    elif [ -z "$why" ] && ! docker_wait_logs "$id" got-term; then
        why="log lacks \"got-term\": $(dk logs "$id" 2>&1 | tr '\n' ' ')"
    fi
    docker_verdict "$rt" stop-sigterm "$why"

    dk_capture rm "$id"
    why=$(docker_expect_exit 0)
    if [ -z "$why" ]; then
        dk inspect "$id" >/dev/null 2>&1 && why="docker inspect still finds it"
        [ -e "$docker_exec/runtime-$rt/moby/$id" ] && why="runtime state left: $docker_exec/runtime-$rt/moby/$id"
        [ -e "$(docker_bundle "$id")" ] && why="task bundle left: $(docker_bundle "$id")"
        local cgroups
        cgroups=$(docker_cgroups_of "$id")
        [ -n "$cgroups" ] && why="cgroups left: $(echo "$cgroups" | tr '\n' ' ')"
    fi
    docker_verdict "$rt" rm "$why"
}

# docker_smoke RUNTIME: every smoke check with --runtime RUNTIME.
docker_smoke() {
    local rt=$1

    dk_capture run --rm --runtime "$rt" "$docker_image" true
    docker_verdict "$rt" run-exit-0 "$(docker_expect_exit 0)"

    dk_capture run --rm --runtime "$rt" "$docker_image" sh -c 'echo out; exit 3'
    docker_verdict "$rt" run-exit-status "$(docker_expect_exit 3 out)"

    # With its own network namespace (rather than none at all, the default
    # under --bridge=none), a container carries Docker's libnetwork
    # prestart hook, as every container of a stock Docker does.
    dk_capture run --rm --network none --runtime "$rt" "$docker_image" true
    docker_verdict "$rt" network-hook "$(docker_expect_exit 0)"

    docker_detached "$rt"

    # What a user sees for a command that is not there: Docker answers 127
    # when the runtime's error says so the way runc does.
    local why
    dk_capture run --rm --runtime "$rt" "$docker_image" /nonexistent
    why=$(docker_expect_exit 127)
    if [ -z "$why" ] && ! printf '%s' "$err" | grep -q '/nonexistent.*no such file or directory'; then
        why="error does not name the missing file: $(dk_said)"
    fi
    docker_verdict "$rt" missing-command "$why"
}
