# podman 4.3 from Debian with ward as its OCI runtime, rootful, exactly as a
# user runs it: `podman --runtime <ward wrapper>` (ward under the shipped
# baseline policy) and the contrib/podman/containers.conf way (`--runtime
# ward`, the policy through WARD_POLICY in conmon's environment). Every smoke
# check runs under ward (ok/FAIL) and the same under runc and crun (compare
# lines, not counted).
#
# Everything podman keeps lives under $CLIENT_TMP: storage (vfs, so nothing
# is mounted for it), run root, tmp dir, file locks (podman's default shm
# lock would be /dev/shm/libpod_lock), events, CNI config dir, each runtime's
# state dir (podman passes its --runtime-flag to create but not to delete, so
# the wrappers carry --root), and a cgroup parent of this run's own (podman's
# cgroupfs manager would use /libpod_parent), removed at the end. Containers
# get no network (no netavark or CNI setup on the host); nothing reaches a
# registry: the image is imported from a tar of busybox-static.
podman_dir=$CLIENT_TMP/podman
podman_image=localhost/ward-clients/busybox:latest
podman_cgroup_parent=/${CLIENT_TMP##*/}-podman
podman_tools=$repo/tests/clients/podman

# Every podman call of this case goes to the private roots: the environment
# makes a stray call private too (podman without it would create
# /var/lib/containers/storage, /run/libpod and /dev/shm/libpod_lock).
export CONTAINERS_CONF=$podman_dir/containers.conf
export CONTAINERS_STORAGE_CONF=$podman_dir/storage.conf
export CONTAINERS_REGISTRIES_CONF=$podman_dir/registries.conf
# (podman's scratch files would go to /var/tmp)
export TMPDIR=$podman_dir/tmp
mkdir -p "$TMPDIR"
podman_flags=(--root "$podman_dir/root" --runroot "$podman_dir/runroot" --tmpdir "$podman_dir/tmp"
    --storage-driver vfs --cgroup-manager cgroupfs --events-backend file)
pm() { podman "${podman_flags[@]}" "$@"; }

# pm_capture SECONDS ARGS...: pm ARGS with a time limit; sets $out, $err
# (stderr) and $rc.
pm_capture() {
    local limit=$1
    shift
    out=$(timeout -k 5 "$limit" podman "${podman_flags[@]}" "$@" 2>"$podman_dir/stderr")
    rc=$?
    err=$(cat "$podman_dir/stderr")
}

# The first lines of what podman printed on stderr, on one line: what a user
# saw when a check failed.
podman_said() {
    printf '%s' "$err" | grep -v '^\s*$' | head -3 | tr '\n' ' ' | cut -c1-500
}

. "$podman_tools/setup.sh"
. "$podman_tools/smoke.sh"
. "$podman_tools/sdnotify.sh"

if ! install podman conmon crun runc python3 busybox-static; then
    skip podman "apt-get install podman failed: $(tail -1 "$CLIENT_TMP/apt.log")"
    return 0
fi
podman_started=$(date +%s%N)
trap 'podman_teardown; cleanup_clients' EXIT
podman_setup || return 0

podman_smoke ward "$podman_ward"
podman_check_refusal_error "$podman_ward"
podman_smoke runc "$podman_dir/bin/runc"
podman_smoke crun "$podman_dir/bin/crun"
podman_contrib_way
podman_default_config
echo "podman case time: $((($(date +%s%N) - podman_started) / 1000000)) ms"
