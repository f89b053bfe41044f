#!/usr/bin/env python3
"""gen_atomics_jit.py — writes atomics_jit.wast (next to this file): every
atomic load, store, read-modify-write and compare-exchange, at every width,
on every kind of memory the JIT compiles inline (memory 0 guarded, memory 0
with 1-byte pages (explicit bounds checks), memory64, a second memory of 32
and of 64 bits; memory 0 of 1-byte pages and memory64 both shared, which
the helper does, and unshared), with the expected values computed here by
a model of the semantics (runtime/atomic.h).

Each op is checked in the middle of a pattern of bytes (the result, then
the 32 bytes around it, so a wrong width or a write to a neighbour shows),
with values chosen to catch a wrong width (carries and borrows past it,
garbage above it in the operands), a sign extension (bytes >= 0x80),
sub's operand order and cmpxchg's wrapping of the expected value; then at
the end of memory: the last aligned access (an identity op), aligned and
out of bounds, unaligned straddling the end, unaligned past it (alignment
is checked first), far beyond; then that the failed accesses wrote
nothing.  Functions with a dozen i64 locals live across an atomic op check
that the op leaves the allocated registers alone.

Run: python3 tests/threads/gen_atomics_jit.py (the output is deterministic).
"""
import os

M64 = (1 << 64) - 1

# ---- a deterministic generator ----
_state = 0x2545F4914F6CDD1D


def rnd():
    global _state
    _state ^= (_state << 13) & M64
    _state ^= _state >> 7
    _state ^= (_state << 17) & M64
    return _state & M64


# ---- the ops, in opcodes.def's order ----
WIDTHS = [("i32", "", 4), ("i64", "", 8), ("i32", "8", 1), ("i32", "16", 2),
          ("i64", "8", 1), ("i64", "16", 2), ("i64", "32", 4)]


def ops():
    out = []
    for t, w, n in WIDTHS:
        out.append(("load", t, n, f"{t}.atomic.load{w}{'_u' if w else ''}"))
    for t, w, n in WIDTHS:
        out.append(("store", t, n, f"{t}.atomic.store{w}"))
    for k in ["add", "sub", "and", "or", "xor", "xchg", "cmpxchg"]:
        for t, w, n in WIDTHS:
            out.append((k, t, n, f"{t}.atomic.rmw{w}.{k}{'_u' if w else ''}"))
    return out


OPS = ops()
assert len(OPS) == 63


def rmw(k, old, v, n):
    mask = (1 << (8 * n)) - 1
    v &= mask
    return {"add": (old + v) & mask, "sub": (old - v) & mask, "and": old & v,
            "or": old | v, "xor": old ^ v, "xchg": v}[k]


def const(t, v):
    return f"({t}.const 0x{v & ((1 << (32 if t == 'i32' else 64)) - 1):x})"


class Mem:
    def __init__(self, size):
        self.b = bytearray(size)

    def get(self, ea, n):
        return int.from_bytes(self.b[ea:ea + n], "little")

    def put(self, ea, n, v):
        self.b[ea:ea + n] = (v & ((1 << (8 * n)) - 1)).to_bytes(n, "little")


def pattern(nbytes):
    """bytes, half of them with the top bit set"""
    out = bytearray()
    while len(out) < nbytes:
        r = rnd()
        for i in range(8):
            x = (r >> (8 * i)) & 0xFF
            out.append(x | 0x80 if i % 2 == 0 else x)
    return bytes(out[:nbytes])


def data_str(bs):
    return "".join(f"\\{x:02x}" for x in bs)


# offsets per op (index into OPS): some with low bits an access of n bytes
# must add to the address's (the alignment test then adds them itself)
OFFSETS = [0, 1, 3, 8, 2, 5, 4, 7]


