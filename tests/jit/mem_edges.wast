;; Memory accesses at the edges of what the code generators address
;; directly: stores that straddle the end of memory (on AArch64 an
;; unaligned store crossing into the guard page may be partly performed
;; before it faults: none of its bytes may be written), and addresses that
;; live in their slot (not a register) with offsets of every size.

(module
  (memory 1)
  (func (export "st64") (param i32 i64) (i64.store (local.get 0) (local.get 1)))
  (func (export "st64-off") (param i32 i64) (i64.store offset=4 (local.get 0) (local.get 1)))
  (func (export "st32") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
  (func (export "st16") (param i32 i32) (i32.store16 (local.get 0) (local.get 1)))
  (func (export "st64-32") (param i32 i64) (i64.store32 (local.get 0) (local.get 1)))
  (func (export "stf64") (param i32 f64) (f64.store (local.get 0) (local.get 1)))
  (func (export "stf32") (param i32 f32) (f32.store (local.get 0) (local.get 1)))
  (func (export "stv128") (param i32) (v128.store (local.get 0) (v128.const i64x2 -1 -1)))
  (func (export "ld64") (param i32) (result i64) (i64.load (local.get 0)))
  (func (export "ld32") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "ld8") (param i32) (result i32) (i32.load8_u (local.get 0)))
;; the address is used less than 39 other values live across the accesses
  (func (export "spilled-address") (param $p0 i32) (param $p1 i32) (param $p2 i32) (param $p3 i32) (param $p4 i32) (param $p5 i32) (param $p6 i32) (param $p7 i32) (param $p8 i32) (param $p9 i32) (param $p10 i32) (param $p11 i32) (param $p12 i32) (param $p13 i32) (param $p14 i32) (param $p15 i32) (param $p16 i32) (param $p17 i32) (param $p18 i32) (param $p19 i32) (param $p20 i32) (param $p21 i32) (param $p22 i32) (param $p23 i32) (param $p24 i32) (param $p25 i32) (param $p26 i32) (param $p27 i32) (param $p28 i32) (param $p29 i32) (param $p30 i32) (param $p31 i32) (param $p32 i32) (param $p33 i32) (param $p34 i32) (param $p35 i32) (param $p36 i32) (param $p37 i32) (param $p38 i32) (param $p39 i32) (result i32)
    i32.const 0 local.get $p1 i32.add local.get $p2 i32.add local.get $p3 i32.add local.get $p4 i32.add local.get $p5 i32.add local.get $p6 i32.add local.get $p7 i32.add local.get $p8 i32.add local.get $p9 i32.add local.get $p10 i32.add local.get $p11 i32.add local.get $p12 i32.add local.get $p13 i32.add local.get $p14 i32.add local.get $p15 i32.add local.get $p16 i32.add local.get $p17 i32.add local.get $p18 i32.add local.get $p19 i32.add local.get $p20 i32.add local.get $p21 i32.add local.get $p22 i32.add local.get $p23 i32.add local.get $p24 i32.add local.get $p25 i32.add local.get $p26 i32.add local.get $p27 i32.add local.get $p28 i32.add local.get $p29 i32.add local.get $p30 i32.add local.get $p31 i32.add local.get $p32 i32.add local.get $p33 i32.add local.get $p34 i32.add local.get $p35 i32.add local.get $p36 i32.add local.get $p37 i32.add local.get $p38 i32.add local.get $p39 i32.add
    local.get $p0 local.get $p1 i32.store offset=12
    local.get $p0 local.get $p2 i32.store16 offset=300
    local.get $p0 local.get $p3 i64.extend_i32_u i64.store offset=5000
    local.get $p0 i32.load offset=12 i32.add
    local.get $p0 i32.load16_u offset=300 i32.add
    local.get $p0 i64.load offset=5000 i32.wrap_i64 i32.add
    local.get $p1 i32.add local.get $p2 i32.add local.get $p3 i32.add local.get $p4 i32.add local.get $p5 i32.add local.get $p6 i32.add local.get $p7 i32.add local.get $p8 i32.add local.get $p9 i32.add local.get $p10 i32.add local.get $p11 i32.add local.get $p12 i32.add local.get $p13 i32.add local.get $p14 i32.add local.get $p15 i32.add local.get $p16 i32.add local.get $p17 i32.add local.get $p18 i32.add local.get $p19 i32.add local.get $p20 i32.add local.get $p21 i32.add local.get $p22 i32.add local.get $p23 i32.add local.get $p24 i32.add local.get $p25 i32.add local.get $p26 i32.add local.get $p27 i32.add local.get $p28 i32.add local.get $p29 i32.add local.get $p30 i32.add local.get $p31 i32.add local.get $p32 i32.add local.get $p33 i32.add local.get $p34 i32.add local.get $p35 i32.add local.get $p36 i32.add local.get $p37 i32.add local.get $p38 i32.add local.get $p39 i32.add
    local.get $p1 i32.add local.get $p2 i32.add local.get $p3 i32.add local.get $p4 i32.add local.get $p5 i32.add local.get $p6 i32.add local.get $p7 i32.add local.get $p8 i32.add local.get $p9 i32.add local.get $p10 i32.add local.get $p11 i32.add local.get $p12 i32.add local.get $p13 i32.add local.get $p14 i32.add local.get $p15 i32.add local.get $p16 i32.add local.get $p17 i32.add local.get $p18 i32.add local.get $p19 i32.add local.get $p20 i32.add local.get $p21 i32.add local.get $p22 i32.add local.get $p23 i32.add local.get $p24 i32.add local.get $p25 i32.add local.get $p26 i32.add local.get $p27 i32.add local.get $p28 i32.add local.get $p29 i32.add local.get $p30 i32.add local.get $p31 i32.add local.get $p32 i32.add local.get $p33 i32.add local.get $p34 i32.add local.get $p35 i32.add local.get $p36 i32.add local.get $p37 i32.add local.get $p38 i32.add local.get $p39 i32.add
    local.get $p1 i32.add local.get $p2 i32.add local.get $p3 i32.add local.get $p4 i32.add local.get $p5 i32.add local.get $p6 i32.add local.get $p7 i32.add local.get $p8 i32.add local.get $p9 i32.add local.get $p10 i32.add local.get $p11 i32.add local.get $p12 i32.add local.get $p13 i32.add local.get $p14 i32.add local.get $p15 i32.add local.get $p16 i32.add local.get $p17 i32.add local.get $p18 i32.add local.get $p19 i32.add local.get $p20 i32.add local.get $p21 i32.add local.get $p22 i32.add local.get $p23 i32.add local.get $p24 i32.add local.get $p25 i32.add local.get $p26 i32.add local.get $p27 i32.add local.get $p28 i32.add local.get $p29 i32.add local.get $p30 i32.add local.get $p31 i32.add local.get $p32 i32.add local.get $p33 i32.add local.get $p34 i32.add local.get $p35 i32.add local.get $p36 i32.add local.get $p37 i32.add local.get $p38 i32.add local.get $p39 i32.add
    local.get $p1 i32.add local.get $p2 i32.add local.get $p3 i32.add local.get $p4 i32.add local.get $p5 i32.add local.get $p6 i32.add local.get $p7 i32.add local.get $p8 i32.add local.get $p9 i32.add local.get $p10 i32.add local.get $p11 i32.add local.get $p12 i32.add local.get $p13 i32.add local.get $p14 i32.add local.get $p15 i32.add local.get $p16 i32.add local.get $p17 i32.add local.get $p18 i32.add local.get $p19 i32.add local.get $p20 i32.add local.get $p21 i32.add local.get $p22 i32.add local.get $p23 i32.add local.get $p24 i32.add local.get $p25 i32.add local.get $p26 i32.add local.get $p27 i32.add local.get $p28 i32.add local.get $p29 i32.add local.get $p30 i32.add local.get $p31 i32.add local.get $p32 i32.add local.get $p33 i32.add local.get $p34 i32.add local.get $p35 i32.add local.get $p36 i32.add local.get $p37 i32.add local.get $p38 i32.add local.get $p39 i32.add
    local.get $p1 i32.add local.get $p2 i32.add local.get $p3 i32.add local.get $p4 i32.add local.get $p5 i32.add local.get $p6 i32.add local.get $p7 i32.add local.get $p8 i32.add local.get $p9 i32.add local.get $p10 i32.add local.get $p11 i32.add local.get $p12 i32.add local.get $p13 i32.add local.get $p14 i32.add local.get $p15 i32.add local.get $p16 i32.add local.get $p17 i32.add local.get $p18 i32.add local.get $p19 i32.add local.get $p20 i32.add local.get $p21 i32.add local.get $p22 i32.add local.get $p23 i32.add local.get $p24 i32.add local.get $p25 i32.add local.get $p26 i32.add local.get $p27 i32.add local.get $p28 i32.add local.get $p29 i32.add local.get $p30 i32.add local.get $p31 i32.add local.get $p32 i32.add local.get $p33 i32.add local.get $p34 i32.add local.get $p35 i32.add local.get $p36 i32.add local.get $p37 i32.add local.get $p38 i32.add local.get $p39 i32.add
    local.get $p1 i32.add local.get $p2 i32.add local.get $p3 i32.add local.get $p4 i32.add local.get $p5 i32.add local.get $p6 i32.add local.get $p7 i32.add local.get $p8 i32.add local.get $p9 i32.add local.get $p10 i32.add local.get $p11 i32.add local.get $p12 i32.add local.get $p13 i32.add local.get $p14 i32.add local.get $p15 i32.add local.get $p16 i32.add local.get $p17 i32.add local.get $p18 i32.add local.get $p19 i32.add local.get $p20 i32.add local.get $p21 i32.add local.get $p22 i32.add local.get $p23 i32.add local.get $p24 i32.add local.get $p25 i32.add local.get $p26 i32.add local.get $p27 i32.add local.get $p28 i32.add local.get $p29 i32.add local.get $p30 i32.add local.get $p31 i32.add local.get $p32 i32.add local.get $p33 i32.add local.get $p34 i32.add local.get $p35 i32.add local.get $p36 i32.add local.get $p37 i32.add local.get $p38 i32.add local.get $p39 i32.add
  )
)

