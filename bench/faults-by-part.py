#!/usr/bin/env python3
"""faults-by-part.py BINARY ARGS...: runs BINARY once under `perf record` and
prints its page faults (and its children's) by the part each touched: the
binary's ELF section (.data.rel.ro, .text, ...) or, outside the binary,
the mapping ([heap], [stack], ...). A re-executed copy of the binary (create's
CVE-2019-5736 re-exec) counts as the binary. Output: "total N", then one
"COUNT PART" line each, most first (bench/startup.sh)."""
import collections
import os
import re
import subprocess
import sys
import tempfile

MMAP = re.compile(r"MMAP2? .*\[(0x[0-9a-f]+)\((0x[0-9a-f]+)\) @ (\S+) [0-9a-f]+:[0-9a-f]+ (\d+) .*\]: \S+ (.*)$")


def sections(path):
    """(link address, size, name) of every allocated section."""
    out = subprocess.run(["readelf", "-SW", path], capture_output=True, text=True, check=True).stdout
    found = []
    for line in out.splitlines():
        m = re.match(r"\s*\[\s*\d+\]\s+(\S+)\s+\S+\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)", line)
        if m and int(m.group(2), 16):
            found.append((int(m.group(2), 16), int(m.group(3), 16), m.group(1)))
    return found


def record(argv):
    """perf script lines of one recorded run: mmap events and fault addresses."""
    fd, data = tempfile.mkstemp(suffix=".perf")
    os.close(fd)
    try:
        subprocess.run(["perf", "record", "-q", "-e", "page-faults", "-c", "1", "-d", "-o", data, "--"] + argv,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return subprocess.run(["perf", "script", "-i", data, "--show-mmap-events", "-F", "addr"],
                              capture_output=True, text=True, check=True).stdout.splitlines()
    finally:
        os.unlink(data)


def main():
    binary = sys.argv[1]
    inode = os.stat(binary).st_ino
    maps, loads, faults = [], [], []
    for line in record(sys.argv[1:]):
        m = MMAP.search(line)
        if m:
            start, size = int(m.group(1), 16), int(m.group(2), 16)
            # The mapping of file offset 0 starts at the load address (link address 0).
            if int(m.group(4)) == inode and int(m.group(3), 16) == 0:
                loads.append((start, start + size))
            maps.append((start, start + size, m.group(5).strip()))
        elif not line.lstrip().startswith("PERF"):
            try:
                faults.append(int(line.split()[0], 16))
            except (IndexError, ValueError):
                pass
    secs = sections(binary)
    count = collections.Counter()
    for addr in faults:
        part = None
        for lo, hi in loads:
            if lo <= addr < hi:
                part = next((name for s, size, name in secs if s <= addr - lo < s + max(size, 1)),
                            "(binary, no section)")
                break
        if part is None:
            part = next((name for lo, hi, name in reversed(maps) if lo <= addr < hi), "(unmapped)")
            if part.startswith("/"):
                part = "(file) " + os.path.basename(part)
        count[part] += 1
    print(f"total {len(faults)}")
    for part, n in count.most_common():
        print(f"{n} {part}")


if __name__ == "__main__":
    main()
