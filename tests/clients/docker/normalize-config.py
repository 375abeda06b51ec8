#!/usr/bin/env python3
"""Prints a config.json Docker generated with this run's host-specific
values replaced by stable placeholders, so that the file kept in
tests/data/clients/ only changes when Docker's defaults do.

Usage: normalize-config.py CONFIG OLD=PLACEHOLDER...

Each OLD string (a path or id of this run) becomes PLACEHOLDER wherever it
occurs, longest first. Also replaced: the overlay2 layer directory of the
rootfs (<layer>), and in Docker's libnetwork prestart hook the daemon's pid
in /proc/PID/exe (<dockerd-pid>) and the network controller id
(<network-controller>).
"""
import json
import re
import sys


def main():
    with open(sys.argv[1]) as f:
        config = json.load(f)
    swaps = [item.split("=", 1) for item in sys.argv[2:]]

    for hook in config.get("hooks", {}).get("prestart", []) or []:
        args = hook.get("args", [])
        if args and args[0] == "libnetwork-setkey":
            hook["path"] = re.sub(r"^/proc/\d+/exe$", "/proc/<dockerd-pid>/exe", hook["path"])
            args[-1] = "<network-controller>"

    text = json.dumps(config, indent=2)
    for old, new in sorted(swaps, key=lambda s: -len(s[0])):
        text = text.replace(old, new)
    text = re.sub(r"/overlay2/[0-9a-f]{64}/", "/overlay2/<layer>/", text)
    print(text)


if __name__ == "__main__":
    main()
