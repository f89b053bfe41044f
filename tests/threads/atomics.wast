;; The atomic instructions' edges (issue 11), on both engines with
;; --wasm 3.0+threads: alignment, the order of the alignment and bounds
;; traps, narrow widths, memory64 and multi-memory.

;; the alignment immediate must be exactly natural
(assert_invalid
  (module (memory 1 1 shared) (func (drop (i32.atomic.load align=2 (i32.const 0)))))
  "atomic alignment must be natural")
(assert_invalid
  (module (memory 1 1 shared) (func (drop (i64.atomic.rmw.add align=4 (i32.const 0) (i64.const 1)))))
  "atomic alignment must be natural")
(assert_invalid
  (module (memory 1 1 shared) (func (i32.atomic.store8 align=2 (i32.const 0) (i32.const 1))))
  "atomic alignment must be natural")
(assert_invalid
  (module (func (drop (i32.atomic.load (i32.const 0)))))
  "unknown memory")
;; atomics on an unshared memory are valid
(module (memory 1) (func (drop (i32.atomic.load (i32.const 0)))))

(module
  (memory 1 1 shared)
  (func (export "load32") (param i32) (result i32) (i32.atomic.load (local.get 0)))
  (func (export "load32_off1") (param i32) (result i32) (i32.atomic.load offset=1 (local.get 0)))
  (func (export "load16") (param i32) (result i32) (i32.atomic.load16_u (local.get 0)))
  (func (export "load8") (param i32) (result i32) (i32.atomic.load8_u (local.get 0)))
  (func (export "load64") (param i32) (result i64) (i64.atomic.load (local.get 0)))
  (func (export "load64_32") (param i32) (result i64) (i64.atomic.load32_u (local.get 0)))
  (func (export "store32") (param i32 i32) (i32.atomic.store (local.get 0) (local.get 1)))
  (func (export "store64") (param i32 i64) (i64.atomic.store (local.get 0) (local.get 1)))
  (func (export "store64_8") (param i32 i64) (i64.atomic.store8 (local.get 0) (local.get 1)))
  (func (export "add") (param i32 i32) (result i32) (i32.atomic.rmw.add (local.get 0) (local.get 1)))
  (func (export "sub16") (param i32 i32) (result i32) (i32.atomic.rmw16.sub_u (local.get 0) (local.get 1)))
  (func (export "and64") (param i32 i64) (result i64) (i64.atomic.rmw.and (local.get 0) (local.get 1)))
  (func (export "or8") (param i32 i64) (result i64) (i64.atomic.rmw8.or_u (local.get 0) (local.get 1)))
  (func (export "xor32") (param i32 i64) (result i64) (i64.atomic.rmw32.xor_u (local.get 0) (local.get 1)))
  (func (export "xchg16") (param i32 i64) (result i64) (i64.atomic.rmw16.xchg_u (local.get 0) (local.get 1)))
  (func (export "cmpxchg") (param i32 i32 i32) (result i32)
    (i32.atomic.rmw.cmpxchg (local.get 0) (local.get 1) (local.get 2)))
  (func (export "cmpxchg64_8") (param i32 i64 i64) (result i64)
    (i64.atomic.rmw8.cmpxchg_u (local.get 0) (local.get 1) (local.get 2)))
  (func (export "cmpxchg64_32") (param i32 i64 i64) (result i64)
    (i64.atomic.rmw32.cmpxchg_u (local.get 0) (local.get 1) (local.get 2)))
  (func (export "fence") (atomic.fence))
  ;; an atomic counter in a loop (the JIT keeps locals in registers)
  (func (export "count") (param i32) (result i32)
    (local i32)
    (loop $l
      (drop (i32.atomic.rmw.add (i32.const 64) (i32.const 3)))
      (local.set 1 (i32.add (local.get 1) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get 1) (local.get 0))))
    (i32.atomic.load (i32.const 64)))
)

