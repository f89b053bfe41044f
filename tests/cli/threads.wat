;; wasi-threads checks for tests/cli/run.sh: _start spawns threads that do
;; what argv[1]... is not available here, so each export is one scenario,
;; run with --invoke (the threads run wasi_thread_start(tid, arg)):
;;   spawn_trap   a thread traps (unreachable) while main waits for ever
;;   spawn_exit   a thread calls proc_exit(9) while main waits for ever
;;   spawn_spin   a thread spins for ever; main returns 5 at once
;;   spawn_many   spawn until it fails; returns how many it got
;;   wait_main    main waits for ever (for --timeout)
;;   spawn_seq    2000 threads one after another (each ends before the next)
;;   spin_all     a thread and main spin for ever (for --timeout)
;;   read_main    main reads stdin (a pipe with no data) while a thread writes
;;                "hi" to stdout and calls proc_exit(4): the write does not
;;                wait for the read
;;   poll_main    the same with main in poll_oneoff on stdin
(module
  (import "wasi" "thread-spawn" (func $spawn (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit" (func $exit (param i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "poll_oneoff" (func $poll (param i32 i32 i32 i32) (result i32)))
  (import "env" "memory" (memory 1 1 shared))
  (func (export "wasi_thread_start") (param $tid i32) (param $arg i32)
    (if (i32.eq (local.get $arg) (i32.const 1)) (then unreachable))
    (if (i32.eq (local.get $arg) (i32.const 2)) (then (call $exit (i32.const 9))))
    (if (i32.eq (local.get $arg) (i32.const 3)) (then (loop $l (br $l))))
    ;; 6: write "hi\n" (iovec at 48: 100, 3) and exit with 4
    (if (i32.eq (local.get $arg) (i32.const 6)) (then
      (i32.store (i32.const 100) (i32.const 0x0a6968))
      (i32.store (i32.const 48) (i32.const 100))
      (i32.store (i32.const 52) (i32.const 3))
      (drop (call $write (i32.const 1) (i32.const 48) (i32.const 1) (i32.const 56)))
      (call $exit (i32.const 4))))
    ;; 5: count one finished thread at 4 and return
    (if (i32.eq (local.get $arg) (i32.const 5)) (then
      (drop (i32.atomic.rmw.add (i32.const 4) (i32.const 1)))
      (drop (memory.atomic.notify (i32.const 4) (i32.const 1)))
      (return)))
    ;; 4: block on a wait that nobody notifies
    (drop (memory.atomic.wait32 (i32.const 0) (i32.const 0) (i64.const -1))))
  (func $wait_forever
    (drop (memory.atomic.wait32 (i32.const 0) (i32.const 0) (i64.const -1))))
  (func (export "spawn_trap") (drop (call $spawn (i32.const 1))) (call $wait_forever))
  (func (export "spawn_exit") (drop (call $spawn (i32.const 2))) (call $wait_forever))
  (func (export "spawn_spin") (result i32) (drop (call $spawn (i32.const 3))) (i32.const 5))
  (func (export "spawn_many") (result i32) (local $n i32)
    (block $b (loop $l
      (br_if $b (i32.lt_s (call $spawn (i32.const 4)) (i32.const 0)))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $l)))
    (local.get $n))
  (func (export "wait_main") (call $wait_forever))
  ;; 2000 short threads one after another; returns how many finished
  (func (export "spawn_seq") (result i32) (local $i i32) (local $d i32)
    (loop $l
      (if (i32.lt_s (call $spawn (i32.const 5)) (i32.const 0)) (then (return (local.get $i))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (block $b (loop $w
        (local.set $d (i32.atomic.load (i32.const 4)))
        (br_if $b (i32.eq (local.get $d) (local.get $i)))
        (drop (memory.atomic.wait32 (i32.const 4) (local.get $d) (i64.const -1)))
        (br $w)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 2000))))
    (local.get $i))
;; read 8 bytes of stdin (iovec at 16: 64, 8) after spawning the writer
  (func (export "read_main") (result i32)
    (i32.store (i32.const 16) (i32.const 64))
    (i32.store (i32.const 20) (i32.const 8))
    (drop (call $spawn (i32.const 6)))
    (call $read (i32.const 0) (i32.const 16) (i32.const 1) (i32.const 24)))
;; poll stdin for reading (one subscription at 200: fd_read of fd 0) after
  ;; spawning the writer
  (func (export "poll_main") (result i32)
    (i32.store8 (i32.const 208) (i32.const 1))
    (i32.store (i32.const 216) (i32.const 0))
    (drop (call $spawn (i32.const 6)))
    (call $poll (i32.const 200) (i32.const 300) (i32.const 1) (i32.const 400)))
  (func (export "spin_all") (drop (call $spawn (i32.const 3))) (loop $l (br $l)))
)
