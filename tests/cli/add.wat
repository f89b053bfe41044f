(module
  (func (export "add") (param i32 i32) (result i32)
    local.get 0 local.get 1 i32.add)
  (func (export "swap") (param i32 i32) (result i32 i32)
    local.get 1 local.get 0)
  (func (export "div") (param i32 i32) (result i32)
    local.get 0 local.get 1 i32.div_s)
  (func $loop (export "loop") (result i32)
    call $loop))
