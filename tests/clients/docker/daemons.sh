# A private Docker 20.10 for the clients lane (sourced after lib.sh): its own
# containerd and dockerd, both in one private mount namespace with a tmpfs
# on /run, everything else under $CLIENT_TMP/docker.
#
# Neither daemon lets a flag move every path it uses: containerd 1.6 puts
# the shims' sockets in /run/containerd/s, dockerd 20.10 makes
# /run/docker/plugins and, unless told otherwise in daemon.json, its trust
# key /etc/docker/key.json. The private /run takes the first two (the
# containers' rootfs and netns mounts live and die in that namespace too);
# daemon.json's deprecated-key-path takes the key. The system's
# docker.service and /etc/docker are never used.
#
# dockerd: --bridge=none --iptables=false --ip6tables=false (no bridge, no
# NAT rules; a default container gets a network namespace with only
# loopback), the cgroupfs driver with a cgroup parent of this run's own
# (removed at the end), and --oom-score-adjust 0 (dockerd's default, -500,
# needs CAP_SYS_RESOURCE, which this host lacks). containerd's CRI plugin,
# which Docker does not use, is off.

docker_dir=$CLIENT_TMP/docker
docker_data=$docker_dir/data
docker_exec=$docker_dir/exec
docker_sock=$docker_dir/docker.sock
docker_ctd=$docker_dir/containerd
docker_ctd_sock=$docker_ctd/containerd.sock
docker_cgroup_parent=${CLIENT_TMP##*/}-docker
docker_tools=$repo/tests/clients/docker
# Debian's client: another docker CLI may come first in PATH.
docker_cli=/usr/bin/docker
docker_ctd_pid=
docker_pid=

# docker_install: Debian's docker.io (20.10, with containerd and runc) and
# the tools the case uses. Its postinst starts the system's docker service
# unless policy-rc.d denies it (exit 101), so without that guard docker.io
# is not installed here: the caller skips with the reason printed.
docker_install() {
    local tools=(docker.io containerd runc crun umoci skopeo busybox-static python3 iproute2)
    if ! dpkg-query -W -f='${Status}' docker.io 2>/dev/null | grep -q "install ok installed"; then
        /usr/sbin/policy-rc.d docker start >/dev/null 2>&1
        if [ $? -ne 101 ]; then
            echo "docker.io is not installed, and installing it would start the system's docker" \
                "service (no /usr/sbin/policy-rc.d denying starts with exit 101)"
            return 1
        fi
    fi
    install "${tools[@]}" || {
        echo "apt-get install ${tools[*]} failed: $(tail -1 "$CLIENT_TMP/apt.log")"
        return 1
    }
}

# dk ARG...: the docker client on this run's daemon (its client config
# under $CLIENT_TMP, not ~/.docker); 120 s at most, so a hung runtime fails
# a check instead of the lane.
dk() {
    DOCKER_HOST=unix://$docker_sock DOCKER_CONFIG=$docker_dir/client \
        timeout -k 5 120 "$docker_cli" "$@"
}

# dk_capture ARG...: dk ARG...; sets $out (stdout), $err (stderr), $rc.
dk_capture() {
    out=$(dk "$@" 2>"$docker_dir/stderr")
    rc=$?
    err=$(cat "$docker_dir/stderr")
}

# What docker printed on stderr, on one line: what a user saw.
dk_said() {
    printf '%s' "$err" | grep -v '^\s*$' | head -4 | tr '\n' ' ' | cut -c1-600
}

# docker_daemon_json OUT RUNTIME=PATH...: dockerd's config: the runtime
# entry of contrib/docker/daemon.json as shipped (renamed ward-contrib, its
# paths this checkout's), one runtime per RUNTIME=PATH, and the trust key
# under $CLIENT_TMP.
docker_daemon_json() {
    local out=$1
    shift
    python3 "$docker_tools/daemon-json.py" "$repo/contrib/docker/daemon.json" \
        --path /usr/local/sbin/ward="$ward" \
        --path /usr/share/ward/policies/baseline.json="$(policy_file baseline)" \
        --key "$docker_dir/key.json" "$@" >"$out"
}

# docker_wait WHAT PID TEST...: waits up to 30 s until TEST succeeds; fails
# with the log's tail when PID exits or time runs out.
docker_wait() {
    local what=$1 pid=$2 log=$docker_dir/$1.log _
    shift 2
    for _ in $(seq 300); do
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "$what exited: $(tail -3 "$log" | tr '\n' ' ')"
            return 1
        fi
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    echo "$what did not answer in 30 s: $(tail -3 "$log" | tr '\n' ' ')"
    return 1
}

# docker_start DAEMON_JSON: containerd (in a new mount namespace with its
# own /run), then dockerd in the same namespace; both remembered by pid.
docker_start() {
    local config=$1
    mkdir -p "$docker_ctd" "$docker_dir/client"
    touch "$docker_dir/started"
    cat >"$docker_ctd/config.toml" <<EOF
version = 2
root = "$docker_ctd/root"
state = "$docker_ctd/state"
plugin_dir = ""
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.aufs",
                    "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.devmapper",
                    "io.containerd.snapshotter.v1.zfs"]
[grpc]
  address = "$docker_ctd_sock"
[ttrpc]
  address = "$docker_ctd_sock.ttrpc"
[plugins."io.containerd.internal.v1.opt"]
  path = "$docker_ctd/opt"
EOF
    unshare --mount --propagation private -- sh -c \
        'mount -t tmpfs -o mode=0755,size=64m ward-clients-docker-run /run && exec containerd --config "$1"' \
        sh "$docker_ctd/config.toml" >"$docker_dir/containerd.log" 2>&1 &
    docker_ctd_pid=$!
    remember "$docker_ctd_pid"
    docker_wait containerd "$docker_ctd_pid" ctr --address "$docker_ctd_sock" version || return 1

    nsenter --target "$docker_ctd_pid" --mount -- dockerd \
        --config-file "$config" \
        --data-root "$docker_data" --exec-root "$docker_exec" \
        --pidfile "$docker_dir/dockerd.pid" -H "unix://$docker_sock" \
        --containerd "$docker_ctd_sock" \
        --bridge=none --iptables=false --ip6tables=false \
        --exec-opt native.cgroupdriver=cgroupfs --cgroup-parent "/$docker_cgroup_parent" \
        --oom-score-adjust 0 >"$docker_dir/dockerd.log" 2>&1 &
    docker_pid=$!
    remember "$docker_pid"
    docker_wait dockerd "$docker_pid" dk version
}

