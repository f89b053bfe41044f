#!/usr/bin/env python3
"""bench/run.py — run the benchmark corpus under node (V8, the reference),
zwasm's two engines (interp, jit) and wasm2c+gcc -O2 side by side, and report
per-benchmark ratios to node plus their geometric means, and each zwasm
engine's geometric mean against wasm2c (native speed).

What is timed is the whole process (startup, module load/compile, run, exit),
measured as wall time around each subprocess. The tools are interleaved inside
each repetition (A B C, then B C A, ...) so machine noise hits them alike;
min and median over --runs repetitions are reported.

Standard library only. See bench/README.md.
"""
import argparse
import concurrent.futures
import datetime
import hashlib
import math
import os
import platform
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import time

BENCH_DIR = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH_DIR)
DEFAULT_MANIFEST = os.path.normpath(os.path.join(REPO, "..", "shared", "bench", "manifest.tsv"))
WORK = os.path.join(BENCH_DIR, "work")
W2C_SRC = os.path.join(BENCH_DIR, "wasm2c")
FULL_ONLY = {"st_seqhash"}  # ~50 s under V8: only with --full
TOOLS = ("node", "interp", "jit", "wasm2c")
ZWASM_TOOLS = ("interp", "jit")  # zwasm run --engine <tool>
COMPUTE_BOUND_S = 0.04  # wasm2c median at least this: a compute-bound benchmark (issue 7)


class Bench:
    def __init__(self, name, file, kind, func, args, baseline=False):
        self.name, self.file, self.kind, self.func, self.args = name, file, kind, func, args
        self.baseline = baseline  # not part of the corpus: excluded from the geomeans


# A module whose export `nop` returns i32 0: its row measures each tool's fixed
# cost (process start, runtime init, instantiation), to read the short
# benchmarks against.
STARTUP_WASM = bytes([0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00,
                      0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7F,        # type () -> i32
                      0x03, 0x02, 0x01, 0x00,                          # func 0: type 0
                      0x07, 0x07, 0x01, 0x03, 0x6E, 0x6F, 0x70, 0x00, 0x00,  # export "nop"
                      0x0A, 0x06, 0x01, 0x04, 0x00, 0x41, 0x00, 0x0B])  # i32.const 0


def startup_bench():
    path = os.path.join(WORK, "startup.wasm")
    os.makedirs(WORK, exist_ok=True)
    if not os.path.exists(path) or open(path, "rb").read() != STARTUP_WASM:
        with open(path, "wb") as f:
            f.write(STARTUP_WASM)
    return Bench("(startup)", path, "invoke", "nop", [], baseline=True)


def read_manifest(path):
    base = os.path.dirname(os.path.abspath(path))
    out = []
    with open(path) as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            cols = line.split("\t")
            if len(cols) < 3:
                sys.exit(f"{path}:{lineno}: expected name, file, how [, args]")
            name, file, how = cols[0], os.path.join(base, cols[1]), cols[2].split()
            args = cols[3].split() if len(cols) > 3 else []
            if how[0] == "invoke" and len(how) == 2:
                out.append(Bench(name, file, "invoke", how[1], args))
            elif how[0] == "wasi":
                out.append(Bench(name, file, "wasi", None, args))
            else:
                sys.exit(f"{path}:{lineno}: unknown kind {cols[2]!r}")
    return out


# ---------------------------------------------------------------- wasm2c build

def find_wasm2c_runtime():
    """Directory holding wasm-rt-impl.c (+ .h); wasm-rt.h is found via it or /usr/include."""
    cands = ["/usr/share/wabt/wasm2c", "/usr/src/wasm2c", "/usr/local/share/wabt/wasm2c"]
    try:
        listed = subprocess.run(["dpkg", "-L", "wabt"], capture_output=True, text=True).stdout.split()
        cands = [os.path.dirname(p) for p in listed if p.endswith("/wasm-rt-impl.c")] + cands
    except OSError:
        pass
    for d in cands:
        if os.path.exists(os.path.join(d, "wasm-rt-impl.c")):
            return d
    return None


def first_line(cmd):
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
        return (r.stdout or r.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.SubprocessError):
        return "?"


class BuildError(Exception):
    pass


