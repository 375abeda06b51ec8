# Sourced by tests/clients/30-podman.sh: `podman run -d --sdnotify=container`
# with NOTIFY_SOCKET set, as a systemd unit of Type=notify runs it. podman
# 4.3 sends MAINPID=<conmon> itself, gives conmon --sdnotify-socket (conmon
# puts a proxy socket in the runtime's environment for `create`) and runs
# `start` without NOTIFY_SOCKET, so `podman run -d` returns at once under
# runc and crun too; the runtime's part is the passthrough: the container
# must find NOTIFY_SOCKET=/run/notify/notify.sock, and its READY=1, sent
# after 2 s with the tests' static checker (busybox has no unix datagram
# client; bound in read-only), must reach the host socket through conmon.
podman_notify_delay_ms=2000

podman_check_sdnotify() {
    local label=$1 runtime=$2 sock=$podman_dir/notify-$1.sock log=$podman_dir/notify-$1.log
    local checker=${CHECKER:-$repo/build/checker} listener t0 elapsed got
    rm -f "$sock" "$log"
    python3 "$podman_tools/notify-listen.py" "$sock" "$log" 90 &
    listener=$!
    for _ in $(seq 50); do
        [ -S "$sock" ] && break
        sleep 0.1
    done
    t0=$(date +%s%N)
    export NOTIFY_SOCKET=$sock
    prun 60 "$runtime" -d --sdnotify=container -v "$checker:/checker:ro" "$podman_image" \
        sh -c "echo NOTIFY_SOCKET=\$NOTIFY_SOCKET; sleep $((podman_notify_delay_ms / 1000)); /checker notify READY=1; exec sleep 60"
    unset NOTIFY_SOCKET
    elapsed=$((($(date +%s%N) - t0) / 1000000))
    local id=$out ready_ms=""
    for _ in $(seq 100); do
        ready_ms=$(awk '/READY=1/ {print $1; exit}' "$log" 2>/dev/null)
        [ -n "$ready_ms" ] && break
        sleep 0.1
    done
    got=$(cut -d' ' -f2- "$log" 2>/dev/null | tr '\n' ' ')
    local env_line=""
    [ $rc -eq 0 ] && env_line=$(pm logs "$id" 2>/dev/null | head -1)
    echo "  ($label) podman run -d --sdnotify=container: exit $rc after $elapsed ms; container env: ${env_line:-?}; host socket got: ${got:-nothing} (READY at ${ready_ms:-never} ms)"
    if [ $rc -ne 0 ]; then
        podman_verdict "$label" sdnotify-container "$(podman_outcome)"
    elif [ "$env_line" != "NOTIFY_SOCKET=/run/notify/notify.sock" ]; then
        podman_verdict "$label" sdnotify-container "the container's NOTIFY_SOCKET is \"$env_line\", not /run/notify/notify.sock"
    elif [ -z "$ready_ms" ]; then
        podman_verdict "$label" sdnotify-container "the host socket never got READY=1 (got: ${got:-nothing})"
    elif [ "$ready_ms" -lt $((podman_notify_delay_ms - 200)) ]; then
        podman_verdict "$label" sdnotify-container "READY=1 at $ready_ms ms, before the container sent it"
    else
        podman_verdict "$label" sdnotify-container
    fi
    [ -n "$id" ] && pm rm -f -t 0 "$id" >/dev/null 2>&1
    kill "$listener" 2>/dev/null
    wait "$listener" 2>/dev/null
    rm -f "$sock"
}
