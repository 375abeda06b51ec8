# containerd 1.6's CRI plugin driven as kubelet drives it: a small CRI client
# (tests/clients/cri/cri.py, Python with Debian's grpcio) sends kubelet's
# requests for pods and their containers over the CRI socket of a private
# containerd, whose config holds contrib/containerd/config.toml as shipped
# (the runtime handler "ward" and runc's) plus a handler "crun". Each check
# runs for ward (ok/FAIL, the policy chosen by WARD_POLICY in the daemon's
# environment as contrib/containerd/README.md says) and for runc and crun
# (compare lines). WARD_CRI_POLICY=compat runs ward under compat instead,
# which the checks of what baseline refuses or fills must then fail.
. "$repo/tests/clients/containerd.sh"

packages=(containerd runc crun umoci busybox-static containernetworking-plugins
    python3-grpcio python3-protobuf protobuf-compiler)
if ! install "${packages[@]}"; then
    skip cri "apt-get install ${packages[*]} failed: $(tail -1 "$CLIENT_TMP/apt.log")"
    exit 0
fi

# The CRI plugin works in containerd's namespace k8s.io only; the pods'
# cgroup parent is this run's.
containerd_ns=k8s.io
image=ward.test/busybox:latest
logs=$CLIENT_TMP/logs
cri_state=$CLIENT_TMP/cri
mkdir -p "$logs" "$cri_state"
policy_name=${WARD_CRI_POLICY:-baseline}
policy=$(policy_file "$policy_name")
crun_bin=$(crun_wrapper)
network=ward-cri-$$

# cri ARG...: the CRI client against the private daemon (Debian's python3:
# the one with python3-grpcio; 60 s at most per call).
cri() {
    timeout -k 5 60 /usr/bin/python3 "$repo/tests/clients/cri/cri.py" \
        "$containerd_sock" "$cri_state" "$@"
}

# The handlers: contrib/containerd/config.toml as shipped but for ward's
# path (this build's), and crun through the lane's wrapper with a Root of
# its own. The Roots are on the daemon's private /run.
mkdir -p "$containerd_dir"
sed "s|\"/usr/local/sbin/ward\"|\"$ward\"|" "$repo/contrib/containerd/config.toml" \
    >"$containerd_dir/ward.toml"
cat >"$containerd_dir/crun.toml" <<EOF
[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.crun]
  runtime_type = "io.containerd.runc.v2"
  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.crun.options]
    BinaryName = "$crun_bin"
    Root = "/run/containerd/crun"
EOF
containerd_config --cri ward.test/busybox:pause "$containerd_dir/ward.toml" \
    "$containerd_dir/crun.toml" >/dev/null

# CNI: a pod's network is the project's cni-eth0 (an eth0 with an address
# inside the pod's namespace, nothing on the host) plus the loopback the CRI
# plugin adds itself. The plugin directory of this run links both, so no
# file goes under /usr/lib/cni. libcni caches each result under
# /var/lib/cni (a path it does not let a caller move): what this run
# leaves there is removed at exit, the directories too when this run made
# them.
mkdir -p "$containerd_dir/cni/bin" "$containerd_dir/cni/net.d"
ln -s /usr/lib/cni/loopback "$containerd_dir/cni/bin/loopback"
ln -s "$repo/tests/clients/cri/cni-eth0" "$containerd_dir/cni/bin/cni-eth0"
cat >"$containerd_dir/cni/net.d/10-$network.conflist" <<EOF
{"cniVersion": "1.0.0", "name": "$network", "plugins": [{"type": "cni-eth0"}]}
EOF
cni_made=
[ -d /var/lib/cni ] || cni_made=/var/lib/cni
[ -d /var/lib/cni/results ] || cni_made=${cni_made:-/var/lib/cni/results}
cni_cache_left() {
    local pod
    for pod in "$cri_state"/pods/*.pb; do
        pod=${pod##*/}
        ls -d /var/lib/cni/results/*-"${pod%.pb}"-* 2>/dev/null
    done
}
cni_cleanup() {
    cni_cache_left | xargs -r rm -f
    case $cni_made in
    /var/lib/cni) rmdir /var/lib/cni/results /var/lib/cni 2>/dev/null ;;
    /var/lib/cni/results) rmdir /var/lib/cni/results 2>/dev/null ;;
    esac
}
trap 'containerd_stop; cni_cleanup; cleanup_clients' EXIT

containerd_up cri "WARD_POLICY=$policy" || exit 0

. "$repo/tests/clients/cri-checks.sh"

if check_version >"$logs/version.out" 2>&1; then
    ok cri-version
else
    not_ok cri-version "$(tail -1 "$logs/version.out")"
fi

# Each check for each runtime: ward's verdict counts, runc's and crun's are
# printed beside it. run-pod makes the pod the checks after it use.
for check in run-pod exit-code exec-sync stop-signal seccomp seccomp-filled readonly-rootfs \
    shared-namespaces host-pid host-network runtimeclass-example; do
    for runtime in ward runc crun; do
        why=""
        if "check_${check//-/_}" "$runtime" >"$logs/$runtime-$check.out" 2>&1; then
            verdict=ok
        else
            verdict=FAIL
            why=$(tail -1 "$logs/$runtime-$check.out")
        fi
        if [ "$runtime" != ward ]; then
            compare "$runtime" "cri-$check" "$verdict${why:+ ($why)}"
        elif [ $verdict = ok ]; then
            ok "cri-$check"
        else
            not_ok "cri-$check" "$why"
        fi
    done
done

# Nothing may be left once every pod is stopped and removed.
if check_leftovers >"$logs/leftovers.out" 2>&1; then
    ok cri-leftovers
else
    not_ok cri-leftovers "$(tail -1 "$logs/leftovers.out")"
fi