def parse_w2c_header(text, bench):
    """Turn the wasm2c-generated header into bench_config.h macros."""
    m = re.search(r"\}\s*(Z_\w+_instance_t);", text)
    init = re.search(r"void (Z_\w+_init_module)\(void\);", text)
    inst = re.search(r"void (Z_\w+_instantiate)\(([^)]*)\);", text)
    free = re.search(r"void (Z_\w+_free)\(", text)
    if not (m and init and inst and free):
        raise BuildError("unexpected wasm2c header layout")
    for mod in sorted(set(re.findall(r"/\* import: '([^']*)'", text))):
        if mod != "wasi_snapshot_preview1":
            raise BuildError(f"imports from module '{mod}' are not provided")
    exports = {}
    for name, proto in re.findall(r"/\* export: '((?:[^'\\]|\\.)*)' \*/\n([^;]*);", text):
        pm = re.match(r"\s*(.*?)\s*\b(Z_\w+)\((.*)\)\s*$", proto, re.S)
        if pm:
            exports[name] = (pm.group(1).strip(), pm.group(2), [p.strip() for p in pm.group(3).split(",")])
    lines = [f"#define BENCH_INSTANCE_T {m.group(1)}",
             f"#define BENCH_INIT_MODULE() {init.group(1)}()",
             f"#define BENCH_FREE(INST_) {free.group(1)}(INST_)"]
    nparams = len([p for p in inst.group(2).split(",") if p.strip()])
    lines.append(f"#define BENCH_INSTANTIATE(INST_, WASI_) {inst.group(1)}(INST_{', WASI_' if nparams == 2 else ''})")
    mem = exports.get("memory")
    if not (mem and mem[0].startswith("wasm_rt_memory_t")):
        mem = next((e for e in exports.values() if e[0].startswith("wasm_rt_memory_t")), None)
    lines.append(f"#define BENCH_MEMORY(INST_) {mem[1] + '(INST_)' if mem else 'NULL'}")
    if bench.kind == "wasi":
        st = exports.get("_start")
        if not st:
            raise BuildError("no _start export")
        lines.append(f"#define BENCH_START(INST_) {st[1]}(INST_)")
    else:
        ex = exports.get(bench.func)
        if not ex or ex[0].startswith("wasm_rt_"):
            raise BuildError(f"no exported function '{bench.func}'")
        ret, fn, params = ex
        params = params[1:]  # drop the instance pointer
        kinds = {"void": 0, "u32": 1, "u64": 2, "f32": 3, "f64": 4}
        if ret not in kinds:
            raise BuildError(f"result type '{ret}' (multi-value?) not supported by the driver")
        call = []
        for k, p in enumerate(params):
            if p not in ("u32", "u64", "f32", "f64"):
                raise BuildError(f"parameter type '{p}' not supported by the driver")
            call.append(f"({p})(ARGS_)[{k}].{'f' if p[0] == 'f' else 'i'}")
        lines.append(f"#define BENCH_NPARAMS {len(params)}")
        lines.append(f"#define BENCH_RESULT_KIND {kinds[ret]}")
        lines.append(f"#define BENCH_CALL(INST_, ARGS_) {fn}({', '.join(['INST_'] + call)})")
    return "\n".join(lines) + "\n"


