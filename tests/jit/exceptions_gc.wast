;; Exceptions that became exnref values are collected once unreachable: a
;; million catch_ref iterations run in bounded memory, and an exception kept
;; in a global survives with its payload's object.
(module
  (tag $e (param i32 anyref))
  (type $box (struct (field i32)))
  (global $kept (mut exnref) (ref.null exn))
  (func $thrower (param $i i32)
    (throw $e (local.get $i) (struct.new $box (local.get $i))))
  ;; every exception becomes an exnref value (catch_ref), then garbage,
  ;; except one kept in a global (its payload's struct must survive)
  (func (export "loop") (param $n i32) (result i32)
    (local $i i32) (local $sum i32) (local $x exnref)
    (loop $l
      (block $h (result i32 anyref exnref)
        (try_table (catch_ref $e $h) (call $thrower (local.get $i)))
        (unreachable))
      (local.set $x)
      (drop)
      (local.set $sum (i32.add (local.get $sum) (i32.const 1)))
      (drop)
      (if (i32.eq (local.get $i) (i32.const 1234)) (then (global.set $kept (local.get $x))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $sum))
  (func (export "kept") (result i32)
    (block $h (result i32 anyref)
      (try_table (catch $e $h) (throw_ref (global.get $kept)))
      (unreachable))
    (drop (ref.cast (ref $box)))
    )
)
(assert_return (invoke "loop" (i32.const 1000000)) (i32.const 1000000))
(assert_return (invoke "kept") (i32.const 1234))
