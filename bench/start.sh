#!/bin/sh
# Container start time: `ward run` of /bin/true side by side with runc, crun
# and a floor (unshare + chroot, no runtime), in one hyperfine invocation,
# from the same bundle. Writes the table to docs/performance.md.
#
# crun refuses this host's hybrid cgroup layout unless the cgroup2 mount is
# hidden from it, so every runtime runs through the same unshare wrapper and
# pays the same cost for it (ward keeps the mount: it needs cgroup2).
set -eu
cd "$(dirname "$0")/.."
. bench/lib-runtimes.sh
bench_tools hyperfine runc crun umoci
repo=$PWD
ward=$repo/build/ward
work=$(mktemp -d /tmp/ward-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
scripts/busybox-rootfs.sh "$work/bundle/rootfs"
"$ward" spec --bundle "$work/bundle"
python3 - "$work/bundle/config.json" <<'PY'
import json, sys
config = json.load(open(sys.argv[1]))
config["process"]["args"] = ["/bin/true"]
# Debian 12's crun 1.8 refuses any ociVersion newer than it knows; the
# config uses nothing newer than 1.0.2 has.
config["ociVersion"] = "1.0.2"
json.dump(config, open(sys.argv[1], "w"), indent=2)
PY
# ward runs under its hardened policy, which refuses unverified bundles:
# the same rootfs goes through the path ward is built for (an image signed
# with a bench key, imported into a store, a bundle made from it with the
# same args), so the trust step's cost is in ward's figure. runc and crun
# run the plain bundle.
bench_signed_image "$ward" "$work" "$work/ward-bundle"
wardp="$ward --store $work/store --policy $work/policy.json"
runs=${RUNS:-50}
hyperfine --warmup 5 --runs "$runs" -N --export-markdown "$work/table.md" \
    -n ward "$(wrap_keep $wardp --root "$work/ward" run -b "$work/ward-bundle" bench-ward)" \
    -n runc "$(wrap runc --root "$work/runc" run -b "$work/bundle" bench-runc)" \
    -n crun "$(wrap crun --root "$work/crun" run -b "$work/bundle" bench-crun)" \
    -n floor "unshare -fmpuin --mount-proc -R $work/bundle/rootfs /bin/true"
{
    echo "## Start: \`run\` of /bin/true, side by side"
    echo
    echo "Measured by \`make bench\` (bench/start.sh) on $(date -u +%Y-%m-%d), $(nproc) cores,"
    echo "kernel $(uname -r); ward $(git rev-parse --short HEAD 2>/dev/null || echo '?'),"
    echo "$(runc --version | head -1), $(crun --version | head -1)."
    echo
    cat "$work/table.md"
} | python3 bench/update-section.py docs/performance.md "## Start: \`run\` of /bin/true, side by side"
sed -n '/^## Start/,/^## [^S]/p' docs/performance.md
