;; The collector under load, on both engines: millions of short-lived
;; objects, a long-lived cyclic graph, objects reachable only from frames
;; deep in a recursion, from operands of an allocation, from tables and
;; globals, and cycles that become garbage.

(module
  (type $node (struct (field $v (mut i32)) (field $next (mut (ref null $node)))))
  (type $pair (struct (field $a (mut anyref)) (field $b (mut anyref))))
  (type $vec (array (mut anyref)))
  (type $bytes (array (mut i8)))
  (global $ring (mut (ref null $node)) (ref.null $node))
  (table $t 4 anyref)

  ;; a ring of n nodes with values 0..n-1, kept in a global
  (func (export "make_ring") (param $n i32)
    (local $first (ref null $node)) (local $prev (ref null $node)) (local $cur (ref null $node)) (local $i i32)
    (local.set $first (struct.new $node (i32.const 0) (ref.null $node)))
    (local.set $prev (local.get $first))
    (local.set $i (i32.const 1))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
      (local.set $cur (struct.new $node (local.get $i) (ref.null $node)))
      (struct.set $node $next (local.get $prev) (local.get $cur))
      (local.set $prev (local.get $cur))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (struct.set $node $next (local.get $prev) (local.get $first))
    (global.set $ring (local.get $first)))

  ;; walk the ring until it comes back: the sum of its values
  (func (export "sum_ring") (result i32)
    (local $cur (ref null $node)) (local $sum i32)
    (local.set $cur (global.get $ring))
    (loop $l
      (local.set $sum (i32.add (local.get $sum) (struct.get $node $v (local.get $cur))))
      (local.set $cur (struct.get $node $next (local.get $cur)))
      (br_if $l (i32.eqz (ref.eq (local.get $cur) (global.get $ring)))))
    (local.get $sum))

  ;; n short-lived objects of several sizes, and garbage cycles
  (func (export "churn") (param $n i32) (result i32)
    (local $i i32) (local $p (ref null $pair)) (local $q (ref null $pair))
    (loop $l
      (drop (struct.new $node (local.get $i) (ref.null $node)))
      (drop (array.new_default $bytes (i32.and (local.get $i) (i32.const 255))))
      (local.set $p (struct.new $pair (ref.null any) (ref.null any)))
      (local.set $q (struct.new $pair (local.get $p) (local.get $p)))
      (struct.set $pair $a (local.get $p) (local.get $q)) ;; a cycle, garbage next round
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $i))

  ;; objects held only by the frames of a recursion while its callees churn
  (func $deep (export "deep") (param $d i32) (result i32)
    (local $mine (ref null $node))
    (if (i32.eqz (local.get $d)) (then (return (call $churn_inner (i32.const 50000)))))
    (local.set $mine (struct.new $node (local.get $d) (ref.null $node)))
    (drop (call $deep (i32.sub (local.get $d) (i32.const 1))))
    (drop (call $churn_inner (i32.const 200)))
    ;; still intact after every collection the callees caused
    (i32.add (struct.get $node $v (local.get $mine)) (i32.const 0)))
  (func $churn_inner (param $n i32) (result i32)
    (local $i i32)
    (loop $l
      (drop (struct.new $node (local.get $i) (ref.null $node)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $i))

  ;; allocation operands: every element of array.new_fixed is a fresh object,
  ;; so collections happen while the earlier ones sit in operand slots
  (func (export "fixed") (param $n i32) (result i32)
    (local $i i32) (local $a (ref null $vec)) (local $sum i32)
    (loop $l
      (local.set $a (array.new_fixed $vec 4
        (struct.new $node (i32.const 1) (ref.null $node))
        (array.new_default $bytes (i32.const 3000))
        (ref.i31 (i32.const 2))
        (struct.new $node (i32.const 4) (ref.null $node))))
      (local.set $sum (i32.add (local.get $sum)
        (i32.add (struct.get $node $v (ref.cast (ref $node) (array.get $vec (local.get $a) (i32.const 0))))
          (i32.add (array.len (ref.cast (ref $bytes) (array.get $vec (local.get $a) (i32.const 1))))
            (i32.add (i31.get_u (ref.cast (ref i31) (array.get $vec (local.get $a) (i32.const 2))))
              (struct.get $node $v (ref.cast (ref $node) (array.get $vec (local.get $a) (i32.const 3)))))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $sum))

  ;; objects and boxed host values in a table survive collections
  (func (export "table_keep") (param $x externref)
    (table.set $t (i32.const 0) (struct.new $node (i32.const 77) (ref.null $node)))
    (table.set $t (i32.const 1) (any.convert_extern (local.get $x))))
  (func (export "table_check") (result i32)
    (struct.get $node $v (ref.cast (ref $node) (table.get $t (i32.const 0)))))
  (func (export "table_host") (result externref)
    (extern.convert_any (table.get $t (i32.const 1))))
)

(invoke "make_ring" (i32.const 10000))
(invoke "table_keep" (ref.extern 42))
(assert_return (invoke "churn" (i32.const 1000000)) (i32.const 1000000))
(assert_return (invoke "sum_ring") (i32.const 49995000))
(assert_return (invoke "deep" (i32.const 3000)) (i32.const 3000))
(assert_return (invoke "fixed" (i32.const 20000)) (i32.const 60140000))
(assert_return (invoke "churn" (i32.const 1000000)) (i32.const 1000000))
(assert_return (invoke "sum_ring") (i32.const 49995000))
(assert_return (invoke "table_check") (i32.const 77))
(assert_return (invoke "table_host") (ref.extern 42))
