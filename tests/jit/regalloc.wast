;; Register-allocation and code-generation cases found while building the
;; JIT (run under both engines by tests/run_all.sh).

;; d = a op d where the op is not commutative: shifts and rotates share the
;; ALU group's encodings with add/or/and; the destination must not be
;; overwritten before it is read as the second operand.
(module
  (func (export "shl_into_count") (param $y i32) (param $x i32) (result i32)
    (local.set $x (i32.shl (local.get $y) (local.get $x)))
    (local.get $x))
  (func (export "shr_into_count") (param $y i64) (param $x i64) (result i64)
    (local.set $x (i64.shr_u (local.get $y) (local.get $x)))
    (local.get $x))
  (func (export "sub_into") (param $y i32) (param $x i32) (result i32)
    (local.set $x (i32.sub (local.get $y) (local.get $x)))
    (local.get $x))
  (func (export "rotl_into") (param $y i32) (param $x i32) (result i32)
    (local.set $x (i32.rotl (local.get $y) (local.get $x)))
    (local.get $x))
  (func (export "add_into") (param $y i32) (param $x i32) (result i32)
    (local.set $x (i32.add (local.get $y) (local.get $x)))
    (local.get $x))
)
(assert_return (invoke "shl_into_count" (i32.const 3) (i32.const 4)) (i32.const 48))
(assert_return (invoke "shr_into_count" (i64.const 256) (i64.const 4)) (i64.const 16))
(assert_return (invoke "sub_into" (i32.const 10) (i32.const 3)) (i32.const 7))
(assert_return (invoke "rotl_into" (i32.const 1) (i32.const 31)) (i32.const 0x80000000))
(assert_return (invoke "add_into" (i32.const 10) (i32.const 3)) (i32.const 13))

;; Values live across calls and helpers in every register class, with more
;; live values than registers.
(module
  (func $id (param i64) (result i64) (local.get 0))
  (func (export "many") (param $p i64) (result i64)
    (local $a i64) (local $b i64) (local $c i64) (local $d i64) (local $e i64)
    (local $f i64) (local $g i64) (local $h i64)
    (local $x f64) (local $y f64) (local $z f32)
    (local.set $a (i64.add (local.get $p) (i64.const 1)))
    (local.set $b (i64.add (local.get $p) (i64.const 2)))
    (local.set $c (i64.add (local.get $p) (i64.const 3)))
    (local.set $d (i64.add (local.get $p) (i64.const 4)))
    (local.set $e (i64.add (local.get $p) (i64.const 5)))
    (local.set $f (i64.add (local.get $p) (i64.const 6)))
    (local.set $g (i64.add (local.get $p) (i64.const 7)))
    (local.set $h (i64.add (local.get $p) (i64.const 8)))
    (local.set $x (f64.convert_i64_s (local.get $h)))
    (local.set $y (f64.sqrt (local.get $x)))
    (local.set $z (f32.demote_f64 (local.get $y)))
    (local.set $a (i64.add (local.get $a) (call $id (local.get $b))))
    (local.set $c (i64.add (local.get $c) (i64.div_s (local.get $d) (local.get $e))))
    (i64.add
      (i64.add (i64.add (local.get $a) (local.get $b)) (i64.add (local.get $c) (local.get $d)))
      (i64.add
        (i64.add (i64.add (local.get $e) (local.get $f)) (i64.add (local.get $g) (local.get $h)))
        (i64.add (i64.trunc_f64_s (local.get $y)) (i64.trunc_f32_s (local.get $z))))))
  ;; a loop whose temporaries are reused across a call inside it
  (func (export "loop_call") (param $n i32) (result i64)
    (local $i i32) (local $s i64)
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $s (i64.add (local.get $s)
          (i64.mul (call $id (i64.extend_i32_u (local.get $i))) (i64.const 3))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $l)))
    (local.get $s))
)
(assert_return (invoke "many" (i64.const 100)) (i64.const 958))
(assert_return (invoke "loop_call" (i32.const 100)) (i64.const 14850))
