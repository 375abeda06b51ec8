#!/usr/bin/env python3
"""Writes the hot-text linker script from a profile (bench/hot-text.sh).

hot-text.py MAP BINARY PERF_DATA [PIDS [CALLGRIND...]] > bench/hot-text.ld

MAP is the linker map of BINARY, PERF_DATA a `perf record` of the verbs run
by that very binary (every sample's instruction pointer counts, in every
process that ran the binary, re-executed copies and forked children
included), PIDS the "PID TIER" lines naming each profiled process's tier,
CALLGRIND the callgrind files of the verbs valgrind can run (cg.TIER.N),
which list every function run, where samples miss the short ones. The input
sections of .text that any of them ran are listed, tier by tier (1 first)
and in link order within a tier, in one output section that the link places
before .text: the code that the verbs run then lies on a few contiguous
pages instead of being spread over the whole text, so fewer page faults map
it (each maps up to 64 KiB around it) and less of it is resident.

A section whose name is unique in the link (a function's own section, from
-ffunction-sections) is named alone; one whose name is shared (".text" of an
archive member built without function sections) is named with its archive
member. A name that no longer exists after a change matches nothing, so a
stale script only costs locality, never correctness.
"""
import bisect
import collections
import os
import re
import subprocess
import sys

INPUT = re.compile(r"^ (\.text\S*)(?:\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*))?$")
CONT = re.compile(r"^\s+0x([0-9a-f]+)\s+0x([0-9a-f]+)\s+(\S.*)$")


def text_inputs(map_path):
    """(start, size, section, file) of every input section of .text."""
    inputs = []
    in_text = False
    pending = None
    with open(map_path) as f:
        for line in f:
            line = line.rstrip("\n")
            if re.match(r"^\.\S+", line):
                in_text = line.split()[0] in (".text", ".text.ward_hot")
                pending = None
                continue
            if not in_text:
                continue
            m = INPUT.match(line)
            if m:
                if m.group(2) is None:
                    pending = m.group(1)
                else:
                    inputs.append((int(m.group(2), 16), int(m.group(3), 16), m.group(1), m.group(4)))
                continue
            m = CONT.match(line)
            if m and pending:
                inputs.append((int(m.group(1), 16), int(m.group(2), 16), pending, m.group(3)))
            pending = None
    return [i for i in inputs if i[1] > 0]


