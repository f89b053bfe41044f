;; unresolved.wat — one WASI import and one nobody provides: nothing may run.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (import "env" "nothing" (func $nothing))
  (memory (export "memory") 1)
  (data (i32.const 100) "ran\n")
  (func $start
    (i32.store (i32.const 16) (i32.const 100))
    (i32.store (i32.const 20) (i32.const 4))
    (drop (call $write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 24))))
  (start $start)
  (func (export "_start") call $start))