(assert_trap (invoke "st64" (i32.const 65532) (i64.const -1)) "out of bounds memory access")
(assert_return (invoke "ld32" (i32.const 65532)) (i32.const 0))
(assert_trap (invoke "st64" (i32.const 65529) (i64.const -1)) "out of bounds memory access")
(assert_return (invoke "ld64" (i32.const 65528)) (i64.const 0))
(assert_trap (invoke "st64-off" (i32.const 65526) (i64.const -1)) "out of bounds memory access")
(assert_return (invoke "ld64" (i32.const 65528)) (i64.const 0))
(assert_trap (invoke "st32" (i32.const 65534) (i32.const -1)) "out of bounds memory access")
(assert_trap (invoke "st16" (i32.const 65535) (i32.const -1)) "out of bounds memory access")
(assert_trap (invoke "st64-32" (i32.const 65533) (i64.const -1)) "out of bounds memory access")
(assert_trap (invoke "stf64" (i32.const 65535) (f64.const -1)) "out of bounds memory access")
(assert_trap (invoke "stf32" (i32.const 65533) (f32.const -1)) "out of bounds memory access")
(assert_trap (invoke "stv128" (i32.const 65521)) "out of bounds memory access")
(assert_trap (invoke "stv128" (i32.const 65528)) "out of bounds memory access")
(assert_return (invoke "ld64" (i32.const 65528)) (i64.const 0))
(assert_return (invoke "ld64" (i32.const 65520)) (i64.const 0))
;; in bounds up to the last byte
(assert_return (invoke "st64" (i32.const 65528) (i64.const 0x0102030405060708)))
(assert_return (invoke "ld8" (i32.const 65535)) (i32.const 1))
(assert_return (invoke "ld8" (i32.const 65528)) (i32.const 8))

(assert_return (invoke "spilled-address" (i32.const 1000) (i32.const 4) (i32.const 7) (i32.const 10) (i32.const 13) (i32.const 16) (i32.const 19) (i32.const 22) (i32.const 25) (i32.const 28) (i32.const 31) (i32.const 34) (i32.const 37) (i32.const 40) (i32.const 43) (i32.const 46) (i32.const 49) (i32.const 52) (i32.const 55) (i32.const 58) (i32.const 61) (i32.const 64) (i32.const 67) (i32.const 70) (i32.const 73) (i32.const 76) (i32.const 79) (i32.const 82) (i32.const 85) (i32.const 88) (i32.const 91) (i32.const 94) (i32.const 97) (i32.const 100) (i32.const 103) (i32.const 106) (i32.const 109) (i32.const 112) (i32.const 115) (i32.const 118)) (i32.const 16674))
