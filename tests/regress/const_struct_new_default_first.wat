;; found by build-fuzz/fuzz_diff (clang UBSan): a constant expression that
;; starts with struct.new_default took its (no) operands at an offset from
;; the operand vector's NULL base
(module
  (type $s (struct))
  (type $p (struct (field i32) (field (ref null $s))))
  (global $g (ref $s) (struct.new_default $s))
  (global $h (ref $p) (struct.new_default $p))
  (func (export "_start")
    (if (i32.eqz (ref.test (ref $s) (global.get $g))) (then (unreachable)))))
