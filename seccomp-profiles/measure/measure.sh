#!/bin/sh
# Measures the syscalls real workloads make, for the allow list of
# default-deny.json (see ../README.md). Writes one sorted list per workload
# to results/NAME.txt and their union to results/union.txt.
#
#   seccomp-profiles/measure/measure.sh     (needs strace, busybox, gcc;
#                                            musl-gcc and python3 if present)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out="$here/results"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"

# strace -f -o: "PID  name(args" lines; resumed and signal lines repeat or
# carry no name.
names() { sed -n 's/^[0-9][0-9]*  *\([a-z0-9_]*\)(.*/\1/p' "$1" | sort -u; }

trace() { # NAME COMMAND...
    name=$1
    shift
    strace -f -qq -o "$work/$name.trace" "$@" >"$work/$name.out" 2>&1 ||
        { echo "measure: $name failed:" >&2; cat "$work/$name.out" >&2; exit 1; }
    names "$work/$name.trace" >"$out/$name.txt"
    echo "$name: $(wc -l <"$out/$name.txt") syscalls"
}

bb=/bin/busybox
trace busybox-applets $bb sh -c "
    $bb ls -la / >/dev/null; $bb cat /etc/passwd >/dev/null; $bb ps >/dev/null
    $bb echo hi | $bb wc -c >/dev/null; $bb id >/dev/null; $bb date >/dev/null
    d=\$($bb mktemp -d); $bb touch \$d/a; $bb mkdir \$d/b; $bb cp \$d/a \$d/b/c
    $bb find \$d >/dev/null; $bb chmod 600 \$d/a; $bb mv \$d/a \$d/z; $bb ln -s z \$d/l
    $bb stat \$d/l >/dev/null; $bb du -s \$d >/dev/null; $bb df / >/dev/null
    $bb awk 'BEGIN{print 1}' >/dev/null; $bb grep root /etc/passwd >/dev/null
    $bb head -1 /etc/passwd | $bb sed s/root/x/ >/dev/null; $bb sleep 0.05
    $bb uname -a >/dev/null; $bb hostname >/dev/null; $bb env >/dev/null
    $bb rm -rf \$d"
trace shell-script $bb sh "$here/workload.sh"

# busybox httpd (forks per connection) serving one request to busybox wget.
mkdir -p "$work/www"
echo "hello from ward" >"$work/www/index.html"
port=$((20000 + $$ % 20000))
strace -f -qq -o "$work/httpd.trace" $bb httpd -f -p "127.0.0.1:$port" -h "$work/www" &
httpd=$!
i=0
until $bb wget -q -O /dev/null "http://127.0.0.1:$port/" 2>/dev/null || [ $i -ge 50 ]; do
    $bb sleep 0.1
    i=$((i + 1))
done
trace busybox-wget $bb wget -q -O "$work/got" "http://127.0.0.1:$port/index.html"
grep -q "hello from ward" "$work/got"
# strace blocks fatal signals (-o FILE PROG): stop httpd, its only child, by pid.
kill $(cat "/proc/$httpd/task/$httpd/children")
wait "$httpd" 2>/dev/null || true
names "$work/httpd.trace" >"$out/busybox-httpd.txt"
echo "busybox-httpd: $(wc -l <"$out/busybox-httpd.txt") syscalls"

gcc -O2 -pthread -o "$work/glibc-dynamic" "$here/workload.c"
gcc -O2 -pthread -static -o "$work/glibc-static" "$here/workload.c"
trace glibc-dynamic "$work/glibc-dynamic"
trace glibc-static "$work/glibc-static"
if command -v musl-gcc >/dev/null; then
    musl-gcc -O2 -static -o "$work/musl-static" "$here/workload.c"
    trace musl-static "$work/musl-static"
else
    echo "musl-static: skipped (no musl-gcc; apt-get install musl-tools)"
fi
py=/usr/bin/python3
if [ -x "$py" ]; then
    trace python3 "$py" "$here/workload.py"
else
    echo "python3: skipped (no $py)"
fi

cat "$out"/[!u]*.txt | grep -v '^$' | sort -u >"$work/union"
mv "$work/union" "$out/union.txt"
echo "union: $(wc -l <"$out/union.txt") syscalls"
