;; command.wat — _initialize prints "init\n", then _start prints "start\n".
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 100) "init\nstart\n")
  (func $print (param i32 i32)
    (i32.store (i32.const 16) (local.get 0))
    (i32.store (i32.const 20) (local.get 1))
    (drop (call $write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 24))))
  (func (export "_initialize") (call $print (i32.const 100) (i32.const 5)))
  (func (export "_start") (call $print (i32.const 105) (i32.const 6))))
