#!/bin/sh
# What a caller of the ward binary sees, verb by verb, without running a
# container: exit status, stdout, stderr, help, version, usage errors, the
# JSON log. Uses a private --root so it never touches /run/ward.
set -eu
cd "$(dirname "$0")/../.."
W=${WARD:-build/ward}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
R="--root $tmp/state"
# An empty image store of this run's own (never /var/lib/ward).
mkdir -m 0700 "$tmp/store"
export WARD_STORE="$tmp/store"
pass=0 fail=0

# expect STATUS STREAM TEXT -- ARGS...: the run exits STATUS and STREAM
# (out|err) contains TEXT.
expect() {
    want=$1 stream=$2 text=$3
    shift 4
    set +e
    "$W" "$@" >"$tmp/out" 2>"$tmp/err"
    got=$?
    set -e
    if [ "$got" = "$want" ] && { [ -z "$text" ] || grep -qF -- "$text" "$tmp/$stream"; }; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL: ward $* -> status $got (want $want), $stream lacks: $text"
        sed 's/^/  out: /' "$tmp/out"
        sed 's/^/  err: /' "$tmp/err"
    fi
}

expect 0 out "Usage:" -- --help
expect 0 out "Usage:" --
expect 0 out "--preserve-fds N" -- create --help
expect 0 out "--pidfd-socket PATH" -- create --help
expect 0 out "--pidfd-socket PATH" -- run --help
expect 0 out "--pidfd-socket PATH" -- exec --help
expect 0 out "NOTIFY_SOCKET" -- start --help
expect 0 out "Usage: ward kill" -- help kill
expect 0 out 'unprivileged: $XDG_RUNTIME_DIR/ward' -- --help
expect 0 out 'unprivileged: $XDG_DATA_HOME/ward or ~/.local/share/ward' -- --help
expect 1 err 'invalid value "" for flag -root: the state directory is required' -- --root "" list
expect 0 out "ward version 0.1.0" -- --version
expect 0 out "libseccomp: " -- -v
expect 1 err 'ward: "state" requires exactly 1 argument(s)' -- state
expect 1 err "Run 'ward state --help' for usage." -- state
expect 1 err "No help topic for 'bogus'" -- bogus
expect 1 err "No help topic for ''" -- ""
expect 1 err "flag provided but not defined: -bogus" -- create --bogus x
expect 1 err "flag needs an argument: -b" -- create x -b
expect 1 err 'invalid value "x" for flag -preserve-fds: parse error' -- create --preserve-fds x c
expect 1 err "ward: 'checkpoint' is not implemented yet" -- checkpoint --image-path p c
expect 255 err "exec failed: container does not exist" -- $R exec --process p.json c
expect 255 err "exec failed: container does not exist" -- $R exec c true
expect 1 err 'ward: "exec" requires a minimum of 1 argument(s)' -- exec
expect 1 err "ward: 'restore' is not implemented yet" -- restore c
expect 1 err "container does not exist" -- $R pause c
expect 1 err "container does not exist" -- $R resume c
expect 1 err "container does not exist" -- $R ps c
expect 1 err "container does not exist" -- $R events --stats c
expect 1 err 'ward: "ps" requires a minimum of 1 argument(s)' -- ps
expect 1 err 'invalid value "5x" for flag -interval: parse error' -- $R events --interval 5x c
expect 1 err "duration interval must be greater than 0" -- $R events --interval -1s c
expect 0 out "Usage: ward ps [options] <container-id> [ps options]" -- ps --help
expect 1 err 'unknown signal "NOPE"' -- $R kill c NOPE
expect 1 err "container does not exist" -- $R kill c
expect 0 out "Usage: ward bundle [options] create --image REF <dir> [command [arg...]]" -- bundle --help
expect 1 err 'ward: "bundle create" requires --image REF' -- bundle create "$tmp/b"
expect 1 err 'unknown bundle action "make": want create' -- bundle make --image x "$tmp/b"
expect 1 err "image \"localhost/none:1\": not in the store $tmp/store" -- bundle create --image localhost/none:1 "$tmp/b"
expect 1 err 'ward: "run" requires exactly 1 argument(s)' -- $R run c echo hi
expect 1 err "--bundle and --image exclude each other" -- $R run --image x -b . c
expect 1 err "image \"localhost/x:1\": not in the store $tmp/store" -- $R run --image localhost/x:1 c echo hi
# With --image ward's flags end at the command's first word (as podman's):
# `-c` is the shell's, so the run gets as far as looking the image up.
expect 1 err "image \"localhost/x:1\": not in the store $tmp/store" -- $R run --image localhost/x:1 c sh -c 'echo hi'
expect 1 err "image \"localhost/x:1\": not in the store $tmp/store" -- $R create --image localhost/x:1 c sh -c 'echo hi'
expect 1 err "image \"localhost/x:1\": not in the store $tmp/store" -- $R run c --image localhost/x:1 ls --bundle x
expect 1 err "image \"localhost/x:1\": not in the store $tmp/store" -- bundle create --image localhost/x:1 "$tmp/b" sh -c 'echo hi'
expect 1 err "image \"localhost/x:1\": not in the store $tmp/store" -- bundle create "$tmp/b" --image localhost/x:1 env -i
# Without --image runc's rule holds: a flag after the id is still a flag.
expect 1 err "flag provided but not defined: -c" -- $R run c sh -c 'echo hi'
expect 1 err "container does not exist" -- $R delete c
expect 1 err "container does not exist" -- $R update --pids-limit 5 c
expect 0 out "" -- $R delete -f c
expect 1 err "invalid value \"v1\" for flag -cgroup-manager: want cgroupfs, systemd or disabled" -- --cgroup-manager v1 list
expect 0 out "" -- --cgroup-manager cgroupfs $R list
expect 1 err "container does not exist" -- $R state nosuch
expect 0 out "ID          PID         STATUS      BUNDLE      CREATED     OWNER" -- $R list
expect 0 out "[]" -- $R list -f json
expect 1 err 'invalid format option "xml": want table or json' -- $R list --format xml
expect 1 err "invalid log-format: yaml" -- --log-format yaml list

