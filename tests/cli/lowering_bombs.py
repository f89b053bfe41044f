#!/usr/bin/env python3
"""lowering_bombs.py DIR — small modules that used to make lowering to the
register IR quadratic in time or explosive in memory (tests/cli/run.sh runs
each under a time limit):

  moves.wasm    20,000 nested blocks of 1,000 results, a `br` out of each:
                1,000 moves per 3-byte branch (now: the implementation limit
                on words per byte of a body, a clean error)
  localset.wasm 300,000 values on the stack, then 300,000 `local.set`s (each
                used to scan the whole virtual stack for pending reads)
  blocks.wasm   200,000 values on the stack, then 200,000 empty blocks (each
                used to walk the whole stack to materialize it)
  brtable.wasm  a br_table of 4,000,000 targets over 10,000 labels (each
                target used to be compared with every other)
  chain.wasm    300,000 small functions with control flow, each calling the
                next: deciding whether a call's body may be inlined used to
                ask the same of every function down the chain, recursively,
                and overflow the C stack; "f" (i32) -> i32 returns 7 for 0
The others export "f" () -> ().
"""
import os, sys


def uleb(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        out.append(b | (0x80 if n else 0))
        if not n:
            return bytes(out)


def vec(items):
    return uleb(len(items)) + b''.join(items)


def section(sid, payload):
    return bytes([sid]) + uleb(len(payload)) + payload


def module(types, body, locals_=b'\x00'):
    code = locals_ + body + b'\x0b'
    return (b'\x00asm\x01\x00\x00\x00' + section(1, vec(types)) + section(3, vec([uleb(0)])) +
            section(7, vec([uleb(1) + b'f\x00' + uleb(0)])) +
            section(10, vec([uleb(len(code)) + code])))


VOID = b'\x60\x00\x00'


def moves(depth, arity):
    results = b'\x60\x00' + uleb(arity) + b'\x7f' * arity
    body = b'\x41\x00\x02\x01' * depth + b'\x41\x00' * arity + b'\x0b\x0c\x00' * depth
    body += b'\x1a' * (arity + depth)
    return module([VOID, results], body)


def deep_stack(height, op, count):
    body = b'\x41\x00' * height + op * count + b'\x1a' * height
    return module([VOID], body, b'\x01\x01\x7f')


def brtable(labels, targets):
    body = b'\x41\x00\x02\x7f' * labels + b'\x41\x00\x41\x00'
    body += b'\x0e' + uleb(targets) + b''.join(uleb(i % labels) for i in range(targets)) + uleb(0)
    body += b'\x0b\x1a' * labels + b'\x1a'
    return module([VOID], body)


def chain(n):
    ii = b'\x60\x01\x7f\x01\x7f'
    bodies = []
    for k in range(n):
        if k + 1 < n:  # local.get 0 if (result i32) local.get 0 call k+1 else i32.const 7 end
            body = b'\x20\x00\x04\x7f\x20\x00\x10' + uleb(k + 1) + b'\x05\x41\x07\x0b'
        else:
            body = b'\x41\x07'
        code = b'\x00' + body + b'\x0b'
        bodies.append(uleb(len(code)) + code)
    return (b'\x00asm\x01\x00\x00\x00' + section(1, vec([ii])) + section(3, vec([uleb(0)] * n)) +
            section(7, vec([uleb(1) + b'f\x00' + uleb(0)])) + section(10, vec(bodies)))


def main():
    d = sys.argv[1]
    files = {
        'moves.wasm': moves(20000, 1000),
        'localset.wasm': deep_stack(300000, b'\x41\x00\x21\x00', 300000),
        'blocks.wasm': deep_stack(200000, b'\x02\x40\x0b', 200000),
        'brtable.wasm': brtable(10000, 4000000),
        'chain.wasm': chain(300000),
    }
    for name, data in files.items():
        with open(os.path.join(d, name), 'wb') as f:
            f.write(data)


if __name__ == '__main__':
    main()
