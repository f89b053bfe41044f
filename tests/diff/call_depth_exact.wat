;; AArch64 JIT: one more nested wasm frame than cfg.max_call_depth
;; (diff_engines: 200) before "call stack exhausted" (its prologue compared sp
;; before the frame; x86-64 compares after its call pushed the return address).
;; global0 counts the frames entered.
(module
  (global $n (mut i32) (i32.const 0))
  (func $f (export "f")
    (global.set $n (i32.add (global.get $n) (i32.const 1)))
    (call $f)))