# JSON log: the error line is in the log file and the message on stderr.
expect 1 err "container does not exist" -- --log "$tmp/log" --log-format json $R state nosuch
if grep -q '"level":"error","msg":"container does not exist"' "$tmp/log"; then
    pass=$((pass + 1))
else
    fail=$((fail + 1)); echo "FAIL: json log lacks the error line"; cat "$tmp/log"
fi

# spec writes once and refuses to overwrite.
mkdir "$tmp/bundle"
"$W" spec -b "$tmp/bundle"
# The systemd cgroup driver: a cgroupsPath not in runc's systemd form is
# refused naming it; without systemd (this host) create fails at once naming
# the socket, and leaves no container behind (the vm lane's systemd guest
# runs the driver for real).
mkdir "$tmp/sdb" "$tmp/sdb/rootfs"
sed 's|"linux": {|"linux": {"cgroupsPath": "/x/y",|' "$tmp/bundle/config.json" >"$tmp/sdb/config.json"
P="--policy $(cd "$(dirname "$0")/../.." && pwd)/contrib/policies/compat.json"
expect 1 err 'linux.cgroupsPath "/x/y": the systemd cgroup driver wants "slice:prefix:name"' -- $R $P --systemd-cgroup create -b "$tmp/sdb" c
cp "$tmp/bundle/config.json" "$tmp/sdb/config.json"
if [ ! -S /run/systemd/private ] && [ "$(id -u)" = 0 ]; then
    expect 1 err "systemd cgroup driver (the system manager): connect /run/systemd/private: no such file or directory" -- $R $P --systemd-cgroup create -b "$tmp/sdb" c
    expect 1 err "systemd cgroup driver (the system manager): connect /run/systemd/private" -- $R $P --cgroup-manager systemd run -b "$tmp/sdb" c
    expect 0 out "" -- $R list -q
fi
if grep -q '"ociVersion": "1.3.0"' "$tmp/bundle/config.json"; then
    pass=$((pass + 1))
else
    fail=$((fail + 1)); echo "FAIL: spec did not write config.json"
fi
expect 1 err "File config.json exists. Remove it first" -- spec -b "$tmp/bundle"
expect 1 err "open bundle $tmp/none: no such file or directory" -- spec -b "$tmp/none"

