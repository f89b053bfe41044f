;; Exceptions on both engines: thrown through deep mixed recursion (direct,
;; indirect and cross-instance calls, values that live in registers across
;; the calls and are used by the handlers), through callees the lowering
;; inlines and handlers inside inlined bodies, rethrow of a caught exnref,
;; the legacy try/catch/delegate/rethrow, tail calls (whose frame the
;; handlers of the caller no longer cover), payloads of every type,
;; exceptions escaping to the host and from a start function, and a million
;; throws caught in loops (plain catches free the exception: bounded memory).

(module $other
  (tag $t (export "t") (param i32))
  (func (export "thrower") (param i32) (throw $t (local.get 0)))
  ;; catches $t from its caller's callback (an import of the other module)
  (func (export "add1") (param i32) (result i32) (i32.add (local.get 0) (i32.const 1))))
(register "other" $other)

(module
  (import "other" "t" (tag $t (param i32)))
  (import "other" "thrower" (func $othrow (param i32)))
  (import "other" "add1" (func $add1 (param i32) (result i32)))
  (tag $e0)
  (tag $big (param i32 i64 f32 f64 v128 externref))
  (type $i_i (func (param i32) (result i32)))
  (table funcref (elem $deep))

  ;; deep(n): n = 0 throws 7 through the other instance; every fifth level
  ;; catches the exception and throws it on with 4n added (its own values
  ;; a and b, kept across the call, go into it); odd levels call through
  ;; the table.
  (func $deep (param $n i32) (result i32)
    (local $a i32) (local $b f64)
    (local.set $a (i32.mul (local.get $n) (i32.const 3)))
    (local.set $b (f64.convert_i32_u (local.get $n)))
    (if (i32.eqz (local.get $n)) (then (call $othrow (i32.const 7)) (unreachable)))
    (if (i32.eqz (i32.rem_u (local.get $n) (i32.const 5)))
      (then
        (block $h (result i32)
          (return
            (try_table (result i32) (catch $t $h)
              (i32.add (call $step (i32.sub (local.get $n) (i32.const 1)))
                       (local.get $a)))))
        (throw $t (i32.add (i32.add (local.get $a) (i32.trunc_f64_u (local.get $b)))))))
    (i32.add (call $step (i32.sub (local.get $n) (i32.const 1))) (local.get $a)))
  (func $step (param $n i32) (result i32)
    (if (result i32) (i32.and (local.get $n) (i32.const 1))
      (then (call_indirect (type $i_i) (local.get $n) (i32.const 0)))
      (else (call $deep (local.get $n)))))
  (func (export "deep") (param $n i32) (result i32)
    (block $h (result i32)
      (try_table (result i32) (catch $t $h) (call $deep (local.get $n)))
      (return)))

  ;; a callee the lowering inlines, throwing
  (func $maybe (param i32) (result i32)
    (if (local.get 0) (then (throw $t (i32.mul (local.get 0) (i32.const 2)))))
    (i32.const 5))
  (func (export "inlined_throw") (param i32) (result i32)
    (block $h (result i32)
      (try_table (result i32) (catch $t $h) (i32.add (call $maybe (local.get 0)) (i32.const 100)))
      (return)))
  ;; a handler inside an inlined body, catching from a call in it; the
  ;; caller loops so that a wrong stack pointer after landing would show
  (func $thrower2 (param i32) (result i32)
    (if (i32.gt_s (local.get 0) (i32.const -1000)) (then (call $othrow (local.get 0))))
    (i32.const 0))
  (func $guard (param i32) (result i32)
    (block $h (result i32)
      (try_table (result i32) (catch $t $h) (call $thrower2 (local.get 0)))))
  (func (export "inlined_handler") (param $n i32) (result i32)
    (local $i i32) (local $sum i32)
    (loop $l
      (local.set $sum (i32.add (local.get $sum) (call $guard (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $sum))

  ;; catch_ref, then throw_ref later from another function, caught by catch_all_ref
  (func $catch_it (result exnref)
    (block $h (result exnref)
      (try_table (catch_all_ref $h) (call $othrow (i32.const 42)))
      (unreachable))
    (return))
  (func $rethrow_it (param exnref) (throw_ref (local.get 0)))
  (func (export "rethrow_ref") (result i32)
    (local $x exnref)
    (local.set $x (call $catch_it))
    (block $h (result i32 exnref)
      (try_table (catch_ref $t $h) (call $rethrow_it (local.get $x)))
      (unreachable))
    (drop))
  (func (export "rethrow_null")
    (call $rethrow_it (ref.null exn)))

  ;; every type in a payload, through a call and a catch
  (func $throw_big (param i32 i64 f32 f64 v128 externref)
    (throw $big (local.get 0) (local.get 1) (local.get 2) (local.get 3) (local.get 4) (local.get 5)))
  (func (export "big") (param externref) (result i32 i64 f32 f64 v128 externref)
    (block $h (result i32 i64 f32 f64 v128 externref)
      (try_table (catch $big $h)
        (call $throw_big (i32.const -1) (i64.const 0x123456789) (f32.const 1.5) (f64.const -2.25)
          (v128.const i32x4 1 2 3 4) (local.get 0)))
      (unreachable)))

  ;; legacy: delegate to an outer try, rethrow from a nested handler
  (func (export "delegate") (param i32) (result i32)
    (try (result i32)
      (do
        (try (result i32)
          (do
            (try (result i32)
              (do (call $othrow (local.get 0)) (i32.const 0))
              (delegate 1)))
          (catch $t (drop) (i32.const 1000))))   ;; skipped by the delegate
      (catch $t (i32.add (i32.const 2000)))))
  (func (export "legacy_rethrow") (result i32)
    (try (result i32)
      (do
        (try (result i32)
          (do (call $othrow (i32.const 3)) (i32.const 0))
          (catch $t
            (drop)
            (try (result i32)
              (do (throw $e0))
              (catch_all (rethrow 1))))))
      (catch $t (i32.add (i32.const 30)))))

  ;; tail calls: the frame is gone, its handlers too
  (func $tail_same (throw $e0))
  (func $tail_same_caller (block $h (try_table (catch_all $h) (return_call $tail_same))))
  (func (export "tail_same") (result i32) (call $tail_same_caller) (i32.const 1))
  (func $tail_other_caller (block $h (try_table (catch_all $h) (return_call $othrow (i32.const 1)))))
  (func (export "tail_other") (result i32) (call $tail_other_caller) (i32.const 1))
  (func $tail_throwing (param i32)
    (block $h (try_table (catch_all $h) (return_call $othrow (local.get 0)))))
  (func (export "call_tail") (result i32)
    (block $h (result i32)
      (try_table (catch $t $h) (call $tail_throwing (i32.const 9)))
      (i32.const 0)))

  ;; escaping to the host
  (func (export "escape") (call $othrow (i32.const 1)))
  (func (export "escape_deep") (param i32) (result i32) (call $deep (local.get 0)))

  ;; a million throws and catches: across a call, and in the function itself
  (func (export "loop_call") (param $n i32) (result i32)
    (local $i i32) (local $sum i32)
    (loop $l
      (block $h (result i32)
        (try_table (catch $t $h)
          (call $othrow (local.get $i)))
        (i32.const 0))
      (local.set $sum (i32.add (local.get $sum)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $sum))
  (func (export "loop_local") (param $n i32) (result i64)
    (local $i i32) (local $sum i64)
    (loop $l
      (block $h (result i32)
        (try_table (catch $t $h)
          (throw $t (local.get $i)))
        (unreachable))
      (i64.extend_i32_u)
      (local.set $sum (i64.add (local.get $sum)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $sum))
  (func (export "loop_legacy") (param $n i32) (result i32)
    (local $i i32) (local $sum i32)
    (loop $l
      (local.set $sum (i32.add (local.get $sum)
        (try (result i32)
          (do (call $add1 (local.get $i)) (call $othrow) (i32.const 0))
          (catch $t))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $sum))
)

;; 7 + 4 * (5 + 10 + ... + 1000)
(assert_return (invoke "deep" (i32.const 1000)) (i32.const 402007))
(assert_return (invoke "deep" (i32.const 4)) (i32.const 7))
(assert_return (invoke "inlined_throw" (i32.const 0)) (i32.const 105))
(assert_return (invoke "inlined_throw" (i32.const 21)) (i32.const 42))
;; sum of 0..99999 = 4999950000 mod 2^32
(assert_return (invoke "inlined_handler" (i32.const 100000)) (i32.const 704982704))
(assert_return (invoke "rethrow_ref") (i32.const 42))
(assert_trap (invoke "rethrow_null") "null reference")
(assert_return (invoke "big" (ref.extern 7))
  (i32.const -1) (i64.const 0x123456789) (f32.const 1.5) (f64.const -2.25)
  (v128.const i32x4 1 2 3 4) (ref.extern 7))
(assert_return (invoke "delegate" (i32.const 5)) (i32.const 2005))
(assert_return (invoke "legacy_rethrow") (i32.const 33))
(assert_exception (invoke "tail_same"))
(assert_exception (invoke "tail_other"))
(assert_return (invoke "call_tail") (i32.const 9))
(assert_exception (invoke "escape"))
(assert_exception (invoke "escape_deep" (i32.const 3)))
(assert_exception (invoke "escape_deep" (i32.const 5)))
(assert_return (invoke "loop_call" (i32.const 1000000)) (i32.const 1783293664))
(assert_return (invoke "loop_local" (i32.const 1000000)) (i64.const 499999500000))
(assert_return (invoke "loop_legacy" (i32.const 100000)) (i32.const 705082704))

;; an exception from a start function
(assert_exception
  (module
    (import "other" "thrower" (func $othrow (param i32)))
    (func $s (call $othrow (i32.const 1)))
    (start $s)))
