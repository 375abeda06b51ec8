# Sourced by guest-tests.sh: linux.resources limits.

# TODO(cgroup limits issue): ward refuses linux.resources.memory today. When
# limits land, replace this with memory_limit_enforced (memory.max of the
# container's cgroup equals the limit, and the container runs).
test_memory_limit() {
    name=memory_limit_refused_until_limits_implemented
    bundle memlimit '"true"' 's|"resources":{|"resources":{"memory":{"limit":67108864},|'
    ward run -b /bundles/memlimit memlimit </dev/null >/tmp/memlimit.out 2>/tmp/memlimit.err
    rc=$?
    if [ $rc -ne 1 ]; then
        not_ok $name "ward run exited $rc, want 1 (refused): $(first_line /tmp/memlimit.err)"
    elif ! grep -q 'linux.resources.memory' /tmp/memlimit.err; then
        not_ok $name "error does not name linux.resources.memory: $(first_line /tmp/memlimit.err)"
    elif [ -e $cgroot/memlimit ]; then
        not_ok $name "$cgroot/memlimit is left after the refusal"
    elif ward state memlimit >/dev/null 2>&1; then
        not_ok $name "ward state knows memlimit after the refusal"
    else
        ok $name
    fi
}

test_memory_limit
