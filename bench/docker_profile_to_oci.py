#!/usr/bin/env python3
"""Turns a Docker-format seccomp profile (as /usr/share/containers/seccomp.json
from Debian's golang-github-containers-common) into the OCI linux.seccomp
object runc takes, for x86_64 and a container with no capabilities: what
podman does when it reads that file. Only for the side-by-side benchmark."""
import json
import sys

ARCH = "amd64"
docker = json.load(open(sys.argv[1]))
oci = {"defaultAction": docker["defaultAction"]}
if "defaultErrnoRet" in docker:
    oci["defaultErrnoRet"] = docker["defaultErrnoRet"]
for entry in docker.get("archMap", []):
    if entry["architecture"] == "SCMP_ARCH_X86_64":
        oci["architectures"] = [entry["architecture"]] + entry.get("subArchitectures", [])
rules = []
for rule in docker["syscalls"]:
    inc, exc = rule.get("includes") or {}, rule.get("excludes") or {}
    if inc.get("caps") or (inc.get("arches") and ARCH not in inc["arches"]):
        continue
    if exc.get("arches") and ARCH in exc["arches"]:
        continue
    if inc.get("minKernel"):
        continue
    out = {"names": rule["names"], "action": rule["action"]}
    if rule.get("args"):
        out["args"] = rule["args"]
    if "errnoRet" in rule:
        out["errnoRet"] = rule["errnoRet"]
    rules.append(out)
oci["syscalls"] = rules
json.dump(oci, sys.stdout)
