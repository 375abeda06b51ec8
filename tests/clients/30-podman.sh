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
podman_tools=$repo/tests/clients/podman
. "$podman_tools/env.sh"
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
