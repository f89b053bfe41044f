;; throw_catch.wat — exception handling under load: each iteration throws an
;; exception with an i32 payload from four calls deep (through a direct, an
;; indirect and a cross-check call), catches it with try_table in the loop,
;; and adds the payload; every 16th iteration it catches by reference and
;; rethrows with throw_ref to an outer handler.  Returns the sum.
(module
  (tag $e (param i32))
  (type $ii (func (param i32 i32)))
  (table funcref (elem $mid))
  (func $leaf (param $i i32) (param $d i32)
    (if (local.get $d)
      (then (call $leaf (local.get $i) (i32.sub (local.get $d) (i32.const 1))))
      (else (throw $e (i32.and (local.get $i) (i32.const 255))))))
  (func $mid (param $i i32) (param $d i32)
    (call $leaf (local.get $i) (local.get $d)))
  (func $top (param $i i32)
    (call_indirect (type $ii) (local.get $i) (i32.const 2) (i32.const 0)))
  (func $rethrowing (param $i i32) (result i32)
    (block $h (result i32 exnref)
      (try_table (catch_ref $e $h) (call $top (local.get $i)))
      (return (i32.const 0)))
    (throw_ref))
  (func (export "throw_catch") (param $n i32) (result i32)
    (local $i i32) (local $sum i32)
    (loop $l
      (block $h (result i32)
        (try_table (catch $e $h)
          (if (i32.and (local.get $i) (i32.const 15))
            (then (call $top (local.get $i)))
            (else (drop (call $rethrowing (local.get $i))))))
        (i32.const 0))
      (local.set $sum (i32.add (local.get $sum)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $sum)))
