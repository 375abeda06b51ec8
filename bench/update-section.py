#!/usr/bin/env python3
"""Replaces one "## " section of docs/performance.md (by its heading) with
stdin, keeping the other benchmarks' sections: each bench script owns one."""
import sys

path, heading = sys.argv[1], sys.argv[2]
new = sys.stdin.read().rstrip("\n") + "\n"
try:
    lines = open(path).read().splitlines(keepends=True)
except FileNotFoundError:
    lines = ["# Performance\n", "\n", "Written by the scripts in bench/; each owns one section.\n"]
out, skipping, done = [], False, False
for line in lines:
    if line.startswith("## "):
        skipping = line.strip() == heading
        if skipping:
            out.append((new if new.startswith("## ") else heading + "\n\n" + new) + "\n")
            done = True
            continue
    if not skipping:
        out.append(line)
if not done:
    if out and out[-1].strip():
        out.append("\n")
    out.append(new if new.startswith("## ") else heading + "\n\n" + new)
text = "".join(out)
while "\n\n\n" in text:
    text = text.replace("\n\n\n", "\n\n")
text = text.rstrip("\n") + "\n"
open(path, "w").write(text)