# docker_load_busybox NAME:TAG: an image of busybox-static built here with
# umoci (no registry), converted by skopeo to the docker-archive format
# Docker 20.10 loads.
docker_load_busybox() {
    local ref=$1 layout=$docker_dir/image/layout
    mkdir -p "$docker_dir/image"
    "$repo/scripts/busybox-image.sh" "$layout:latest" >/dev/null &&
        umoci config --image "$layout:latest" --config.cmd sh >/dev/null &&
        skopeo copy --quiet "oci:$layout:latest" "docker-archive:$docker_dir/image/busybox.tar:$ref" &&
        dk load --quiet --input "$docker_dir/image/busybox.tar" >/dev/null
}

# The bundle containerd's shim made for container ID (config.json, pid
# files): the config Docker generated, as the runtime got it.
docker_bundle() { echo "$docker_ctd/state/io.containerd.runtime.v2.task/moby/$1"; }

# docker_cgroups_of ID: the cgroup directories named after container ID
# under this run's parent, in every hierarchy.
docker_cgroups_of() {
    find /sys/fs/cgroup -mindepth 2 -maxdepth 3 -path "*/$docker_cgroup_parent/$1" -type d 2>/dev/null
}

# docker_leftovers: after every container was removed and before the
# daemons stop, what this run left: containers, mounts in the daemons'
# namespace, runtime state, tasks' bundles, cgroups below this run's
# parent, Docker's network interfaces, what Docker would write to the host's
# /etc/docker, /var/lib/docker, /var/lib/containerd. One line each; nothing
# printed when clean.
docker_leftovers() {
    local left
    if [ -z "$docker_pid" ] || ! kill -0 "$docker_pid" 2>/dev/null; then
        echo "dockerd (pid ${docker_pid:-unknown}) is not running: cannot look"
        return 0
    fi
    left=$(dk ps --all --quiet 2>&1) && [ -n "$left" ] && echo "containers left: $left"
    left=$(grep -F -e " $docker_data/" -e " $docker_exec/" "/proc/$docker_pid/mountinfo" | cut -d' ' -f5)
    [ -n "$left" ] && echo "mounts left: $left"
    # (ROOT/@seccomp is ward's compiled-profile cache, kept on purpose)
    left=$(find "$docker_exec" -mindepth 3 -maxdepth 3 -path "*/runtime-*/moby/*" ! -name @seccomp 2>/dev/null)
    [ -n "$left" ] && echo "runtime state left: $left"
    left=$(find "$docker_ctd/state/io.containerd.runtime.v2.task" -mindepth 2 -maxdepth 2 2>/dev/null)
    [ -n "$left" ] && echo "task bundles left: $left"
    left=$(find /sys/fs/cgroup -mindepth 3 -maxdepth 3 -path "*/$docker_cgroup_parent/*" -type d 2>/dev/null)
    [ -n "$left" ] && echo "cgroups left: $left"
    left=$(ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | grep -E '^(docker0|br-)' | tr '\n' ' ')
    [ -n "$left" ] && echo "interfaces left: $left"
    left=$(find /etc/docker /var/lib/docker /var/lib/containerd -newer "$docker_dir/started" \
        2>/dev/null | tr '\n' ' ')
    [ -n "$left" ] && echo "files left on the host: $left"
    return 0
}

# docker_stop: removes whatever containers are left (so their shims exit),
# stops dockerd then containerd by their pids, ends shims still alive by the
# pids they recorded (only while they still are this run's shims; each one
# is printed: it should have exited with its container), and
# removes this run's cgroup parents (runc, crun and ward create the parent
# Docker names and leave it, as for any parent they create). Safe to call
# twice.
docker_stop() {
    local ids bundle pid
    if [ -n "$docker_pid" ] && kill -0 "$docker_pid" 2>/dev/null; then
        read -ra ids <<<"$(dk ps --all --quiet 2>/dev/null | tr '\n' ' ')"
        [ ${#ids[@]} -gt 0 ] && dk rm --force "${ids[@]}" >/dev/null 2>&1
    fi
    for pid in $docker_pid $docker_ctd_pid; do
        kill -TERM "$pid" 2>/dev/null
        for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    done
    for bundle in "$docker_ctd"/state/io.containerd.runtime.v2.task/moby/*; do
        pid=$(cat "$bundle/shim.pid" 2>/dev/null) || continue
        if tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "-address $docker_ctd_sock"; then
            echo "shim left running: ${bundle##*/} (pid $pid, killed)"
            kill -KILL "$pid"
        fi
    done
    find /sys/fs/cgroup -mindepth 2 -maxdepth 2 -name "$docker_cgroup_parent" -type d \
        -exec rmdir {} + 2>/dev/null
    docker_pid='' docker_ctd_pid=''
}
