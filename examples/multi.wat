;; multi.wat — multiple results, through a host function and back
;; (examples/multi.c)
(module
  (func $swap (import "" "swap") (param i32 i64) (result i64 i32))
  (func (export "roundtrip") (param i32 i64 f64) (result f64 i64 i32)
    (local.get 2) (call $swap (local.get 0) (local.get 1))))