;; alignment: the effective address (address + offset) must be aligned
(assert_trap (invoke "load32" (i32.const 2)) "unaligned atomic")
(assert_trap (invoke "load32_off1" (i32.const 0)) "unaligned atomic")
(assert_return (invoke "load32_off1" (i32.const 3)) (i32.const 0))
(assert_trap (invoke "load16" (i32.const 1)) "unaligned atomic")
(assert_return (invoke "load8" (i32.const 1)) (i32.const 0))
(assert_trap (invoke "load64" (i32.const 4)) "unaligned atomic")
(assert_trap (invoke "load64_32" (i32.const 2)) "unaligned atomic")
(assert_trap (invoke "store32" (i32.const 1) (i32.const 0)) "unaligned atomic")
(assert_trap (invoke "cmpxchg" (i32.const 6) (i32.const 0) (i32.const 0)) "unaligned atomic")
;; bounds: the last aligned word is in, one past is out; unaligned and out of
;; bounds is unaligned (alignment is checked first)
(assert_return (invoke "load32" (i32.const 65532)) (i32.const 0))
(assert_trap (invoke "load32" (i32.const 65536)) "out of bounds memory access")
(assert_trap (invoke "load64" (i32.const 65536)) "out of bounds memory access")
(assert_trap (invoke "load64" (i32.const -8)) "out of bounds memory access")
(assert_trap (invoke "load32" (i32.const 65535)) "unaligned atomic")
(assert_trap (invoke "load32_off1" (i32.const -1)) "out of bounds memory access")
;; a failed access writes nothing
(assert_trap (invoke "store64" (i32.const 65532) (i64.const -1)) "unaligned atomic")
(assert_return (invoke "load32" (i32.const 65532)) (i32.const 0))

;; read-modify-write returns the old value; narrow results are zero-extended
(invoke "store32" (i32.const 0) (i32.const 0xfffffffe))
(assert_return (invoke "add" (i32.const 0) (i32.const 3)) (i32.const 0xfffffffe))
(assert_return (invoke "load32" (i32.const 0)) (i32.const 1))
(invoke "store32" (i32.const 0) (i32.const 0x00018000))
(assert_return (invoke "sub16" (i32.const 0) (i32.const 0x8001)) (i32.const 0x8000))
(assert_return (invoke "load32" (i32.const 0)) (i32.const 0x0001ffff))
(invoke "store64" (i32.const 8) (i64.const -1))
(assert_return (invoke "and64" (i32.const 8) (i64.const 0x0f0f0f0f0f0f0f0f)) (i64.const -1))
(assert_return (invoke "load64" (i32.const 8)) (i64.const 0x0f0f0f0f0f0f0f0f))
(assert_return (invoke "or8" (i32.const 9) (i64.const 0xf0f0)) (i64.const 0x0f))
(assert_return (invoke "load64" (i32.const 8)) (i64.const 0x0f0f0f0f0f0fff0f))
(assert_return (invoke "xor32" (i32.const 12) (i64.const 0xffffffff0f0f0f0f)) (i64.const 0x0f0f0f0f))
(assert_return (invoke "load64" (i32.const 8)) (i64.const 0x000000000f0fff0f))
(assert_return (invoke "xchg16" (i32.const 8) (i64.const 0x1234567890abcdef)) (i64.const 0xff0f))
(assert_return (invoke "load64" (i32.const 8)) (i64.const 0x000000000f0fcdef))
(invoke "store64_8" (i32.const 8) (i64.const 0x1ff))
(assert_return (invoke "load64" (i32.const 8)) (i64.const 0x000000000f0fcdff))

;; compare-exchange: the expected value is wrapped to the width; the result
;; is the value read, zero-extended
(invoke "store64" (i32.const 16) (i64.const 0x11223344556677ff))
(assert_return (invoke "cmpxchg64_8" (i32.const 16) (i64.const 0x1ff) (i64.const 0xab)) (i64.const 0xff))
(assert_return (invoke "load64" (i32.const 16)) (i64.const 0x11223344556677ab))
(assert_return (invoke "cmpxchg64_8" (i32.const 16) (i64.const 0xff) (i64.const 0xcd)) (i64.const 0xab))
(assert_return (invoke "load64" (i32.const 16)) (i64.const 0x11223344556677ab))
(assert_return (invoke "cmpxchg64_32" (i32.const 16) (i64.const 0xffffffff556677ab) (i64.const 0x9988776655443322))
  (i64.const 0x556677ab))
