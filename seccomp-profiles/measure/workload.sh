#!/bin/sh
# A shell script of the kind entrypoints are: functions, loops, pipes,
# subshells, redirects, traps, background jobs, here-documents.
set -e
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
greet() { echo "hello $1"; }
for i in 1 2 3; do greet "$i" >> "$dir/log"; done
count=$(wc -l < "$dir/log")
[ "$count" -eq 3 ]
cat <<DOC | sed 's/a/b/' | sort | uniq > "$dir/doc"
banana
apple
DOC
(cd "$dir" && ls -l > listing)
sleep 0.1 &
wait
grep -q hello "$dir/log" && echo "script ok $(date +%s) $(id -u)"
tar -C "$dir" -czf "$dir/../ward-measure.tgz" . && rm -f "$dir/../ward-measure.tgz"
kill -0 $$
