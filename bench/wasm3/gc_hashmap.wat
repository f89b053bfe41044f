;; A hash map from i32 keys to boxed i64 values: chained buckets of structs,
;; every update allocates a new box (the old one becomes garbage).
;; run(n) inserts n keys, updates each key 8 times, then sums all values.
(module
  (type $box (struct (field $v i64)))
  (type $entry (struct (field $key i32) (field $val (mut (ref $box))) (field $next (ref null $entry))))
  (type $buckets (array (mut (ref null $entry))))

  (func $hash (param $k i32) (result i32)
    (i32.mul (i32.xor (local.get $k) (i32.shr_u (local.get $k) (i32.const 16))) (i32.const 0x45d9f3b)))

  (func $find (param $t (ref $buckets)) (param $k i32) (result (ref null $entry))
    (local $e (ref null $entry))
    (local.set $e (array.get $buckets (local.get $t)
      (i32.and (call $hash (local.get $k)) (i32.const 65535))))
    (block $done
      (loop $walk
        (br_if $done (ref.is_null (local.get $e)))
        (br_if $done (i32.eq (struct.get $entry $key (ref.as_non_null (local.get $e))) (local.get $k)))
        (local.set $e (struct.get $entry $next (ref.as_non_null (local.get $e))))
        (br $walk)))
    (local.get $e))

  (func $put (param $t (ref $buckets)) (param $k i32) (param $v i64)
    (local $e (ref null $entry)) (local $b i32)
    (local.set $e (call $find (local.get $t) (local.get $k)))
    (if (ref.is_null (local.get $e))
      (then
        (local.set $b (i32.and (call $hash (local.get $k)) (i32.const 65535)))
        (array.set $buckets (local.get $t) (local.get $b)
          (struct.new $entry (local.get $k) (struct.new $box (local.get $v))
            (array.get $buckets (local.get $t) (local.get $b)))))
      (else
        (struct.set $entry $val (ref.as_non_null (local.get $e)) (struct.new $box (local.get $v))))))

  (func (export "run") (param $n i32) (result i64)
    (local $t (ref null $buckets)) (local $i i32) (local $round i32) (local $sum i64) (local $e (ref null $entry))
    (local.set $t (array.new_default $buckets (i32.const 65536)))
    (loop $rounds
      (local.set $i (i32.const 0))
      (loop $keys
        (call $put (ref.as_non_null (local.get $t)) (local.get $i)
          (i64.add (i64.extend_i32_u (local.get $i)) (i64.extend_i32_u (local.get $round))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $keys (i32.lt_u (local.get $i) (local.get $n))))
      (local.set $round (i32.add (local.get $round) (i32.const 1)))
      (br_if $rounds (i32.lt_u (local.get $round) (i32.const 9))))
    (local.set $i (i32.const 0))
    (loop $sum
      (local.set $e (call $find (ref.as_non_null (local.get $t)) (local.get $i)))
      (local.set $sum (i64.add (local.get $sum)
        (struct.get $box $v (struct.get $entry $val (ref.as_non_null (local.get $e))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $sum (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $sum))
)
