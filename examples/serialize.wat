;; serialize.wat — a module to save and load again (examples/serialize.c)
(module
  (func (export "answer") (result i32) (i32.const 42)))
