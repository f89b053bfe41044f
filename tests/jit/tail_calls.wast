;; Tail calls (return_call, return_call_indirect) on both engines: constant
;; stack space for deep mutual recursion through direct and indirect calls,
;; arguments of every type, several results, callees of another instance
;; and the host, and a tail call in a body the lowering inlines.

(module $other
  (func (export "add3") (param i32 i32 i32) (result i32)
    (i32.add (i32.add (local.get 0) (local.get 1)) (local.get 2)))
  (func $count (export "count") (param i32 i32) (result i32)
    (if (result i32) (i32.eqz (local.get 0)) (then (local.get 1))
      (else (return_call $count (i32.sub (local.get 0) (i32.const 1)) (i32.add (local.get 1) (i32.const 2)))))))
(register "other" $other)

(module
  (import "other" "add3" (func $add3 (param i32 i32 i32) (result i32)))
  (import "other" "count" (func $count (param i32 i32) (result i32)))
  (import "spectest" "print_i32" (func $print (param i32)))
  (type $ll_l (func (param i64 i64) (result i64)))
  (type $v_v (func))
  (table funcref (elem $even $odd $noop))

  ;; even/odd through a direct and an indirect tail call
  (func $even (export "even") (param i64 i64) (result i64)
    (if (result i64) (i64.eqz (local.get 0)) (then (local.get 1))
      (else (return_call $odd (i64.sub (local.get 0) (i64.const 1)) (i64.add (local.get 1) (i64.const 1))))))
  (func $odd (param i64 i64) (result i64)
    (if (result i64) (i64.eqz (local.get 0)) (then (i64.sub (i64.const 0) (local.get 1)))
      (else (return_call_indirect (type $ll_l)
        (i64.sub (local.get 0) (i64.const 1)) (i64.add (local.get 1) (i64.const 1)) (i32.const 0)))))
  (func $noop)

  ;; the callee has more parameters and a bigger frame than the caller
  (func $wide (param i32 f64 i64 f32 v128 i32) (result f64 i32)
    (f64.add (local.get 1) (f64.convert_i64_s (local.get 2)))
    (i32.add (i32x4.extract_lane 3 (local.get 4)) (i32.trunc_f32_s (local.get 3))))
  (func (export "wide") (param i32) (result f64 i32)
    (return_call $wide (local.get 0) (f64.const 1.5) (i64.const 40) (f32.const 2.75)
      (v128.const i32x4 0 0 0 100) (i32.const 0)))

  ;; an import of another instance, and the host
  (func (export "to_other") (param i32) (result i32)
    (return_call $add3 (local.get 0) (i32.const 10) (i32.const 100)))
  (func (export "to_other_deep") (param i32) (result i32)
    (return_call $count (local.get 0) (i32.const 0)))
  (func (export "to_host") (param i32)
    (return_call $print (local.get 0)))

  ;; return_call_indirect traps: a null element and a type mismatch
  (func (export "bad_index") (result i64)
    (return_call_indirect (type $ll_l) (i64.const 0) (i64.const 0) (i32.const 7)))
  (func (export "bad_type")
    (return_call_indirect (type $v_v) (i32.const 0)))

  ;; a small body with a tail call, inlined into its caller: a call there
  (func $small (param i32) (result i32)
    (if (result i32) (i32.gt_u (local.get 0) (i32.const 5))
      (then (return_call $add3 (local.get 0) (i32.const 1) (i32.const 1)))
      (else (i32.const -1))))
  (func (export "inlined") (param i32) (result i32)
    (i32.add (call $small (local.get 0)) (i32.const 1000)))
)

(assert_return (invoke "even" (i64.const 1000000) (i64.const 0)) (i64.const 1000000))
(assert_return (invoke "even" (i64.const 1000001) (i64.const 0)) (i64.const -1000001))
(assert_return (invoke "wide" (i32.const 0)) (f64.const 41.5) (i32.const 102))
(assert_return (invoke "to_other" (i32.const 1)) (i32.const 111))
(assert_return (invoke "to_other_deep" (i32.const 1000000)) (i32.const 2000000))
(assert_return (invoke "to_host" (i32.const 42)))
(assert_trap (invoke "bad_index") "undefined element")
(assert_trap (invoke "bad_type") "indirect call type mismatch")
(assert_return (invoke "inlined" (i32.const 9)) (i32.const 1011))
(assert_return (invoke "inlined" (i32.const 2)) (i32.const 999))

;; A million-deep mutual tail recursion between two instances (direct,
;; indirect and through a typed reference): constant space on both engines
;; (the JIT switches instances in place once call_any's frame exists).
(module $tc_b
  (type $f (func (param i64) (result i32)))
  (table $t 2 funcref)
  (func $odd (export "odd") (param i64) (result i32)
    (if (result i32) (i64.eqz (local.get 0)) (then (i32.const 0))
      (else (return_call_indirect $t (type $f) (i64.sub (local.get 0) (i64.const 1)) (i32.const 0)))))
  (func $odd_ref (export "odd_ref") (param i64) (result i32)
    (if (result i32) (i64.eqz (local.get 0)) (then (i32.const 0))
      (else (return_call_ref $f (i64.sub (local.get 0) (i64.const 1))
                                (ref.cast (ref $f) (table.get $t (i32.const 1)))))))
  (export "t" (table $t))
)
(register "tc_b" $tc_b)
(module $tc_a
  (type $f (func (param i64) (result i32)))
  (import "tc_b" "odd" (func $odd (type $f)))
  (import "tc_b" "odd_ref" (func $odd_ref (type $f)))
  (import "tc_b" "t" (table $t 2 funcref))
  (func $even (export "even") (param i64) (result i32)
    (if (result i32) (i64.eqz (local.get 0)) (then (i32.const 1))
      (else (return_call $odd (i64.sub (local.get 0) (i64.const 1))))))
  (func $even_ref (export "even_ref") (param i64) (result i32)
    (if (result i32) (i64.eqz (local.get 0)) (then (i32.const 1))
      (else (return_call $odd_ref (i64.sub (local.get 0) (i64.const 1))))))
  (elem (table $t) (i32.const 0) func $even $even_ref)
)
(assert_return (invoke $tc_a "even" (i64.const 1000000)) (i32.const 1))
(assert_return (invoke $tc_a "even" (i64.const 1000001)) (i32.const 0))
(assert_return (invoke $tc_a "even_ref" (i64.const 1000000)) (i32.const 1))
(assert_return (invoke $tc_b "odd" (i64.const 1000001)) (i32.const 1))
