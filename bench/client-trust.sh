#!/bin/sh
# The cost of proving a client's rootfs (issue 13), side by side in one run
# (not a test). A signed image (busybox plus Debian's python3 stdlib and
# shared libraries up to SIZE_MB, default 150) is imported into a store; a
# "client snapshot" is made as containerd's overlayfs snapshotter makes one:
# the image's tree in a lower directory, an empty upper, the overlay mounted
# as the bundle's rootfs (in a private mount namespace per command). Then
# `ward run` of /bin/true from that bundle:
#   - first start: the client cache emptied before each run (stat walk of
#     the tree, then every file hashed and compared with the store record);
#   - cached start: the same snapshot again (lower layers' identity found in
#     the cache, upper layer and merged root looked at);
#   - (and the trust step alone, from create's debug line, for the first
#     start, the cached start and a store image's own `run --image`)
#   - no trust section: the same run under the same rules without a trust
#     step (the difference to it is what the trust step costs);
# and the hashing floor of bench/verify.sh over the same files:
# `openssl dgst -sha256` and `sha256sum`, one process each.
# Caches are not dropped (a shared host): everything runs from the page
# cache after a warm-up. RUNS (default 10).
set -eu
cd "$(dirname "$0")/.."
. bench/lib-image.sh
work=$(mktemp -d /tmp/ward-bench-client-trust.XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work"

bench_extra_tree extra "$size_mb"
"$repo/scripts/busybox-image.sh" big:1 extra >/dev/null
rm -rf extra
"$ward" key generate --out bench >/dev/null
"$ward" image sign --key bench.key --identity localhost/big:1 big:1 >/dev/null
python3 - "$repo/contrib/policies/compat.json" "$work/bench.pub" <<'PY'
import json, sys
policy = json.load(open(sys.argv[1]))
policy["trust"] = {"default": [{"type": "reject"}], "unverified": "refuse",
                   "scopes": {"localhost/big": [{"type": "sigstoreSigned", "keyPath": sys.argv[2],
                              "signedIdentity": {"type": "matchRepository"}}]}}
json.dump(policy, open("trust.json", "w"))
del policy["trust"]
json.dump(policy, open("notrust.json", "w"))
PY
mkdir -m 0700 store
"$ward" --store store --policy trust.json image import -q --name localhost/big:1 big:1 >/dev/null
store_rootfs=$(echo "$work"/store/images/sha256/*/rootfs)

# The client's snapshot: the image's tree as a lower layer, an empty upper.
mkdir -p bundle/rootfs upper ovl-work
cp -a "$store_rootfs" lower
"$ward" spec --bundle bundle
python3 -c 'import json, sys
c = json.load(open(sys.argv[1])); c["process"]["args"] = ["/bin/true"]
json.dump(c, open(sys.argv[1], "w"))' bundle/config.json
files=$(find lower -type f | wc -l)
bytes=$(find lower -type f -printf '%s\n' | awk '{s += $1} END {print s}')
find lower -type f -print0 | xargs -0 cat >/dev/null
echo "rootfs: $files regular files, $((bytes / 1000000)) MB; $(nproc) CPUs; load average $(cut -d' ' -f1-3 /proc/loadavg)"

# in_overlay POLICY ID: ward run of the bundle with the overlay mounted as
# its rootfs, in a mount namespace of its own.
in_overlay() {
    echo "unshare -m --propagation private sh -c 'mount -t overlay overlay -o lowerdir=$work/lower,upperdir=$work/upper,workdir=$work/ovl-work $work/bundle/rootfs && exec $ward ${3:-} --root $work/state --store $work/store --policy $work/$1 run --bundle $work/bundle $2'"
}

# trust_step_us CACHE: the trust step's own time in create, in µs, as its
# debug line says, over RUNS runs (emptying the cache first unless CACHE is
# "cached"): "min median max".
trust_step_us() {
    for _ in $(seq "$runs"); do
        [ "$1" = cached ] || rm -rf "$work/store/client-cache"
        sh -c "$(in_overlay trust.json step --debug)" 2>&1 |
            sed -n 's/.*trust: client image: .* (\([0-9]*\) us).*/\1/p'
    done | sort -n | awk '{v[NR] = $1} END {print v[1], v[int((NR + 1) / 2)], v[NR]}'
}
# Proof that it runs, and how the trust step was taken.
sh -c "$(in_overlay trust.json check)" && echo "run: ok"

hyperfine -N --warmup 2 --runs "$runs" --export-markdown table.md \
    -n "first start (cache emptied)" --prepare "rm -rf $work/store/client-cache" "$(in_overlay trust.json first)" \
    -n "cached start" --prepare "true" "$(in_overlay trust.json cached)" \
    -n "no trust section" --prepare "true" "$(in_overlay notrust.json plain)" \
    -n "openssl dgst -sha256 (1 process)" --prepare "true" "sh -c 'cd $work/lower && find . -type f -print0 | xargs -0 -n 100000 openssl dgst -sha256 >/dev/null'" \
    -n "sha256sum (1 process)" --prepare "true" "sh -c 'cd $work/lower && find . -type f -print0 | xargs -0 -n 100000 sha256sum >/dev/null'" \
    >/dev/null
cat table.md
echo
echo "trust step alone (create's debug line), µs, min / median / max of $runs:"
echo "  first start: $(trust_step_us first)"
sh -c "$(in_overlay trust.json warm)" 2>/dev/null
echo "  cached start: $(trust_step_us cached)"
# The same step for the store image itself (run --image): its admission
# (signatures read, key loaded, ECDSA) is what a cached start also pays.
for _ in $(seq "$runs"); do
    unshare -m --propagation private "$ward" --debug --root "$work/state" --store "$work/store" \
        --policy "$work/trust.json" run --image localhost/big:1 img /bin/true 2>&1 |
        sed -n 's/.*trust: image: .* (\([0-9]*\) us).*/\1/p'
done | sort -n | awk '{v[NR] = $1} END {print "  store image (run --image): " v[1], v[int((NR + 1) / 2)], v[NR]}'
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
