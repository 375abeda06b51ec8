# The image store (`ward image import|ls|inspect|rm`), sourced by check.sh
# after its own cases: same temporary directory, helpers, keys and the
# layouts made there by umoci and skopeo (base, docker, zstd). Every store
# is a temporary --store (or WARD_STORE), never /var/lib/ward.
#
# A refused import must leave the store exactly as it was: `snap` lists
# every path with its type, mode and size, plus every image.json, and the
# cases compare it before and after.

SHORT=$(printf %s "$D" | cut -c8-19) # the 12 hex digits ls shows
P="$tmp/plain.json" # a policy without a trust section: digests only
printf '{"name":"plain","rules":{}}' >"$P"
S="$tmp/store"
st() { "$W" --policy "$P" --store "$S" "$@"; }
snap() { (cd "$S" && find . -printf '%p %y %m %s\n' | sort && cat images/sha256/*/image.json 2>/dev/null || true); }
# refused NAME TEXT -- ARGS...: exit 1, TEXT on stderr, the store ($S)
# unchanged.
refused() {
    rname=$1 rtext=$2
    shift 3
    snap >before.snap
    expect "$rname" 1 err "$rtext" -- --policy "$P" --store "$S" "$@"
    snap >after.snap
    if cmp -s before.snap after.snap; then ok "$rname: store unchanged"; else
        diff before.snap after.snap | head -n 20 >out
        : >err
        not_ok "$rname: store unchanged"
    fi
}

# --- import from a umoci layout
rm -rf img && cp -a base img
# kill -9 of ward (issue 14) after the first of the two layers, after the
# unpack and after the rename that publishes the entry: before the rename
# no entry appears and the work dir waits in tmp/ for the next import's
# sweep; after it the entry is whole. Either way the next import succeeds
# and leaves tmp/ empty.
for point in import:layer-unpacked import:unpacked import:renamed; do
    if [ "$point" = import:renamed ]; then
        # The name belongs to another image first: a name means one image,
        # even while an import that moves it is killed.
        rm -rf dk && cp -a docker dk
        st image import --name localhost/img:v1 dk:v1 >/dev/null 2>&1
    fi
    set +e
    WARD_FAULT=$point "$W" --policy "$P" --store "$S" image import img:v1 >out 2>err
    got=$?
    set -e
    [ "$got" = 137 ] && ok "$point: import killed" || not_ok "$point: import killed (status $got)"
    if [ "$point" = import:renamed ]; then
        [ -s "$S/images/sha256/${D#sha256:}/image.json" ] && [ -s "$S/images/sha256/${D#sha256:}/files.jsonl" ] && ok "$point: the published entry is whole" || not_ok "$point: the published entry is whole"
        st image ls >ls.out 2>&1
        [ "$(grep -c '^localhost/img:v1 ' ls.out)" -le 1 ] && ok "$point: the name is on one image at most" || { cat ls.out >out; not_ok "$point: the name is on one image at most"; }
        again="already imported $D as localhost/img:v1"
    else
        [ ! -e "$S/images/sha256/${D#sha256:}" ] && ok "$point: no store entry" || not_ok "$point: no store entry"
        [ -n "$(ls -A "$S/tmp" 2>/dev/null)" ] && ok "$point: its work dir waits in tmp/ for the next import" || not_ok "$point: its work dir waits in tmp/ for the next import"
        again="imported $D as localhost/img:v1"
    fi
    expect "$point: the next import succeeds" 0 out "$again" -- --policy "$P" --store "$S" image import img:v1
    [ -z "$(ls -A "$S/tmp")" ] && ok "$point: tmp/ swept" || not_ok "$point: tmp/ swept"
    if [ "$point" = import:renamed ]; then
        st image ls >ls.out 2>&1
        [ "$(grep -c '^localhost/img:v1 ' ls.out)" = 1 ] && grep -q "^localhost/img:v1  *$SHORT " ls.out && ok "$point: the next import moved the name to the image" || { cat ls.out >out; not_ok "$point: the next import moved the name to the image"; }
        st image rm "$("$EDIT" digest dk v1)" >/dev/null 2>&1 || true
    fi
    # The cases below start from a store without the image.
    st image rm localhost/img:v1 >/dev/null 2>&1 || true
done
expect "import a umoci layout" 0 out "imported $D as localhost/img:v1" -- --policy "$P" --store "$S" image import img:v1
grep -q "unpacking layer 2/2 sha256:" err && ok "progress: one line per layer on stderr" || not_ok "progress: one line per layer on stderr"
grep -q "has no trust section: signatures are not checked" err && ok "no trust section: said so" || not_ok "no trust section: said so"
E="$S/images/sha256/${D#sha256:}"
[ "$(cat "$E/rootfs/bin/hello")" = hello ] && ok "rootfs holds the layer's file" || not_ok "rootfs holds the layer's file"
[ "$(stat -c '%a %u' "$S")" = "700 0" ] && ok "store is 0700 root" || not_ok "store is 0700 root"
grep -q '"path":"/bin/hello","type":"file","mode":"0644"' "$E/files.jsonl" && ok "per-file record written" || not_ok "per-file record written"
# umoci's layers have no /dev, /proc or /sys: import makes them, records
# them in image.json and leaves files.jsonl the layers' own.
python3 -c "import json,sys; assert json.load(open(sys.argv[1]))['mountPoints']==['/dev','/proc','/sys']" "$E/image.json" && ok "image.json: mountPoints made at import" || not_ok "image.json: mountPoints made at import"
[ "$(stat -c '%F %a %u:%g' "$E/rootfs/proc")" = "directory 755 0:0" ] && ! grep -q '"path":"/proc"' "$E/files.jsonl" && ok "mount point: empty root dir, not in files.jsonl" || not_ok "mount point: empty root dir, not in files.jsonl"
cmp -s "$E/manifest.json" "$("$EDIT" blob img v1 manifest)" && ok "manifest.json is the verified manifest's bytes" || not_ok "manifest.json is the verified manifest's bytes"
[ -z "$(ls -A "$S/tmp")" ] && ok "nothing left in tmp/" || not_ok "nothing left in tmp/"
expect "import again: only the name" 0 out "already imported $D as localhost/img:v1" -- --policy "$P" --store "$S" image import -q img:v1
! grep -q "unpacking" err && ok "-q: no progress lines" || not_ok "-q: no progress lines"
expect "a second name for the same image" 0 out "already imported $D as registry.example/team/app:v1" -- --policy "$P" --store "$S" image import --name registry.example/team/app:v1 img:v1

# --- ls, inspect
expect "ls" 0 out "localhost/img:v1" -- --store "$S" image ls
head -n 1 out | grep -q "^NAME  *DIGEST  *SIZE  *IMPORTED$" && ok "ls header" || not_ok "ls header"
grep -q "^registry.example/team/app:v1  *$SHORT  *28 B  *" out && ok "ls row: name, short digest, size" || not_ok "ls row: name, short digest, size"
expect "ls -q" 0 out "$SHORT" -- --store "$S" image ls -q
[ "$(wc -l <out)" = 1 ] && ok "ls -q: one line per image" || not_ok "ls -q: one line per image"
expect "ls --format json" 0 out "\"digest\": \"$D\"" -- --store "$S" image ls --format json
python3 -c "import json,sys; d=json.load(open('out')); assert d[0]['names']==['localhost/img:v1','registry.example/team/app:v1'] and d[0]['size']==28" && ok "ls json: names and size" || not_ok "ls json: names and size"
expect "inspect by name" 0 out "\"rootfs\": \"$E/rootfs\"" -- --store "$S" image inspect localhost/img:v1
python3 - "$E" <<'PY' && ok "inspect: chain, layers with diff_ids, config document" || not_ok "inspect: chain, layers with diff_ids, config document"
import json, sys
d = json.load(open("out"))[0]
assert d["chain"] == [d["digest"]], d["chain"]
assert len(d["layers"]) == 2 and all(l["diffId"].startswith("sha256:") for l in d["layers"])
assert d["config"]["document"]["rootfs"]["diff_ids"] == [l["diffId"] for l in d["layers"]]
assert d["admission"] is None and d["signatures"] == []
assert d["record"] == sys.argv[1] + "/files.jsonl"
PY
expect "inspect by 12-digit prefix" 0 out "\"digest\": \"$D\"" -- --store "$S" image inspect "$SHORT"
expect "inspect: unknown image" 1 err "image \"localhost/nope:latest\" is not in the store ($S)" -- --store "$S" image inspect localhost/nope:latest
expect "inspect: short name refused" 1 err "invalid image name \"busybox\": want a full name HOST/PATH[:TAG]" -- --store "$S" image inspect busybox

# --- skopeo layouts and an oci-archive made by skopeo
rm -rf dk && cp -a docker dk
expect "import a skopeo Docker schema 2 layout" 0 out "as localhost/dk:v1" -- --policy "$P" --store "$S" image import dk:v1
rm -rf zs && cp -a zstd zs
expect "import a skopeo zstd layout" 0 out "as localhost/zs:v1" -- --policy "$P" --store "$S" image import zs:v1
[ "$(cat "$S/images/sha256/$("$EDIT" digest zs v1 | cut -c8-)/rootfs/etc/passwd")" = 'root:x:0:0::/:/bin/sh' ] && ok "zstd layers unpacked" || not_ok "zstd layers unpacked"
skopeo copy -q oci:base:v1 oci-archive:arch.tar:v1
# kill -9 once the archive is extracted into tmp/: the import below sweeps it.
set +e
WARD_FAULT=import:archive-extracted "$W" --policy "$P" --store "$S" image import arch.tar >out 2>err
got=$?
set -e
[ "$got" = 137 ] && [ -n "$(ls -A "$S/tmp")" ] && ok "import:archive-extracted: killed, the extraction waits in tmp/" || not_ok "import:archive-extracted: killed, the extraction waits in tmp/ (status $got)"
expect "import a skopeo oci-archive" 0 out "as localhost/arch:v1" -- --policy "$P" --store "$S" image import arch.tar
grep -q "extracting oci-archive arch.tar" err && ok "archive: progress names it" || not_ok "archive: progress names it"
expect "import an oci-archive by tag" 0 out "already imported" -- --policy "$P" --store "$S" image import arch.tar:v1
[ -z "$(ls -A "$S/tmp")" ] && ok "archive: extraction removed" || not_ok "archive: extraction removed"
skopeo copy -q oci:base:v1 oci:full:docker.io/team/full:1.0
expect "ref.name as a full reference is the name" 0 out "as docker.io/team/full:1.0" -- --policy "$P" --store "$S" image import full
refused "archive: unknown tag" "oci-archive arch.tar: image layout" -- image import arch.tar:v9

# --- each link tampered: refused, store unchanged. A store of its own,
# holding another image: with this one already in it, an import only checks
# the chain down to the manifest and adds the name.
S_MAIN=$S
S="$tmp/store-t"
"$W" --policy "$P" --store "$S" image import -q zstd:v1 >/dev/null
fresh
"$EDIT" flip "$("$EDIT" blob img v1 manifest)"
refused "import: manifest byte" "digest mismatch (want $D" -- image import img:v1
fresh
"$EDIT" flip "$("$EDIT" blob img v1 config)"
refused "import: config byte" "config sha256:" -- image import img:v1
fresh
"$EDIT" flip "$("$EDIT" blob img v1 layer1)"
refused "import: layer byte" "layer sha256:" -- image import img:v1
grep -q ": digest mismatch (want sha256:" err && ok "import: layer byte: digest mismatch named" || not_ok "import: layer byte: digest mismatch named"
fresh
printf x >>"$("$EDIT" blob img v1 layer0)"
refused "import: layer size" "size mismatch (descriptor says" -- image import img:v1
rm -rf dk && cp -a docker dk
"$EDIT" index-set dk v1 mediaType application/vnd.oci.image.manifest.v1+json
refused "import: mediaType swap" "does not match the descriptor's" -- image import dk:v1
# Layer 0 unpacks, then layer 1's diff_id is wrong: the half-made entry goes.
rm -rf img && cp -a base img
D2=$("$EDIT" diff-id img v1 1)
refused "import: diff_id of the second layer" "layer sha256:" -- image import img:v1
grep -q "diff_id mismatch (want sha256:" err && ok "diff_id mismatch named" || not_ok "diff_id mismatch named"
grep -q "unpacking layer 2/2" err && ok "diff_id: failed after the first layer was unpacked" || not_ok "diff_id: failed after the first layer was unpacked"
[ -z "$(ls -A "$S/tmp")" ] && [ ! -e "$S/images/sha256/${D2#sha256:}" ] && ok "interrupted import leaves nothing" || not_ok "interrupted import leaves nothing"
S=$S_MAIN

# --- malicious archives: refused, nothing written outside, nothing kept
mkdir -p evil && (cd evil && python3 - <<'PY'
import io, tarfile
def add(t, name, data=b"x", **kw):
    info = tarfile.TarInfo(name)
    for k, v in kw.items():
        setattr(info, k, v)
    info.size = len(data) if info.type == tarfile.REGTYPE else 0
    t.addfile(info, io.BytesIO(data) if info.type == tarfile.REGTYPE else None)
with tarfile.open("dotdot.tar", "w", format=tarfile.PAX_FORMAT) as t:
    add(t, "oci-layout", b'{"imageLayoutVersion":"1.0.0"}')
    add(t, "../escaped", b"owned")
with tarfile.open("symlink.tar", "w", format=tarfile.PAX_FORMAT) as t:
    add(t, "blobs", type=tarfile.SYMTYPE, linkname="/tmp")
    add(t, "blobs/sha256/x", b"through the link")
with tarfile.open("absolute.tar", "w", format=tarfile.PAX_FORMAT) as t:
    add(t, "/abs", b"x")
PY
)
refused "archive: ../ entry" "tar entry \"../escaped\": \"..\" is not allowed in a name" -- image import evil/dotdot.tar
[ ! -e escaped ] && [ ! -e "$S/escaped" ] && ok "archive: nothing written outside" || not_ok "archive: nothing written outside"
refused "archive: symlink entry" "tar entry \"blobs\": symlink entries are not allowed in an oci-archive" -- image import evil/symlink.tar
refused "archive: absolute name" "tar entry \"/abs\": absolute names are not allowed" -- image import evil/absolute.tar
head -c 3000 arch.tar >evil/cut.tar
refused "archive: truncated" "oci-archive evil/cut.tar" -- image import evil/cut.tar

# --- names
refused "import: short --name" "invalid image name \"app\": want a full name HOST/PATH[:TAG]" -- image import --name app img:v1
refused "import: upper-case --name" "path component \"App\" must be lower-case" -- image import --name localhost/App base:v1
expect "--name without tag gets :latest" 0 out "as localhost/app:latest" -- --policy "$P" --store "$S" image import --name localhost/app base:v1
rm -rf img2 && cp -a zstd img2
expect "a name moves to the image imported under it" 0 out "as localhost/app:latest" -- --policy "$P" --store "$S" image import --name localhost/app img2:v1
grep -q "name localhost/app:latest moved here from sha256:$SHORT" err && ok "moved name: warned" || not_ok "moved name: warned"

# --- --store and WARD_STORE
S2="$tmp/store2"
set +e
WARD_STORE="$S2" "$W" --policy "$P" image import -q base:v1 >out 2>err
set -e
grep -q "imported $D" out && [ -d "$S2/images/sha256/${D#sha256:}" ] && ok "WARD_STORE picks the store" || not_ok "WARD_STORE picks the store"
WARD_STORE="$S2" "$W" --store "$S" image ls -q >out 2>err
[ "$(wc -l <out)" -gt 1 ] && ok "--store wins over WARD_STORE" || not_ok "--store wins over WARD_STORE"
expect "ls of a store that does not exist: empty" 0 out "NAME" -- --store "$tmp/none" image ls
[ ! -e "$tmp/none" ] && ok "ls creates no store" || not_ok "ls creates no store"
expect "empty --store refused" 1 err "invalid value \"\" for flag -store" -- --store "" image ls
mkdir -m 0777 open-store
expect "a world-writable store refused" 1 err "must be owned by uid 0 and writable by it alone" -- --policy "$P" --store "$tmp/open-store" image import base:v1

# --- rm
expect "rm one of two names" 0 out "Untagged: registry.example/team/app:v1" -- --store "$S" image rm registry.example/team/app:v1
[ -d "$E/rootfs" ] && ok "rm of a name keeps the image" || not_ok "rm of a name keeps the image"
expect "rm by digest deletes, with every name" 0 out "Deleted: $D" -- --store "$S" image rm "$D"
grep -q "Untagged: localhost/img:v1" out && ok "rm by digest: names listed" || not_ok "rm by digest: names listed"
[ ! -e "$E" ] && [ -z "$(ls -A "$S/tmp")" ] && ok "rm: entry gone, tmp empty" || not_ok "rm: entry gone, tmp empty"
expect "rm unknown and known: status 1, the known one removed" 1 err "rm localhost/nope:v1: image \"localhost/nope:v1\" is not in the store" -- --store "$S" image rm localhost/nope:v1 localhost/dk:v1
grep -q "Untagged: localhost/dk:v1" out && ok "rm: the other REF still removed" || not_ok "rm: the other REF still removed"
expect "rm by digest" 0 out "Deleted: $("$EDIT" digest zstd v1)" -- --store "$S" image rm "$("$EDIT" digest zstd v1)"
expect "rm: too short a prefix" 1 err "give at least 12 hex digits" -- --store "$S" image rm abc123
# kill -9 of `image rm` (issue 14) once the entry has left images/ in its
# one rename: the image is gone from the store, its remains wait in tmp/,
# and the next import sweeps them.
expect "image-rm:moved: import base:v1" 0 out "imported $D as localhost/base:v1" -- --policy "$P" --store "$S" image import base:v1
set +e
WARD_FAULT=image-rm:moved "$W" --store "$S" image rm localhost/base:v1 >out 2>err
got=$?
set -e
[ "$got" = 137 ] && ok "image-rm:moved: rm killed" || not_ok "image-rm:moved: rm killed (status $got)"
st image ls >out 2>err
! grep -q '^localhost/base:v1 ' out && [ ! -e "$S/images/sha256/${D#sha256:}" ] && ok "image-rm:moved: the image is gone" || not_ok "image-rm:moved: the image is gone"
[ -n "$(ls -A "$S/tmp")" ] && ok "image-rm:moved: its remains wait in tmp/" || not_ok "image-rm:moved: its remains wait in tmp/"
expect "image-rm:moved: the next import succeeds" 0 out "imported $D as localhost/base:v1" -- --policy "$P" --store "$S" image import base:v1
[ -z "$(ls -A "$S/tmp")" ] && ok "image-rm:moved: tmp/ swept" || { ls -A "$S/tmp" >out; not_ok "image-rm:moved: tmp/ swept"; }
st image rm localhost/base:v1 >/dev/null 2>&1 || true

# --- signatures under a policy trust section (admission.hpp)
T="$tmp/trusting.json"
printf '{"name":"trusting","rules":{},"trust":{"default":[{"type":"reject"}],"scopes":{"registry.example/team/app":[{"type":"sigstoreSigned","keyPath":"%s","signedIdentity":{"type":"matchRepository"}}]}}}' "$tmp/signer.pub" >"$T"
if "$W" --policy "$T" policy show >/dev/null 2>&1; then
    tst() { "$W" --policy "$T" --store "$S" "$@"; }
    fresh
    expect "signed by the trusted key: imported" 0 out "imported $D as registry.example/team/app:v1" -- --policy "$T" --store "$S" image import --name registry.example/team/app:v1 img:v1
    tst image inspect registry.example/team/app:v1 >out 2>err
    grep -q '"requirement": "sigstoreSigned"' out && grep -q "\"key\": \".*signer.pub\"" out && ok "inspect: admission by the key" || not_ok "inspect: admission by the key"
    grep -q "signature layer sha256:" out && ok "inspect: signatures kept" || not_ok "inspect: signatures kept"
    tst image rm registry.example/team/app:v1 >/dev/null 2>&1 || true
    rm -rf img && cp -a base img && cosign_sign img "$D" "$ID" other.key
    snap >before.snap
    expect "untrusted key: refused" 1 err "no signature by a trusted key for registry.example/team/app:v1" -- --policy "$T" --store "$S" image import --name registry.example/team/app:v1 img:v1
    snap >after.snap
    cmp -s before.snap after.snap && ok "untrusted key: store unchanged" || not_ok "untrusted key: store unchanged"
    rm -rf img && cp -a base img
    expect "unsigned: refused" 1 err "no signature for registry.example/team/app:v1 (manifest $D)" -- --policy "$T" --store "$S" image import --name registry.example/team/app:v1 img:v1
    fresh
    expect "outside every scope: default reject" 1 err "is rejected by the policy" -- --policy "$T" --store "$S" image import --name docker.io/team/app:v1 img:v1
    rm -rf img && cp -a base img && cosign_sign img "$D" docker.io/evil/app signer.key
    expect "wrong identity: refused" 1 err "no signature by a trusted key" -- --policy "$T" --store "$S" image import --name registry.example/team/app:v1 img:v1
    [ -z "$(ls -A "$S/tmp")" ] && ok "refused admissions leave tmp/ empty" || not_ok "refused admissions leave tmp/ empty"
else
    # The parser has a trust section now: a policy it cannot load is a
    # failure, never a reason to skip the signature cases.
    not_ok "signature cases: the trust policy does not load: $("$W" --policy "$T" policy show 2>&1 | tail -n 1)"
fi
