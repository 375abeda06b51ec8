# A private containerd for the clients lane (sourced after lib.sh).
#
# containerd 1.6 keeps a few paths it does not let a config move: the shims'
# sockets (/run/containerd/s), ctr's default FIFO dir (/run/containerd/fifo)
# and the runc shim's default --root (/run/containerd/runc). So the daemon
# runs in a private mount namespace with its own tmpfs on /run, and every
# ctr call enters that namespace: nothing it makes reaches the host's /run,
# and the containers' rootfs mounts (and the CRI plugin's netns and shm
# mounts) live and die in that namespace. Everything else (root, state,
# sockets, opt dir, config) is under $CLIENT_TMP/containerd.
#
# Two names tell this run's things apart from anyone else's: ctr puts
# containers in the containerd namespace $containerd_ns, which is also
# their cgroup parent (/<namespace>/<id>); the CRI plugin always uses the
# namespace k8s.io, and its client names the cgroup parent, so a CRI case
# sets containerd_ns=k8s.io and puts its pods under /$containerd_cgroup.
# What is this run's is found by $containerd_cgroup and by the daemon's
# socket, never by a process name.

containerd_dir=$CLIENT_TMP/containerd
containerd_sock=$containerd_dir/containerd.sock
containerd_ns=ward-clients-$$
containerd_cgroup=ward-clients-$$
containerd_pid=

# containerd_config [--cri SANDBOX_IMAGE] [SNIPPET...]: writes the private
# config.toml (config version 2, as Debian's containerd 1.6 reads it) with
# each SNIPPET's tables pasted at its end, as contrib/containerd/README.md
# says to merge one (containerd 1.6's `imports` would replace the whole CRI
# table, this config's own CRI settings with it). Without --cri the CRI
# plugin is off (ctr does not use it, and without it the daemon starts in a
# blink). Its settings are what this host needs when it is on: no
# CAP_SYS_RESOURCE, so containers' oom_score_adj may not go below
# containerd's; network namespaces mounted under the private state dir, not
# /var/run/netns; the pod sandbox's image one imported here (no registry);
# CNI plugins and network configs of this run.
containerd_config() {
    local file cri=
    if [ "${1:-}" = --cri ]; then
        cri=$2
        shift 2
    fi
    mkdir -p "$containerd_dir"
    {
        containerd_config_base "$cri"
        for file in "$@"; do
            echo
            grep -v '^version *=' "$file"
        done
    } >"$containerd_dir/config.toml"
    echo "$containerd_dir/config.toml"
}

# containerd_config_base [SANDBOX_IMAGE]: the config's own tables; the CRI
# plugin on when a sandbox image is given.
containerd_config_base() {
    local disabled='  "io.containerd.grpc.v1.cri",'
    [ -n "$1" ] && disabled=
    cat <<EOF
version = 2
root = "$containerd_dir/root"
state = "$containerd_dir/state"
plugin_dir = ""
disabled_plugins = [
$disabled
  "io.containerd.snapshotter.v1.aufs",
  "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.devmapper",
  "io.containerd.snapshotter.v1.zfs",
  "io.containerd.tracing.processor.v1.otlp",
  "io.containerd.internal.v1.tracing",
]

[grpc]
  address = "$containerd_sock"

[ttrpc]
  address = "$containerd_sock.ttrpc"

[plugins."io.containerd.internal.v1.opt"]
  path = "$containerd_dir/opt"

[plugins."io.containerd.grpc.v1.cri"]
  restrict_oom_score_adj = true
  netns_mounts_under_state_dir = true
  sandbox_image = "${1:-unused}"

[plugins."io.containerd.grpc.v1.cri".cni]
  bin_dir = "$containerd_dir/cni/bin"
  conf_dir = "$containerd_dir/cni/net.d"
EOF
}

# containerd_start [VAR=VALUE...]: starts the daemon on the config written
# above with these extra environment variables (the shims it starts, and
# the runtimes they call, inherit them); waits for its socket. Fails with
# the log's tail when it does not come up in 20 s.
containerd_start() {
    env "$@" unshare --mount --propagation private -- sh -c \
        'mount -t tmpfs -o mode=0755,size=64m ward-clients-run /run && exec containerd --config "$1"' \
        sh "$containerd_dir/config.toml" >"$containerd_dir/containerd.log" 2>&1 &
    containerd_pid=$!
    remember "$containerd_pid"
    local _
    for _ in $(seq 200); do
        if ! kill -0 "$containerd_pid" 2>/dev/null; then
            echo "containerd exited: $(tail -3 "$containerd_dir/containerd.log")"
            return 1
        fi
        ctrc version >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    echo "containerd did not answer on $containerd_sock in 20 s: $(tail -3 "$containerd_dir/containerd.log")"
    return 1
}

# ctrc ARG...: ctr against the private daemon, in its mount namespace and
# this run's containerd namespace; 60 s at most (a hung runtime fails the
# check instead of the lane).
ctrc() {
    timeout -k 5 60 nsenter --target "$containerd_pid" --mount -- \
        ctr --address "$containerd_sock" --namespace "$containerd_ns" "$@"
}

# ctrc_tty ARG...: the same through a pseudo-terminal (script(1)), for the
# flags that want the caller's stdin to be a terminal (--tty); output with
# the terminal's \r removed, and the "^@" the container's terminal echoes
# when script, at the end of its (empty) input, sends the raw terminal's
# end-of-file character, NUL.
ctrc_tty() {
    local cmd
    cmd=$(printf '%q ' nsenter --target "$containerd_pid" --mount -- \
        ctr --address "$containerd_sock" --namespace "$containerd_ns" "$@")
    timeout -k 5 60 script --quiet --return --command "$cmd" /dev/null </dev/null |
        tr -d '\r' | sed 's/\^@//g'
    return "${PIPESTATUS[0]}"
}