class Config:
    def __init__(self, name, comment, is64, second, size, shared, pagesize1, pressure=False):
        self.name, self.comment, self.is64, self.second = name, comment, is64, second
        self.pressure = pressure  # with the functions of many live locals
        self.size, self.shared, self.pagesize1 = size, shared, pagesize1
        self.at = "i64" if is64 else "i32"       # address type
        self.mref = " $m" if second else ""      # the memarg's memory

    def memdecl(self):
        lim = f"{self.size} {self.size}" if self.pagesize1 else "1 1"
        ps = " (pagesize 1)" if self.pagesize1 else ""
        sh = " shared" if self.shared else ""
        t = "i64 " if self.is64 else ""
        zero = "  (memory $z 1 1 shared)\n" if self.second else ""
        return f"{zero}  (memory $m {t}{lim}{ps}{sh})"

    def bytes_size(self):
        return self.size if self.pagesize1 else 65536


def gen_config(c, out):
    size = c.bytes_size()
    mem = Mem(size)
    head = pattern(32)
    tail = pattern(16)
    mem.b[0:32] = head
    mem.b[size - 16:size] = tail
    A = c.at
    w = out.append
    w(f";; ---- {c.comment}")
    w("(module")
    w(c.memdecl())
    w(f"  (data (memory $m) ({A}.const 0) \"{data_str(head)}\")")
    w(f"  (data (memory $m) ({A}.const {size - 16}) \"{data_str(tail)}\")")
    # take: the words at 0, 8, 16, 24, then the pattern back
    loads = " ".join(f"(i64.load{c.mref} ({A}.const {8 * i}))" for i in range(4))
    stores = " ".join(f"(i64.store{c.mref} ({A}.const {8 * i}) (i64.const 0x{int.from_bytes(head[8 * i:8 * i + 8], 'little'):x}))"
                      for i in range(4))
    w(f"  (func (export \"take\") (result i64 i64 i64 i64)\n    {loads}\n    {stores})")
    w(f"  (func (export \"tail\") (result i64 i64) (i64.load{c.mref} ({A}.const {size - 16})) (i64.load{c.mref} ({A}.const {size - 8})))")
    for i, (k, t, n, text) in enumerate(OPS):
        off = OFFSETS[i % len(OFFSETS)]
        params = [A] + ([] if k == "load" else [t]) + ([t] if k == "cmpxchg" else [])
        res = "" if k == "store" else f" (result {t})"
        args = " ".join(f"(local.get {j})" for j in range(len(params)))
        ps = " ".join(params)
        w(f"  (func (export \"{text}\") (param {ps}){res} ({text}{c.mref} offset={off} {args}))")
    if c.pressure:
        gen_pressure_funcs(c, w)
    gen_extra_funcs(c, w)
    w(")")
    mid = []
    edges = []
    for i, (k, t, n, text) in enumerate(OPS):
        off = OFFSETS[i % len(OFFSETS)]
        gen_middle(c, mem, head, k, t, n, text, off, mid)
        gen_edges(c, mem, k, t, n, text, off, edges)
    out.extend(mid)
    out.extend(edges)
    w(f"(assert_return (invoke \"tail\") (i64.const 0x{mem.get(size - 16, 8):x}) (i64.const 0x{mem.get(size - 8, 8):x}))")
    if c.pressure:
        gen_pressure_asserts(c, mem, head, w)
    gen_extra_asserts(c, w)
    w("")


def inv(text, c, addr, vals):
    """(invoke "text" addr vals...): vals are (type, value)"""
    args = [const(c.at, addr)] + [const(t, v) for t, v in vals]
    return f"(invoke \"{text}\" {' '.join(args)})"


def garbage_above(v, n, t):
    """v's low n bytes, with random bits above them (within the type)"""
    bits = 32 if t == "i32" else 64
    if 8 * n >= bits:
        return v
    hi = rnd() & ((1 << bits) - 1) & ~((1 << (8 * n)) - 1)
    if hi == 0:
        hi = 1 << (8 * n)
    return (v & ((1 << (8 * n)) - 1)) | hi


