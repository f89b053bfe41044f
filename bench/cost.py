#!/usr/bin/env python3
"""bench/cost.py — what an option of `zwasm run` costs on the benchmark corpus.

Runs every benchmark of ../shared/bench/manifest.tsv (but st_seqhash) with
zwasm as is and with each variant's extra options (default: `--fuel` with a
budget no benchmark exhausts, and `--timeout` far in the future), interleaved
within each repetition, and reports per-benchmark ratios of the minimum
whole-process wall time to the plain run, with geometric means.

    python3 bench/cost.py [--runs N] [--only REGEX] [--zwasm PATH] [--out FILE]

Standard library only; reuses bench/run.py's manifest reader.  The table
goes to stdout and, by default, to bench/results/<date>-<commit>-cost.md.
"""
import argparse
import datetime
import math
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run as benchrun  # noqa: E402

VARIANTS = [
    ("fuel", ["--fuel", "1000000000000000000"]),
    ("timeout", ["--timeout", "1h"]),
    ("fuel+timeout", ["--fuel", "1000000000000000000", "--timeout", "1h"]),
]


def command(zwasm, bench, extra):
    cmd = [zwasm, "run"] + extra
    if bench.kind == "invoke":
        return cmd + ["--invoke", bench.func, bench.file] + bench.args
    return cmd + [bench.file] + bench.args


def timed(cmd):
    t = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=benchrun.WORK)
    return time.perf_counter() - t, p.returncode, p.stdout


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--only", default=None)
    ap.add_argument("--zwasm", default="build/zwasm")
    ap.add_argument("--manifest", default=benchrun.DEFAULT_MANIFEST)
    ap.add_argument("--out", default=None)
    opt = ap.parse_args()
    zwasm = os.path.join(benchrun.REPO, opt.zwasm)
    os.makedirs(benchrun.WORK, exist_ok=True)
    benches = [b for b in benchrun.read_manifest(opt.manifest)
               if b.name not in benchrun.FULL_ONLY and (not opt.only or re.search(opt.only, b.name))]
    variants = [("plain", [])] + VARIANTS
    rows = []
    for b in benches:
        best = {}
        outs = {}
        for rep in range(opt.runs):
            order = variants[rep % len(variants):] + variants[:rep % len(variants)]
            for name, extra in order:
                t, rc, out = timed(command(zwasm, b, extra))
                if rc != 0 and b.kind == "invoke":
                    sys.exit(f"{b.name} {name}: exit {rc}")
                best[name] = min(best.get(name, t), t)
                outs.setdefault(name, out)
        for name, _ in variants[1:]:
            if outs[name] != outs["plain"]:
                sys.exit(f"{b.name} {name}: output differs from the plain run")
        rows.append((b.name, best))
        print(f"{b.name}: " + " ".join(f"{n}={best[n]:.3f}" for n, _ in variants), file=sys.stderr)

    head = "| benchmark | plain (s) | " + " | ".join(f"{n} / plain" for n, _ in VARIANTS) + " |"
    lines = [head, "|" + "---|" * (2 + len(VARIANTS))]
    logs = {n: [] for n, _ in VARIANTS}
    for name, best in rows:
        cells = []
        for n, _ in VARIANTS:
            r = best[n] / best["plain"]
            logs[n].append(math.log(r))
            cells.append(f"{r:.3f}")
        lines.append(f"| {name} | {best['plain']:.3f} | " + " | ".join(cells) + " |")
    lines.append("| **geomean** | | " + " | ".join(
        f"**{math.exp(sum(v) / len(v)):.3f}**" for v in logs.values()) + " |")
    commit = benchrun.git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = " (uncommitted changes)" if benchrun.git("status", "--porcelain", "-uno") else ""
    text = (f"# Cost of fuel and --timeout, {datetime.date.today()} at {commit}{dirty}\n\n"
            f"Minimum whole-process wall time of {opt.runs} interleaved runs; variants: "
            + "; ".join(f"{n} = `{' '.join(e)}`" for n, e in VARIANTS)
            + f".\nCommand: `python3 bench/cost.py {' '.join(sys.argv[1:])}`\n\n"
            + "\n".join(lines) + "\n")
    print(text)
    out = opt.out or os.path.join(benchrun.BENCH_DIR, "results",
                                  f"{datetime.date.today()}-{commit}-cost.md")
    if out != "-":
        with open(out, "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
