;; 64-bit memories and tables on both engines: i64 addresses whose sum with
;; the offset overflows, sizes and counts past 2^32, bulk operations whose
;; end overflows u64, table64 indices past 2^32 in call_indirect and table
;; operations, and a 32-bit memory beside a 64-bit one.

(module
  (memory $m i64 1 3)
  (memory $n 1)
  (table $t i64 4 funcref)
  (type $v_i (func (result i32)))
  (elem (table $t) (i64.const 1) func $seven)
  (func $seven (result i32) (i32.const 7))
  (data (memory $m) (i64.const 0) "abcdefgh")

  (func (export "load") (param i64) (result i32) (i32.load8_u (local.get 0)))
  (func (export "load_off") (param i64) (result i64) (i64.load offset=0xffff_ffff_ffff_fff8 (local.get 0)))
  (func (export "store") (param i64 i32) (i32.store (local.get 0) (local.get 1)))
  (func (export "load_n") (param i32) (result i32) (i32.load8_u $n (local.get 0)))
  (func (export "size") (result i64) (memory.size))
  (func (export "grow") (param i64) (result i64) (memory.grow (local.get 0)))
  (func (export "fill") (param i64 i64) (memory.fill (local.get 0) (i32.const 0x5a) (local.get 1)))
  (func (export "copy_in") (param i64 i64 i64) (memory.copy (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy_out") (param i32 i64 i32) (memory.copy $n $m (local.get 0) (local.get 1) (local.get 2)))
  (func (export "call") (param i64) (result i32) (call_indirect $t (type $v_i) (local.get 0)))
  (func (export "tsize") (result i64) (table.size $t))
  (func (export "tgrow") (param i64) (result i64) (table.grow $t (ref.null func) (local.get 0)))
  (func (export "tget_null") (param i64) (result i32) (ref.is_null (table.get $t (local.get 0))))
  (func (export "tfill") (param i64 i64) (table.fill $t (local.get 0) (ref.null func) (local.get 1)))
)

(assert_return (invoke "load" (i64.const 0)) (i32.const 97))
(assert_return (invoke "load" (i64.const 65535)) (i32.const 0))
(assert_trap (invoke "load" (i64.const 65536)) "out of bounds memory access")
(assert_trap (invoke "load" (i64.const 0x1_0000_0000)) "out of bounds memory access")
(assert_trap (invoke "load" (i64.const -1)) "out of bounds memory access")
;; address + offset wraps past 2^64: a trap, never a small address
(assert_trap (invoke "load_off" (i64.const 8)) "out of bounds memory access")
(assert_trap (invoke "load_off" (i64.const 16)) "out of bounds memory access")
(assert_trap (invoke "store" (i64.const 65533) (i32.const 1)) "out of bounds memory access")
(assert_return (invoke "store" (i64.const 65532) (i32.const 0x64636261)))
(assert_return (invoke "load" (i64.const 65532)) (i32.const 97))
(assert_return (invoke "size") (i64.const 1))
(assert_return (invoke "grow" (i64.const 0x1_0000_0001)) (i64.const -1))
(assert_return (invoke "grow" (i64.const -1)) (i64.const -1))
(assert_return (invoke "grow" (i64.const 1)) (i64.const 1))
(assert_return (invoke "size") (i64.const 2))
;; bulk ranges whose end overflows u64
(assert_trap (invoke "fill" (i64.const 1) (i64.const -1)) "out of bounds memory access")
(assert_trap (invoke "fill" (i64.const -1) (i64.const 2)) "out of bounds memory access")
(assert_trap (invoke "copy_in" (i64.const 0) (i64.const 8) (i64.const -8)) "out of bounds memory access")
(assert_return (invoke "fill" (i64.const 131071) (i64.const 1)))
(assert_return (invoke "load" (i64.const 131071)) (i32.const 0x5a))
;; a 32-bit memory beside it: the count of a copy between them is an i32
(assert_return (invoke "copy_out" (i32.const 10) (i64.const 0) (i32.const 4)))
(assert_return (invoke "load_n" (i32.const 12)) (i32.const 99))
(assert_trap (invoke "copy_out" (i32.const 0) (i64.const 0x1_0000_0000) (i32.const 1)) "out of bounds memory access")
;; table64
(assert_return (invoke "call" (i64.const 1)) (i32.const 7))
(assert_trap (invoke "call" (i64.const 0)) "uninitialized element")
(assert_trap (invoke "call" (i64.const 0x1_0000_0001)) "undefined element")
(assert_trap (invoke "call" (i64.const -1)) "undefined element")
(assert_trap (invoke "tget_null" (i64.const 0x1_0000_0000)) "out of bounds table access")
(assert_return (invoke "tsize") (i64.const 4))
(assert_return (invoke "tgrow" (i64.const 2)) (i64.const 4))
(assert_return (invoke "tgrow" (i64.const -1)) (i64.const -1))
(assert_trap (invoke "tfill" (i64.const 2) (i64.const -1)) "out of bounds table access")
(assert_return (invoke "tfill" (i64.const 0) (i64.const 6)))
(assert_trap (invoke "call" (i64.const 1)) "uninitialized element")

;; growing an empty 64-bit memory to exactly 2^48 pages must fail (its byte
;; size would wrap to 0), and so must growing a table past what it may hold
(module
  (memory i64 0)
  (func (export "grow") (param i64) (result i64) (memory.grow (local.get 0)))
  (func (export "size") (result i64) (memory.size)))
(assert_return (invoke "grow" (i64.const 0x1_0000_0000_0000)) (i64.const -1))
(assert_return (invoke "grow" (i64.const 0xffff_ffff_ffff)) (i64.const -1))
(assert_return (invoke "size") (i64.const 0))
