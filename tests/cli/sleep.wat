;; sleep.wat — a WASI command that blocks in poll_oneoff for an hour (one
;; relative clock subscription), so --timeout must end it from outside the
;; guest (tests/cli/run.sh).
(module
  (import "wasi_snapshot_preview1" "poll_oneoff"
    (func $poll (param i32 i32 i32 i32) (result i32)))
  (memory 1)
  ;; subscription at 0: userdata 0, tag 0 (clock), clock id 1 (monotonic),
  ;; timeout 3600 s in ns, precision 0, flags 0 (relative)
  (data (i32.const 16) "\01\00\00\00")
  (data (i32.const 24) "\00\a0\b8\30\46\03\00\00")
  (func (export "_start")
    (drop (call $poll (i32.const 0) (i32.const 64) (i32.const 1) (i32.const 128)))))