class Wasm2c:
    DRIVERS = ("main_invoke.c", "main_wasi.c", "wasi_shim.c", "wasi_shim.h")

    def __init__(self):
        self.wasm2c = shutil.which("wasm2c")
        self.gcc = shutil.which("gcc")
        self.rtdir = find_wasm2c_runtime()
        self.version = first_line(["wasm2c", "--version"]) if self.wasm2c else "missing"
        self.gcc_version = first_line(["gcc", "--version"]) if self.gcc else "missing"
        h = hashlib.sha256()
        for f in self.DRIVERS:
            with open(os.path.join(W2C_SRC, f), "rb") as fh:
                h.update(fh.read())
        if self.rtdir:
            with open(os.path.join(self.rtdir, "wasm-rt-impl.c"), "rb") as fh:
                h.update(fh.read())
        h.update(f"{self.version}|{self.gcc_version}|-O2".encode())
        self.salt = h.hexdigest()

    def key(self, bench):
        h = hashlib.sha256(self.salt.encode())
        with open(bench.file, "rb") as f:
            h.update(f.read())
        h.update(f"|{bench.kind}|{bench.func}".encode())
        return h.hexdigest()[:20]

    def build(self, bench):
        """Return the path of the compiled binary (cached); raise BuildError."""
        if bench.file.endswith(".wat"):
            raise BuildError("n/a: a WebAssembly 3.0 module (wasm2c has no GC, exceptions or tail calls)")
        if not (self.wasm2c and self.gcc and self.rtdir):
            raise BuildError("wasm2c, gcc or wabt's wasm-rt-impl.c not found")
        d = os.path.join(WORK, "wasm2c", f"{bench.name.strip('()')}-{self.key(bench)}")
        exe = os.path.join(d, "bench")
        if os.path.exists(exe):
            return exe
        os.makedirs(d, exist_ok=True)
        csrc = os.path.join(d, "mod.c")
        r = subprocess.run([self.wasm2c, "-n", "m", bench.file, "-o", csrc], capture_output=True, text=True)
        if r.returncode != 0:
            plain = subprocess.run(["wasm-validate", bench.file], capture_output=True)
            nosimd = subprocess.run(["wasm-validate", "--disable-simd", bench.file], capture_output=True)
            if plain.returncode == 0 and nosimd.returncode != 0:
                raise BuildError(f"module uses SIMD, which wasm2c {self.version} does not support")
            msg = (r.stderr.strip().splitlines() or [f"exit status {r.returncode}"])[-1]
            raise BuildError(f"wasm2c failed: {msg}")
        with open(os.path.join(d, "mod.h")) as f:
            cfg = parse_w2c_header(f.read(), bench)
        with open(os.path.join(d, "bench_config.h"), "w") as f:
            f.write('#include "mod.h"\n' + cfg)
        main = "main_invoke.c" if bench.kind == "invoke" else "main_wasi.c"
        cmd = [self.gcc, "-O2", "-std=gnu11", "-w", f"-I{d}", f"-I{W2C_SRC}", f"-I{self.rtdir}",
               '-DBENCH_MODULE_H="mod.h"', csrc, os.path.join(W2C_SRC, main),
               os.path.join(W2C_SRC, "wasi_shim.c"), os.path.join(self.rtdir, "wasm-rt-impl.c"),
               "-lm", "-o", exe + ".tmp"]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            err = [l for l in r.stderr.splitlines() if "error" in l][:1] or r.stderr.splitlines()[-1:]
            raise BuildError(f"gcc failed: {' '.join(err)[:200]}")
        os.replace(exe + ".tmp", exe)
        return exe


# ------------------------------------------------------------------- running

class Result:
    def __init__(self):
        self.times = []
        self.status = "ok"      # ok | fail | timeout | skip
        self.reason = ""
        self.stdout = None
        self.agree = False      # output matches node's (node: always)

    def ok(self):
        return self.status == "ok" and self.times

    def tmin(self):
        return min(self.times)

    def tmed(self):
        return statistics.median(self.times)


# WebAssembly 3.0 benchmarks (bench/wasm3/manifest.tsv) are .wat files: zwasm
# runs the text; node 20's V8 knows GC only in its pre-standard binary
# encoding, which binaryen 108's wasm-as still writes, behind a flag; wasm2c
# has no GC, exceptions or tail calls.
NODE_WASM3_FLAGS = ["--experimental-wasm-gc"]
WASM_AS_FEATURES = ["--hybrid", "--enable-gc", "--enable-reference-types", "--enable-tail-call",
                    "--enable-exception-handling", "--enable-multivalue", "--enable-bulk-memory"]


def node_module(bench):
    """The module node runs: a .wat is assembled by binaryen (cached)."""
    if not bench.file.endswith(".wat"):
        return bench.file
    out = os.path.join(WORK, "node", os.path.basename(bench.file)[:-4] + ".wasm")
    if not os.path.exists(out) or os.path.getmtime(out) < os.path.getmtime(bench.file):
        os.makedirs(os.path.dirname(out), exist_ok=True)
        r = subprocess.run(["wasm-as", *WASM_AS_FEATURES, bench.file, "-o", out], check=False,
                           capture_output=True)
        if r.returncode != 0:  # binaryen's text format lacks some forms (flat try/catch): wabt's
            subprocess.run(["wat2wasm", "--enable-exceptions", "--enable-tail-call", bench.file, "-o", out],
                           check=False, capture_output=True)
    return out