# profile: the built-in seccomp profiles, printed byte for byte as shipped.
expect 0 out "default-deny" -- profile list
expect 0 out "compat" -- profile list
expect 0 out '"defaultErrnoRet": 38' -- profile export default-deny
expect 0 out "Usage: ward profile [options] list | export <name> | show <profile> | diff <profile-a> <profile-b> | record -- <bundle>" -- profile --help
expect 0 out "--out FILE, -o FILE" -- profile --help
expect 1 err 'ward: "profile record" requires a BUNDLE' -- profile record
expect 1 err 'ward: "profile merge" requires at least two profiles' -- profile merge a.json
expect 1 err "a.json" -- profile merge a.json b.json
expect 1 err 'seccomp profile "strict" is not built in (built in: compat, default-deny)' -- profile export strict
expect 1 err 'ward: "profile export" requires a profile name' -- profile export
expect 1 err 'ward: unknown profile action "check": want list, export, show, diff, record or merge' -- profile check
expect 1 err 'ward: "profile show" requires one profile' -- profile show
expect 1 err 'ward: "profile diff" requires two profiles' -- profile diff default-deny
expect 1 err 'ward: --format: "yaml": want table or json' -- profile show --format yaml compat
expect 1 err 'ward: --caps: "SYS_NOPE" is not a capability' -- profile show --caps SYS_NOPE compat
expect 1 err 'ward: --arch: "x86_64" is not a seccomp architecture' -- profile show --arch x86_64 compat
expect 1 err 'ward: --caps does not apply to "profile list"' -- profile list --caps SYS_ADMIN
expect 1 err 'ward: --out does not apply to "profile export"' -- profile export --out x.json compat
expect 0 out "SCMP_ARCH_X86_64: " -- profile show default-deny
expect 0 out "allowed by A, not B:" -- profile diff compat default-deny
for name in default-deny compat; do
    if "$W" profile export "$name" | cmp -s - "seccomp-profiles/$name.json"; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1)); echo "FAIL: profile export $name differs from seccomp-profiles/$name.json"
    fi
done
# policy: show names its source on stderr and prints a policy file on stdout;
# check exits 0 when create would start the config, 1 when it is refused.
P=contrib/policies
expect 0 out '"name": "hardened"' -- --policy $P/hardened.json policy show
expect 0 err "policy \"compat\" from --policy $P/compat.json" -- --policy $P/compat.json policy show
export WARD_POLICY=$P/baseline.json
expect 0 err "policy \"baseline\" from WARD_POLICY=$P/baseline.json" -- policy show
expect 0 err "policy \"compat\" from --policy" -- --policy $P/compat.json policy show
unset WARD_POLICY
expect 0 out "Usage: ward policy" -- policy --help
expect 1 err 'unknown policy action "bogus": want show or check' -- policy bogus
expect 1 err 'ward: "policy check" requires CONFIG' -- policy check
expect 1 err "policy: open /nonexistent.json: no such file or directory" -- --policy /nonexistent.json policy show
expect 1 err "container does not exist" -- $R policy show no-such-container
expect 1 err "ward: \"policy\" requires a maximum of 2 argument(s)" -- policy show a b
"$W" spec -b "$tmp" >/dev/null 2>&1 || true
expect 0 out "allowed: create would start this config" -- --policy $P/hardened.json policy check "$tmp/config.json"
expect 0 out "fill    linux.seccomp: profile default-deny" -- --policy $P/hardened.json policy check "$tmp/config.json"
sed 's/"noNewPrivileges": true/"noNewPrivileges": false/' "$tmp/config.json" >"$tmp/weak.json"
expect 1 out 'refuse  policy "hardened": process.noNewPrivileges is false, required: true' -- --policy $P/hardened.json policy check "$tmp/weak.json"
expect 0 out 'warn    policy "compat": process.noNewPrivileges is false, required: true' -- --policy $P/compat.json policy check "$tmp/weak.json"

