#!/usr/bin/env python3
"""jit_bombs.py DIR — small modules that made the JIT's register allocator,
code generator or trap handling take tens of seconds or gigabytes where the
interpreter needed a second (tests/cli/run.sh runs each under --engine jit
with a time limit):

  coldlocals.wasm  40,000 i32 locals written first and summed last, across
                   100,000 filler instructions and a hot loop: every cold
                   local tried every register over the whole filler
  callslive.wasm   20,000 locals live across 100,000 calls: the values live
                   across each call were found by scanning every live one
  brtable.wasm     a br_table of 1,000,000 targets over 3 labels: liveness
                   merged the same successor once per target
  across.wasm      21 values live across 1,000,000 calls: saving them around
                   every call made the code grow without a bound
  ranges.wasm      20,000 locals live through 100 blocks: one live range per
                   block and local
  trapwalk.wasm    100,000 functions and a recursion to "call stack
                   exhausted": counting the frames of the backtrace looked up
                   every frame among every function
Each exports "f" () -> i32 (trapwalk: "f" traps).
"""
import os
import sys


def uleb(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def sleb(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if (n == 0 and not b & 0x40) or (n == -1 and b & 0x40):
            out.append(b)
            return bytes(out)
        out.append(b | 0x80)


def vec(items):
    return uleb(len(items)) + b''.join(items)


def section(sid, payload):
    return bytes([sid]) + uleb(len(payload)) + payload


I32 = 0x7F
T_VOID_I32 = b'\x60\x00\x01\x7f'   # () -> i32
T_VOID = b'\x60\x00\x00'           # () -> ()
T_I32_I32 = b'\x60\x01\x7f\x01\x7f'  # (i32) -> i32


def module(types, funcs, globals_=b''):
    """funcs: (type index, locals bytes, body bytes); function 0 is exported as "f"."""
    out = b'\x00asm\x01\x00\x00\x00' + section(1, vec(types))
    out += section(3, vec([uleb(t) for t, _, _ in funcs]))
    if globals_:
        out += section(6, globals_)
    out += section(7, vec([b'\x01f\x00\x00']))
    codes = []
    for _, loc, body in funcs:
        c = loc + body + b'\x0b'
        codes.append(uleb(len(c)) + c)
    return out + section(10, vec(codes))


def locals_i32(n):
    return vec([uleb(n) + bytes([I32])])


def sum_locals(n):
    return b'\x20\x00' + b''.join(b'\x20' + uleb(i) + b'\x6a' for i in range(1, n))


def coldlocals(k, filler):
    hot = 7
    body = b''.join(b'\x41' + sleb(i + 1) + b'\x21' + uleb(i) for i in range(k))
    body += b'\x23\x00\x24\x00' * filler  # global.get/set of an f32 global
    body += b''.join(b'\x41' + sleb(j) + b'\x21' + uleb(k + j) for j in range(hot))
    inner = b''.join(b'\x20' + uleb(k + j) + b'\x20' + uleb(k + (j + 1) % hot) + b'\x6a\x21' + uleb(k + j)
                     for j in range(hot))
    inner += b'\x20' + uleb(k) + b'\x41\x01\x71\x0d\x00'
    for _ in range(3):
        inner = b'\x03\x40' + inner + b'\x0b'
    body += inner + sum_locals(k + hot)
    glob = vec([b'\x7d\x01\x43\x00\x00\x00\x00\x0b'])
    return module([T_VOID_I32], [(0, locals_i32(k + hot), body)], glob)


def callslive(k, calls):
    body = b''.join(b'\x41' + sleb(i) + b'\x21' + uleb(i) for i in range(k))
    body += b'\x10\x01' * calls + sum_locals(k)
    return module([T_VOID_I32, T_VOID], [(0, locals_i32(k), body), (1, b'\x00', b'\x03\x40\x0b')])


def brtable(labels, targets):
    body = b'\x02\x40' * labels + b'\x41\x00'
    body += b'\x0e' + uleb(targets) + b''.join(uleb(i % labels) for i in range(targets)) + uleb(0)
    body += b'\x0b' * labels + b'\x41\x00'
    return module([T_VOID_I32], [(0, b'\x00', body)])


def across(calls):
    k = 21
    body = b''.join(b'\x41' + sleb(i) + b'\x21' + uleb(i) for i in range(k))
    body += b'\x10\x01' * calls + sum_locals(k)
    return module([T_VOID_I32, T_VOID], [(0, locals_i32(k), body), (1, b'\x00', b'\x03\x40\x0b')])


def ranges(k, blocks):
    body = b'\x02\x40' + b'\x20\x00\x0d\x00' * blocks + b'\x0b' + sum_locals(k)
    return module([T_VOID_I32], [(0, locals_i32(k), body)])


def trapwalk(nfuncs):
    # f() = r(0); r(x) = r(x + 1) + 1; nfuncs idle functions
    f = b'\x41\x00\x10\x01'
    r = b'\x20\x00\x41\x01\x6a\x10\x01\x41\x01\x6a'
    funcs = [(0, b'\x00', f), (1, b'\x00', r)] + [(1, b'\x00', b'\x20\x00')] * nfuncs
    return module([T_VOID_I32, T_I32_I32], funcs)


def main():
    d = sys.argv[1]
    files = {
        'coldlocals.wasm': coldlocals(40000, 100000),
        'callslive.wasm': callslive(20000, 100000),
        'brtable.wasm': brtable(3, 1000000),
        'across.wasm': across(1000000),
        'ranges.wasm': ranges(20000, 100),
        'trapwalk.wasm': trapwalk(100000),
    }
    for name, data in files.items():
        with open(os.path.join(d, name), 'wb') as f:
            f.write(data)


if __name__ == '__main__':
    main()
