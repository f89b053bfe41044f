(module
  (memory 1)
  (func (export "f") (param i32) (result i32)
    local.get 0
    i32.const 65536
    i32.add
    i32.load8_u))
