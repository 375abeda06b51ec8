# Shared by tests/clients/NN-*.sh (sourced by run.sh, bash). Everything a
# case starts lives under $CLIENT_TMP (removed at exit, unless something is
# still mounted there) and is stopped by the pid it started.
set -u
repo=$WARD_REPO
ward=$repo/build/ward
CLIENT_TMP=$(mktemp -d /tmp/ward-clients.XXXXXX)
started_pids=()

ok() { echo "ok $1"; }
not_ok() { echo "FAIL $1: $2"; }
skip() { echo "skip $1: $2"; }
compare() { echo "compare $1 $2: $3"; }

# install PACKAGE...: Debian packages a case needs, installed once, quietly.
# Returns non-zero (the caller skips with the reason) when apt cannot; waits
# up to 5 min for another apt-get (other test runs on the machine) to finish.
install() {
    local missing=() p
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
            missing+=("$p")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq \
        --no-install-recommends "${missing[@]}" >"$CLIENT_TMP/apt.log" 2>&1
}

# remember PID: a daemon this case started; killed by that pid at exit.
remember() { started_pids+=("$1"); }

# A policy for the clients: contrib/policies/NAME.json as shipped.
policy_file() { echo "$repo/contrib/policies/$1.json"; }

# A ward wrapper the engines call as their runtime binary: the real ward
# with the given global flags first (engines pass only runc's flags).
# Prints its path.
ward_wrapper() {
    local name=$1
    shift
    local path=$CLIENT_TMP/bin/$name
    mkdir -p "$CLIENT_TMP/bin"
    {
        echo '#!/bin/sh'
        printf 'exec %q' "$ward"
        printf ' %q' "$@"
        echo ' "$@"'
    } >"$path"
    chmod 0755 "$path"
    echo "$path"
}

# crun refuses this host's hybrid cgroup layout unless the cgroup2 mount is
# hidden from it (bench/start.sh does the same): a wrapper that runs it in a
# private mount namespace without /sys/fs/cgroup/unified.
crun_wrapper() {
    local path=$CLIENT_TMP/bin/crun
    mkdir -p "$CLIENT_TMP/bin"
    cat >"$path" <<'SH'
#!/bin/sh
exec unshare -m --propagation private sh -c 'umount /sys/fs/cgroup/unified 2>/dev/null; exec crun "$@"' crun "$@"
SH
    chmod 0755 "$path"
    echo "$path"
}

cleanup_clients() {
    local pid
    for pid in "${started_pids[@]}"; do
        kill -TERM "$pid" 2>/dev/null
    done
    for pid in "${started_pids[@]}"; do
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null
    done
    if grep -q " $CLIENT_TMP" /proc/self/mountinfo; then
        echo "FAIL cleanup: mounts left under $CLIENT_TMP:"
        grep " $CLIENT_TMP" /proc/self/mountinfo | sed 's/^/  /'
    else
        rm -rf "$CLIENT_TMP"
    fi
}
trap cleanup_clients EXIT
