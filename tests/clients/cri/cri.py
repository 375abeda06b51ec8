#!/usr/bin/python3
"""A minimal CRI client for the clients lane: the calls kubelet makes, with
the requests kubelet builds for a plain pod, over containerd's CRI socket.

    cri.py SOCKET STATE_DIR COMMAND ARG...

STATE_DIR holds the Python code protoc generates from cri.proto (made on
first use; never committed) and each pod's sandbox config, which kubelet
sends again with every CreateContainer. A failed call prints
"CALL: grpc details" on stderr and exits 125; `exec` exits with the
command's exit code. See tests/clients/cri/README.
"""
import argparse
import json
import os
import subprocess
import sys
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))

# What kubelet 1.26 (contemporary with containerd 1.6) puts in every
# container's security context for the default procMount: the paths it
# masks and the ones it makes read-only (pkg/securitycontext).
MASKED_PATHS = ["/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
                "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
                "/sys/firmware"]
READONLY_PATHS = ["/proc/asound", "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
                  "/proc/sysrq-trigger"]
MODES = {"pod": 0, "container": 1, "node": 2}
SECCOMP = {"runtime-default": 0, "unconfined": 1}


def load_stubs(state):
    gen = os.path.join(state, "gen")
    if not os.path.exists(os.path.join(gen, "cri_pb2.py")):
        os.makedirs(gen, exist_ok=True)
        subprocess.run(["protoc", "-I", HERE, "--python_out=" + gen,
                        os.path.join(HERE, "cri.proto")], check=True)
    sys.path.insert(0, gen)
    import cri_pb2  # noqa: E402 (generated above)
    return cri_pb2


class Client:
    """One unary call per RPC name: the method path is /runtime.v1.RuntimeService/NAME,
    the response type NAMEResponse (no grpc plugin needed for the stubs)."""

    def __init__(self, socket, pb):
        import grpc
        self.grpc = grpc
        self.pb = pb
        self.channel = grpc.insecure_channel("unix://" + socket)

    def call(self, name, request, timeout=120):
        response_type = getattr(self.pb, name + "Response")
        method = self.channel.unary_unary("/runtime.v1.RuntimeService/" + name,
                                          request_serializer=lambda m: m.SerializeToString(),
                                          response_deserializer=response_type.FromString)
        try:
            return method(request, timeout=timeout)
        except self.grpc.RpcError as e:
            print(f"{name}: {e.details()}", file=sys.stderr)
            sys.exit(125)


def pod_config(pb, args):
    """A sandbox config as kubelet builds it for a pod of the namespace default."""
    uid = str(uuid.uuid4())
    name = args.name
    namespaces = pb.NamespaceOption(network=MODES[args.network], pid=MODES[args.pid],
                                     ipc=MODES["pod"])
    security = pb.LinuxSandboxSecurityContext(
        namespace_options=namespaces,
        seccomp=pb.SecurityProfile(profile_type=SECCOMP[args.seccomp]))
    labels = {"io.kubernetes.pod.name": name, "io.kubernetes.pod.namespace": "default",
              "io.kubernetes.pod.uid": uid}
    return pb.PodSandboxConfig(
        metadata=pb.PodSandboxMetadata(name=name, uid=uid, namespace="default", attempt=0),
        hostname="" if args.network == "node" else name,
        log_directory=os.path.join(args.logs, f"default_{name}_{uid}"),
        dns_config=pb.DNSConfig(servers=["10.96.0.10"],
                                searches=["default.svc.cluster.local", "svc.cluster.local",
                                          "cluster.local"],
                                options=["ndots:5"]),
        labels=labels,
        annotations={"kubernetes.io/config.seen": "2026-01-01T00:00:00Z",
                     "kubernetes.io/config.source": "api"},
        linux=pb.LinuxPodSandboxConfig(cgroup_parent=f"{args.cgroup_parent}/pod{uid}",
                                       security_context=security))