# key and image: usage errors and help (the trust lane runs the real chain).
expect 0 out "Usage: ward image [options] import|ls|inspect|rm|sign|verify" -- image --help
expect 0 out "--name NAME" -- image --help
expect 0 out "--out PREFIX, -o PREFIX" -- key --help
expect 1 err 'ward: "key generate" requires --out PREFIX' -- key generate
expect 1 err 'unknown key action "rotate": want generate' -- key rotate
expect 1 err 'unknown image action "pull": want import, ls, inspect, rm, sign or verify' -- image pull x
expect 1 err "ward: usage: image import [--name NAME] LAYOUT[:TAG|@sha256:HEX]|ARCHIVE" -- image import
expect 1 err "ward: usage: image ls [--format table|json] [-q]" -- image ls x
expect 1 err "ward: usage: image rm [--force] REF..." -- image rm
expect 1 err 'invalid format option "yaml": want table or json' -- image ls --format yaml
expect 0 out "NAME        DIGEST      SIZE        IMPORTED" -- image ls
expect 1 err "import $tmp/nolayout: image layout $tmp/nolayout: open: no such file or directory" -- image import "$tmp/nolayout"
expect 1 err "invalid value \"\" for flag -name: a name is required" -- image import --name= "$tmp/nolayout"
expect 1 err 'ward: "image verify" requires --key FILE' -- image verify x
expect 1 err 'ward: "image sign" requires --key FILE' -- image sign x
expect 1 err "open key $tmp/nokey: no such file or directory" -- image verify --key "$tmp/nokey" x
expect 0 out "public key  $tmp/k.pub" -- key generate --out "$tmp/k"
expect 1 err "verify $tmp/nolayout:v1: image layout $tmp/nolayout: open: no such file or directory" -- image verify --key "$tmp/k.pub" "$tmp/nolayout:v1"
expect 1 err "image layout $tmp/k.key: a file, not a layout directory (an oci-archive is read by \`ward image import\`" -- image verify --key "$tmp/k.pub" "$tmp/k.key"
expect 1 err "$tmp/k.pub: not an unencrypted PEM private key" -- image sign --key "$tmp/k.pub" "$tmp/nolayout"
expect 1 err "not a PEM public key" -- image verify --key /dev/null "$tmp/nolayout"
# sign and verify of bundles: usage errors and help (the trust lane signs real ones).
expect 0 out "Usage: ward sign [options] <bundle>" -- sign --help
expect 0 out "--key FILE, -k FILE" -- verify --help
expect 1 err 'ward: "sign" requires --key FILE' -- sign "$tmp"
expect 1 err 'ward: "verify" requires exactly 1 argument(s)' -- verify
expect 1 err 'invalid value "0" for flag -threads: want a number from 1 to 1024' -- verify --threads 0 --key "$tmp/k.pub" "$tmp"
expect 1 err "bundle $tmp is not signed (no ward-signature.json)" -- verify --key "$tmp/k.pub" "$tmp"
expect 1 err "sign bundle $tmp/nobundle: open $tmp/nobundle/config.json: no such file or directory" -- sign --key "$tmp/k.key" "$tmp/nobundle"

# config.json and the other documents ward is handed are regular files read
# with a cap (issue 14): a FIFO must not hang ward, /dev/zero must not fill
# its memory, a 40 MB config is refused by its size. Under `timeout`, so a
# hang fails here (status 124) instead of wedging the lane.
expect_bounded() { # like expect, with ward under timeout
    want=$1 stream=$2 text=$3
    shift 4
    set +e
    timeout 20 "$W" "$@" >"$tmp/out" 2>"$tmp/err"
    got=$?
    set -e
    if [ "$got" = "$want" ] && grep -qF -- "$text" "$tmp/$stream"; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL: ward $* -> status $got (want $want), $stream lacks: $text"
        head -c 2000 "$tmp/err" | sed 's/^/  err: /'
    fi
}
mkdir "$tmp/fifo-bundle" "$tmp/zero-bundle" "$tmp/big-bundle"
mkfifo "$tmp/fifo-bundle/config.json"
ln -s /dev/zero "$tmp/zero-bundle/config.json"
truncate -s 40M "$tmp/big-bundle/config.json"
expect_bounded 1 err "$tmp/fifo-bundle/config.json: is a FIFO, not a regular file" -- $R create -b "$tmp/fifo-bundle" fifo
expect_bounded 1 err "$tmp/zero-bundle/config.json: is a character device, not a regular file" -- $R create -b "$tmp/zero-bundle" zero
expect_bounded 1 err "$tmp/big-bundle/config.json: 41943040 bytes, more than the 33554432 bytes ward reads of a document" -- $R create -b "$tmp/big-bundle" big
expect_bounded 1 err "$tmp/fifo-bundle/config.json: is a FIFO, not a regular file" -- policy check "$tmp/fifo-bundle/config.json"
expect_bounded 1 err "$tmp/fifo-bundle/config.json: is a FIFO, not a regular file" -- --policy "$tmp/fifo-bundle/config.json" policy show
expect_bounded 1 err "$tmp/zero-bundle/config.json: is a character device, not a regular file" -- profile show "$tmp/zero-bundle/config.json"
# A 1 MB value in an error is quoted by a prefix and its length.
printf '{"ociVersion": "1.3.0", "process": {"cwd": "/", "args": ["%s"], "user": {"uid": "%s"}}}' x "$(head -c 1000000 /dev/zero | tr '\0' u)" >"$tmp/long.json"
expect_bounded 1 err '... (1000000 bytes)' -- policy check "$tmp/long.json"
if [ "$(wc -c <"$tmp/err")" -lt 2000 ]; then pass=$((pass + 1)); else
    fail=$((fail + 1)); echo "FAIL: the error quoting a 1 MB value is $(wc -c <"$tmp/err") bytes"; fi

# Closed stdio: ward must not crash and must not write into a file it opened.
set +e
"$W" $R state nosuch >&- 2>&-
got=$?
set -e
if [ "$got" = 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: closed stdio: status $got"; fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
