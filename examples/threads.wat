;; threads.wat — sums 1..n, calling the host for each thread's id
;; (examples/threads.c)
(module
  (func $id (import "" "id") (result i32))
  (func (export "run") (param $n i32) (result i64)
    (local $sum i64)
    (loop $l
      (local.set $sum (i64.add (local.get $sum) (i64.extend_i32_u (local.get $n))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (i64.add (local.get $sum) (i64.extend_i32_u (call $id)))))
