# Sourced by the side-by-side benches (start.sh, verbs.sh) from the
# repository's top: bench_tools installs what is missing of the tools named,
# and wrap / wrap_keep print a runtime's command line behind the same
# unshare wrapper. crun refuses this host's hybrid cgroup layout unless the
# cgroup2 mount is hidden from it (wrap); ward needs the mount, so it gets
# the same wrapper with a no-op in place of the umount (wrap_keep), and
# every runtime pays the same cost for it.
bench_tools() {
    for spec in "$@"; do # TOOL, or TOOL:PACKAGE where they differ
        command -v "${spec%%:*}" >/dev/null || {
            echo "bench: installing ${spec#*:}"
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${spec#*:}" >/dev/null
        }
    done
}
wrap() { echo "unshare -m --propagation private sh -c 'umount /sys/fs/cgroup/unified 2>/dev/null; exec \"\$0\" \"\$@\"' $*"; }
wrap_keep() { echo "unshare -m --propagation private sh -c ': /sys/fs/cgroup/unified; exec \"\$0\" \"\$@\"' $*"; }