def pick_value(k, old, n, t):
    """a value for op k on old that shows a wrong width or operand order"""
    mask = (1 << (8 * n)) - 1
    bits = 32 if t == "i32" else 64
    for _ in range(1000):
        v = rnd() & ((1 << bits) - 1)
        lo = v & mask
        if k == "add" and old + lo <= mask:
            continue  # a carry out of the width
        if k == "sub" and lo <= old:
            continue  # a borrow out of the width (and v - old != old - v)
        if k in ("and", "or", "xor") and (lo == 0 or lo == mask):
            continue
        if 8 * n < bits and (v >> (8 * n)) == 0:
            continue  # garbage above the width
        return v
    raise AssertionError("no value")


def gen_middle(c, mem, head, k, t, n, text, off, out):
    w = out.append
    ea = {1: 13, 2: 14, 4: 12, 8: 16}[n]
    addr = ea - off
    old = mem.get(ea, n)
    if k == "load":
        w(f"(assert_return {inv(text, c, addr, [])} {const(t, old)})")
    elif k == "store":
        v = garbage_above(rnd(), n, t)
        mem.put(ea, n, v)
        w(f"(assert_return {inv(text, c, addr, [(t, v)])})")
    elif k == "cmpxchg":
        # success: the expected value has garbage above the width
        exp = garbage_above(old, n, t)
        rep = garbage_above(rnd(), n, t)
        w(f"(assert_return {inv(text, c, addr, [(t, exp), (t, rep)])} {const(t, old)})")
        mem.put(ea, n, rep)
        cur = mem.get(ea, n)
        # failure: only the width's top bit differs; the value read comes back
        exp = garbage_above(cur ^ (1 << (8 * n - 1)), n, t)
        w(f"(assert_return {inv(text, c, addr, [(t, exp), (t, rnd())])} {const(t, cur)})")
    else:
        v = pick_value(k, old, n, t)
        mem.put(ea, n, rmw(k, old, v, n))
        w(f"(assert_return {inv(text, c, addr, [(t, v)])} {const(t, old)})")
    words = " ".join(f"(i64.const 0x{mem.get(8 * i, 8):x})" for i in range(4))
    w(f"(assert_return (invoke \"take\") {words})")
    mem.b[0:32] = head


def gen_edges(c, mem, k, t, n, text, off, out):
    w = out.append
    size = c.bytes_size()
    top = (size - n) // n * n  # the last aligned access in bounds
    cases = [top, top + n, size - n + 1, top + n + 1, (1 << (64 if c.is64 else 32)) - n]
    seen = set()
    for ea in cases:
        if ea in seen or ea - off < 0:
            continue
        seen.add(ea)
        addr = ea - off
        cur = mem.get(ea, n) if ea + n <= size else 0
        if k == "load":
            vals = []
        elif k == "store":
            vals = [(t, garbage_above(cur, n, t))]
        elif k == "cmpxchg":
            vals = [(t, garbage_above(cur, n, t)), (t, garbage_above(cur, n, t))]
        else:  # the identity of each op, with garbage above the width
            ident = {"add": 0, "sub": 0, "and": (1 << (8 * n)) - 1, "or": 0, "xor": 0, "xchg": cur}[k]
            vals = [(t, garbage_above(ident, n, t))]
        if ea % n:
            w(f"(assert_trap {inv(text, c, addr, vals)} \"unaligned atomic\")")
        elif ea + n > size:
            w(f"(assert_trap {inv(text, c, addr, vals)} \"out of bounds memory access\")")
        elif k == "store":
            w(f"(assert_return {inv(text, c, addr, vals)})")
        else:
            w(f"(assert_return {inv(text, c, addr, vals)} {const(t, cur)})")


# ---- a dozen i64 locals live across the atomic op ----
PRESSURE = ["i64.atomic.rmw.and", "i32.atomic.rmw8.cmpxchg_u", "i64.atomic.rmw16.sub_u",
            "i32.atomic.store16", "i64.atomic.load8_u", "i64.atomic.rmw32.xchg_u",
            "i32.atomic.rmw.or", "i64.atomic.rmw8.xor_u", "i32.atomic.rmw16.add_u",
            "i64.atomic.rmw.cmpxchg", "i64.atomic.store"]
