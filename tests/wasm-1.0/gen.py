#!/usr/bin/env python3
"""Writes features.wast: what `--wasm 1.0` (zwasm_config_t.features = 0)
accepts and refuses.  Each of the six proposals WebAssembly 2.0 added is
refused where its encoding or rule appears; a 1.0 module runs.  Modules
whose encoding is the point are written as binaries (made by wabt's
wat2wasm, which must be on PATH to regenerate; the .wast is checked in).

    python3 tests/wasm-1.0/gen.py > tests/wasm-1.0/features.wast
"""
import os, subprocess, sys, tempfile

def wasm(wat):
    with tempfile.TemporaryDirectory() as d:
        src, out = os.path.join(d, 'm.wat'), os.path.join(d, 'm.wasm')
        open(src, 'w').write(wat)
        subprocess.run(['wat2wasm', '--enable-all', '--no-check', src, '-o', out], check=True)
        return open(out, 'rb').read()

def binary(b):
    return '(module binary "' + ''.join('\\%02x' % c for c in b) + '")'

# (what, module text, the message 1.0 gives)
MALFORMED = [
    ('sign extension', '(func (result i32) (i32.extend8_s (i32.const 1)))', 'illegal opcode'),
    ('saturating float-to-int', '(func (result i32) (i32.trunc_sat_f32_s (f32.const 1)))', 'illegal opcode'),
    ('multi-value: a block type by index', '(func (result i32) (i32.const 1) (block (param i32) (result i32)))',
     'malformed value type'),
    ('reference types: a funcref local', '(func (local funcref))', 'malformed value type'),
    ('reference types: an externref parameter', '(func (param externref))', 'malformed value type'),
    ('reference types: an externref table', '(table 1 externref)', 'malformed reference type'),
    ('reference types: ref.null', '(func (drop (ref.null func)))', 'illegal opcode'),
    ('reference types: typed select', '(func (result i32) (select (result i32) (i32.const 1) (i32.const 2) (i32.const 3)))',
     'illegal opcode'),
    ('reference types: table.size', '(table 1 funcref) (func (result i32) (table.size 0))', 'illegal opcode'),
    ('reference types: a declarative segment', '(func $f) (elem declare func $f)', 'malformed elements segment kind'),
    ('bulk memory: memory.fill', '(memory 1) (func (memory.fill (i32.const 0) (i32.const 0) (i32.const 0)))',
     'illegal opcode'),
    ('bulk memory: a passive data segment', '(memory 1) (data "x")', 'malformed data segment kind'),
    ('bulk memory: a passive element segment', '(func $f) (elem func $f)', 'malformed elements segment kind'),
    ('bulk memory: the data count section', '(memory 1) (data "x") (func (data.drop 0))', 'malformed section id'),
    ('SIMD: a v128 local', '(func (local v128))', 'malformed value type'),
    ('SIMD: v128.const', '(func (drop (v128.const i64x2 0 0)))', 'illegal opcode'),
]
INVALID = [
    ('multi-value: two results', '(func (result i32 i32) (i32.const 1) (i32.const 2))', 'invalid result arity'),
    ('reference types: two tables', '(table 1 funcref) (table 1 funcref)', 'multiple tables'),
    ('reference types: an imported and a defined table',
     '(import "spectest" "table" (table 1 funcref)) (table 1 funcref)', 'multiple tables'),
]

out = ['''\
;; What WebAssembly 1.0 accepts and refuses: zwasm wast --wasm 1.0 (made by
;; gen.py beside this file; the same modules are valid WebAssembly 2.0).

;; a 1.0 module: memory and data, a table, its elements and call_indirect,
;; globals, loops
(module
  (type $ii (func (param i32) (result i32)))
  (memory 1)
  (data (i32.const 16) "\\2a")
  (table 2 funcref)
  (elem (i32.const 0) $double $load)
  (global $g (mut i32) (i32.const 0))
  (func $double (type $ii) (i32.mul (local.get 0) (i32.const 2)))
  (func $load (type $ii) (i32.load8_u (local.get 0)))
  (func (export "call") (param i32 i32) (result i32)
    (call_indirect (type $ii) (local.get 1) (local.get 0)))
  (func (export "sum") (param $n i32) (result i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (global.set $g (i32.add (global.get $g) (local.get $n)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (global.get $g))
)
(assert_return (invoke "call" (i32.const 0) (i32.const 21)) (i32.const 42))
(assert_return (invoke "call" (i32.const 1) (i32.const 16)) (i32.const 42))
(assert_trap (invoke "call" (i32.const 2) (i32.const 0)) "undefined element")
(assert_return (invoke "sum" (i32.const 100)) (i32.const 5050))

;; call_indirect's table index is a reserved zero byte in 1.0
(assert_malformed
  (module binary
    "\\00asm\\01\\00\\00\\00"
    "\\01\\04\\01\\60\\00\\00"              ;; type 0: [] -> []
    "\\03\\02\\01\\00"                    ;; func 0: type 0
    "\\04\\04\\01\\70\\00\\01"              ;; table 0: funcref, min 1
    "\\0a\\0a\\01\\08\\00\\41\\00\\11\\00\\80\\00\\0b"  ;; call_indirect 0 with table index 0 as 2 bytes
  )
  "zero byte expected"
)
''']
for what, wat, msg in MALFORMED:
    out.append(';; %s\n(assert_malformed\n  %s\n  "%s"\n)\n' % (what, binary(wasm('(module %s)' % wat)), msg))
for what, wat, msg in INVALID:
    out.append(';; %s\n(assert_invalid\n  (module %s)\n  "%s"\n)\n' % (what, wat, msg))
sys.stdout.write('\n'.join(out))
