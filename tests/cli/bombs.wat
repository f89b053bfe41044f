;; bombs.wat — guests that try to take all memory or CPU (tests/cli/run.sh):
;; `grow` grows memory a page at a time until memory.grow fails and returns
;; the pages it got; `fill` grows by GiB and fills it with one memory.fill;
;; `spin` never returns.
(module
  (memory 1)
  (func (export "grow") (result i32)
    (block $done
      (loop $l
        (br_if $done (i32.eq (memory.grow (i32.const 1)) (i32.const -1)))
        (br $l)))
    memory.size)
  (func (export "fill") (param $pages i32) (result i32)
    (if (i32.eq (memory.grow (local.get $pages)) (i32.const -1))
      (then (return (i32.const -1))))
    (memory.fill (i32.const 0) (i32.const 0x55) (i32.mul (memory.size) (i32.const 65536)))
    (i32.load8_u (i32.const 12345)))
  (func (export "spin") (loop $l (br $l))))
