;; callback.wat — calls a host function that prints and one with an
;; environment (a counter the host keeps) (examples/callback.c)
(module
  (func $print (import "" "print") (param i32) (result i32))
  (func $count (import "" "count") (result i32))
  (func (export "run") (param $x i32) (param $y i32) (result i32)
    (i32.add (call $print (i32.add (local.get $x) (local.get $y))) (call $count))))
