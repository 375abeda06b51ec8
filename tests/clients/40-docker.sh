# Docker 20.10 (Debian's docker.io) with ward registered as a runtime, on a
# private dockerd and containerd (tests/clients/docker/daemons.sh). Each
# smoke check runs for ward (ok/FAIL; a runtime entry whose path is a ward
# wrapper with --policy baseline) and the same for runc and crun (compare
# lines). Then the entry of contrib/docker/daemon.json as shipped (ward with
# runtimeArgs). The configs Docker generates are compared with
# tests/data/clients/docker-*.json (CLIENTS_CAPTURE=1 rewrites them).
. "$repo/tests/clients/docker/daemons.sh"
. "$repo/tests/clients/docker/smoke.sh"
. "$repo/tests/clients/docker/capture.sh"

docker_started=$(date +%s)
if ! reason=$(docker_install); then
    skip docker "$reason"
    return 0
fi
docker_image=ward-clients/busybox:latest
baseline=$(policy_file baseline)
mkdir -p "$docker_dir"
docker_daemon_json "$docker_dir/daemon.json" \
    "ward=$(ward_wrapper ward --policy "$baseline")" "crun=$(crun_wrapper)" || {
    not_ok docker-config "cannot write daemon.json from contrib/docker/daemon.json"
    return 0
}
trap 'docker_stop; cleanup_clients' EXIT
# Not in a $(...) subshell: the daemons' pids must reach this shell.
if ! docker_start "$docker_dir/daemon.json" >"$docker_dir/start.out"; then
    not_ok docker-start "$(cat "$docker_dir/start.out")"
    return 0
fi
if ! docker_load_busybox "$docker_image" >"$docker_dir/load.log" 2>&1; then
    not_ok docker-image "loading busybox: $(tail -3 "$docker_dir/load.log" | tr '\n' ' ')"
    return 0
fi

docker_smoke ward
docker_smoke runc
docker_smoke crun

# contrib/docker/daemon.json: Docker 20.10 turns runtimeArgs into a script
# <data-root>/runtimes/NAME running `PATH ARGS... $@`, so they reach ward as
# global flags before the verb. What that script runs is what dockerd runs.
runtime_script=$docker_data/runtimes/ward-contrib
policy_out=$("$runtime_script" policy show 2>"$docker_dir/policy.err")
why=
if ! printf '%s' "$policy_out" | grep -q '^  "name": "baseline",$'; then
    why="$runtime_script policy show does not print baseline: $(head -3 "$docker_dir/policy.err" "$runtime_script" | tr '\n' ' ')"
elif ! grep -qF "from --policy $baseline" "$docker_dir/policy.err"; then
    why="ward did not get --policy $baseline: $(head -3 "$docker_dir/policy.err" | tr '\n' ' ')"
fi
docker_verdict ward contrib-runtime-args "$why"
dk_capture run --rm --runtime ward-contrib "$docker_image" sh -c 'echo out; exit 3'
docker_verdict ward contrib-run-exit-status "$(docker_expect_exit 3 out)"

docker_capture_config docker-default
docker_capture_config docker-network-none --network none

why=$(docker_leftovers) || why="the leftovers check itself failed (exit $?)"
docker_stop >"$docker_dir/stop.out"
why=$(printf '%s\n%s' "$why" "$(cat "$docker_dir/stop.out")" | grep . | tr '\n' ' ')
docker_verdict ward cleanup "$why"
echo "note: docker case took $(($(date +%s) - docker_started)) s"
