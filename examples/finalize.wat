;; finalize.wat — exports a function and a memory (examples/finalize.c)
(module
  (func (export "f"))
  (memory (export "m") 1))