NLOC = 12
KS = [0x9E3779B97F4A7C15, 0xBF58476D1CE4E5B9, 0x94D049BB133111EB, 0x2545F4914F6CDD1D,
      0xD6E8FEB86659FD93, 0xA0761D6478BD642F, 0xE7037ED1A0B428DB, 0x8EBC6AF09C88C6E3,
      0x589965CC75374CC3, 0x1D8E4E27C47D124F, 0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53]


def opinfo(text):
    for k, t, n, tx in OPS:
        if tx == text:
            return k, t, n
    raise KeyError(text)


def gen_pressure_funcs(c, w):
    for text in PRESSURE:
        k, t, n = opinfo(text)
        params = [c.at] + ([] if k == "load" else [t]) + ([t] if k == "cmpxchg" else [])
        np_ = len(params)
        s = np_  # the seed parameter
        L = [np_ + 1 + i for i in range(NLOC)]
        r = np_ + 1 + NLOC
        body = []
        body.append(f"(local.set {L[0]} (i64.add (local.get {s}) (i64.const 0x{KS[0]:x})))")
        for i in range(1, NLOC):
            body.append(f"(local.set {L[i]} (i64.add (i64.mul (local.get {L[i - 1]}) (i64.const 0x{KS[i]:x})) (local.get {s})))")
        args = " ".join(f"(local.get {j})" for j in range(np_))
        op = f"({text}{c.mref} {args})"
        if k == "store":
            body.append(op)
        else:
            body.append(f"(local.set {r} {op})")
        # the checksum: c = rotl(c, 5) ^ local, from c = 0
        chk = "(i64.const 0)\n" + "\n".join(
            f"    (i64.rotl (i64.const 5)) (i64.xor (local.get {L[i]}))" for i in range(NLOC))
        ret = "" if k == "store" else f"(local.get {r}) "
        rt = "" if k == "store" else f"{t} "
        lt = "" if k == "store" else f" (local {t})"
        w(f"  (func (export \"p:{text}\") (param {' '.join(params)} i64) (result {rt}i64)")
        w(f"    (local {' '.join(['i64'] * NLOC)}){lt}")
        for b in body:
            w(f"    {b}")
        w(f"    {ret}{chk})")


def checksum(seed):
    ls = [(seed + KS[0]) & M64]
    for i in range(1, NLOC):
        ls.append((ls[-1] * KS[i] + seed) & M64)
    c = 0
    for x in ls:
        c = (((c << 5) | (c >> 59)) & M64) ^ x
    return c


def gen_pressure_asserts(c, mem, head, w):
    for text in PRESSURE:
        k, t, n = opinfo(text)
        ea = {1: 9, 2: 10, 4: 20, 8: 8}[n]
        old = mem.get(ea, n)
        seed = rnd()
        if k == "load":
            vals, res = [], old
        elif k == "store":
            v = garbage_above(rnd(), n, t)
            vals, res = [(t, v)], None
            mem.put(ea, n, v)
        elif k == "cmpxchg":
            rep = garbage_above(rnd(), n, t)
            vals, res = [(t, garbage_above(old, n, t)), (t, rep)], old
            mem.put(ea, n, rep)
        else:
            v = pick_value(k, old, n, t)
            vals, res = [(t, v)], old
            mem.put(ea, n, rmw(k, old, v, n))
        args = [const(c.at, ea)] + [const(tt, v) for tt, v in vals] + [const("i64", seed)]
        want = ("" if res is None else const(t, res) + " ") + const("i64", checksum(seed))
        w(f"(assert_return (invoke \"p:{text}\" {' '.join(args)}) {want})")
        words = " ".join(f"(i64.const 0x{mem.get(8 * i, 8):x})" for i in range(4))
        w(f"(assert_return (invoke \"take\") {words})")
        mem.b[0:32] = head


