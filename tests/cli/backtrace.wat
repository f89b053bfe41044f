(module
  (func $inner (param i32) (result i32) local.get 0 i32.const 0 i32.div_s)
  (func $middle (param i32) (result i32) local.get 0 call $inner i32.const 1 i32.add)
  (func $rec (param i32) (result i32) local.get 0 call $rec)
  (func (export "outer") (param i32) (result i32) local.get 0 call $middle))
