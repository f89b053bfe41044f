;; table.wat — a funcref table the host fills and wasm calls through
;; (examples/table.c)
(module
  (type $ii (func (param i32) (result i32)))
  (table (export "table") 2 10 funcref)
  (elem (i32.const 1) $double)
  (func $double (export "double") (param i32) (result i32) (i32.mul (local.get 0) (i32.const 2)))
  (func (export "call") (param i32 i32) (result i32)
    (call_indirect (type $ii) (local.get 1) (local.get 0))))
