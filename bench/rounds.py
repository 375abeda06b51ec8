#!/usr/bin/env python3
"""Side-by-side timing that host drift cannot tilt (start.sh, verbs.sh, clients.sh).

rounds.py time ROUNDS RUNS WARMUP OUT (NAME PREPARE COMMAND)...
    One hyperfine invocation in which the command list is given ROUNDS
    times over (round 1: every command, round 2: every command, ...), each
    entry RUNS/ROUNDS runs after WARMUP untimed ones, PREPARE (untimed)
    before each run. hyperfine runs an entry's runs in a row and the
    entries in order, so without rounds a host whose load drifts during
    the minutes a table takes (a VM, a shared machine) lands on whichever
    runtime happened to be timed then; with rounds every command sees each
    stretch of the run. The runs of a command are pooled: OUT.md is the
    table in hyperfine's own format, OUT.json hyperfine's fields (seconds)
    plus "round_means", the mean of each round.

rounds.py ratio OUT.json LABEL WARD CRUN WRAPPER
    One line: WARD's mean over CRUN's, raw and net of WRAPPER's mean (the
    unshare wrapper both run behind), the median and min ratios (a long
    tail of slow runs moves the mean, not the median), and the range of
    the per-round ratios, which shows how much the figure moves with the
    host.
"""
import json
import math
import statistics
import subprocess
import sys
import tempfile


def time_rounds(rounds, runs, warmup, out, triplets):
    per_round = max(2, runs // rounds)  # two at least: a round's mean and spread
    args = ["hyperfine", "-N", "--warmup", str(warmup), "--runs", str(per_round)]
    for r in range(rounds):
        for name, prepare, command in triplets:
            args += ["-n", f"{name} @{r}", "--prepare", prepare, command]
    with tempfile.NamedTemporaryFile(suffix=".json") as raw:
        done = subprocess.run(args + ["--export-json", raw.name], capture_output=True, text=True)
        if done.returncode != 0:
            sys.stderr.write(done.stdout + done.stderr)
            sys.exit(done.returncode)
        entries = json.load(open(raw.name))["results"]
    pooled = []
    for name, _, _ in triplets:
        mine = [e for e in entries if e["command"].rsplit(" @", 1)[0] == name]
        times = [t for e in mine for t in e["times"]]
        pooled.append({
            "command": name, "mean": statistics.fmean(times),
            "stddev": statistics.stdev(times) if len(times) > 1 else 0.0,
            "min": min(times), "max": max(times), "times": times,
            "round_means": [e["mean"] for e in mine]})
    json.dump({"rounds": rounds, "results": pooled}, open(out + ".json", "w"))
    write_markdown(pooled, out + ".md")


def write_markdown(results, path):
    """hyperfine's markdown table, relative to the fastest mean."""
    fastest = min(results, key=lambda r: r["mean"])
    lines = ["| Command | Mean [ms] | Min [ms] | Max [ms] | Relative |", "|:---|---:|---:|---:|---:|"]
    for r in results:
        if r is fastest:
            relative = "1.00"
        else:
            ratio = r["mean"] / fastest["mean"]
            spread = ratio * math.hypot(r["stddev"] / r["mean"], fastest["stddev"] / fastest["mean"])
            relative = f"{ratio:.2f} ± {spread:.2f}"
        lines.append(f"| `{r['command']}` | {r['mean'] * 1e3:.1f} ± {r['stddev'] * 1e3:.1f} | "
                     f"{r['min'] * 1e3:.1f} | {r['max'] * 1e3:.1f} | {relative} |")
    open(path, "w").write("\n".join(lines) + "\n")


def ratio(path, label, ward, crun, wrapper):
    results = {r["command"]: r for r in json.load(open(path))["results"]}
    w, c, base = results[ward], results[crun], results[wrapper]["mean"]
    per_round = [a / b for a, b in zip(w["round_means"], c["round_means"])]
    w_median, c_median = statistics.median(w["times"]), statistics.median(c["times"])
    print("%s: ward/crun %.2f by mean (%.1f / %.1f ms), %.2f by median (%.1f / %.1f ms), "
          "%.2f by min (%.1f / %.1f ms); "
          "%.2f by mean net of the wrapper (%.1f / %.1f ms); rounds %.2f-%.2f" % (
              label, w["mean"] / c["mean"], w["mean"] * 1e3, c["mean"] * 1e3,
              w_median / c_median, w_median * 1e3, c_median * 1e3,
              w["min"] / c["min"], w["min"] * 1e3, c["min"] * 1e3,
              (w["mean"] - base) / (c["mean"] - base),
              (w["mean"] - base) * 1e3, (c["mean"] - base) * 1e3,
              min(per_round), max(per_round)))


def main():
    verb, args = (sys.argv[1], sys.argv[2:]) if len(sys.argv) > 1 else ("", [])
    if verb == "time" and len(args) >= 7 and (len(args) - 4) % 3 == 0:
        rest = args[4:]
        time_rounds(int(args[0]), int(args[1]), int(args[2]), args[3],
                    [tuple(rest[i:i + 3]) for i in range(0, len(rest), 3)])
    elif verb == "ratio" and len(args) == 5:
        ratio(*args)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
