;; stdout_file.wat — with stdout redirected to a file, the guest writes a
;; line and then tries to destroy what the file held before: truncate it
;; (fd_filestat_set_size) and seek to its start (fd_seek).  Both must fail
;; with NOTCAPABLE (76); exit 0 if they did, 1 if not (tests/cli/run.sh
;; also checks the file afterwards).
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_filestat_set_size" (func $set_size (param i32 i64) (result i32)))
  (import "wasi_snapshot_preview1" "fd_seek" (func $seek (param i32 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "new\0a")
  (func (export "_start")
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.const 4))
    (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))
    (call $exit
      (i32.eqz (i32.and
        (i32.eq (call $set_size (i32.const 1) (i64.const 0)) (i32.const 76))
        (i32.eq (call $seek (i32.const 1) (i64.const 0) (i32.const 0) (i32.const 32)) (i32.const 76)))))))
