;; Precise stack roots, on both engines: references that live only in a
;; frame's slots (or, in compiled code, registers saved around calls) at
;; the moment the collector runs survive it: locals and operand-stack
;; temporaries across calls that allocate, values carried around loops,
;; a callee's parameters, multiple results, references inside exceptions
;; (in flight and held as exnref), boxes made by the extern/any
;; conversions, and a handler's live values.  Each function allocates
;; more than the collector's trigger (8 MiB) while its references wait.
;; Also what the collector follows inside objects: externref fields and
;; elements (objects let out by extern.convert_any, i31 boxes).
;; The stress build (make test-jit-stress) collects at every allocation.

(module
  (type $node (struct (field $v (mut i32)) (field $next (mut (ref null $node)))))
  (type $bytes (array (mut i8)))
  (type $refs (array (mut anyref)))
  (type $ext (struct (field externref)))
  (type $exts (array (mut externref)))
  (tag $boxed (param (ref null $node)))

  ;; about n * 64 KiB of garbage
  (func $churn (param $n i32)
    (loop $l
      (drop (array.new_default $bytes (i32.const 65536)))
      (drop (struct.new $node (local.get $n) (ref.null $node)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))

  (func $mk (param $v i32) (result (ref $node)) (struct.new $node (local.get $v) (ref.null $node)))

  ;; locals and temporaries across calls that collect
  (func (export "locals") (result i32)
    (local $a (ref null $node)) (local $b (ref null $node))
    (local.set $a (call $mk (i32.const 11)))
    (local.set $b (struct.new $node (i32.const 22) (local.get $a)))
    (call $churn (i32.const 200))
    ;; a temporary (the first operand) waits on the stack over the call
    (i32.add
      (struct.get $node $v (local.get $a))
      (i32.add (struct.get $node $v (struct.get $node $next (local.get $b)))
               (block (result i32) (call $churn (i32.const 200)) (struct.get $node $v (local.get $b))))))

  ;; a list grown around a loop whose every iteration collects
  (func (export "loop_carried") (param $n i32) (result i32)
    (local $head (ref null $node)) (local $i i32) (local $sum i32)
    (loop $l
      (local.set $head (struct.new $node (local.get $i) (local.get $head)))
      (call $churn (i32.const 20))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $n))))
    (block $done (loop $w
      (br_if $done (ref.is_null (local.get $head)))
      (local.set $sum (i32.add (local.get $sum) (struct.get $node $v (local.get $head))))
      (local.set $head (struct.get $node $next (local.get $head)))
      (br $w)))
    (local.get $sum))

  ;; the only reference is the callee's parameter (the caller passed a
  ;; fresh object and keeps nothing)
  (func $keep_param (param $p (ref $node)) (result i32)
    (call $churn (i32.const 300))
    (struct.get $node $v (local.get $p)))
  (func (export "param_only") (result i32)
    (call $keep_param (struct.new $node (i32.const 33) (ref.null $node))))

  ;; two references returned at once, then used after more collections
  (func $two (result (ref $node) (ref $node))
    (call $mk (i32.const 5))
    (call $churn (i32.const 150))
    (call $mk (i32.const 7)))
  (func (export "two_results") (result i32)
    (local $x (ref null $node)) (local $y (ref null $node))
    (call $two)
    (local.set $y)
    (local.set $x)
    (call $churn (i32.const 150))
    (i32.add (i32.mul (struct.get $node $v (local.get $x)) (i32.const 10)) (struct.get $node $v (local.get $y))))

  ;; an exception carries the only reference to an object through a throw
  ;; and a catch; then the exnref, kept in a local, across collections
  (func $thrower
    (call $churn (i32.const 100))
    (throw $boxed (struct.new $node (i32.const 44) (ref.null $node))))
  (func (export "exn_payload") (result i32)
    (local $e exnref)
    (local.set $e
      (block $h (result exnref)
        (try_table (catch_all_ref $h) (call $thrower))
        (unreachable)))
    (call $churn (i32.const 300))
    (block $got (result (ref null $node))
      (try_table (catch $boxed $got) (throw_ref (local.get $e)))
      (unreachable))
    (struct.get $node $v))

  ;; live values of a handler survive the collections of the call it catches
  (func (export "handler_live") (result i32)
    (local $keep (ref null $node))
    (local.set $keep (call $mk (i32.const 55)))
    (block $h
      (try_table (catch_all $h) (call $thrower))
      (unreachable))
    (call $churn (i32.const 100))
    (struct.get $node $v (local.get $keep)))

  ;; boxes made by the conversions, held in an array and a local
  (func (export "boxes") (result i32)
    (local $arr (ref null $refs)) (local $ext externref)
    (local.set $ext (extern.convert_any (ref.i31 (i32.const 66))))
    (local.set $arr (array.new $refs (any.convert_extern (local.get $ext)) (i32.const 3)))
    (call $churn (i32.const 300))
    (i32.add
      (i31.get_u (ref.cast i31ref (array.get $refs (local.get $arr) (i32.const 2))))
      (i31.get_u (ref.cast i31ref (any.convert_extern (local.get $ext))))))

  ;; an array.new_fixed whose elements are fresh objects: each waits in a
  ;; temporary while the next allocates
  (func (export "fixed") (result i32)
    (local $a (ref null $refs))
    (local.set $a (array.new_fixed $refs 3
      (call $mk (i32.const 1))
      (block (result anyref) (call $churn (i32.const 150)) (call $mk (i32.const 2)))
      (block (result anyref) (call $churn (i32.const 150)) (call $mk (i32.const 3)))))
    (call $churn (i32.const 150))
    (i32.add (struct.get $node $v (ref.cast (ref $node) (array.get $refs (local.get $a) (i32.const 0))))
      (i32.add (struct.get $node $v (ref.cast (ref $node) (array.get $refs (local.get $a) (i32.const 1))))
               (struct.get $node $v (ref.cast (ref $node) (array.get $refs (local.get $a) (i32.const 2)))))))

  ;; an object and an i31 box reachable only through externref storage
  (func (export "extern_field") (result i32)
    (local $h (ref null $ext))
    (local.set $h (struct.new $ext (extern.convert_any (call $mk (i32.const 42)))))
    (call $churn (i32.const 200))
    (struct.get $node $v (ref.cast (ref $node) (any.convert_extern (struct.get $ext 0 (local.get $h))))))
  (func (export "extern_elem") (result i32)
    (local $h (ref null $exts))
    (local.set $h (array.new $exts (extern.convert_any (call $mk (i32.const 43))) (i32.const 2)))
    (call $churn (i32.const 200))
    (struct.get $node $v (ref.cast (ref $node) (any.convert_extern (array.get $exts (local.get $h) (i32.const 1))))))
  (func (export "extern_i31") (result i32)
    (local $h (ref null $ext))
    (local.set $h (struct.new $ext (extern.convert_any (ref.i31 (i32.const 44)))))
    (call $churn (i32.const 200))
    (i31.get_s (ref.cast (ref i31) (any.convert_extern (struct.get $ext 0 (local.get $h))))))
)

(assert_return (invoke "extern_field") (i32.const 42))
(assert_return (invoke "extern_elem") (i32.const 43))
(assert_return (invoke "extern_i31") (i32.const 44))
(assert_return (invoke "locals") (i32.const 44))
(assert_return (invoke "loop_carried" (i32.const 20)) (i32.const 190))
(assert_return (invoke "param_only") (i32.const 33))
(assert_return (invoke "two_results") (i32.const 57))
(assert_return (invoke "exn_payload") (i32.const 44))
(assert_return (invoke "handler_live") (i32.const 55))
(assert_return (invoke "boxes") (i32.const 132))
(assert_return (invoke "fixed") (i32.const 6))