def code_shift(binary):
    """p_vaddr - p_offset of the binary's executable segment."""
    out = subprocess.run(["readelf", "-lW", binary], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        f = line.split()
        if f and f[0] == "LOAD" and "E" in f[6:-1]:
            return int(f[2], 16) - int(f[1], 16)
    raise SystemExit(f"hot-text: no executable segment in {binary}")


def sample_offsets(perf_data, binary):
    """(pid, link address) of the samples that fell in the binary's code."""
    ident = os.stat(binary)
    shift = code_shift(binary)
    out = subprocess.run(["perf", "script", "-i", perf_data, "--show-mmap-events", "--show-task-events",
                          "-F", "pid,ip"], capture_output=True, text=True, check=True).stdout
    mmap = re.compile(r"MMAP2 .*\[(0x[0-9a-f]+)\((0x[0-9a-f]+)\) @ (\S+) [0-9a-f]+:[0-9a-f]+ (\d+) ")
    fork = re.compile(r"PERF_RECORD_FORK\((\d+):\d+\):\((\d+):\d+\)")
    spans = collections.defaultdict(list)  # pid: (start, end, bias) of the binary's code
    parents = {}
    offsets = []
    for line in out.splitlines():
        fields = line.split()
        if len(fields) < 2:
            continue
        pid = fields[0]
        if not fields[1].startswith("PERF_RECORD"):
            ip = int(fields[1], 16)
            offsets.extend((pid, ip - bias) for lo, hi, bias in spans.get(pid, ()) if lo <= ip < hi)
            continue
        m = fork.search(line)
        if m:
            spans[m.group(1)] = list(spans.get(m.group(2), ()))
            parents.setdefault(m.group(1), m.group(2))
        elif "PERF_RECORD_COMM exec" in line:
            spans.pop(pid, None)
        else:
            m = mmap.search(line)
            # The binary's code, by inode (create re-executes a copy that is
            # the same inode mounted read-only): back to link addresses.
            if m and int(m.group(4)) == ident.st_ino and "r-xp" in line:
                start = int(m.group(1), 16)
                bias = start - (int(m.group(3), 16) + shift)
                spans[pid].append((start, start + int(m.group(2), 16), bias))
    return offsets, parents


def tiers(path, parents):
    """pid: tier, from the lines "PID TIER" hot-text.sh wrote; a forked child
    (create's init) has its parent's tier, a process without one tier 9."""
    noted = {}
    if path:
        with open(path) as f:
            for line in f:
                pid, tier = line.split()
                noted[pid] = int(tier)

    def tier(pid):
        seen = set()
        while pid not in noted and pid in parents and pid not in seen:
            seen.add(pid)
            pid = parents[pid]
        return noted.get(pid, 9)
    return tier


def pattern(section, path, shared):
    if section not in shared:
        return f"*({section})"
    m = re.match(r"^(.*)\((.*)\)$", path)
    if m:
        return f"*{os.path.basename(m.group(1))}:{m.group(2)}({section})"
    return f"*{os.path.basename(path)}({section})"


def symbol_file(binary):
    """The file that holds the binary's symbol table: the one its
    .gnu_debuglink names, beside it (the link strips build/ward), or the
    binary itself."""
    out = subprocess.run(["readelf", "-p", ".gnu_debuglink", binary], capture_output=True, text=True,
                         errors="replace").stdout
    m = re.search(r"^\s*\[\s*0\]\s+(\S+)", out, re.M)
    if m:
        debug = os.path.join(os.path.dirname(binary), m.group(1))
        if os.path.exists(debug):
            return debug
    return binary


def symbols(binary):
    """name: link addresses of the binary's code symbols."""
    out = subprocess.run(["nm", "--defined-only", symbol_file(binary)], capture_output=True, text=True,
                         check=True).stdout
    found = collections.defaultdict(list)
    for line in out.splitlines():
        f = line.split()
        if len(f) == 3 and f[1] in "tTWwi":
            found[f[2]].append(int(f[0], 16))
    return found


def callgrind_offsets(paths, binary):
    """(tier, link address) of every function that the callgrind runs
    (files named cg.TIER.N, written with --compress-strings=no and
    --demangle=no) executed or called: complete, where samples miss the
    functions that take a few nanoseconds."""
    names = symbols(binary)
    found = []
    for path in paths:
        tier = int(os.path.basename(path).split(".")[1])
        with open(path) as f:
            for line in f:
                if line.startswith(("fn=", "cfn=")):
                    name = line.split("=", 1)[1].strip()
                    found.extend((tier, addr) for addr in names.get(name, ()))
    return found


def main():
    map_path, binary, perf_data = sys.argv[1:4]
    pids = sys.argv[4] if len(sys.argv) > 4 else None
    callgrind = sys.argv[5:]
    inputs = text_inputs(map_path)
    counts = collections.Counter(section for _, _, section, _ in inputs)
    shared = {s for s, n in counts.items() if n > 1 or s == ".text"}
    starts = [i[0] for i in inputs]
    samples, parents = sample_offsets(perf_data, binary)
    tier = tiers(pids, parents)
    first = {}  # input section: the lowest tier of the processes that ran it
    for pid, off in samples:
        k = bisect.bisect_right(starts, off) - 1
        if k >= 0 and off < inputs[k][0] + inputs[k][1]:
            first[k] = min(first.get(k, 9), tier(pid))
    for level, off in callgrind_offsets(callgrind, binary):
        k = bisect.bisect_right(starts, off) - 1
        if k >= 0 and off < inputs[k][0] + inputs[k][1]:
            first[k] = min(first.get(k, 9), level)
    # Tier by tier (1: state, which a shim asks most), each in link order: a
    # short verb's code lies on the first pages of the hot text, and what
    # only create needs follows it.
    hot = sorted(first, key=lambda k: (first[k], k))
    size = sum(inputs[k][1] for k in hot)
    print("/* Generated by bench/hot-text.sh: the code the profiled verbs ran,")
    print(f"   {len(hot)} input sections, {size} bytes, tier by tier (state")
    print("   first). Regenerate after large changes; a stale list only costs")
    print("   locality. */")
    print("SECTIONS")
    print("{")
    print("  .text.ward_hot :")
    print("  {")
    seen = set()
    for k in hot:
        p = pattern(inputs[k][2], inputs[k][3], shared)
        if p not in seen:
            seen.add(p)
            print(f"    {p}")
    print("  }")
    print("}")
    print("INSERT BEFORE .text;")
    print(f"hot-text: {len(hot)} of {len(inputs)} input sections, {size} of "
          f"{sum(i[1] for i in inputs)} bytes", file=sys.stderr)


if __name__ == "__main__":
    main()