def tool_command(tool, bench, ctx):
    if tool == "node":
        flags = NODE_WASM3_FLAGS if bench.file.endswith(".wat") else []
        base = [ctx["node"], "--no-warnings", *flags, os.path.join(BENCH_DIR, "node_run.mjs"), bench.kind,
                node_module(bench)]
        return base + ([bench.func] if bench.kind == "invoke" else []) + bench.args
    if tool in ZWASM_TOOLS:
        base = ctx["qemu"] + [ctx["zwasm"], "run", "--engine", tool]
        if bench.kind == "invoke":
            return base + ["--invoke", bench.func, bench.file] + bench.args
        return base + [bench.file] + bench.args
    exe = ctx["w2c_bins"].get(bench.name)
    return [exe] + bench.args


def run_once(cmd, timeout):
    """Run cmd; return (exit code, stdout, stderr, wall seconds), code None on timeout.

    The child gets its own process group so that a timeout kills everything it
    started (a lingering grandchild would otherwise keep the pipes open)."""
    t0 = time.perf_counter()
    try:
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             cwd=REPO, start_new_session=True)
    except OSError as e:
        return -1, b"", str(e).encode(), time.perf_counter() - t0
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        dt = time.perf_counter() - t0
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except OSError:
            pass
        p.communicate()
        return None, None, None, dt
    return p.returncode, out, err, time.perf_counter() - t0


def describe_failure(code, stderr, file):
    """'exit N: last stderr line', the module's path shown as FILE so that one
    cause shared by many benchmarks is listed once."""
    text = stderr.decode(errors="replace").replace(file, "FILE")
    lines = [l.strip() for l in text.splitlines() if l.strip()]
    why = lines[-1] if lines else ""
    st = f"signal {-code}" if code < 0 else f"exit {code}"
    return f"{st}: {why[:160]}" if why else st


def same_output(kind, ref, got):
    """wasi: stdout equal (up to trailing whitespace); invoke: the same numbers."""
    if kind != "invoke":
        return ref.rstrip() == got.rstrip()
    a = ref.decode(errors="replace").split()
    b = got.decode(errors="replace").split()
    if len(a) != len(b):
        return False
    for x, y in zip(a, b):
        try:
            if int(x) != int(y):
                return False
            continue
        except ValueError:
            pass
        try:
            fx, fy = float(x), float(y)
        except ValueError:
            return False
        if not (fx == fy or (math.isnan(fx) and math.isnan(fy)) or abs(fx - fy) <= 1e-9 * max(abs(fx), abs(fy))):
            return False
    return True


def fmt_t(r):
    if r is None or r.status == "skip":
        return "-", "-"
    if not r.ok():
        return r.status, r.status
    return f"{r.tmin():.3f}", f"{r.tmed():.3f}"


def ratio(r, ref, which):
    if not (r and ref and r.ok() and ref.ok() and r.agree):
        return None
    f = (lambda x: x.tmin()) if which == "min" else (lambda x: x.tmed())
    return f(r) / f(ref)


def geomean(xs):
    return math.exp(sum(math.log(x) for x in xs) / len(xs)) if xs else None


