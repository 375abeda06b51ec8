#!/bin/sh
# Regenerates this directory's fixtures (needs the network once: npm).
# image/ is a one-layer OCI layout made by umoci; the *.bundle.json files
# are Sigstore bundles v0.3 over its manifest, made by sigstore-js at the
# versions package-lock.json pins (@sigstore/sign 4.1.1, @sigstore/bundle
# 4.0.0, @sigstore/verify 3.1.0, on node 20), never by ward. The tests read
# the committed files; nothing here runs in a test lane.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$here/package.json" "$here/package-lock.json" "$work/"
(cd "$work" && npm ci --no-audit --no-fund --loglevel=error)
cp "$here/make-fixtures.js" "$work/"

rm -rf "$here/image"
mkdir -p "$work/files"
echo 'signed by a sigstore bundle' >"$work/files/motd"
umoci init --layout "$here/image"
umoci new --image "$here/image:v1"
umoci insert --image "$here/image:v1" "$work/files/motd" /etc/motd
umoci gc --layout "$here/image"
(cd "$work" && node make-fixtures.js "$here/image" "$here")
