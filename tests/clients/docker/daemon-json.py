#!/usr/bin/env python3
"""Writes the clients lane's dockerd config (daemon.json) on stdout.

Usage: daemon-json.py CONTRIB_JSON [--path OLD=NEW]... [--key FILE]
                      [NAME=PATH]...

CONTRIB_JSON is contrib/docker/daemon.json as shipped: its "ward" runtime
becomes "ward-contrib", with each OLD path (in "path" and "runtimeArgs")
replaced by NEW, so the lane runs exactly the entry a user copies. Each
NAME=PATH adds a runtime entry. --key moves dockerd's trust key
("deprecated-key-path", /etc/docker/key.json by default).
"""
import argparse
import json
import sys


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("contrib")
    parser.add_argument("--path", action="append", default=[])
    parser.add_argument("--key")
    parser.add_argument("runtimes", nargs="*")
    args = parser.parse_intermixed_args()

    with open(args.contrib) as f:
        config = json.load(f)
    swaps = dict(item.split("=", 1) for item in args.path)
    runtimes = config.get("runtimes", {})
    if "ward" not in runtimes:
        sys.exit(f"{args.contrib}: no runtimes.ward entry")
    entry = runtimes.pop("ward")
    entry["path"] = swaps.get(entry["path"], entry["path"])
    entry["runtimeArgs"] = [swaps.get(a, a) for a in entry.get("runtimeArgs", [])]
    runtimes["ward-contrib"] = entry
    for item in args.runtimes:
        name, path = item.split("=", 1)
        runtimes[name] = {"path": path}
    config["runtimes"] = runtimes
    if args.key:
        config["deprecated-key-path"] = args.key
    json.dump(config, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
