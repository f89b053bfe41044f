;; start.wat — a start function that records it ran, and traps when the
;; imported global says so (examples/start.c)
(module
  (global $fail (import "" "fail") i32)
  (global $ran (export "ran") (mut i32) (i32.const 0))
  (func $start
    (global.set $ran (i32.const 1))
    (if (global.get $fail) (then unreachable)))
  (start $start))