def container_config(pb, pod, args):
    """A container config as kubelet builds it for a BestEffort pod's container."""
    meta = pod.metadata
    os.makedirs(os.path.join(pod.log_directory, args.name), exist_ok=True)
    # kubelet's termination-message file: a host file bound to /dev/termination-log.
    termination = os.path.join(pod.log_directory, args.name + ".termination-log")
    open(termination, "a").close()
    namespaces = pb.NamespaceOption(network=MODES["node" if args.network_node else "pod"],
                                    pid=MODES[args.pid], ipc=MODES["pod"])
    security = pb.LinuxContainerSecurityContext(
        namespace_options=namespaces, readonly_rootfs=args.readonly_rootfs,
        masked_paths=MASKED_PATHS, readonly_paths=READONLY_PATHS,
        seccomp=pb.SecurityProfile(profile_type=SECCOMP[args.seccomp]))
    # BestEffort: the lowest CPU weight, the highest OOM score, and a zero
    # limit for every huge page size the node has (kubelet sets one each).
    resources = pb.LinuxContainerResources(cpu_period=100000, cpu_shares=2, oom_score_adj=1000,
                                           hugepage_limits=hugepage_limits(pb))
    return pb.ContainerConfig(
        metadata=pb.ContainerMetadata(name=args.name, attempt=0),
        image=pb.ImageSpec(image=args.image),
        command=args.cmd,
        envs=[pb.KeyValue(key="KUBERNETES_SERVICE_HOST", value="10.96.0.1"),
              pb.KeyValue(key="KUBERNETES_SERVICE_PORT", value="443")],
        mounts=[pb.Mount(container_path="/dev/termination-log", host_path=termination)],
        labels={"io.kubernetes.container.name": args.name,
                "io.kubernetes.pod.name": meta.name,
                "io.kubernetes.pod.namespace": meta.namespace,
                "io.kubernetes.pod.uid": meta.uid},
        annotations={"io.kubernetes.container.restartCount": "0",
                     "io.kubernetes.container.terminationMessagePath": "/dev/termination-log",
                     "io.kubernetes.container.terminationMessagePolicy": "File",
                     "io.kubernetes.pod.terminationGracePeriod": "30"},
        log_path=f"{args.name}/0.log",
        linux=pb.LinuxContainerConfig(resources=resources, security_context=security))


def hugepage_limits(pb):
    limits = []
    for entry in sorted(os.listdir("/sys/kernel/mm/hugepages")):
        kb = int(entry.split("-")[1].rstrip("kB"))
        size = f"{kb // 1024 // 1024}GB" if kb >= 1024 * 1024 else f"{kb // 1024}MB"
        limits.append(pb.HugepageLimit(page_size=size, limit=0))
    return limits


def saved_pod(pb, state, pod_id):
    with open(os.path.join(state, "pods", pod_id + ".pb"), "rb") as f:
        return pb.PodSandboxConfig.FromString(f.read())


def cmd_run_pod(c, pb, args):
    config = pod_config(pb, args)
    os.makedirs(config.log_directory, exist_ok=True)
    r = c.call("RunPodSandbox", pb.RunPodSandboxRequest(config=config,
                                                       runtime_handler=args.handler))
    os.makedirs(os.path.join(args.state, "pods"), exist_ok=True)
    with open(os.path.join(args.state, "pods", r.pod_sandbox_id + ".pb"), "wb") as f:
        f.write(config.SerializeToString())
    print(r.pod_sandbox_id)


def cmd_pod_status(c, pb, args):
    r = c.call("PodSandboxStatus", pb.PodSandboxStatusRequest(pod_sandbox_id=args.id,
                                                             verbose=True))
    info = json.loads(r.info.get("info", "{}"))
    state = pb.PodSandboxState.Name(r.status.state)
    print(state, info.get("pid", 0), r.status.runtime_handler or "-",
          r.status.network.ip or "-")


def create(c, pb, args):
    pod = saved_pod(pb, args.state, args.pod)
    r = c.call("CreateContainer", pb.CreateContainerRequest(
        pod_sandbox_id=args.pod, config=container_config(pb, pod, args), sandbox_config=pod))
    c.call("StartContainer", pb.StartContainerRequest(container_id=r.container_id))
    return r.container_id


def cmd_create(c, pb, args):
    print(create(c, pb, args))


def cmd_run(c, pb, args):
    """create + start + wait + logs + remove, as one call: "exit N", then the log."""
    container_id = create(c, pb, args)
    code = wait(c, pb, container_id, args.timeout)
    print("exit", code)
    print_logs(c, pb, container_id)
    c.call("RemoveContainer", pb.RemoveContainerRequest(container_id=container_id))
    if code is None:
        sys.exit(1)


def status(c, pb, container_id):
    return c.call("ContainerStatus", pb.ContainerStatusRequest(container_id=container_id,
                                                              verbose=True))


def cmd_status(c, pb, args):
    r = status(c, pb, args.id)
    info = json.loads(r.info.get("info", "{}"))
    print(pb.ContainerState.Name(r.status.state), r.status.exit_code,
          r.status.reason or "-", info.get("pid", 0))


def wait(c, pb, container_id, timeout):
    """The exit code once the container exited; None (said on stderr) after timeout s."""
    deadline = time.monotonic() + timeout
    while True:
        r = status(c, pb, container_id)
        if r.status.state == pb.CONTAINER_EXITED:
            return r.status.exit_code
        if time.monotonic() > deadline:
            print(f"container still {pb.ContainerState.Name(r.status.state)} after "
                  f"{timeout} s", file=sys.stderr)
            return None
        time.sleep(0.1)


def log_lines(c, pb, container_id):
    # The CRI log format: TIMESTAMP STREAM TAG MESSAGE, one line each.
    r = status(c, pb, container_id)
    with open(r.status.log_path, errors="replace") as f:
        for line in f:
            parts = line.rstrip("\n").split(" ", 3)
            yield parts[3] if len(parts) == 4 else ""


