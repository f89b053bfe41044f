;; f32/f64 add and mul with NaNs in both operands: gcc for AArch64 swaps
;; the operands of a commutative + and * in the interpreter; sem/ now pins the
;; order there too (the JIT takes the first operand's NaN on both CPUs).
(module
  (func (export "f") (result f32)
    (f32.mul (f32.const -nan:0x7fffe9) (f32.const -nan:0x7fff84))))
