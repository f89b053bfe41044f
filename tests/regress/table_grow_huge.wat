;; table.grow by 0x7fffffff elements used to realloc 16 GiB (ASan: allocator
;; out of memory); it must return -1 (implementation limit, src/runtime/table.c).
(module
  (table $t 1 funcref)
  (func (export "_start")
    (if (i32.ne (table.grow $t (ref.null func) (i32.const 0x7fffffff)) (i32.const -1))
      (then unreachable))))
