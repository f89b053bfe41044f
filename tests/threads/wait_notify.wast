;; memory.atomic.wait32/wait64 and notify on one thread (issue 11): the
;; results that need no second thread, and the traps.  The blocking cases
;; are in tests/unit/test_atomic.c and the stress tests.
(module
  (memory 1 1 shared)
  (func (export "wait32") (param i32 i32 i64) (result i32)
    (memory.atomic.wait32 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "wait64") (param i32 i64 i64) (result i32)
    (memory.atomic.wait64 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "notify") (param i32 i32) (result i32)
    (memory.atomic.notify (local.get 0) (local.get 1)))
  (func (export "store64") (param i32 i64) (i64.atomic.store (local.get 0) (local.get 1)))
)
;; not equal: 1; equal with a timeout of 0 or 1 us: 2 (timed out)
(assert_return (invoke "wait32" (i32.const 0) (i32.const 1) (i64.const -1)) (i32.const 1))
(assert_return (invoke "wait32" (i32.const 0) (i32.const 0) (i64.const 0)) (i32.const 2))
(assert_return (invoke "wait32" (i32.const 0) (i32.const 0) (i64.const 1000)) (i32.const 2))
(invoke "store64" (i32.const 8) (i64.const 0x100000000))
;; wait32 compares 4 bytes, wait64 all 8
(assert_return (invoke "wait32" (i32.const 8) (i32.const 0) (i64.const 0)) (i32.const 2))
(assert_return (invoke "wait64" (i32.const 8) (i64.const 0) (i64.const 0)) (i32.const 1))
(assert_return (invoke "wait64" (i32.const 8) (i64.const 0x100000000) (i64.const 1000)) (i32.const 2))
;; nobody waits: notify wakes 0
(assert_return (invoke "notify" (i32.const 0) (i32.const 1)) (i32.const 0))
(assert_return (invoke "notify" (i32.const 0) (i32.const -1)) (i32.const 0))
;; alignment, then bounds
(assert_trap (invoke "wait32" (i32.const 2) (i32.const 0) (i64.const 0)) "unaligned atomic")
(assert_trap (invoke "wait64" (i32.const 4) (i64.const 0) (i64.const 0)) "unaligned atomic")
(assert_trap (invoke "notify" (i32.const 1) (i32.const 1)) "unaligned atomic")
(assert_trap (invoke "wait32" (i32.const 65536) (i32.const 0) (i64.const 0)) "out of bounds memory access")
(assert_return (invoke "wait64" (i32.const 65528) (i64.const 0) (i64.const 0)) (i32.const 2))
(assert_trap (invoke "wait64" (i32.const 65536) (i64.const 0) (i64.const 0)) "out of bounds memory access")
(assert_trap (invoke "notify" (i32.const 65536) (i32.const 1)) "out of bounds memory access")

;; an unshared memory: wait traps (even when the value differs), notify is 0
(module
  (memory 1 1)
  (func (export "wait32") (param i32 i32 i64) (result i32)
    (memory.atomic.wait32 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "wait64") (param i32 i64 i64) (result i32)
    (memory.atomic.wait64 (local.get 0) (local.get 1) (local.get 2)))
  (func (export "notify") (param i32 i32) (result i32)
    (memory.atomic.notify (local.get 0) (local.get 1)))
  (func (export "fence") (atomic.fence))
)
(assert_trap (invoke "wait32" (i32.const 0) (i32.const 0) (i64.const 0)) "expected shared memory")
(assert_trap (invoke "wait32" (i32.const 0) (i32.const 1) (i64.const 0)) "expected shared memory")
(assert_trap (invoke "wait64" (i32.const 0) (i64.const 0) (i64.const -1)) "expected shared memory")
(assert_trap (invoke "wait64" (i32.const 3) (i64.const 0) (i64.const -1)) "unaligned atomic")
(assert_return (invoke "notify" (i32.const 0) (i32.const 1)) (i32.const 0))
(assert_return (invoke "fence"))