def git(*args):
    try:
        r = subprocess.run(["git", "-C", REPO] + list(args), capture_output=True, text=True, timeout=30)
        return r.stdout.strip() if r.returncode == 0 else ""
    except (OSError, subprocess.SubprocessError):
        return ""


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def main():
    ap = argparse.ArgumentParser(description="Run the benchmark corpus under node, zwasm (interp, jit) and wasm2c+gcc.")
    ap.add_argument("--runs", type=int, default=3, help="repetitions per tool (default 3)")
    ap.add_argument("--only", metavar="REGEX", help="only benchmarks whose name matches (re.search)")
    ap.add_argument("--kind", choices=("invoke", "wasi", "all"), default="all")
    ap.add_argument("--full", action="store_true", help="include the long ones (st_seqhash)")
    ap.add_argument("--zwasm", default="build/zwasm", help="zwasm binary (relative to the repo root)")
    ap.add_argument("--tools", default="node,interp,jit,wasm2c",
                    help="comma list of tools to run (node always runs; interp and jit are zwasm's engines)")
    ap.add_argument("--timeout", type=float, default=300, help="seconds per process (default 300)")
    ap.add_argument("--manifest", default=DEFAULT_MANIFEST)
    ap.add_argument("--no-startup", action="store_true", help="leave out the (startup) baseline row")
    ap.add_argument("--qemu", metavar="CMD",
                    help="run zwasm under this emulator command (e.g. 'qemu-aarch64 -L /usr/aarch64-linux-gnu' "
                         "with --zwasm build-aarch64/zwasm): only the JIT/interpreter ratio means anything then")
    ap.add_argument("--out", help="Markdown results file (default bench/results/DATE-COMMIT.md); '-' for none")
    opt = ap.parse_args()
    if opt.runs < 1:
        ap.error("--runs must be at least 1")

    tools = [t for t in TOOLS if t in opt.tools.split(",") or t == "node"]
    benches = read_manifest(opt.manifest)
    if not opt.full:
        benches = [b for b in benches if b.name not in FULL_ONLY]
    if opt.kind != "all":
        benches = [b for b in benches if b.kind == opt.kind]
    if opt.only:
        benches = [b for b in benches if re.search(opt.only, b.name)]
    if not benches:
        sys.exit("no benchmarks selected")
    if not opt.no_startup:
        benches.insert(0, startup_bench())

    zwasm = opt.zwasm if os.path.isabs(opt.zwasm) else os.path.join(REPO, opt.zwasm)
    ctx = {"node": shutil.which("node") or "node", "zwasm": zwasm, "w2c_bins": {},
           "qemu": shlex.split(opt.qemu) if opt.qemu else []}
    results = {b.name: {t: Result() for t in tools} for b in benches}

    for t in ZWASM_TOOLS:
        if t in tools and not os.access(zwasm, os.X_OK):
            for b in benches:
                r = results[b.name][t]
                r.status, r.reason = "fail", f"no executable {os.path.relpath(zwasm, REPO)}"

    w2c = Wasm2c() if "wasm2c" in tools else None
    if w2c:
        print(f"building wasm2c binaries ({w2c.version}, {w2c.gcc_version}) in {os.path.relpath(WORK, REPO)}/ ...",
              file=sys.stderr)
        t0 = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as ex:
            futs = {ex.submit(w2c.build, b): b for b in benches}
            for fut in concurrent.futures.as_completed(futs):
                b = futs[fut]
                try:
                    ctx["w2c_bins"][b.name] = fut.result()
                except BuildError as e:
                    r = results[b.name]["wasm2c"]
                    r.status, r.reason = "fail", f"build: {e}"
        print(f"  done in {time.perf_counter() - t0:.1f} s", file=sys.stderr)

    # Per benchmark, repetition after repetition, every tool once per repetition;
    # the order rotates so no tool always runs first (cold) or last.
    started = time.perf_counter()
    for bi, b in enumerate(benches):
        row = results[b.name]
        for rep in range(opt.runs):
            order = tools[rep % len(tools):] + tools[:rep % len(tools)]
            for t in order:
                r = row[t]
                if r.status != "ok":
                    continue
                code, out, err, dt = run_once(tool_command(t, b, ctx), opt.timeout)
                if code is None:
                    r.status, r.reason = "timeout", f"no exit after {opt.timeout:g} s"
                    continue
                if code != 0:
                    r.status, r.reason = "fail", describe_failure(code, err, b.file)
                    continue
                r.times.append(dt)
                if r.stdout is None:
                    r.stdout = out
        ref = row["node"]
        for t in tools:
            r = row[t]
            r.agree = t == "node" or (r.ok() and ref.ok() and same_output(b.kind, ref.stdout, r.stdout))
        cells = []
        for t in tools:
            mn, md = fmt_t(row[t])
            cells.append(f"{t} {md}" + ("" if t == "node" or not row[t].ok() or row[t].agree else " (MISMATCH)"))
        print(f"[{bi + 1}/{len(benches)}] {b.name:20s} " + "  ".join(cells), file=sys.stderr)

    elapsed = time.perf_counter() - started
    md = report(opt, tools, benches, results, ctx, w2c, elapsed)
    print(md)
    out = opt.out
    if out != "-":
        if not out:
            commit = git("rev-parse", "--short", "HEAD") or "nogit"
            out = os.path.join(BENCH_DIR, "results", f"{datetime.date.today().isoformat()}-{commit}.md")
        os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
        with open(out, "w") as f:
            f.write(md)
        print(f"results written to {os.path.relpath(out)}", file=sys.stderr)


