;; wasi.wat — a WASI command: prints its arguments and an environment
;; variable, copies the file note.txt of its preopened directory to
;; stdout, then exits with status 3 (examples/wasi.c)
(module
  (import "wasi_snapshot_preview1" "args_sizes_get" (func $args_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get" (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_sizes_get" (func $environ_sizes_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "environ_get" (func $environ_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $proc_exit (param i32)))
  (memory (export "memory") 1)
  ;; 0..15: iovec and scratch; 16..: the path; 1024..: argv/env pointers; 2048..: their strings; 8192..: file data
  (data (i32.const 16) "note.txt")
  (data (i32.const 32) "\n")
  ;; write n bytes at p to stdout
  (func $print (param $p i32) (param $n i32)
    (i32.store (i32.const 0) (local.get $p))
    (i32.store (i32.const 4) (local.get $n))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))))
  (func $strlen (param $p i32) (result i32)
    (local $q i32)
    (local.set $q (local.get $p))
    (block $done (loop $l
      (br_if $done (i32.eqz (i32.load8_u (local.get $q))))
      (local.set $q (i32.add (local.get $q) (i32.const 1)))
      (br $l)))
    (i32.sub (local.get $q) (local.get $p)))
  ;; print each of the n NUL-terminated strings whose pointers are at v, one per line
  (func $print_all (param $v i32) (param $n i32)
    (local $s i32)
    (block $done (loop $l
      (br_if $done (i32.eqz (local.get $n)))
      (local.set $s (i32.load (local.get $v)))
      (call $print (local.get $s) (call $strlen (local.get $s)))
      (call $print (i32.const 32) (i32.const 1))
      (local.set $v (i32.add (local.get $v) (i32.const 4)))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $l))))
  (func (export "_start")
    (drop (call $args_sizes_get (i32.const 8) (i32.const 12)))
    (drop (call $args_get (i32.const 1024) (i32.const 2048)))
    (call $print_all (i32.const 1024) (i32.load (i32.const 8)))
    (drop (call $environ_sizes_get (i32.const 8) (i32.const 12)))
    (drop (call $environ_get (i32.const 1024) (i32.const 4096)))
    (call $print_all (i32.const 1024) (i32.load (i32.const 8)))
    ;; fd 3 is the first preopen: open note.txt (rights: fd_read), read it, print it
    (if (i32.eqz (call $path_open (i32.const 3) (i32.const 0) (i32.const 16) (i32.const 8) (i32.const 0)
                      (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 12)))
      (then
        (i32.store (i32.const 0) (i32.const 8192))
        (i32.store (i32.const 4) (i32.const 1024))
        (drop (call $fd_read (i32.load (i32.const 12)) (i32.const 0) (i32.const 1) (i32.const 8)))
        (call $print (i32.const 8192) (i32.load (i32.const 8)))))
    (call $proc_exit (i32.const 3))))
