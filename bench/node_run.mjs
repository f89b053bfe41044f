// node_run.mjs — run one benchmark module under V8 (the reference tool).
//
//   node bench/node_run.mjs invoke FILE FUNC [ARGS...]
//       Instantiate FILE, call export FUNC with the integer ARGS converted by
//       the export's signature (i64 -> BigInt), print each result on its own
//       line (integers as signed decimal). Imports are satisfied by stubs:
//       wasi_snapshot_preview1 functions get a minimal implementation
//       (fd_write, random_get, proc_exit, ...), anything else returns 0.
//   node bench/node_run.mjs wasi FILE [ARGS...]
//       Run FILE's _start under node:wasi (preview1), stdout/stderr inherited;
//       exit with the guest's exit code.
//
// Exit status: 0 ok, 1 usage/load error, 3 trap, guest code for proc_exit.
import { readFileSync, writeSync } from 'node:fs';
import { randomFillSync } from 'node:crypto';

const VALTYPE = { 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64', 0x7b: 'v128', 0x70: 'funcref', 0x6f: 'externref' };

// Minimal binary reader: just enough of the type, import, function and export
// sections to know each exported function's signature.
function exportSignatures(bytes) {
  let p = 8;
  const u8 = () => bytes[p++];
  const uleb = () => {
    let r = 0n, shift = 0n, b;
    do { b = bytes[p++]; r |= BigInt(b & 0x7f) << shift; shift += 7n; } while (b & 0x80);
    return Number(r);
  };
  const name = () => { const n = uleb(); const s = Buffer.from(bytes.subarray(p, p + n)).toString('utf8'); p += n; return s; };
  const limits = () => { const f = u8(); uleb(); if (f & 1) uleb(); };
  const types = [], funcs = [], sigs = new Map();
  while (p < bytes.length) {
    const id = u8(), size = uleb(), end = p + size;
    if (id === 1) {
      for (let n = uleb(); n > 0; n--) {
        if (u8() !== 0x60) throw new Error('unsupported type form');
        const params = []; for (let k = uleb(); k > 0; k--) params.push(VALTYPE[u8()] ?? '?');
        const results = []; for (let k = uleb(); k > 0; k--) results.push(VALTYPE[u8()] ?? '?');
        types.push({ params, results });
      }
    } else if (id === 2) {
      for (let n = uleb(); n > 0; n--) {
        name(); name();
        const kind = u8();
        if (kind === 0) funcs.push(uleb());
        else if (kind === 1) { u8(); limits(); }
        else if (kind === 2) limits();
        else if (kind === 3) { u8(); u8(); }
        else uleb();
      }
    } else if (id === 3) {
      for (let n = uleb(); n > 0; n--) funcs.push(uleb());
    } else if (id === 7) {
      for (let n = uleb(); n > 0; n--) {
        const nm = name(), kind = u8(), idx = uleb();
        if (kind === 0) sigs.set(nm, types[funcs[idx]]);
      }
    }
    p = end;
  }
  return sigs;
}

class ProcExit extends Error { constructor(code) { super(`proc_exit(${code})`); this.code = code; } }

// Stub imports for the invoke kind (wasi's start() cannot be used there).
function stubImports(module, getMemory) {
  const mem = () => new DataView(getMemory().buffer);
  const wasi = {
    fd_write(fd, iovs, n, nwritten) {
      const dv = mem(); let total = 0;
      for (let i = 0; i < n; i++) {
        const ptr = dv.getUint32(iovs + 8 * i, true), len = dv.getUint32(iovs + 8 * i + 4, true);
        if (fd === 1 || fd === 2) writeSync(fd, new Uint8Array(dv.buffer, ptr, len));
        total += len;
      }
      dv.setUint32(nwritten, total, true);
      return fd === 1 || fd === 2 ? 0 : 8; // EBADF
    },
    random_get(buf, len) { randomFillSync(new Uint8Array(mem().buffer, buf, len)); return 0; },
    proc_exit(code) { throw new ProcExit(code); },
    fd_prestat_get() { return 8; },
    args_sizes_get(a, b) { const dv = mem(); dv.setUint32(a, 0, true); dv.setUint32(b, 0, true); return 0; },
    environ_sizes_get(a, b) { const dv = mem(); dv.setUint32(a, 0, true); dv.setUint32(b, 0, true); return 0; },
    clock_time_get(id, prec, out) { mem().setBigUint64(out, process.hrtime.bigint(), true); return 0; },
  };
  const imports = {};
  for (const imp of WebAssembly.Module.imports(module)) {
    const ns = (imports[imp.module] ??= {});
    if (imp.kind === 'function') {
      ns[imp.name] = (imp.module.startsWith('wasi_') && wasi[imp.name]) || (() => 0);
    } else if (imp.kind === 'memory') {
      ns[imp.name] = new WebAssembly.Memory({ initial: 1 });
    } else if (imp.kind === 'table') {
      ns[imp.name] = new WebAssembly.Table({ initial: 0, element: 'anyfunc' });
    } else if (imp.kind === 'global') {
      ns[imp.name] = 0;
    }
  }
  return imports;
}

function fmt(v) { return typeof v === 'bigint' ? v.toString() : String(v); }

async function main(argv) {
  const [kind, file, ...rest] = argv;
  if (!kind || !file || (kind !== 'invoke' && kind !== 'wasi')) {
    console.error('usage: node_run.mjs invoke FILE FUNC [ARGS...] | wasi FILE [ARGS...]');
    return 1;
  }
  const bytes = readFileSync(file);
  const module = new WebAssembly.Module(bytes);
  if (kind === 'wasi') {
    process.removeAllListeners('warning'); // node:wasi is "experimental": keep stderr clean
    const { WASI } = await import('node:wasi');
    const wasi = new WASI({ version: 'preview1', args: [file, ...rest], env: {}, returnOnExit: true });
    const instance = new WebAssembly.Instance(module, wasi.getImportObject());
    return wasi.start(instance) ?? 0;
  }
  const [func, ...args] = rest;
  // GC modules (V8 11's pre-standard type encodings) are beyond this reader:
  // their benchmarks take i32 arguments
  let sig;
  try { sig = exportSignatures(bytes).get(func); } catch (e) { sig = { params: args.map(() => 'i32'), results: null }; }
  if (!sig) { console.error(`${file}: no exported function "${func}"`); return 1; }
  if (sig.params.length !== args.length) {
    console.error(`${file}: ${func} takes ${sig.params.length} arguments, got ${args.length}`);
    return 1;
  }
  let instance;
  const instanceMemory = () => instance.exports.memory;
  instance = new WebAssembly.Instance(module, stubImports(module, instanceMemory));
  const conv = sig.params.map((t, i) => (t === 'i64' ? BigInt(args[i]) : t === 'i32' ? Number(BigInt.asIntN(32, BigInt(args[i]))) : Number(args[i])));
  let r;
  try {
    r = instance.exports[func](...conv);
  } catch (e) {
    if (e instanceof ProcExit) return e.code;
    console.error(`trap: ${e.message}`);
    return 3;
  }
  const results = sig.results === null ? (r === undefined ? [] : Array.isArray(r) ? r : [r])
    : sig.results.length > 1 ? r : sig.results.length === 1 ? [r] : [];
  for (const v of results) process.stdout.write(fmt(v) + '\n');
  return 0;
}

let code;
try { code = await main(process.argv.slice(2)); } catch (e) { console.error(`error: ${e.message}`); code = 1; }
process.exitCode = code;