def report(opt, tools, benches, results, ctx, w2c, elapsed):
    commit = git("rev-parse", "--short", "HEAD") or "?"
    dirty = git("status", "--porcelain", "--untracked-files=no")
    now = datetime.datetime.now().astimezone()
    others = [t for t in tools if t != "node"]
    L = []
    L.append(f"# Benchmark results {now:%Y-%m-%d}, commit {commit}{' (working tree modified)' if dirty else ''}")
    L.append("")
    L.append(f"- Date: {now:%Y-%m-%d %H:%M %Z}")
    L.append(f"- Commit: `{git('rev-parse', 'HEAD') or '?'}`{' + uncommitted changes' if dirty else ''}")
    L.append(f"- Machine: {os.cpu_count()} CPUs (nproc), {cpu_model()}, {platform.system()} {platform.release()} {platform.machine()}")
    vers = [f"node {first_line([ctx['node'], '--version'])}"]
    if w2c:
        vers.append(f"wasm2c {w2c.version} + {w2c.gcc_version} -O2")
    if any(t in tools for t in ZWASM_TOOLS):
        vers.append(f"zwasm `{os.path.relpath(ctx['zwasm'], REPO)}` (interp = `--engine interp`, jit = `--engine jit`)"
                    + (f" under `{' '.join(ctx['qemu'])}`" if ctx["qemu"] else ""))
    L.append(f"- Tools: {', '.join(vers)}")
    L.append(f"- Command: `{' '.join(shlex.quote(a) for a in [os.path.relpath(sys.argv[0])] + sys.argv[1:])}`")
    L.append(f"- Runs per tool: {opt.runs}, interleaved (tool order rotates each repetition); timeout {opt.timeout:g} s; "
             f"total {elapsed:.0f} s")
    L.append("- Times: whole-process wall time in seconds (startup + load/compile + run), min and median of the runs.")
    L.append("- Ratios: tool time / node time for the same benchmark (<1 = faster than node); "
             "`med` = ratio of medians, `min` = ratio of minima.")
    L.append("")
    hdr = ["benchmark", "kind", "node min", "node med"]
    for t in others:
        hdr += [f"{t} min", f"{t} med"]
    for t in others:
        hdr += [f"{t}/node med", f"{t}/node min"]
    hdr += [f"{t} = node?" for t in others]
    L.append("| " + " | ".join(hdr) + " |")
    L.append("|" + "|".join(["---"] * 2 + ["---:"] * (len(hdr) - 2 - len(others)) + [":---:"] * len(others)) + "|")
    ratios = {t: {"med": [], "min": []} for t in others}
    excluded = {t: [] for t in others}
    for b in benches:
        row = results[b.name]
        cells = [b.name, b.kind, *fmt_t(row["node"])]
        for t in others:
            cells += list(fmt_t(row[t]))
        for t in others:
            rm, rn = ratio(row[t], row["node"], "med"), ratio(row[t], row["node"], "min")
            cells += [f"{rm:.2f}" if rm else "-", f"{rn:.2f}" if rn else "-"]
            if b.baseline:
                pass
            elif rm and rn:
                ratios[t]["med"].append(rm)
                ratios[t]["min"].append(rn)
            else:
                excluded[t].append(b.name)
        for t in others:
            r = row[t]
            cells.append("yes" if r.ok() and r.agree else ("NO" if r.ok() and row["node"].ok() else "-"))
        L.append("| " + " | ".join(cells) + " |")
    L.append("")
    L.append("## Geometric means of the ratios")
    L.append("")
    L.append("| tool | geomean med | geomean min | benchmarks | excluded |")
    L.append("|---|---:|---:|---:|---:|")
    for t in others:
        gm, gn = geomean(ratios[t]["med"]), geomean(ratios[t]["min"])
        L.append(f"| {t}/node | {f'{gm:.3f}' if gm else '-'} | {f'{gn:.3f}' if gn else '-'} | "
                 f"{len(ratios[t]['med'])} | {len(excluded[t])} |")
    # The per-tool geomeans above may cover different sets; this one compares like with like.
    common = [b for b in benches if not b.baseline and all(ratio(results[b.name][t], results[b.name]["node"], "med")
                                                           for t in others)]
    if len(others) > 1 and common:
        for t in others:
            gm = geomean([ratio(results[b.name][t], results[b.name]["node"], "med") for b in common])
            gn = geomean([ratio(results[b.name][t], results[b.name]["node"], "min") for b in common])
            L.append(f"| {t}/node, only the benchmarks every tool finished | {gm:.3f} | {gn:.3f} | {len(common)} | |")
    if "wasm2c" in tools:
        L.append("")
        L.append("## Against native code (wasm2c + gcc -O2)")
        L.append("")
        L.append("Ratio of medians, zwasm engine time / wasm2c time (1 = native speed), over the benchmarks "
                 "both finished with node's output; the compute-bound ones (wasm2c median at least "
                 f"{COMPUTE_BOUND_S * 1000:.0f} ms) are the fair comparison, the short ones are dominated by "
                 "start-up. Worst: the highest ratios; beyond 3x: how many; slower than node: the benchmarks "
                 "where the engine's median is above node's.")
        L.append("")
        L.append(f"| engine | geomean, all | benchmarks | geomean, wasm2c >= {COMPUTE_BOUND_S * 1000:.0f} ms "
                 "| benchmarks | worst | beyond 3x | slower than node |")
        L.append("|---|---:|---:|---:|---:|---|---:|---|")
        for t in ZWASM_TOOLS:
            if t not in tools:
                continue
            allr, longr, named, slower = [], [], [], []
            for b in benches:
                row = results[b.name]
                if b.baseline or not (row[t].ok() and row[t].agree):
                    continue
                if row["node"].ok() and row[t].tmed() > row["node"].tmed():
                    slower.append(b.name)
                if not (row["wasm2c"].ok() and row["wasm2c"].agree):
                    continue
                rr = row[t].tmed() / row["wasm2c"].tmed()
                allr.append(rr)
                named.append((rr, b.name))
                if row["wasm2c"].tmed() >= COMPUTE_BOUND_S:
                    longr.append(rr)
            ga, gl = geomean(allr), geomean(longr)
            worst = ", ".join(f"{n} {r:.2f}" for r, n in sorted(named, reverse=True)[:4])
            beyond = sum(1 for r in allr if r > 3)
            L.append(f"| {t} | {f'{ga:.2f}' if ga else '-'} | {len(allr)} | {f'{gl:.2f}' if gl else '-'} "
                     f"| {len(longr)} | {worst} | {beyond} | {', '.join(slower) if slower else 'none'} |")
    if "interp" in tools and "jit" in tools:
        # The JIT's speed-up over the interpreter: the one comparison that holds
        # under an emulator too (both engines pay for it alike), issue 10.
        both = [b for b in benches if not b.baseline and all(results[b.name][t].ok() and results[b.name][t].agree
                                                             for t in ("interp", "jit"))]
        if both:
            rr = [(results[b.name]["jit"].tmed() / results[b.name]["interp"].tmed(), b.name) for b in both]
            L.append("")
            L.append("## The JIT against the interpreter")
            L.append("")
            L.append("Ratio of medians, jit time / interp time (<1 = the JIT is faster), over the benchmarks both "
                     "finished with node's output" + (" (under the emulator: compare with the same ratio natively)"
                                                      if ctx["qemu"] else "") + ".")
            L.append("")
            L.append("| geomean | benchmarks | best | worst |")
            L.append("|---:|---:|---|---|")
            best = ", ".join(f"{n} {r:.2f}" for r, n in sorted(rr)[:3])
            worst = ", ".join(f"{n} {r:.2f}" for r, n in sorted(rr, reverse=True)[:3])
            L.append(f"| {geomean([r for r, _ in rr]):.3f} | {len(rr)} | {best} | {worst} |")
    L.append("")
    L.append("A benchmark is excluded from a tool's geomean when that tool or node failed, timed out, "
             "or printed a result different from node's. "
             "The `(startup)` row (a module whose export `nop` returns 0) measures each tool's fixed cost "
             "and is not part of the geomeans.")
    fails = {}  # (tool, status, reason) -> [benchmark names], in order of appearance
    for b in benches:
        for t in tools:
            r = results[b.name][t]
            if r.status != "ok":
                fails.setdefault((t, r.status, r.reason), []).append(b.name)
            elif t != "node" and r.ok() and results[b.name]["node"].ok() and not r.agree:
                got = r.stdout.decode(errors="replace").strip()[:80]
                want = results[b.name]["node"].stdout.decode(errors="replace").strip()[:80]
                fails.setdefault((t, "output differs", f"got `{got}`, node `{want}`"), []).append(b.name)
    if fails:
        L.append("")
        L.append("## Failures and mismatches")
        L.append("")
        for (t, status, reason), names in fails.items():
            who = names[0] if len(names) == 1 else f"{len(names)} benchmarks ({', '.join(names)})"
            L.append(f"- {t}, {who}: **{status}** — {reason}")
    L.append("")
    return "\n".join(L)


if __name__ == "__main__":
    main()
