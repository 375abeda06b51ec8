#!/usr/bin/env python3
"""Merges containers.conf files the way podman reads its drop-ins: each later
file's keys replace the earlier ones (lists too), tables merge key by key.
Prints one file, for CONTAINERS_CONF (which makes podman read that file only).

Usage: merge-toml.py BASE [OVERLAY...]"""
import json
import sys
import tomllib


def merge(into, overlay):
    for key, value in overlay.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            merge(into[key], value)
        else:
            into[key] = value


def scalar(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)  # a TOML basic string: JSON's escapes are TOML's
    if isinstance(value, list):
        return "[" + ", ".join(scalar(item) for item in value) + "]"
    raise SystemExit(f"merge-toml: cannot write {type(value).__name__} {value!r}")


def emit(table, path, out):
    plain = {k: v for k, v in table.items() if not isinstance(v, dict)}
    if path:
        out.append("[" + ".".join(json.dumps(p) if not p.isidentifier() else p for p in path) + "]")
    out.extend(f"{json.dumps(k) if not k.isidentifier() else k} = {scalar(v)}" for k, v in plain.items())
    for key, value in table.items():
        if isinstance(value, dict):
            emit(value, path + [key], out)


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    merged = {}
    for name in sys.argv[1:]:
        with open(name, "rb") as f:
            merge(merged, tomllib.load(f))
    lines = []
    emit(merged, [], lines)
    print("\n".join(lines))


main()
