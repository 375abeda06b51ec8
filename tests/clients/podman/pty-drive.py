#!/usr/bin/env python3
"""Drives an interactive command through a pseudo-terminal, as a user at a
terminal would: each STEP is `expect:TEXT` (wait until TEXT has appeared in
the output since the last match) or `send:TEXT` (type TEXT and Enter).
Prints the whole transcript and exits with the command's status; a TEXT that
never comes within TIMEOUT seconds kills the command and exits 124.

Usage: pty-drive.py TIMEOUT STEP... -- COMMAND [ARG...]"""
import os
import pty
import select
import signal
import sys
import time


def main():
    args = sys.argv[1:]
    if "--" not in args or len(args) < 3:
        raise SystemExit(__doc__)
    split = args.index("--")
    timeout, steps, command = float(args[0]), args[1:split], args[split + 1:]
    pid, master = pty.fork()
    if pid == 0:
        os.execvp(command[0], command)
    deadline = time.monotonic() + timeout
    seen, start = b"", 0

    def read_some():
        nonlocal seen
        ready, _, _ = select.select([master], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            return False
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: the other side is closed
            return False
        seen += chunk
        return bool(chunk)

    def give_up(why):
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        sys.stdout.write(seen.decode(errors="replace"))
        sys.stdout.write(f"\npty-drive: {why}\n")
        sys.exit(124)

    for step in steps:
        kind, _, text = step.partition(":")
        if kind == "send":
            os.write(master, text.encode() + b"\r")
        elif kind == "expect":
            while (found := seen.find(text.encode(), start)) < 0:
                if not read_some():
                    give_up(f"never saw {text!r}")
            start = found + len(text)
        else:
            raise SystemExit(f"pty-drive: bad step {step!r}")
    while read_some():  # the rest of the output, until the command closes it
        pass
    if time.monotonic() >= deadline:
        give_up("the command did not end")
    _, status = os.waitpid(pid, 0)
    sys.stdout.write(seen.decode(errors="replace"))
    sys.exit(os.waitstatus_to_exitcode(status) % 256)


main()
