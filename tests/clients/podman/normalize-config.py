#!/usr/bin/env python3
"""Prints podman's config.json for a container with what differs from run to
run or host to host replaced by placeholders:
  <id>, <short-id>    the container's id and its first 12 digits (hostname)
  <podman>            this run's private directory (storage, run root)
  <layer>             the image layer's id in the vfs storage
  <cgroup-parent>     this run's cgroup parent
  <created>           the creation time annotation
  <limit>             rlimit values: podman asks for 1048576 open files and
                      32768 processes, more than hosts without
                      CAP_SYS_RESOURCE allow, where the test asks for less
and what podman lists in a different order on every run put in order: the
environment, and its bind mounts of its own files (/etc/hosts, /dev/shm,
...), sorted by destination where they stand.

Usage: normalize-config.py CONFIG ID PODMAN_DIR CGROUP_PARENT"""
import json
import re
import sys


def main():
    if len(sys.argv) != 5:
        raise SystemExit(__doc__)
    path, cid, private, parent = sys.argv[1:]
    with open(path) as f:
        config = json.load(f)
    for rlimit in config.get("process", {}).get("rlimits", []):
        rlimit["hard"] = rlimit["soft"] = "<limit>"
    annotations = config.get("annotations", {})
    if "io.kubernetes.cri-o.Created" in annotations:
        annotations["io.kubernetes.cri-o.Created"] = "<created>"

    def placeholders(text):
        text = text.replace(private, "<podman>").replace(cid, "<id>").replace(cid[:12], "<short-id>")
        text = re.sub(r"/vfs/dir/[0-9a-f]{64}", "/vfs/dir/<layer>", text)
        return text.replace(parent + "/", "<cgroup-parent>/")

    def walk(node):
        if isinstance(node, dict):
            return {placeholders(k): walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        if isinstance(node, str):
            return placeholders(node)
        return node

    config = walk(config)
    if "env" in config.get("process", {}):
        config["process"]["env"].sort()
    mounts = config.get("mounts", [])
    own = [i for i, m in enumerate(mounts) if m.get("source", "").startswith("<podman>/")]
    for i, mount in zip(own, sorted((mounts[i] for i in own), key=lambda m: m["destination"])):
        mounts[i] = mount
    json.dump(config, sys.stdout, indent=2)
    sys.stdout.write("\n")


main()