# ---- offsets beyond what the JIT adds in an address (32-bit memory 0:
# past 2^31 - 16 it checks bounds explicitly; another memory: the helper;
# memory64: address + offset may wrap) ----
def extra(c):
    if c.is64:
        return [("x:or", "i64.atomic.rmw.or", 0xFFFFFFFFFFFFFFF0),
                ("x:cas16", "i32.atomic.rmw16.cmpxchg_u", 0xFFFFFFFFFFFFFFFE)]
    return [("x:add", "i32.atomic.rmw.add", 0xFFFFFFFC),
            ("x:cas", "i64.atomic.rmw.cmpxchg", 0x80000000),
            ("x:xchg8", "i32.atomic.rmw8.xchg_u", 0x7FFFFFF8)]


def gen_extra_funcs(c, w):
    for name, text, off in extra(c):
        k, t, n = opinfo(text)
        params = [c.at, t] + ([t] if k == "cmpxchg" else [])
        args = " ".join(f"(local.get {j})" for j in range(len(params)))
        w(f"  (func (export \"{name}\") (param {' '.join(params)}) (result {t}) ({text}{c.mref} offset={off} {args}))")


def gen_extra_asserts(c, w):
    bits = 64 if c.is64 else 32
    for name, text, off in extra(c):
        k, t, n = opinfo(text)
        vals = [(t, 1)] + ([(t, 2)] if k == "cmpxchg" else [])
        # address + offset = 2^bits + 16 (memory64: wraps to 16; 32-bit:
        # 2^32 + 16 is out of bounds either way), then that plus 1 (n > 1)
        ea = (1 << bits) + 16
        addr = (ea - off) & ((1 << 64) - 1)
        w(f"(assert_trap {inv(name, c, addr, vals)} \"out of bounds memory access\")")
        if n > 1:
            w(f"(assert_trap {inv(name, c, addr + 1, vals)} \"unaligned atomic\")")
        if not c.is64 and off < 0x80000000:
            # address 0: the offset alone is out of bounds
            w(f"(assert_trap {inv(name, c, 0, vals)} \"out of bounds memory access\")")


CONFIGS = [
    Config("guarded", "memory 0, 32-bit, 64 KiB pages: a fault is the bounds check", False, False, 1, True, False,
           pressure=True),
    Config("pages1", "memory 0 of 1-byte pages, a size no multiple of 8: explicit bounds checks", False, False,
           65541, True, True),
    Config("mem64", "memory 0, 64-bit: explicit checks of an i64 address + offset", True, False, 1, True, False),
    Config("second", "a second memory (unshared: atomics are valid on it), 32-bit", False, True, 1, False, False),
    Config("second64", "a second memory, 64-bit", True, True, 1, True, False, pressure=True),
    # memory 0 unguarded and shared goes to the helper (compile.c,
    # shared_checked: another thread may grow it); unshared, the code checks
    # against its cached size inline
    Config("pages1u", "memory 0 of 1-byte pages, unshared: inline explicit bounds checks", False, False,
           65541, False, True),
    Config("mem64u", "memory 0, 64-bit, unshared: inline explicit checks of an i64 address + offset", True, False, 1,
           False, False, pressure=True),
]


def main():
    out = [";; Generated by gen_atomics_jit.py (in this directory): edit that, not this.",
           ";; Every atomic access at every width on every kind of memory, for the",
           ";; JIT's inline forms (x86-64, AArch64 with LSE or exclusive loops) and the helpers:",
           ";; results, the bytes around the access, the order of the alignment and",
           ";; bounds traps at the end of memory, and registers live across the op.",
           ""]
    for c in CONFIGS:
        gen_config(c, out)
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "atomics_jit.wast")
    with open(path, "w") as f:
        f.write("\n".join(out))


if __name__ == "__main__":
    main()
