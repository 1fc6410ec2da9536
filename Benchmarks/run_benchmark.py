#!/usr/bin/env python3
"""slac against DuckDB and polars on the same trace, in the same run (issue 4).

Generates the benchmark trace with ../shared/bench/gen_traces.py (or reuses it), checks that
slac's figures equal the peers' table (../shared/bench/peers/README.md), then times the tools
alternating, and prints medians (wall and CPU time), MB/s, peak memory and ratios of medians.
--gzip and --zstd add the compressed copies, with the CPU time they add to the plain file's
(--zstd also times `zstd -d` decoding the copy alone).

usage: python3 Benchmarks/run_benchmark.py [--records 5000000] [--trace FILE] [--runs 5]
           [--threads 1,2] [--slac PATH] [--skip-polars] [--gzip] [--zstd] [--memory-check]
           [--memory-traces FILE,FILE]

--memory-check adds peak-memory rows of the benchmark contract (percentiles included) on 1M, the
--records trace and 25M records (generated when missing, ~5 GB for 25M; --memory-traces names
other files for the 1M and 25M rows), with the default lateness bound and with --lateness none
(every window kept open), and checks that both give the same report.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SHARED = os.environ.get("SLAC_SHARED_BENCH", os.path.normpath(os.path.join(ROOT, "..", "shared", "bench")))
NS = "{urn:slac:report:1}"


def sh(cmd, env=None, capture=True):
    return subprocess.run(cmd, env=env, capture_output=capture, text=True)


def ensure_python_packages():
    try:
        import duckdb  # noqa: F401
        import polars  # noqa: F401
    except ImportError:
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "duckdb", "polars"], check=True)


def ensure_trace(path, records):
    if os.path.exists(path):
        return
    print(f"generating {path} ({records} records)...", flush=True)
    subprocess.run([sys.executable, os.path.join(SHARED, "gen_traces.py"), "--records", str(records),
                    "--tenants", "50", "--seed", "42", "--out", path], check=True)


def warm(path):
    """Reads a file once, untimed, so that the run after it finds it in the page cache. This
    machine's page cache shrinks by about 5 MB a second even with 20 GB free (`free -m`, 10 s
    apart), so a trace read a minute earlier is partly read from disk again; the tools are compared
    on a file in page cache, each of them."""
    with open(path, "rb") as f:
        while f.read(8 << 20):
            pass


def timed(cmd, env=None):
    """Wall seconds, CPU seconds (user + system) and peak RSS (KiB) via GNU time."""
    r = subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M"] + cmd, env=env, capture_output=True, text=True)
    last = r.stderr.strip().splitlines()[-1]
    wall, user, system, rss = last.split()
    return float(wall), float(user) + float(system), int(rss), r


def slac_table(report_path):
    """The peers' table computed from a `--windows all` report."""
    root = ET.parse(report_path).getroot()
    rows = {}

    def row(t):
        return rows.setdefault(t, [0] * 13)

    for clause in root.iter(NS + "clause"):
        name = clause.get("name")
        for w in clause.iter(NS + "window"):
            key = w.find(NS + "key")
            t = key.get("value")
            a = row(t)
            v = w.get("verdict")
            if name == "ttft_windows":
                p99 = float(w.get("observed"))
                x10 = int(round(p99 * 10))
                a[0] += 1
                a[1] += v == "breached"
                a[2] += int(w.get("count"))
                a[3] += x10
                a[4] = max(a[4], x10)
            elif name == "daily_tokens":
                tok = int(w.get("observed"))
                a[5] += 1
                a[6] += v == "breached"
                a[7] += tok
                a[8] = max(a[8], tok)
            elif name == "hourly_decode" and v != "insufficient":
                a[9] += 1
                a[10] += v == "breached"
                a[11] += int(w.get("denominator"))
                a[12] += int(w.get("numerator"))
    header = ("tenant\twindows\twin_breach\tok_n\tp99_sum_x10\tp99_max_x10\tdays\tday_breach"
              "\ttokens\ttok_max_day\thours\thour_below\ttps_def\ttps_fast")
    lines = [header]
    total = [0] * 13
    for t in sorted(rows, key=lambda s: s.encode()):
        a = rows[t]
        lines.append("\t".join([t] + [str(x) for x in a]))
        for i, x in enumerate(a):
            total[i] = max(total[i], x) if i in (4, 8) else total[i] + x
    lines.append("\t".join(["TOTAL"] + [str(x) for x in total]))
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=5_000_000)
    ap.add_argument("--trace", default=None)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--slac", default=None, help="a slac binary (default: build .build-release-static/release/slac first, as scripts/package.sh links it)")
    ap.add_argument("--skip-polars", action="store_true")
    ap.add_argument("--gzip", action="store_true",
                    help="also time slac on a gzip copy of the trace (read as a stream), made with gzip -1 if missing")
    ap.add_argument("--zstd", action="store_true",
                    help="also time slac on a zstd copy of the trace (read as a stream), made with zstd -1 if missing")
    ap.add_argument("--memory-traces", default=None,
                    help="with --memory-check: the 1M- and 25M-record traces, comma-separated (default: generated in /tmp)")
    ap.add_argument("--check-ids", action="store_true",
                    help="also time slac with --check-ids (the repeated-id check), alternating with the runs without it")
    ap.add_argument("--memory-check", action="store_true",
                    help="also measure peak memory of the benchmark contract on 1M, --records and 25M records")
    args = ap.parse_args()

    if not os.path.isdir(SHARED):
        sys.exit(f"{SHARED} not found: set SLAC_SHARED_BENCH to the shared bench/ folder")
    trace = args.trace or f"/tmp/slac_bench_{args.records}.jsonl"
    ensure_python_packages()
    ensure_trace(trace, args.records)
    if args.slac is None:
        # Always (re)build: a stale binary would time old code. Up to date, this takes a second.
        # Every function on a 64-byte boundary: without it the speed of the reader's hot loops
        # depended on unrelated code placed before them (an unused file in SLACExact made the 1 GB
        # scan 2.07 -> 2.21 s; with the flag, 2.10 and 2.10 s). Passed here, not in Package.swift,
        # because SwiftPM refuses unsafe flags in a package used as a dependency.
        # Linked as slac ships (scripts/package.sh): the Swift runtime and Foundation statically.
        # That is also 6-8 ms less of starting up (30 runs: `slac --version` 14.8 -> 8.5 ms, the
        # dynamic loader's relocations against a dozen shared libraries gone). Its own scratch
        # path, as package.sh's, so that the debug build in .build is not rebuilt.
        subprocess.run(["swift", "build", "-c", "release", "--static-swift-stdlib", "--scratch-path", ".build-release-static",
                        "--product", "slac", "-Xswiftc", "-Xllvm", "-Xswiftc", "-align-all-functions=6"], cwd=ROOT, check=True)
        args.slac = os.path.join(ROOT, ".build-release-static", "release", "slac")
    contract = os.path.join(HERE, "peers-evaluation.sla")
    size_mb = os.path.getsize(trace) / 1e6
    threads = [int(x) for x in args.threads.split(",")]

    # 1. Agreement: slac's figures equal the peers' table.
    with tempfile.TemporaryDirectory() as tmp:
        report = os.path.join(tmp, "all.xml")
        r = sh([args.slac, "verify", "--contract", contract, trace, "--windows", "all", "--report", report, "--quiet"])
        if r.returncode not in (0, 1):
            sys.exit(f"slac failed: {r.stderr}")
        ours = slac_table(report)
        r = sh([sys.executable, os.path.join(SHARED, "peers", "eval_duckdb.py"), trace])
        if r.returncode != 0:
            sys.exit(f"eval_duckdb.py failed: {r.stderr}")
        duck = r.stdout
        if ours != duck:
            open(os.path.join(HERE, "slac_table.tsv"), "w").write(ours)
            open(os.path.join(HERE, "duckdb_table.tsv"), "w").write(duck)
            sys.exit("MISMATCH: slac's table differs from DuckDB's (written to Benchmarks/*_table.tsv)")
        print("agreement: slac's table equals eval_duckdb.py's, byte for byte")
        print("TOTAL row: " + ours.strip().splitlines()[-1])
        reports = {}
        for j in threads:
            p = os.path.join(tmp, f"r{j}.xml")
            sh([args.slac, "verify", "--contract", contract, trace, "--jobs", str(j), "--report", p, "--quiet"])
            reports[j] = open(p, "rb").read()
        same = len(set(reports.values())) == 1
        print(f"report bytes identical for --jobs {args.threads}: {same}")
        if not same:
            sys.exit("MISMATCH: report bytes depend on --jobs")
        if args.check_ids:
            reports = {}
            for j in threads:
                p = os.path.join(tmp, f"ids{j}.xml")
                sh([args.slac, "verify", "--contract", contract, trace, "--jobs", str(j), "--check-ids", "--report", p, "--quiet"])
                reports[j] = open(p, "rb").read()
            if len(set(reports.values())) != 1:
                sys.exit("MISMATCH: report bytes with --check-ids depend on --jobs")
            print(f"report bytes with --check-ids identical for --jobs {args.threads}: True")

    # 2. Timings, alternating tools, medians.
    tools = []
    for j in threads:
        tools.append((f"slac --jobs {j}", j, [args.slac, "verify", "--contract", contract, trace, "--jobs", str(j),
                                               "--report", "/tmp/slac_bench_report.xml", "--quiet"], None))
        if args.check_ids:
            tools.append((f"slac --jobs {j} ids", j, [args.slac, "verify", "--contract", contract, trace, "--jobs", str(j),
                                                      "--check-ids", "--report", "/tmp/slac_bench_report_ids.xml", "--quiet"], None))
        tools.append((f"duckdb --threads {j}", j, [sys.executable, os.path.join(SHARED, "peers", "eval_duckdb.py"), trace,
                                                    "--threads", str(j)], None))
        if not args.skip_polars:
            env = dict(os.environ, POLARS_MAX_THREADS=str(j))
            tools.append((f"polars {j} threads", j, [sys.executable, os.path.join(SHARED, "peers", "eval_polars.py"), trace], env))
    if args.gzip:
        gz = trace + ".gz"
        if not os.path.exists(gz):
            print(f"compressing {gz} (gzip -1)...", flush=True)
            with open(gz, "wb") as out:
                subprocess.run(["gzip", "-1", "-c", trace], stdout=out, check=True)
        for j in threads:
            tools.append((f"slac --jobs {j} gzip", j, [args.slac, "verify", "--contract", contract, gz, "--jobs", str(j),
                                                      "--report", "/tmp/slac_bench_report_gz.xml", "--quiet"], None))
    if args.zstd:
        zst = trace + ".zst"
        if not os.path.exists(zst):
            print(f"compressing {zst} (zstd -1)...", flush=True)
            subprocess.run(["zstd", "-q", "-1", "-T0", trace, "-o", zst], check=True)
        for j in threads:
            tools.append((f"slac --jobs {j} zstd", j, [args.slac, "verify", "--contract", contract, zst, "--jobs", str(j),
                                                      "--report", "/tmp/slac_bench_report_zst.xml", "--quiet"], None))
        # Decoding alone, with libzstd's own command-line tool (the same library, its frame
        # checksum verified), to set beside the extra CPU time of the zstd rows.
        tools.append(("zstd -d alone", 1, ["zstd", "-q", "-d", "-f", zst, "-o", "/dev/null"], None))
    # The SHA-256 of the trace that every slac report carries (docs/language.md, "What a report states"), alone: a floor for slac
    # with one thread that the peers do not pay (Python's hashlib, OpenSSL underneath).
    sha_cmd = [sys.executable, "-c",
               "import hashlib,sys\nh=hashlib.sha256()\nf=open(sys.argv[1],'rb')\n"
               "for b in iter(lambda: f.read(8 << 20), b''): h.update(b)\nprint(h.hexdigest())", trace]
    tools.append(("sha256 of the file", 1, sha_cmd, None))
    times = {name: [] for name, *_ in tools}
    cpus = {name: [] for name, *_ in tools}
    rss = {name: 0 for name, *_ in tools}
    # The file each tool reads: the compressed copy for the gzip and zstd rows, else the trace.
    inputs = {name: (trace + ".gz" if name.endswith(" gzip") else
                     trace + ".zst" if name.endswith(" zstd") or name.startswith("zstd ") else trace)
              for name, *_ in tools}
    for run in range(args.runs):
        for name, _, cmd, env in tools:
            warm(inputs[name])
            wall, cpu, peak, _ = timed(cmd, env)
            times[name].append(wall)
            cpus[name].append(cpu)
            rss[name] = max(rss[name], peak)
        print(f"run {run + 1}/{args.runs} done", flush=True)

    print()
    print(f"file: {trace} ({size_mb:.0f} MB), runs: {args.runs}, medians")
    print(f"{'tool':<22}{'wall s':>9}{'CPU s':>8}{'MB/s':>9}{'peak MiB':>10}{'vs duckdb same threads':>25}")
    for name, j, *_ in tools:
        med = statistics.median(times[name])
        duck = statistics.median(times[f"duckdb --threads {j}"])
        cpu = statistics.median(cpus[name])
        print(f"{name:<22}{med:>9.3f}{cpu:>8.2f}{size_mb / med:>9.0f}{rss[name] / 1024:>10.0f}{med / duck:>24.2f}x")
    for kind in ("gzip", "zstd"):
        for j in threads:
            if f"slac --jobs {j} {kind}" in times:
                name, plain = f"slac --jobs {j} {kind}", f"slac --jobs {j}"
                ratio = statistics.median(times[name]) / statistics.median(times[plain])
                extra = statistics.median(cpus[name]) - statistics.median(cpus[plain])
                cpu_ratio = statistics.median(cpus[name]) / statistics.median(cpus[plain])
                print(f"{name}: {ratio:.2f}x the plain file's time; CPU {extra:+.2f} s ({cpu_ratio:.2f}x)")
    print("(the sha256 row: hashing the trace alone, which slac's report requires; its ratio is to DuckDB with 1 thread)")
    if "zstd -d alone" in times:
        print("(the zstd -d row: libzstd's own tool decoding the zstd copy alone, checksum verified, output discarded;"
              " its ratio is to DuckDB with 1 thread)")
    if args.check_ids:
        for j in threads:
            plain = times[f"slac --jobs {j}"]
            ids = times[f"slac --jobs {j} ids"]
            print(f"--check-ids with --jobs {j}: median {statistics.median(ids) / statistics.median(plain):.3f}x "
                  f"(without: {min(plain):.3f}-{max(plain):.3f} s, with: {min(ids):.3f}-{max(ids):.3f} s; "
                  f"peak {rss[f'slac --jobs {j}'] / 1024:.0f} vs {rss[f'slac --jobs {j} ids'] / 1024:.0f} MiB)")
    if len(threads) >= 2:
        a, b = threads[0], threads[-1]
        speedup = statistics.median(times[f"slac --jobs {a}"]) / statistics.median(times[f"slac --jobs {b}"])
        print(f"slac --jobs {b} speedup over --jobs {a}: {speedup:.2f}x")

    if args.memory_check:
        memory_check(args, contract, trace, threads)


