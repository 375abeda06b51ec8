# Sourced by tests/clients/30-podman.sh: `podman run -d --sdnotify=container`
# with NOTIFY_SOCKET set, as a systemd unit of Type=notify runs it. podman
# hands the socket through conmon to the runtime, whose `start` must return
# only once the container has sent READY=1, and the host socket must get
# READY=1 then. The container sends it after 2 s with the tests' static
# checker (busybox has no unix datagram client), bound in read-only.
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
        sh -c "sleep $((podman_notify_delay_ms / 1000)); /checker notify READY=1; exec sleep 60"
    unset NOTIFY_SOCKET
    elapsed=$((($(date +%s%N) - t0) / 1000000))
    local id=$out
    sleep 0.5 # the last datagrams (MAINPID, BARRIER) follow READY
    got=$(cut -d' ' -f2- "$log" 2>/dev/null | tr '\n' ' ')
    echo "  ($label) podman run -d --sdnotify=container: exit $rc after $elapsed ms; host socket got: ${got:-nothing}"
    if [ $rc -ne 0 ]; then
        podman_verdict "$label" sdnotify-container "$(podman_outcome)"
    elif [[ "$got" != *'READY=1'* ]]; then
        podman_verdict "$label" sdnotify-container "the host socket never got READY=1 (got: ${got:-nothing})"
    elif [ "$elapsed" -lt $((podman_notify_delay_ms - 200)) ]; then
        podman_verdict "$label" sdnotify-container "podman run -d returned after $elapsed ms, before the container's READY=1"
    else
        podman_verdict "$label" sdnotify-container
    fi
    [ -n "$id" ] && pm rm -f -t 0 "$id" >/dev/null 2>&1
    kill "$listener" 2>/dev/null
    wait "$listener" 2>/dev/null
    rm -f "$sock"
}
