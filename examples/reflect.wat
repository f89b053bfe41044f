;; reflect.wat — imports and exports of every kind (examples/reflect.c)
(module
  (import "env" "log" (func (param i32 f64)))
  (import "env" "refs" (table 1 externref))
  (import "env" "base" (global i32))
  (func (export "func") (param i32 i64) (result f32) (f32.const 0))
  (global (export "global") (mut f64) (f64.const 1))
  (table (export "table") 2 8 funcref)
  (memory (export "memory") 1 4))
