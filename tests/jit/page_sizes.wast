;; Memories of 1-byte pages (custom-page-sizes) on both engines: sizes and
;; growth in bytes, bounds at the exact byte, a 64-bit memory of 1-byte
;; pages, copies between page sizes, and imports that must match the size.

(module $small
  (memory (export "m1") 3 (pagesize 1))
  (memory $w i64 0 (pagesize 1))
  (func (export "size") (result i32) (memory.size))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "load") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "store16") (param i32 i32) (i32.store16 (local.get 0) (local.get 1)))
  (func (export "wgrow") (param i64) (result i64) (memory.grow $w (local.get 0)))
  (func (export "wload") (param i64) (result i32) (i32.load8_u $w (local.get 0)))
)
(register "small" $small)

(assert_return (invoke "size") (i32.const 3))
(assert_return (invoke "store16" (i32.const 1) (i32.const 0x0201)))
(assert_trap (invoke "store16" (i32.const 2) (i32.const 0)) "out of bounds memory access")
(assert_return (invoke "load" (i32.const 2)) (i32.const 2))
(assert_trap (invoke "load" (i32.const 3)) "out of bounds memory access")
(assert_return (invoke "grow" (i32.const 5)) (i32.const 3))
(assert_return (invoke "size") (i32.const 8))
(assert_return (invoke "load" (i32.const 7)) (i32.const 0))
(assert_trap (invoke "load" (i32.const 8)) "out of bounds memory access")
(assert_return (invoke "wgrow" (i64.const 70000)) (i64.const 0))
(assert_return (invoke "wload" (i64.const 69999)) (i32.const 0))
(assert_trap (invoke "wload" (i64.const 70000)) "out of bounds memory access")

(module
  (import "small" "m1" (memory 0 (pagesize 1))))
(assert_unlinkable
  (module (import "small" "m1" (memory 0)))
  "incompatible import type")