# containerd_image_busybox: the busybox-static OCI archive of
# scripts/busybox-oci-archive.sh (no registry): `latest` runs /bin/sh,
# `pause` sleeps as a pod sandbox's process does. Prints the archive's
# path; built once a run.
containerd_image_busybox() {
    local archive=$CLIENT_TMP/image/busybox.tar
    if [ ! -s "$archive" ]; then
        mkdir -p "$CLIENT_TMP/image"
        "$repo/scripts/busybox-oci-archive.sh" "$archive" >&2 || return 1
    fi
    echo "$archive"
}

# containerd_import_busybox NAME: that archive imported (into
# $containerd_ns) as images NAME:latest and NAME:pause.
containerd_import_busybox() {
    local archive
    archive=$(containerd_image_busybox) &&
        ctrc images import --base-name "$1" "$archive" >/dev/null
}

# containerd_up CHECK [ENV=VALUE...]: the daemon started (ENV passed to
# it, as containerd_start takes them) and the busybox image imported, or a
# FAIL line named CHECK-start / CHECK-image with why (logs under $logs).
containerd_up() {
    local check=$1
    shift
    if ! containerd_start "$@" >"$logs/containerd-start.out"; then
        not_ok "$check-start" "$(tr '\n' ' ' <"$logs/containerd-start.out")"
        return 1
    fi
    if ! containerd_import_busybox ward.test/busybox >"$logs/import.log" 2>&1; then
        not_ok "$check-image" "ctr images import: $(tail -3 "$logs/import.log" | tr '\n' ' ')"
        return 1
    fi
}

# The bundle containerd wrote for container ID (config.json, rootfs, the
# shim's pid files), under the private state dir.
containerd_bundle() { echo "$containerd_dir/state/io.containerd.runtime.v2.task/$containerd_ns/$1"; }

# containerd_leftovers: after every container was deleted, what this run
# left: tasks, containers, mounts in the daemon's namespace, runtime state
# under /run/containerd/* (runc's default root, a handler's Root such as
# /run/containerd/ward), cgroups below this run's parent, this daemon's
# shims. One line each; nothing printed when clean.
# (ROOT/@seccomp is ward's compiled-profile cache, kept on purpose.)
containerd_leftovers() {
    local left
    left=$(ctrc tasks list --quiet 2>&1) && [ -n "$left" ] && echo "tasks left: $left"
    left=$(ctrc containers list --quiet 2>&1) && [ -n "$left" ] && echo "containers left: $left"
    left=$(grep -F " $containerd_dir/" "/proc/$containerd_pid/mountinfo" | cut -d' ' -f5)
    [ -n "$left" ] && echo "mounts left: $left"
    left=$(nsenter --target "$containerd_pid" --mount -- \
        find /run/containerd/runc /run/containerd/ward /run/containerd/crun \
            -mindepth 2 -maxdepth 2 ! -name @seccomp 2>/dev/null)
    [ -n "$left" ] && echo "runtime state left: $left"
    left=$(find /sys/fs/cgroup -mindepth 3 -maxdepth 5 -path "*/$containerd_cgroup/*" -type d 2>/dev/null)
    [ -n "$left" ] && echo "cgroups left: $left"
    left=$(containerd_shims)
    [ -n "$left" ] && echo "shims left: $left"
    return 0
}

# The pids of the shims this daemon started: their command line names its
# socket (-address), which no other daemon has. (grep -z reads each
# argument as a line: one grep over every process, then a closer look at
# the few that have the socket as an argument.)
containerd_shims() {
    local file args
    for file in $(grep -lxzF -- "$containerd_sock" /proc/[0-9]*/cmdline 2>/dev/null); do
        args=$(tr '\0' ' ' <"$file" 2>/dev/null)
        [[ " $args" == *" -address $containerd_sock "* ]] && echo "${file//[!0-9]/}"
    done
}

# containerd_stop: force-deletes whatever ctr still sees (so the shims exit
# and the mount namespace goes with the daemon), ends the shims and
# container processes still there by pid, removes this run's cgroup
# parents (runc, crun and ward create a missing parent and leave it, as
# they do for any parent they create), and stops the daemon by its pid.
containerd_stop() {
    [ -n "$containerd_pid" ] || return 0
    local id bundle pid
    if kill -0 "$containerd_pid" 2>/dev/null; then
        for id in $(ctrc containers list --quiet 2>/dev/null); do
            ctrc tasks kill --signal SIGKILL "$id" >/dev/null 2>&1
            ctrc tasks delete --force "$id" >/dev/null 2>&1
            ctrc containers delete "$id" >/dev/null 2>&1
        done
    fi
    # A pid file can outlive its process: only a process that still is in
    # this run's cgroups is ended.
    for bundle in "$containerd_dir"/state/io.containerd.runtime.v2.task/*/*; do
        for pid in $(cat "$bundle/init.pid" 2>/dev/null); do
            grep -q "/$containerd_cgroup/" "/proc/$pid/cgroup" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
        done
    done
    for pid in $(containerd_shims); do kill -KILL "$pid" 2>/dev/null; done
    find /sys/fs/cgroup -mindepth 2 -maxdepth 5 -depth -type d \
        \( -name "$containerd_cgroup" -o -path "*/$containerd_cgroup/*" \) -exec rmdir {} + 2>/dev/null
    kill -TERM "$containerd_pid" 2>/dev/null
    for _ in $(seq 50); do kill -0 "$containerd_pid" 2>/dev/null || break; sleep 0.1; done
    containerd_pid=
}
trap 'containerd_stop; cleanup_clients' EXIT
