;; Throw and catch in a loop, in the legacy exception instructions (try /
;; catch / rethrow) that node 20's V8 also runs: each iteration throws from
;; four calls deep (a direct, an indirect and a recursive call on the way)
;; and catches in the loop; every 16th goes through a handler that rethrows.
;; run(n) returns the sum of the payloads.
(module
  (tag $e (param i32))
  (type $ii (func (param i32 i32)))
  (table 1 1 funcref)
  (elem (i32.const 0) $mid)
  (func $leaf (param $i i32) (param $d i32)
    (if (local.get $d)
      (then (call $leaf (local.get $i) (i32.sub (local.get $d) (i32.const 1))))
      (else (throw $e (i32.and (local.get $i) (i32.const 255))))))
  (func $mid (param $i i32) (param $d i32)
    (call $leaf (local.get $i) (local.get $d)))
  (func $top (param $i i32)
    (call_indirect (type $ii) (local.get $i) (i32.const 2) (i32.const 0)))
  (func $rethrowing (param $i i32)
    (try $t
      (do (call $top (local.get $i)))
      (catch_all (rethrow $t))))
  (func (export "run") (param $n i32) (result i32)
    (local $i i32) (local $sum i32)
    (loop $l
      try
        (if (i32.and (local.get $i) (i32.const 15))
          (then (call $top (local.get $i)))
          (else (call $rethrowing (local.get $i))))
      catch $e
        local.get $sum
        i32.add
        local.set $sum
      end
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $sum)))
