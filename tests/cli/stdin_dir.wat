;; stdin_dir.wat — with a directory as stdin (`< dir`), tries to unlink "data" in
;; it through fd 0 and exits with the errno: stdio gives no directory rights
;; (NOTCAPABLE, 76; tests/cli/run.sh).
(module
  (import "wasi_snapshot_preview1" "path_unlink_file" (func $unlink (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "data")
  (func (export "_start") (call $exit (call $unlink (i32.const 0) (i32.const 0) (i32.const 4)))))
