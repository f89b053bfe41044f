;; interrupt.wat — a loop that never ends, and one that counts to n
;; (examples/interrupt.c)
(module
  (func (export "forever") (loop $l (br $l)))
  (func (export "count") (param $n i32) (result i32)
    (local $i i32)
    (loop $l
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (local.get $i)))