(assert_return (invoke "load64" (i32.const 16)) (i64.const 0x1122334455443322))
(assert_return (invoke "cmpxchg" (i32.const 16) (i32.const 0) (i32.const 7)) (i32.const 0x55443322))
(assert_return (invoke "cmpxchg" (i32.const 16) (i32.const 0x55443322) (i32.const 7)) (i32.const 0x55443322))
(assert_return (invoke "load32" (i32.const 16)) (i32.const 7))

(assert_return (invoke "fence"))
(assert_return (invoke "count" (i32.const 1000)) (i32.const 3000))

;; memory64: i64 addresses, and an address + offset that overflows
(module
  (memory i64 1 1 shared)
  (func (export "load") (param i64) (result i32) (i32.atomic.load (local.get 0)))
  (func (export "load_big") (param i64) (result i32) (i32.atomic.load offset=0xfffffffffffffff0 (local.get 0)))
  (func (export "add") (param i64 i64) (result i64) (i64.atomic.rmw.add (local.get 0) (local.get 1)))
)
(assert_return (invoke "add" (i64.const 65528) (i64.const 5)) (i64.const 0))
(assert_return (invoke "add" (i64.const 65528) (i64.const 5)) (i64.const 5))
(assert_trap (invoke "load" (i64.const 65536)) "out of bounds memory access")
(assert_trap (invoke "load" (i64.const 0x100000000)) "out of bounds memory access")
(assert_trap (invoke "load" (i64.const 2)) "unaligned atomic")
(assert_trap (invoke "load_big" (i64.const 0x20)) "out of bounds memory access")
(assert_trap (invoke "load_big" (i64.const 0x22)) "unaligned atomic")

;; multi-memory: the access goes to the memory named
(module
  (memory $a 1 1 shared)
  (memory $b 1 1)
  (func (export "store_b") (param i32 i32) (i32.atomic.store $b (local.get 0) (local.get 1)))
  (func (export "load_a") (param i32) (result i32) (i32.atomic.load $a (local.get 0)))
  (func (export "load_b") (param i32) (result i32) (i32.atomic.load $b (local.get 0)))
  (func (export "xchg_b") (param i32 i32) (result i32) (i32.atomic.rmw.xchg $b (local.get 0) (local.get 1)))
)
(invoke "store_b" (i32.const 4) (i32.const 42))
(assert_return (invoke "load_a" (i32.const 4)) (i32.const 0))
(assert_return (invoke "load_b" (i32.const 4)) (i32.const 42))
(assert_return (invoke "xchg_b" (i32.const 4) (i32.const 43)) (i32.const 42))
(assert_return (invoke "load_b" (i32.const 4)) (i32.const 43))
(assert_trap (invoke "load_b" (i32.const 6)) "unaligned atomic")

;; the binary encoding: prefix 0xFE; a misaligned alignment field is invalid
(module binary
  "\00asm" "\01\00\00\00"
  "\01\05\01\60\00\01\7f"                    ;; type: [] -> [i32]
  "\03\02\01\00"                             ;; one function
  "\05\04\01\03\01\01"                       ;; memory 1 1 shared
  "\07\05\01\01\66\00\00"                    ;; export "f"
  "\0a\0a\01\08\00\41\00\fe\10\02\00\0b"     ;; i32.atomic.load align=4 offset=0 (i32.const 0)
)
(assert_return (invoke "f") (i32.const 0))
(assert_invalid
  (module binary
    "\00asm" "\01\00\00\00"
    "\01\05\01\60\00\01\7f"
    "\03\02\01\00"
    "\05\04\01\03\01\01"
    "\0a\0a\01\08\00\41\00\fe\10\01\00\0b")  ;; align=2
  "atomic alignment must be natural")
(assert_malformed
  (module binary
    "\00asm" "\01\00\00\00"
    "\01\04\01\60\00\00"
    "\03\02\01\00"
    "\0a\07\01\05\00\fe\03\01\0b")           ;; atomic.fence with a non-zero byte
  "zero byte expected")
