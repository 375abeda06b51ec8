#!/usr/bin/env python3
"""alternate.py RUNS [-p NAME=PREPARE]... NAME=COMMAND...: wall time of each
command, the commands run in turn (A, B, C, A, B, C, ...) rather than each
RUNS times in a row as hyperfine runs them, so a host whose load drifts
during the measurement (other builds, a VM) weighs on every command alike.
PREPARE runs, untimed, before each run of the command of that NAME (its
failure ignored). Commands are split as a shell would (shlex) and run
without one, their output discarded. Prints a markdown table: median,
mean and min in ms (bench/startup.sh)."""
import shlex
import statistics
import subprocess
import sys
import time


def run(command):
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main():
    runs = int(sys.argv[1])
    args = sys.argv[2:]
    prepare, commands = {}, []
    while args:
        if args[0] == "-p":
            name, command = args[1].split("=", 1)
            prepare[name] = shlex.split(command)
            args = args[2:]
        else:
            name, command = args[0].split("=", 1)
            commands.append((name, shlex.split(command)))
            args = args[1:]
    times = {name: [] for name, _ in commands}
    for round_ in range(runs + 1):  # the first round warms up, untimed
        for name, command in commands:
            if name in prepare:
                run(prepare[name])
            start = time.perf_counter_ns()
            run(command)
            if round_:
                times[name].append((time.perf_counter_ns() - start) / 1e6)
    print("| Command | Median [ms] | Mean [ms] | Min [ms] |")
    print("|:---|---:|---:|---:|")
    for name, _ in commands:
        t = times[name]
        print(f"| `{name}` | {statistics.median(t):.2f} | {statistics.fmean(t):.2f} | {min(t):.2f} |")


if __name__ == "__main__":
    main()
