#!/bin/sh
# Builds build/ward-stub (main.cpp + the cli verbs + tests/cli_stub's fake
# lifecycle) and checks what a caller of the binary sees: exit status,
# stdout, stderr, and how argv reaches the lifecycle structs. For the cli
# branch until the real lifecycle is merged; no root needed.
set -eu
cd "$(dirname "$0")/../.."
make -s build/libward.a build/obj/runtime/cli/main.o
g++ -std=c++20 -O1 -Iinclude -D_GNU_SOURCE -c tests/cli_stub/lifecycle_stub.cpp -o build/stub.o
g++ -o build/ward-stub build/obj/runtime/cli/main.o build/stub.o build/libward.a -lseccomp

W=build/ward-stub
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
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
    if [ "$got" = "$want" ] && grep -qF -- "$text" "$tmp/$stream"; then
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
expect 0 out "Usage: ward kill" -- help kill
expect 0 out "ward version 0.1.0" -- --version
expect 0 out "libseccomp: " -- -v
expect 1 err 'ward: "state" requires exactly 1 argument(s)' -- state
expect 1 err "Run 'ward state --help' for usage." -- state
expect 1 err "No help topic for 'bogus'" -- bogus
expect 1 err "No help topic for ''" -- ""
expect 1 err "flag provided but not defined: -bogus" -- create --bogus x
expect 1 err "flag needs an argument: -b" -- create x -b
expect 1 err 'invalid value "x" for flag -preserve-fds: parse error' -- create --preserve-fds x c
expect 1 err "ward: 'exec' is not implemented yet" -- exec --process p.json c
expect 1 err "ward: 'pause' is not implemented yet" -- pause c
expect 1 err "the systemd cgroup driver is not supported yet" -- --systemd-cgroup create c
expect 1 err "the systemd cgroup driver is not supported yet" -- --systemd-cgroup run c
expect 0 err "stub: create root=/r id=c bundle=/b pid_file=/p console_socket=/s no_pivot=1 no_new_keyring=1 preserve_fds=2" \
    -- --root /r create c --bundle=/b -pid-file /p --console-socket /s --no-pivot --no-new-keyring --preserve-fds 2
expect 7 err "stub: run root=/run/ward id=c bundle=. detach=1 keep=1" -- run -d --keep c
expect 0 err "stub: kill root=/run/ward id=c signal=15 all=0" -- kill c
expect 0 err "stub: kill root=/run/ward id=c signal=9 all=1" -- kill c KILL --all
expect 1 err 'unknown signal "NOPE"' -- kill c NOPE
expect 0 err "stub: delete root=/run/ward id=c force=1" -- delete -f c
expect 0 out '"status": "running"' -- state c
expect 1 err "container does not exist" -- state nosuch
expect 0 out "ID          PID         STATUS      BUNDLE      CREATED     OWNER" -- list
expect 0 out "[]" -- list -f json
expect 1 err 'invalid format option "xml": want table or json' -- list --format xml
expect 1 err "invalid log-format: yaml" -- --log-format yaml list

# JSON log: the error line is in the log file and the message on stderr.
expect 1 err "container does not exist" -- --log "$tmp/log" --log-format json state nosuch
if grep -q '"level":"error","msg":"container does not exist"' "$tmp/log"; then
    pass=$((pass + 1))
else
    fail=$((fail + 1)); echo "FAIL: json log lacks the error line"; cat "$tmp/log"
fi

# spec writes once and refuses to overwrite.
mkdir "$tmp/bundle"
"$W" spec -b "$tmp/bundle"
if grep -q '"ociVersion": "1.3.0"' "$tmp/bundle/config.json"; then
    pass=$((pass + 1))
else
    fail=$((fail + 1)); echo "FAIL: spec did not write config.json"
fi
expect 1 err "File config.json exists. Remove it first" -- spec -b "$tmp/bundle"
expect 1 err "open bundle $tmp/none: no such file or directory" -- spec -b "$tmp/none"

# Closed stdio: ward must not crash and must not write into a file it opened.
set +e
"$W" state nosuch >&- 2>&-
got=$?
set -e
if [ "$got" = 1 ]; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: closed stdio: status $got"; fi

echo "cli stub checks: $pass passed, $fail failed"
[ "$fail" = 0 ]
