;; global.wat — imported and exported globals, constant and mutable
;; (examples/global.c)
(module
  (global $host_const (import "" "const") f32)
  (global $host_var (import "" "var") (mut i64))
  (global (export "const") i32 (i32.const 7))
  (global $counter (export "counter") (mut i32) (i32.const 0))
  (func (export "get_host") (result f32 i64) (global.get $host_const) (global.get $host_var))
  (func (export "bump") (param i64)
    (global.set $host_var (i64.add (global.get $host_var) (local.get 0)))
    (global.set $counter (i32.add (global.get $counter) (i32.const 1)))))
