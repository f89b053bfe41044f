;; trap.wat — a trap deep in wasm, and a host function that traps
;; (examples/trap.c)
(module
  (func $fail (import "" "fail"))
  (func $divide (param i32 i32) (result i32) (i32.div_u (local.get 0) (local.get 1)))
  (func $middle (param i32) (result i32) (call $divide (i32.const 10) (local.get 0)))
  (func (export "divide") (param i32) (result i32) (call $middle (local.get 0)))
  (func (export "host") (call $fail)))
