;; stdin_flags.wat — sets O_NONBLOCK on stdin (fd_fdstat_set_flags) and exits with
;; the errno: stdio is the host's, its status flags must stay as they are
;; (NOTCAPABLE, 76; tests/cli/run.sh).
(module
  (import "wasi_snapshot_preview1" "fd_fdstat_set_flags" (func $set (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (func (export "_start") (call $exit (call $set (i32.const 0) (i32.const 4)))))
