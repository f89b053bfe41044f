#!/usr/bin/env python3
"""layers.py — checks that the source tree keeps its layers: every
`#include "..."` in src/ names a file of the same layer or a lower one, and
the two execution engines never include each other.  The order, lowest
first (README, "Architecture"):

    common    src/common.h, valtype.h, util.c, opcodes.*, sem/ (Wasm semantics)
    decode    src/module.h, types.c (what module.h declares), decode/
    validate  validate/
    ir        ir/
    runtime   runtime/ (objects, instantiation, calls, the engine interface)
    engines   interp/, jit/   (siblings: neither includes the other)
    api       api/
    wasi      wasi/  (the public API and common only)
    text      text/  (common only)
    cli       cli/

Each included file is one check; the last line is "layers: N passed, N failed".
ZW_ROOT=DIR checks another checkout.
"""
import os
import re
import sys

ROOT = os.environ.get("ZW_ROOT") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
SRC = os.path.join(ROOT, 'src')

RANK = {'common': 0, 'decode': 1, 'validate': 2, 'ir': 3, 'runtime': 4, 'interp': 5, 'jit': 5,
        'api': 6, 'wasi': 7, 'text': 7, 'cli': 8, 'public': 0}
# What wasi/ and text/ may use beyond their own folder.
ONLY = {'wasi': {'common', 'public'}, 'text': {'common', 'public'}}


def layer(path):
    """The layer of a file given relative to src/ (or include/)."""
    parts = path.split('/')
    if parts[0] == '..' and parts[1] == 'include':
        return 'public'
    if len(parts) == 1:
        return 'decode' if parts[0] in ('module.h', 'types.c') else 'common'
    if parts[0] in ('sem',):
        return 'common'
    return parts[0]


def resolve(src_file, inc):
    """The path (relative to src/) an #include "inc" in src_file names."""
    here = os.path.dirname(src_file)
    for base in (here, SRC, os.path.join(ROOT, 'include')):
        p = os.path.normpath(os.path.join(base, inc))
        if os.path.exists(p):
            return os.path.relpath(p, SRC)
    return None


def main():
    passed = failed = 0
    for dirpath, _, files in sorted(os.walk(SRC)):
        for name in sorted(files):
            if not name.endswith(('.c', '.h', '.def', '.inc')):
                continue
            path = os.path.join(dirpath, name)
            me = layer(os.path.relpath(path, SRC))
            for lineno, line in enumerate(open(path, errors='replace'), 1):
                m = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
                if not m:
                    continue
                target = resolve(path, m.group(1))
                where = '%s:%d' % (os.path.relpath(path, ROOT), lineno)
                if target is None:
                    print('FAIL %s: cannot find "%s"' % (where, m.group(1)))
                    failed += 1
                    continue
                them = layer(target)
                ok = RANK.get(them, 99) <= RANK.get(me, -1)
                if {me, them} == {'interp', 'jit'}:
                    ok = False
                if me in ONLY and them != me and them not in ONLY[me]:
                    ok = False
                if ok:
                    passed += 1
                else:
                    failed += 1
                    print('FAIL %s: %s (layer %s) includes %s (layer %s)' %
                          (where, os.path.relpath(path, SRC), me, target, them))
    print('layers: %d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