def print_logs(c, pb, container_id):
    for line in log_lines(c, pb, container_id):
        print(line)


def cmd_logs(c, pb, args):
    print_logs(c, pb, args.id)


def cmd_wait_log(c, pb, args):
    deadline = time.monotonic() + args.timeout
    while not any(args.text in line for line in log_lines(c, pb, args.id)):
        if time.monotonic() > deadline:
            print(f"no \"{args.text}\" in the log after {args.timeout} s", file=sys.stderr)
            sys.exit(1)
        time.sleep(0.1)


def cmd_exec(c, pb, args):
    r = c.call("ExecSync", pb.ExecSyncRequest(container_id=args.id, cmd=args.cmd,
                                              timeout=args.timeout))
    sys.stdout.buffer.write(r.stdout)
    sys.stderr.buffer.write(r.stderr)
    sys.exit(r.exit_code)


def cmd_rm(c, pb, args):
    if args.stop:
        c.call("StopContainer", pb.StopContainerRequest(container_id=args.id, timeout=0))
    c.call("RemoveContainer", pb.RemoveContainerRequest(container_id=args.id))


def cmd_drop_pod(c, pb, args):
    """StopPodSandbox, then RemovePodSandbox (which takes the pod's containers), as kubelet."""
    c.call("StopPodSandbox", pb.StopPodSandboxRequest(pod_sandbox_id=args.id))
    c.call("RemovePodSandbox", pb.RemovePodSandboxRequest(pod_sandbox_id=args.id))


def cmd_stop(c, pb, args):
    """StopContainer with a grace period, then the container's state and exit code."""
    c.call("StopContainer", pb.StopContainerRequest(container_id=args.id, timeout=args.timeout))
    r = status(c, pb, args.id)
    print(pb.ContainerState.Name(r.status.state), r.status.exit_code)


def cmd_version(c, pb, args):
    r = c.call("Version", pb.VersionRequest(version="v1"))
    print(r.runtime_name, r.runtime_version, r.runtime_api_version)


def cmd_pods(c, pb, args):
    for item in c.call("ListPodSandbox", pb.ListPodSandboxRequest()).items:
        print(item.id, item.metadata.name, pb.PodSandboxState.Name(item.state))


def parser():
    p = argparse.ArgumentParser(prog="cri.py")
    p.add_argument("socket")
    p.add_argument("state")
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("version").set_defaults(run=cmd_version)
    sub.add_parser("pods").set_defaults(run=cmd_pods)
    pod = sub.add_parser("run-pod")
    pod.add_argument("name")
    pod.add_argument("--handler", default="")
    pod.add_argument("--logs", required=True)
    pod.add_argument("--cgroup-parent", required=True)
    pod.add_argument("--network", choices=["pod", "node"], default="pod")
    pod.add_argument("--pid", choices=list(MODES), default="container")
    pod.add_argument("--seccomp", choices=list(SECCOMP), default="unconfined")
    pod.set_defaults(run=cmd_run_pod)
    for name, run in (("create", cmd_create), ("run", cmd_run)):
        create = sub.add_parser(name)
        create.add_argument("pod")
        create.add_argument("name")
        create.add_argument("--image", required=True)
        create.add_argument("--timeout", type=int, default=20)
        create.add_argument("--readonly-rootfs", action="store_true")
        create.add_argument("--network-node", action="store_true")
        create.add_argument("--pid", choices=list(MODES), default="container")
        create.add_argument("--seccomp", choices=list(SECCOMP), default="unconfined")
        create.add_argument("cmd", nargs="+")
        create.set_defaults(run=run)
    for name, run in (("drop-pod", cmd_drop_pod), ("pod-status", cmd_pod_status),
                      ("status", cmd_status), ("logs", cmd_logs)):
        s = sub.add_parser(name)
        s.add_argument("id")
        s.set_defaults(run=run)
    rm = sub.add_parser("rm")
    rm.add_argument("id")
    rm.add_argument("--stop", action="store_true")
    rm.set_defaults(run=cmd_rm)
    stop = sub.add_parser("stop")
    stop.add_argument("id")
    stop.add_argument("--timeout", type=int, default=10)
    stop.set_defaults(run=cmd_stop)
    wait_log = sub.add_parser("wait-log")
    wait_log.add_argument("id")
    wait_log.add_argument("text")
    wait_log.add_argument("--timeout", type=int, default=10)
    wait_log.set_defaults(run=cmd_wait_log)
    ex = sub.add_parser("exec")
    ex.add_argument("id")
    ex.add_argument("--timeout", type=int, default=20)
    ex.add_argument("cmd", nargs="+")
    ex.set_defaults(run=cmd_exec)
    return p


def main():
    args = parser().parse_args()
    pb = load_stubs(args.state)
    args.run(Client(args.socket, pb), pb, args)


if __name__ == "__main__":
    main()
