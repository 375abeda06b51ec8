#!/bin/sh
# Installs the Debian packages ward's build, tests and demo need. Idempotent
# and quiet when everything is already there.
set -eu
packages="g++ make pkg-config libseccomp-dev libyajl-dev libssl-dev nettle-dev libgmp-dev
libboost-test-dev libc6-dev busybox-static python3 python3-jsonschema clang-format iproute2
zlib1g-dev libzstd-dev zstd umoci skopeo openssl jq uidmap strace"
missing=""
for p in $packages; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
    echo "deps: missing packages:$missing (run as root to install them)" >&2
    exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing >/dev/null
