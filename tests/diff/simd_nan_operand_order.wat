;; f32x4.add / f32x4.mul / f64x2.add with a NaN in the same lane of both
;; operands: the JIT (addps/mulps/addpd dst=a, src=b) returns a's NaN, the
;; interpreter built by gcc -O2 returns b's (gcc swaps the operands of the
;; commutative vector + in src/sem/simd.h).  Spec-permitted either way.
(module
  (func (export "f32x4.add") (result i32)
    (f32x4.extract_lane 0 (f32x4.add (v128.const i32x4 0xffffffff 0 0 0) (v128.const i32x4 0xfffefdfc 0 0 0)))
    i32.reinterpret_f32)
  (func (export "f32x4.mul") (result i32)
    (f32x4.extract_lane 0 (f32x4.mul (v128.const i32x4 0xffffffff 0 0 0) (v128.const i32x4 0xfffefdfc 0 0 0)))
    i32.reinterpret_f32)
  (func (export "f64x2.add") (result i64)
    (f64x2.extract_lane 0 (f64x2.add (v128.const i64x2 0xffffffffffffffff 0) (v128.const i64x2 0xfff8000000000001 0)))
    i64.reinterpret_f64))