def memory_check(args, contract, trace, threads):
    """Peak memory of the benchmark contract (percentiles kept exact) on 1M, --records and 25M
    records, with the default lateness bound (windows closed early) and with --lateness none; the two
    reports must be identical. One run each: memory does not vary like time does."""
    if args.memory_traces:
        small, large = args.memory_traces.split(",")
    else:
        small, large = "/tmp/slac_bench_1000000.jsonl", "/tmp/slac_bench_25000000.jsonl"
    ensure_trace(small, 1_000_000)
    ensure_trace(large, 25_000_000)
    rows = []
    peaks = {}
    with tempfile.TemporaryDirectory() as tmp:
        for label, path in (("1M", small), (f"{args.records // 1_000_000}M", trace), ("25M", large)):
            size = os.path.getsize(path) / 1e6
            for j in threads:
                reports = {}
                for lateness in ("default", "none"):
                    out = os.path.join(tmp, f"{lateness}.xml")
                    cmd = [args.slac, "verify", "--contract", contract, path, "--jobs", str(j), "--quiet", "--report", out]
                    if lateness == "none":
                        cmd += ["--lateness", "none"]
                    # Read from disk, the 25M trace's first run took 12.6-12.8 s with one job,
                    # against 7.3 s in page cache.
                    warm(path)
                    wall, _, peak, _ = timed(cmd)
                    reports[lateness] = open(out, "rb").read()
                    peaks[(label, j, lateness)] = peak
                    rows.append((label, j, lateness, wall, size / wall, peak))
                if reports["default"] != reports["none"]:
                    sys.exit(f"MISMATCH: the report on {path} with --jobs {j} depends on --lateness")
    print()
    print(f"peak memory of {os.path.basename(contract)} (one run each; reports identical with and without --lateness none)")
    print(f"{'slac':<40}{'wall s':>9}{'MB/s':>9}{'peak MiB':>10}{'vs 5M same jobs':>18}")
    mid = f"{args.records // 1_000_000}M"
    for label, j, lateness, wall, mbs, peak in rows:
        name = f"--jobs {j}, {label} records" + (", --lateness none" if lateness == "none" else "")
        base = peaks[(mid, j, lateness)]
        print(f"{name:<40}{wall:>9.3f}{mbs:>9.0f}{peak / 1024:>10.0f}{peak / base:>17.2f}x")


if __name__ == "__main__":
    main()
