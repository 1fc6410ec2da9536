#!/usr/bin/env python3
"""Peak memory of `slac verify` with many groups (issue 15, docs/fuzzing.md "A million groups").

Writes traces of N records, one per distinct tenant, all in the first hour of the contract's term
(Benchmarks/many-groups.sla: a p99 and a share clause, `every 1 hour per tenant`), runs slac on them
with SLAC_TIMING=1 under /usr/bin/time, and prints the wall time, the peak resident set of the run,
the peak after each phase, and the state's bytes per group: the difference of the peaks after the
scan between the largest and the smallest N, divided by the difference of N.

usage: python3 Benchmarks/many_groups.py [--slac PATH] [--counts 100000,1000000] [--jobs 1,2] [--breached]
"""
import argparse
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def write_trace(path, n, breached):
    if os.path.exists(path):
        return
    ttft = 900.0 if breached else 120.5
    with open(path, "w") as f:
        for i in range(n):
            ms = i % 3_600_000
            ts = f"2026-03-01T00:{ms // 60000:02d}:{(ms // 1000) % 60:02d}.{ms % 1000:03d}Z"
            f.write(f'{{"id":"r-{i:07d}","ts":"{ts}","tenant":"tenant-{i:07d}","status":"ok",'
                    f'"input_tokens":100,"output_tokens":200,"ttft_ms":{ttft},"e2e_ms":2000.0}}\n')


def run(slac, trace, jobs):
    env = dict(os.environ, SLAC_TIMING="1")
    r = subprocess.run(["/usr/bin/time", "-f", "TIME %e %M", "nice", "-n", "19", slac, "verify",
                        "--contract", os.path.join(HERE, "many-groups.sla"), trace, "--jobs", str(jobs),
                        "--report", os.devnull, "--quiet"], env=env, capture_output=True, text=True)
    wall, peak = re.search(r"TIME ([\d.]+) (\d+)", r.stderr).groups()
    phases = dict(re.findall(r"(\w+) [\d.]+ s \(peak (\d+) MiB\)", r.stderr))
    return r.returncode, float(wall), int(peak), phases


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--slac", default=os.path.join(HERE, "..", ".build", "release", "slac"))
    ap.add_argument("--counts", default="100000,1000000")
    ap.add_argument("--jobs", default="1,2")
    ap.add_argument("--breached", action="store_true", help="every window breached (ttft 900 ms)")
    args = ap.parse_args()
    counts = [int(c) for c in args.counts.split(",")]
    kind = "breached" if args.breached else "met"
    for jobs in [int(j) for j in args.jobs.split(",")]:
        scan = {}
        for n in counts:
            trace = f"/tmp/slac_groups_{n}_{kind}.jsonl"
            write_trace(trace, n, args.breached)
            code, wall, peak, phases = run(args.slac, trace, jobs)
            scan[n] = int(phases.get("merge", phases.get("scan", 0)))
            print(f"{n} tenants ({kind}), --jobs {jobs}: exit {code}, {wall:.2f} s, peak {peak} KiB; "
                  + ", ".join(f"{k} {v} MiB" for k, v in phases.items()), flush=True)
        if len(counts) > 1:
            lo, hi = min(counts), max(counts)
            per_group = (scan[hi] - scan[lo]) * 1048576 / (hi - lo)
            print(f"--jobs {jobs}: state after the scan and merge, {per_group:.0f} bytes per group")


if __name__ == "__main__":
    sys.exit(main())
