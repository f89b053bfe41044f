;; Calls the JIT compiles specially: a function calling itself calls its own
;; code (emit.c), and a parameter that is never written is not saved before
;; calls (regalloc.c "clean"): these check values survive calls either way.

(module
  ;; self-recursion, parameter read after each call (clean: only reloaded)
  (func $fib (export "fib") (param i32) (result i32)
    (if (result i32) (i32.lt_u (local.get 0) (i32.const 2))
      (then (local.get 0))
      (else (i32.add (call $fib (i32.sub (local.get 0) (i32.const 1)))
                     (call $fib (i32.sub (local.get 0) (i32.const 2)))))))
  ;; parameter written between calls (not clean: saved and reloaded)
  (func $sum (export "sum") (param i32 i64) (result i64)
    (if (result i64) (i32.eqz (local.get 0))
      (then (local.get 1))
      (else
        (local.set 1 (i64.add (local.get 1) (i64.extend_i32_u (local.get 0))))
        (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
        (i64.add (call $sum (local.get 0) (i64.const 0)) (local.get 1)))))
  ;; several parameters of both classes, all live across a self call
  (func $mix (export "mix") (param i32 i64 f32 f64) (result f64)
    (if (result f64) (i32.eqz (local.get 0))
      (then (f64.add (f64.promote_f32 (local.get 2)) (local.get 3)))
      (else
        (f64.add
          (call $mix (i32.sub (local.get 0) (i32.const 1)) (local.get 1)
                     (f32.add (local.get 2) (f32.const 1)) (local.get 3))
          (f64.add (f64.convert_i64_s (local.get 1))
                   (f64.add (f64.promote_f32 (local.get 2)) (local.get 3)))))))
  ;; mutual recursion (not a self call) with a clean parameter
  (func $even (export "even") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 1))
      (else (i32.and (call $odd (i32.sub (local.get 0) (i32.const 1)))
                     (i32.or (local.get 0) (i32.const 1))))))
  (func $odd (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
      (else (call $even (i32.sub (local.get 0) (i32.const 1))))))
  ;; the parameter is written only after the last call
  (func $late (export "late") (param i32) (result i32)
    (local i32)
    (if (i32.gt_u (local.get 0) (i32.const 0))
      (then (local.set 1 (call $late (i32.sub (local.get 0) (i32.const 1))))))
    (local.set 0 (i32.add (local.get 0) (local.get 1)))
    (local.get 0))
)
(assert_return (invoke "fib" (i32.const 20)) (i32.const 6765))
(assert_return (invoke "sum" (i32.const 100) (i64.const 7)) (i64.const 5057))
(assert_return (invoke "mix" (i32.const 3) (i64.const 10) (f32.const 0.5) (f64.const 0.25))
               (f64.const 39))
(assert_return (invoke "even" (i32.const 10)) (i32.const 1))
(assert_return (invoke "even" (i32.const 7)) (i32.const 0))
(assert_return (invoke "late" (i32.const 10)) (i32.const 55))
;; the trap of a deep self recursion is the same on both engines
(module
  (func $down (export "down") (param i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0)) (then (unreachable))
      (else (i32.add (call $down (i32.sub (local.get 0) (i32.const 1))) (local.get 0))))))
(assert_trap (invoke "down" (i32.const 1000)) "unreachable")
(assert_exhaustion (invoke "down" (i32.const 10000000)) "call stack exhausted")
