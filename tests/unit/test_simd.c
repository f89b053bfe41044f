/*
 * test_simd.c — unit tests for src/interp/simd.h (every SIMD-128
 * instruction's semantics).  Cases are transcribed from the official
 * testsuite (simd_*.wast), favouring the tricky ones: wrap-around,
 * saturation, rounding, NaN, -0, shift counts, out-of-range indices.
 */
#include <math.h>

#include "opcodes.h"
#include "sem/simd.h"
#include "test.h"

#define VI8(...) ((zw_v128){.i8 = {__VA_ARGS__}})
#define VU8(...) ((zw_v128){.u8 = {__VA_ARGS__}})
#define VI16(...) ((zw_v128){.i16 = {__VA_ARGS__}})
#define VU16(...) ((zw_v128){.u16 = {__VA_ARGS__}})
#define VI32(...) ((zw_v128){.i32 = {__VA_ARGS__}})
#define VU32(...) ((zw_v128){.u32 = {__VA_ARGS__}})
#define VI64(...) ((zw_v128){.i64 = {__VA_ARGS__}})
#define VU64(...) ((zw_v128){.u64 = {__VA_ARGS__}})
#define VF32(...) ((zw_v128){.f32 = {__VA_ARGS__}})
#define VF64(...) ((zw_v128){.f64 = {__VA_ARGS__}})
#define SPLAT8(x) VI8(x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x)
#define SPLAT16(x) VI16(x, x, x, x, x, x, x, x)
#define SPLAT32(x) VI32(x, x, x, x)
#define SPLATF(x) VF32(x, x, x, x)

static int veq(zw_v128 a, zw_v128 b) { return memcmp(&a, &b, 16) == 0; }
#define CHECK_V(got, exp) CHECK(veq((got), (exp)))

static int canon32(uint32_t b) { return (b & 0x7fffffffu) == 0x7fc00000u; }
static int arith32(uint32_t b) { return (b & 0x7fc00000u) == 0x7fc00000u; }
static int canon64(uint64_t b) { return (b & 0x7fffffffffffffffull) == 0x7ff8000000000000ull; }
static int arith64(uint64_t b) { return (b & 0x7ff8000000000000ull) == 0x7ff8000000000000ull; }
/* NaN inputs go through volatile so the compiler cannot constant-fold the
 * operation (LLVM folds e.g. sNaN * 1.0 without quieting). */
static float opq32(uint32_t b) { volatile float v = zw_bits_f32(b); return v; }
static double opq64(uint64_t b) { volatile double v = zw_bits_f64(b); return v; }
#define NAN32 opq32(0x7fc00000u)
#define NNAN32 opq32(0xffc00000u)
#define SNAN32 opq32(0x7fa00000u)
#define NAN64 opq64(0x7ff8000000000000ull)
#define SNAN64 opq64(0x7ff4000000000000ull)

/* ---- memory ------------------------------------------------------------------- */
TEST(simd_load_store) {
    uint8_t mem[40];
    for (int i = 0; i < 40; i++) mem[i] = (uint8_t)(i * 17 + 0x80);
    zw_v128 v = zw_simd_V128_LOAD(mem + 3); /* unaligned */
    for (int i = 0; i < 16; i++) CHECK(v.u8[i] == mem[3 + i]);
    uint8_t out[20] = {0};
    zw_simd_V128_STORE(out + 1, v);
    CHECK(memcmp(out + 1, mem + 3, 16) == 0 && out[0] == 0 && out[17] == 0);

    static const uint8_t m[8] = {0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87};
    CHECK_V(zw_simd_V128_LOAD8X8_S(m), VI16(-128, -127, -126, -125, -124, -123, -122, -121));
    CHECK_V(zw_simd_V128_LOAD8X8_U(m), VI16(128, 129, 130, 131, 132, 133, 134, 135));
    CHECK_V(zw_simd_V128_LOAD16X4_S(m), VI32((int16_t)0x8180, (int16_t)0x8382, (int16_t)0x8584,
                                               (int16_t)0x8786));
    CHECK_V(zw_simd_V128_LOAD16X4_U(m), VI32(0x8180, 0x8382, 0x8584, 0x8786));
    CHECK_V(zw_simd_V128_LOAD32X2_S(m), VI64((int32_t)0x83828180, (int32_t)0x87868584));
    CHECK_V(zw_simd_V128_LOAD32X2_U(m), VI64(0x83828180, 0x87868584));
    CHECK_V(zw_simd_V128_LOAD8_SPLAT(m + 1), SPLAT8((int8_t)0x81));
    CHECK_V(zw_simd_V128_LOAD16_SPLAT(m + 1), SPLAT16((int16_t)0x8281));
    CHECK_V(zw_simd_V128_LOAD32_SPLAT(m + 1), SPLAT32((int32_t)0x84838281));
    CHECK_V(zw_simd_V128_LOAD64_SPLAT(m), VU64(0x8786858483828180ull, 0x8786858483828180ull));
    CHECK_V(zw_simd_V128_LOAD32_ZERO(m + 2), VU32(0x85848382, 0, 0, 0));
    CHECK_V(zw_simd_V128_LOAD64_ZERO(m), VU64(0x8786858483828180ull, 0));

    CHECK(ZW_ACCESS_V128_LOAD == 16 && ZW_ACCESS_V128_STORE == 16);
    CHECK(ZW_ACCESS_V128_LOAD8X8_S == 8 && ZW_ACCESS_V128_LOAD32X2_U == 8);
    CHECK(ZW_ACCESS_V128_LOAD8_SPLAT == 1 && ZW_ACCESS_V128_LOAD64_SPLAT == 8);
    CHECK(ZW_ACCESS_V128_LOAD32_ZERO == 4 && ZW_ACCESS_V128_LOAD64_ZERO == 8);
    CHECK(ZW_ACCESS_V128_LOAD16_LANE == 2 && ZW_ACCESS_V128_STORE64_LANE == 8);
}

TEST(simd_load_store_lane) {
    static const uint8_t m[8] = {1, 2, 3, 4, 5, 6, 7, 8};
    zw_v128 z = SPLAT8(0);
    zw_v128 r = zw_simd_V128_LOAD8_LANE(z, m + 5, 15);
    CHECK_V(r, VI8(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 6));
    r = zw_simd_V128_LOAD16_LANE(SPLAT16(-1), m + 1, 7);
    CHECK_V(r, VI16(-1, -1, -1, -1, -1, -1, -1, 0x0302));
    r = zw_simd_V128_LOAD32_LANE(z, m, 1);
    CHECK_V(r, VU32(0, 0x04030201, 0, 0));
    r = zw_simd_V128_LOAD64_LANE(z, m, 1);
    CHECK_V(r, VU64(0, 0x0807060504030201ull));
    uint8_t out[9];
    memset(out, 0xee, sizeof out);
    zw_v128 v = VU64(0x0706050403020100ull, 0x0f0e0d0c0b0a0908ull);
    zw_simd_V128_STORE8_LANE(out + 1, v, 13);
    CHECK(out[0] == 0xee && out[1] == 13 && out[2] == 0xee);
    zw_simd_V128_STORE16_LANE(out + 1, v, 3);
    CHECK(out[1] == 6 && out[2] == 7 && out[3] == 0xee);
    zw_simd_V128_STORE32_LANE(out + 1, v, 2);
    CHECK(out[1] == 8 && out[4] == 11 && out[5] == 0xee);
    zw_simd_V128_STORE64_LANE(out + 1, v, 0);
    CHECK(out[1] == 0 && out[8] == 7 && out[0] == 0xee);
}

/* ---- shuffle / swizzle / splat / lanes -------------------------------------------- */
TEST(simd_shuffle_swizzle) {
    zw_v128 a = VU8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    zw_v128 b = VU8(100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114,
                    115);
    static const uint8_t idx[16] = {31, 0, 16, 15, 1, 17, 30, 14, 2, 18, 29, 13, 3, 19, 28, 12};
    CHECK_V(zw_simd_I8X16_SHUFFLE(a, b, idx),
            VU8(115, 0, 100, 15, 1, 101, 114, 14, 2, 102, 113, 13, 3, 103, 112, 12));
    /* swizzle: index >= 16 (including 0x80, 0xff) gives 0 */
    zw_v128 s = VU8(15, 16, 0xff, 0x80, 0, 1, 17, 100, 7, 14, 0x10, 0x7f, 3, 2, 1, 0);
    CHECK_V(zw_simd_I8X16_SWIZZLE(b, s),
            VU8(115, 0, 0, 0, 100, 101, 0, 0, 107, 114, 0, 0, 103, 102, 101, 100));
}

TEST(simd_splat_lanes) {
    CHECK_V(zw_simd_I8X16_SPLAT(0x1ff), SPLAT8(-1));
    CHECK_V(zw_simd_I16X8_SPLAT(0x18000), SPLAT16(INT16_MIN));
    CHECK_V(zw_simd_I32X4_SPLAT(0xdeadbeef), VU32(0xdeadbeef, 0xdeadbeef, 0xdeadbeef, 0xdeadbeef));
    CHECK_V(zw_simd_I64X2_SPLAT(0x8000000000000001ull),
            VU64(0x8000000000000001ull, 0x8000000000000001ull));
    CHECK_V(zw_simd_F32X4_SPLAT(0x7fa00001u), VU32(0x7fa00001u, 0x7fa00001u, 0x7fa00001u, 0x7fa00001u));
    CHECK_V(zw_simd_F64X2_SPLAT(0x7ff4000000000001ull),
            VU64(0x7ff4000000000001ull, 0x7ff4000000000001ull));

    zw_v128 v = VU8(0x7f, 0x80, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x81);
    CHECK(zw_simd_I8X16_EXTRACT_LANE_S(v, 0) == 127);
    CHECK(zw_simd_I8X16_EXTRACT_LANE_S(v, 1) == 0xffffff80u);
    CHECK(zw_simd_I8X16_EXTRACT_LANE_S(v, 2) == 0xffffffffu);
    CHECK(zw_simd_I8X16_EXTRACT_LANE_U(v, 2) == 255);
    CHECK(zw_simd_I8X16_EXTRACT_LANE_U(v, 15) == 0x81);
    zw_v128 w = VU16(0x7fff, 0x8000, 0xffff, 0, 0, 0, 0, 0x1234);
    CHECK(zw_simd_I16X8_EXTRACT_LANE_S(w, 1) == 0xffff8000u);
    CHECK(zw_simd_I16X8_EXTRACT_LANE_U(w, 1) == 0x8000u);
    CHECK(zw_simd_I16X8_EXTRACT_LANE_S(w, 0) == 0x7fff);
    CHECK(zw_simd_I16X8_EXTRACT_LANE_U(w, 7) == 0x1234);
    CHECK(zw_simd_I32X4_EXTRACT_LANE(VU32(1, 2, 3, 0x80000000u), 3) == 0x80000000u);
    CHECK(zw_simd_I64X2_EXTRACT_LANE(VU64(1, 0xffffffffffffffffull), 1) == 0xffffffffffffffffull);
    CHECK(zw_simd_F32X4_EXTRACT_LANE(VU32(0, 0, 0xffa00001u, 0), 2) == 0xffa00001u);
    CHECK(zw_simd_F64X2_EXTRACT_LANE(VU64(0x7ff4000000000001ull, 0), 0) == 0x7ff4000000000001ull);

    zw_v128 z = SPLAT8(0);
    CHECK_V(zw_simd_I8X16_REPLACE_LANE(z, 15, 0x1ff),
            VI8(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1));
    CHECK_V(zw_simd_I16X8_REPLACE_LANE(z, 0, 0x12345678), VI16(0x5678, 0, 0, 0, 0, 0, 0, 0));
    CHECK_V(zw_simd_I32X4_REPLACE_LANE(z, 2, 0xf0000000u), VU32(0, 0, 0xf0000000u, 0));
    CHECK_V(zw_simd_I64X2_REPLACE_LANE(z, 1, 0x8000000000000000ull),
            VU64(0, 0x8000000000000000ull));
    CHECK_V(zw_simd_F32X4_REPLACE_LANE(z, 3, 0x7f800001u), VU32(0, 0, 0, 0x7f800001u));
    CHECK_V(zw_simd_F64X2_REPLACE_LANE(z, 0, 0xfff0000000000001ull), VU64(0xfff0000000000001ull, 0));
}

/* ---- comparisons ------------------------------------------------------------------ */
TEST(simd_int_compare) {
    zw_v128 a = VI8(0, 1, -1, 127, -128, 5, 0, -1, 0, 1, -1, 127, -128, 5, 0, -1);
    zw_v128 b = VI8(0, -1, 1, -128, 127, 5, -1, 0, 0, -1, 1, -128, 127, 5, -1, 0);
    CHECK_V(zw_simd_I8X16_EQ(a, b), VI8(-1, 0, 0, 0, 0, -1, 0, 0, -1, 0, 0, 0, 0, -1, 0, 0));
    CHECK_V(zw_simd_I8X16_NE(a, b), VI8(0, -1, -1, -1, -1, 0, -1, -1, 0, -1, -1, -1, -1, 0, -1, -1));
    CHECK_V(zw_simd_I8X16_LT_S(a, b), VI8(0, 0, -1, 0, -1, 0, 0, -1, 0, 0, -1, 0, -1, 0, 0, -1));
    CHECK_V(zw_simd_I8X16_LT_U(a, b), VI8(0, -1, 0, -1, 0, 0, -1, 0, 0, -1, 0, -1, 0, 0, -1, 0));
    CHECK_V(zw_simd_I8X16_GE_U(a, b), VI8(-1, 0, -1, 0, -1, -1, 0, -1, -1, 0, -1, 0, -1, -1, 0, -1));
    CHECK_V(zw_simd_I8X16_LE_S(a, b), VI8(-1, 0, -1, 0, -1, -1, 0, -1, -1, 0, -1, 0, -1, -1, 0, -1));
    CHECK_V(zw_simd_I8X16_GT_S(a, b), VI8(0, -1, 0, -1, 0, 0, -1, 0, 0, -1, 0, -1, 0, 0, -1, 0));
    zw_v128 c = VI16(0, -1, INT16_MIN, INT16_MAX, 1, 2, -3, 4);
    zw_v128 d = VI16(0, 1, INT16_MAX, INT16_MIN, 1, 3, -4, -4);
    CHECK_V(zw_simd_I16X8_GT_U(c, d), VI16(0, -1, -1, 0, 0, 0, -1, 0));
    CHECK_V(zw_simd_I16X8_GT_S(c, d), VI16(0, 0, 0, -1, 0, 0, -1, -1));
    CHECK_V(zw_simd_I16X8_LE_U(c, d), VI16(-1, 0, 0, -1, -1, -1, 0, -1));
    zw_v128 e = VI32(INT32_MIN, -1, 0, 7), f = VI32(INT32_MAX, 0, 0, 6);
    CHECK_V(zw_simd_I32X4_LT_S(e, f), VI32(-1, -1, 0, 0));
    CHECK_V(zw_simd_I32X4_LT_U(e, f), VI32(0, 0, 0, 0));
    CHECK_V(zw_simd_I32X4_GE_S(e, f), VI32(0, 0, -1, -1));
    zw_v128 g = VI64(INT64_MIN, -1), h = VI64(INT64_MAX, -1);
    CHECK_V(zw_simd_I64X2_LT_S(g, h), VI64(-1, 0));
    CHECK_V(zw_simd_I64X2_LE_S(g, h), VI64(-1, -1));
    CHECK_V(zw_simd_I64X2_GT_S(h, g), VI64(-1, 0));
    CHECK_V(zw_simd_I64X2_GE_S(g, h), VI64(0, -1));
    CHECK_V(zw_simd_I64X2_EQ(g, h), VI64(0, -1));
    CHECK_V(zw_simd_I64X2_NE(g, h), VI64(-1, 0));
}

TEST(simd_float_compare) {
    zw_v128 a = VF32(NAN32, -0.0f, 1.0f, -INFINITY);
    zw_v128 b = VF32(NAN32, 0.0f, SNAN32, INFINITY);
    CHECK_V(zw_simd_F32X4_EQ(a, b), VI32(0, -1, 0, 0));
    CHECK_V(zw_simd_F32X4_NE(a, b), VI32(-1, 0, -1, -1));
    CHECK_V(zw_simd_F32X4_LT(a, b), VI32(0, 0, 0, -1));
    CHECK_V(zw_simd_F32X4_LE(a, b), VI32(0, -1, 0, -1));
    CHECK_V(zw_simd_F32X4_GT(a, b), VI32(0, 0, 0, 0));
    CHECK_V(zw_simd_F32X4_GE(a, b), VI32(0, -1, 0, 0));
    zw_v128 c = VF64(NAN64, -0.0), d = VF64(1.0, 0.0);
    CHECK_V(zw_simd_F64X2_EQ(c, d), VI64(0, -1));
    CHECK_V(zw_simd_F64X2_NE(c, d), VI64(-1, 0));
    CHECK_V(zw_simd_F64X2_LT(c, d), VI64(0, 0));
    CHECK_V(zw_simd_F64X2_LE(c, d), VI64(0, -1));
    CHECK_V(zw_simd_F64X2_GT(d, c), VI64(0, 0));
    CHECK_V(zw_simd_F64X2_GE(d, c), VI64(0, -1));
}

/* ---- bitwise / boolean -------------------------------------------------------------- */
TEST(simd_bitwise) {
    zw_v128 a = VU32(0x00ff00ffu, 0xffffffffu, 0, 0x55555555u);
    zw_v128 b = VU32(0x0f0f0f0fu, 0, 0xffffffffu, 0xaaaaaaaau);
    CHECK_V(zw_simd_V128_NOT(a), VU32(0xff00ff00u, 0, 0xffffffffu, 0xaaaaaaaau));
    CHECK_V(zw_simd_V128_AND(a, b), VU32(0x000f000fu, 0, 0, 0));
    CHECK_V(zw_simd_V128_ANDNOT(a, b), VU32(0x00f000f0u, 0xffffffffu, 0, 0x55555555u));
    CHECK_V(zw_simd_V128_OR(a, b), VU32(0x0fff0fffu, 0xffffffffu, 0xffffffffu, 0xffffffffu));
    CHECK_V(zw_simd_V128_XOR(a, b), VU32(0x0ff00ff0u, 0xffffffffu, 0xffffffffu, 0xffffffffu));
    zw_v128 m = VU32(0xffff0000u, 0x0f0f0f0fu, 0, 0xffffffffu);
    CHECK_V(zw_simd_V128_BITSELECT(VU32(0xabcdabcdu, 0xabcdabcdu, 0xabcdabcdu, 0xabcdabcdu),
                                   VU32(0x12341234u, 0x12341234u, 0x12341234u, 0x12341234u), m),
            VU32(0xabcd1234u, 0x1b3d1b3du, 0x12341234u, 0xabcdabcdu));
    CHECK(zw_simd_V128_ANY_TRUE(SPLAT8(0)) == 0);
    CHECK(zw_simd_V128_ANY_TRUE(VU64(0, 0x8000000000000000ull)) == 1);
    CHECK(zw_simd_I8X16_ALL_TRUE(VI8(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0)) == 0);
    CHECK(zw_simd_I8X16_ALL_TRUE(SPLAT8(-128)) == 1);
    CHECK(zw_simd_I16X8_ALL_TRUE(VU16(1, 1, 1, 0x100, 1, 1, 1, 1)) == 1);
    CHECK(zw_simd_I16X8_ALL_TRUE(VU16(1, 1, 1, 0, 1, 1, 1, 1)) == 0);
    CHECK(zw_simd_I32X4_ALL_TRUE(VU32(0x10000u, 1, 1, 1)) == 1);
    CHECK(zw_simd_I32X4_ALL_TRUE(VU32(0x10000u, 1, 0, 1)) == 0);
    CHECK(zw_simd_I64X2_ALL_TRUE(VU64(0x100000000ull, 1)) == 1);
    CHECK(zw_simd_I64X2_ALL_TRUE(VU64(0, 1)) == 0);
    CHECK(zw_simd_I8X16_BITMASK(VI8(-1, 0, -128, 127, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -5)) == 0x8005);
    CHECK(zw_simd_I8X16_BITMASK(SPLAT8(-1)) == 0xffff);
    CHECK(zw_simd_I16X8_BITMASK(VI16(-1, 0, 0, 0, 0, 0, 0x7fff, INT16_MIN)) == 0x81);
    CHECK(zw_simd_I32X4_BITMASK(VI32(0, -1, INT32_MIN, INT32_MAX)) == 0x6);
    CHECK(zw_simd_I64X2_BITMASK(VI64(INT64_MIN, 1)) == 0x1);
    CHECK(zw_simd_I64X2_BITMASK(VI64(-1, -1)) == 0x3);
}

/* ---- integer arithmetic ---------------------------------------------------------------- */
TEST(simd_int_arith) {
    CHECK_V(zw_simd_I8X16_ADD(SPLAT8(127), SPLAT8(1)), SPLAT8(-128));
    CHECK_V(zw_simd_I8X16_SUB(SPLAT8(-128), SPLAT8(1)), SPLAT8(127));
    CHECK_V(zw_simd_I8X16_NEG(VI8(-128, 127, 0, 1, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)),
            VI8(-128, -127, 0, -1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
    CHECK_V(zw_simd_I8X16_ABS(VI8(-128, 127, 0, 1, -1, -127, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)),
            VI8(-128, 127, 0, 1, 1, 127, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
    CHECK_V(zw_simd_I16X8_ADD(SPLAT16(INT16_MAX), SPLAT16(1)), SPLAT16(INT16_MIN));
    CHECK_V(zw_simd_I16X8_MUL(SPLAT16(INT16_MIN), SPLAT16(-1)), SPLAT16(INT16_MIN));
    CHECK_V(zw_simd_I16X8_MUL(VU16(0xffff, 0x1000, 3, 0, 0, 0, 0, 0),
                              VU16(0xffff, 0x10, 0x5555, 0, 0, 0, 0, 0)),
            VU16(1, 0, 0xffff, 0, 0, 0, 0, 0));
    CHECK_V(zw_simd_I16X8_ABS(VI16(INT16_MIN, -1, 1, INT16_MAX, -32767, 0, 0, 0)),
            VI16(INT16_MIN, 1, 1, INT16_MAX, 32767, 0, 0, 0));
    CHECK_V(zw_simd_I16X8_NEG(SPLAT16(INT16_MIN)), SPLAT16(INT16_MIN));
    CHECK_V(zw_simd_I32X4_ADD(VU32(0xffffffffu, 0x7fffffffu, 0, 1), VU32(1, 1, 0, 2)),
            VU32(0, 0x80000000u, 0, 3));
    CHECK_V(zw_simd_I32X4_SUB(VI32(INT32_MIN, 0, 0, 0), VI32(1, 1, INT32_MIN, 0)),
            VI32(INT32_MAX, -1, INT32_MIN, 0));
    CHECK_V(zw_simd_I32X4_MUL(VI32(INT32_MIN, 0x10000, 0x7fffffff, -1), VI32(-1, 0x10000, 2, -1)),
            VI32(INT32_MIN, 0, -2, 1));
    CHECK_V(zw_simd_I32X4_ABS(VI32(INT32_MIN, -1, INT32_MAX, 0)), VI32(INT32_MIN, 1, INT32_MAX, 0));
    CHECK_V(zw_simd_I32X4_NEG(VI32(INT32_MIN, -1, INT32_MAX, 0)), VI32(INT32_MIN, 1, -INT32_MAX, 0));
    CHECK_V(zw_simd_I64X2_ADD(VI64(INT64_MAX, -1), VI64(1, 1)), VI64(INT64_MIN, 0));
    CHECK_V(zw_simd_I64X2_SUB(VI64(INT64_MIN, 0), VI64(1, INT64_MIN)), VI64(INT64_MAX, INT64_MIN));
    CHECK_V(zw_simd_I64X2_MUL(VI64(INT64_MIN, 0x100000000LL), VI64(-1, 0x100000000LL)),
            VI64(INT64_MIN, 0));
    CHECK_V(zw_simd_I64X2_MUL(VU64(0x0123456789abcdefull, 0xfedcba9876543210ull),
                              VU64(0xfedcba9876543210ull, 0x0123456789abcdefull)),
            VU64(0x2236d88fe5618cf0ull, 0x2236d88fe5618cf0ull));
    CHECK_V(zw_simd_I64X2_ABS(VI64(INT64_MIN, -5)), VI64(INT64_MIN, 5));
    CHECK_V(zw_simd_I64X2_NEG(VI64(INT64_MIN, -5)), VI64(INT64_MIN, 5));
}

TEST(simd_int_minmax_avgr_popcnt) {
    zw_v128 a = VI8(0, -1, -128, 127, 1, 2, 3, 4, 0, -1, -128, 127, 1, 2, 3, 4);
    zw_v128 b = VI8(-1, 0, 127, -128, 2, 1, 3, 5, -1, 0, 127, -128, 2, 1, 3, 5);
    CHECK_V(zw_simd_I8X16_MIN_S(a, b), VI8(-1, -1, -128, -128, 1, 1, 3, 4, -1, -1, -128, -128, 1, 1, 3, 4));
    CHECK_V(zw_simd_I8X16_MIN_U(a, b), VI8(0, 0, 127, 127, 1, 1, 3, 4, 0, 0, 127, 127, 1, 1, 3, 4));
    CHECK_V(zw_simd_I8X16_MAX_S(a, b), VI8(0, 0, 127, 127, 2, 2, 3, 5, 0, 0, 127, 127, 2, 2, 3, 5));
    CHECK_V(zw_simd_I8X16_MAX_U(a, b),
            VI8(-1, -1, -128, -128, 2, 2, 3, 5, -1, -1, -128, -128, 2, 2, 3, 5));
    zw_v128 c = VI16(INT16_MIN, -1, 0, 5, 0, 0, 0, 0), d = VI16(INT16_MAX, 0, 0, 4, 0, 0, 0, 0);
    CHECK_V(zw_simd_I16X8_MIN_S(c, d), VI16(INT16_MIN, -1, 0, 4, 0, 0, 0, 0));
    CHECK_V(zw_simd_I16X8_MIN_U(c, d), VI16(INT16_MAX, 0, 0, 4, 0, 0, 0, 0));
    CHECK_V(zw_simd_I16X8_MAX_S(c, d), VI16(INT16_MAX, 0, 0, 5, 0, 0, 0, 0));
    CHECK_V(zw_simd_I16X8_MAX_U(c, d), VI16(INT16_MIN, -1, 0, 5, 0, 0, 0, 0));
    zw_v128 e = VI32(INT32_MIN, -1, 7, 0), f = VI32(INT32_MAX, 1, 7, -7);
    CHECK_V(zw_simd_I32X4_MIN_S(e, f), VI32(INT32_MIN, -1, 7, -7));
    CHECK_V(zw_simd_I32X4_MIN_U(e, f), VI32(INT32_MAX, 1, 7, 0));
    CHECK_V(zw_simd_I32X4_MAX_S(e, f), VI32(INT32_MAX, 1, 7, 0));
    CHECK_V(zw_simd_I32X4_MAX_U(e, f), VI32(INT32_MIN, -1, 7, -7));
    /* avgr_u rounds up and does not overflow */
    CHECK_V(zw_simd_I8X16_AVGR_U(VU8(255, 0, 0, 1, 254, 128, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0),
                                 VU8(255, 1, 0, 2, 255, 127, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0)),
            VU8(255, 1, 0, 2, 255, 128, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0));
    CHECK_V(zw_simd_I16X8_AVGR_U(VU16(65535, 0, 1, 32768, 0, 0, 0, 0),
                                 VU16(65535, 1, 2, 32767, 0, 0, 0, 0)),
            VU16(65535, 1, 2, 32768, 0, 0, 0, 0));
    CHECK_V(zw_simd_I8X16_POPCNT(VU8(0, 1, 0x80, 0xff, 0x55, 0xaa, 0x0f, 7, 0, 0, 0, 0, 0, 0, 0, 0)),
            VU8(0, 1, 1, 8, 4, 4, 4, 3, 0, 0, 0, 0, 0, 0, 0, 0));
}

TEST(simd_saturating) {
    zw_v128 a = VI8(127, -128, 100, -100, 1, -1, 0, 127, 127, -128, 100, -100, 1, -1, 0, 127);
    zw_v128 b = VI8(1, -1, 100, -100, -1, 1, 0, -128, 1, -1, 100, -100, -1, 1, 0, -128);
    CHECK_V(zw_simd_I8X16_ADD_SAT_S(a, b),
            VI8(127, -128, 127, -128, 0, 0, 0, -1, 127, -128, 127, -128, 0, 0, 0, -1));
    CHECK_V(zw_simd_I8X16_SUB_SAT_S(a, b),
            VI8(126, -127, 0, 0, 2, -2, 0, 127, 126, -127, 0, 0, 2, -2, 0, 127));
    /* unsigned view: 127 + 1 = 128; 0x80 + 0xff saturates; 1 - 0xff = 0 */
    CHECK_V(zw_simd_I8X16_ADD_SAT_U(a, b),
            VU8(128, 255, 200, 255, 255, 255, 0, 255, 128, 255, 200, 255, 255, 255, 0, 255));
    CHECK_V(zw_simd_I8X16_SUB_SAT_U(a, b),
            VU8(126, 0, 0, 0, 0, 254, 0, 0, 126, 0, 0, 0, 0, 254, 0, 0));
    zw_v128 c = VI16(INT16_MAX, INT16_MIN, 0x4000, -0x4000, 1, -1, 0, -1);
    zw_v128 d = VI16(1, -1, 0x4000, -0x4001, -1, 1, 0, INT16_MIN);
    CHECK_V(zw_simd_I16X8_ADD_SAT_S(c, d), VI16(INT16_MAX, INT16_MIN, INT16_MAX, INT16_MIN, 0, 0, 0, INT16_MIN));
    CHECK_V(zw_simd_I16X8_SUB_SAT_S(c, d), VI16(32766, -32767, 0, 1, 2, -2, 0, INT16_MAX));
    CHECK_V(zw_simd_I16X8_ADD_SAT_U(c, d), VU16(32768, 65535, 32768, 65535, 65535, 65535, 0, 65535));
    CHECK_V(zw_simd_I16X8_SUB_SAT_U(c, d), VU16(32766, 0, 0, 1, 0, 65534, 0, 32767));
}

TEST(simd_q15mulr_dot) {
    zw_v128 a = VI16(INT16_MIN, INT16_MIN, 16384, 1, -1, 16383, INT16_MAX, -16384);
    zw_v128 b = VI16(INT16_MIN, INT16_MAX, 16384, 16384, 16384, 1, INT16_MAX, 1);
    /* (a*b + 0x4000) >> 15 with saturation; only -32768^2 saturates */
    CHECK_V(zw_simd_I16X8_Q15MULR_SAT_S(a, b), VI16(INT16_MAX, -32767, 8192, 1, 0, 0, 32766, 0));
    CHECK_V(zw_simd_I32X4_DOT_I16X8_S(SPLAT16(INT16_MIN), SPLAT16(INT16_MIN)),
            VU32(0x80000000u, 0x80000000u, 0x80000000u, 0x80000000u));
    CHECK_V(zw_simd_I32X4_DOT_I16X8_S(VI16(1, 2, 3, 4, INT16_MAX, INT16_MAX, -1, 1),
                                      VI16(5, 6, 7, -8, INT16_MAX, INT16_MAX, 1, 1)),
            VI32(17, -11, 2147352578, 0));
}

TEST(simd_shifts) {
    zw_v128 a = VI8(-128, 1, 0x40, -1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13);
    CHECK_V(zw_simd_I8X16_SHL(a, 1), VI8(0, 2, -128, -2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26));
    CHECK_V(zw_simd_I8X16_SHL(a, 9), zw_simd_I8X16_SHL(a, 1)); /* count mod 8 */
    CHECK_V(zw_simd_I8X16_SHL(a, 8), a);
    CHECK_V(zw_simd_I8X16_SHR_S(a, 7), VI8(-1, 0, 0, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
    CHECK_V(zw_simd_I8X16_SHR_U(a, 0xffffffffu), VI8(1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0));
    zw_v128 b = VI16(INT16_MIN, 1, -1, 0x4000, 0, 0, 0, 0);
    CHECK_V(zw_simd_I16X8_SHL(b, 17), VI16(0, 2, -2, INT16_MIN, 0, 0, 0, 0));
    CHECK_V(zw_simd_I16X8_SHR_S(b, 15), VI16(-1, 0, -1, 0, 0, 0, 0, 0));
    CHECK_V(zw_simd_I16X8_SHR_U(b, 31), VI16(1, 0, 1, 0, 0, 0, 0, 0));
    zw_v128 c = VI32(INT32_MIN, 1, -1, 0x12345678);
    CHECK_V(zw_simd_I32X4_SHL(c, 32), c);
    CHECK_V(zw_simd_I32X4_SHL(c, 33), VI32(0, 2, -2, 0x2468acf0));
    CHECK_V(zw_simd_I32X4_SHR_S(c, 31 + 64), VI32(-1, 0, -1, 0));
    CHECK_V(zw_simd_I32X4_SHR_U(c, 4), VI32(0x08000000, 0, 0x0fffffff, 0x01234567));
    zw_v128 d = VI64(INT64_MIN, -1);
    CHECK_V(zw_simd_I64X2_SHL(d, 64), d);
    CHECK_V(zw_simd_I64X2_SHL(d, 65), VI64(0, -2));
    CHECK_V(zw_simd_I64X2_SHR_S(d, 63), VI64(-1, -1));
    CHECK_V(zw_simd_I64X2_SHR_U(d, 127), VI64(1, 1));
    CHECK_V(zw_simd_I64X2_SHR_U(d, 0x80000000u), d);
}

/* ---- narrow / extend / extmul / extadd ------------------------------------------------ */
TEST(simd_narrow_extend) {
    zw_v128 a = VI16(128, -129, 127, -128, 255, 256, -1, 0);
    zw_v128 b = VI16(INT16_MAX, INT16_MIN, 1, -1, 0, 100, -100, 200);
    CHECK_V(zw_simd_I8X16_NARROW_I16X8_S(a, b),
            VI8(127, -128, 127, -128, 127, 127, -1, 0, 127, -128, 1, -1, 0, 100, -100, 127));
    CHECK_V(zw_simd_I8X16_NARROW_I16X8_U(a, b),
            VU8(128, 0, 127, 0, 255, 255, 0, 0, 255, 0, 1, 0, 0, 100, 0, 200));
    zw_v128 c = VI32(32768, -32769, INT32_MAX, INT32_MIN), d = VI32(65535, 65536, -1, 32767);
    CHECK_V(zw_simd_I16X8_NARROW_I32X4_S(c, d),
            VI16(INT16_MAX, INT16_MIN, INT16_MAX, INT16_MIN, INT16_MAX, INT16_MAX, -1, INT16_MAX));
    CHECK_V(zw_simd_I16X8_NARROW_I32X4_U(c, d), VU16(32768, 0, 65535, 0, 65535, 65535, 0, 32767));

    zw_v128 e = VI8(-128, -1, 0, 1, 127, 2, 3, 4, -5, -6, 7, 8, -128, 127, -1, 0);
    CHECK_V(zw_simd_I16X8_EXTEND_LOW_I8X16_S(e), VI16(-128, -1, 0, 1, 127, 2, 3, 4));
    CHECK_V(zw_simd_I16X8_EXTEND_HIGH_I8X16_S(e), VI16(-5, -6, 7, 8, -128, 127, -1, 0));
    CHECK_V(zw_simd_I16X8_EXTEND_LOW_I8X16_U(e), VI16(128, 255, 0, 1, 127, 2, 3, 4));
    CHECK_V(zw_simd_I16X8_EXTEND_HIGH_I8X16_U(e), VI16(251, 250, 7, 8, 128, 127, 255, 0));
    zw_v128 f = VI16(INT16_MIN, -1, 2, 3, INT16_MAX, -2, 0, 1);
    CHECK_V(zw_simd_I32X4_EXTEND_LOW_I16X8_S(f), VI32(INT16_MIN, -1, 2, 3));
    CHECK_V(zw_simd_I32X4_EXTEND_HIGH_I16X8_S(f), VI32(INT16_MAX, -2, 0, 1));
    CHECK_V(zw_simd_I32X4_EXTEND_LOW_I16X8_U(f), VI32(32768, 65535, 2, 3));
    CHECK_V(zw_simd_I32X4_EXTEND_HIGH_I16X8_U(f), VI32(INT16_MAX, 65534, 0, 1));
    zw_v128 g = VI32(INT32_MIN, -1, INT32_MAX, -2);
    CHECK_V(zw_simd_I64X2_EXTEND_LOW_I32X4_S(g), VI64(INT32_MIN, -1));
    CHECK_V(zw_simd_I64X2_EXTEND_HIGH_I32X4_S(g), VI64(INT32_MAX, -2));
    CHECK_V(zw_simd_I64X2_EXTEND_LOW_I32X4_U(g), VI64(0x80000000LL, 0xffffffffLL));
    CHECK_V(zw_simd_I64X2_EXTEND_HIGH_I32X4_U(g), VI64(INT32_MAX, 0xfffffffeLL));
}

TEST(simd_extmul_extadd) {
    zw_v128 a = VI8(-128, -128, 127, -1, 2, 3, 4, 5, -128, 127, -1, -1, 0, 1, 2, 3);
    zw_v128 b = VI8(-128, 127, 127, -1, 2, 3, 4, 5, 127, 127, 1, -1, 0, 1, 2, 3);
    CHECK_V(zw_simd_I16X8_EXTMUL_LOW_I8X16_S(a, b), VI16(16384, -16256, 16129, 1, 4, 9, 16, 25));
    CHECK_V(zw_simd_I16X8_EXTMUL_HIGH_I8X16_S(a, b), VI16(-16256, 16129, -1, 1, 0, 1, 4, 9));
    CHECK_V(zw_simd_I16X8_EXTMUL_LOW_I8X16_U(a, b), VU16(16384, 16256, 16129, 65025, 4, 9, 16, 25));
    CHECK_V(zw_simd_I16X8_EXTMUL_HIGH_I8X16_U(a, b), VU16(16256, 16129, 255, 65025, 0, 1, 4, 9));
    zw_v128 c = VI16(INT16_MIN, -1, INT16_MAX, 2, -1, INT16_MIN, 3, 4);
    zw_v128 d = VI16(INT16_MIN, -1, INT16_MAX, -3, -1, INT16_MAX, 3, 4);
    CHECK_V(zw_simd_I32X4_EXTMUL_LOW_I16X8_S(c, d), VI32(0x40000000, 1, 0x3fff0001, -6));
    CHECK_V(zw_simd_I32X4_EXTMUL_HIGH_I16X8_S(c, d), VI32(1, -0x3fff8000, 9, 16));
    CHECK_V(zw_simd_I32X4_EXTMUL_LOW_I16X8_U(c, d), VU32(0x40000000u, 0xfffe0001u, 0x3fff0001u, 131066u));
    CHECK_V(zw_simd_I32X4_EXTMUL_HIGH_I16X8_U(c, d), VU32(0xfffe0001u, 0x3fff8000u, 9, 16));
    zw_v128 e = VI32(INT32_MIN, -1, INT32_MAX, -1), f = VI32(INT32_MIN, -1, INT32_MIN, INT32_MAX);
    CHECK_V(zw_simd_I64X2_EXTMUL_LOW_I32X4_S(e, f), VI64(0x4000000000000000LL, 1));
    CHECK_V(zw_simd_I64X2_EXTMUL_HIGH_I32X4_S(e, f), VI64(-0x3fffffff80000000LL, -INT32_MAX));
    CHECK_V(zw_simd_I64X2_EXTMUL_LOW_I32X4_U(e, f), VU64(0x4000000000000000ull, 0xfffffffe00000001ull));
    CHECK_V(zw_simd_I64X2_EXTMUL_HIGH_I32X4_U(e, f), VU64(0x3fffffff80000000ull, 0x7ffffffe80000001ull));

    zw_v128 g = VI8(-128, -128, 127, 127, -1, 1, 0, 5, -128, 127, -1, -1, 0, 0, 2, 3);
    CHECK_V(zw_simd_I16X8_EXTADD_PAIRWISE_I8X16_S(g), VI16(-256, 254, 0, 5, -1, -2, 0, 5));
    CHECK_V(zw_simd_I16X8_EXTADD_PAIRWISE_I8X16_U(g), VI16(256, 254, 256, 5, 255, 510, 0, 5));
    zw_v128 h = VI16(INT16_MIN, INT16_MIN, INT16_MAX, INT16_MAX, -1, -1, 1, -1);
    CHECK_V(zw_simd_I32X4_EXTADD_PAIRWISE_I16X8_S(h), VI32(-65536, 65534, -2, 0));
    CHECK_V(zw_simd_I32X4_EXTADD_PAIRWISE_I16X8_U(h), VI32(65536, 65534, 131070, 65536));
}

/* ---- float arithmetic --------------------------------------------------------------------- */
TEST(simd_float_arith) {
    zw_v128 r = zw_simd_F32X4_ADD(VF32(INFINITY, 1.0f, NAN32, 0x1p-149f),
                                  VF32(-INFINITY, 0x1p-24f, 1.0f, -0x1p-149f));
    CHECK(canon32(r.u32[0]) && r.f32[1] == 1.0f && canon32(r.u32[2]) && r.u32[3] == 0);
    r = zw_simd_F32X4_SUB(VF32(0.0f, -0.0f, SNAN32, 1.0f), VF32(0.0f, 0.0f, 1.0f, 0x1p-25f));
    CHECK(r.u32[0] == 0 && r.u32[1] == 0x80000000u && arith32(r.u32[2]) && r.f32[3] == 1.0f);
    r = zw_simd_F32X4_MUL(VF32(0.0f, -0.0f, INFINITY, 0x1p+127f), VF32(INFINITY, 5.0f, -1.0f, 2.0f));
    CHECK(canon32(r.u32[0]) && r.u32[1] == 0x80000000u && r.f32[2] == -INFINITY &&
          r.f32[3] == INFINITY);
    r = zw_simd_F32X4_DIV(VF32(0.0f, 1.0f, -1.0f, 1.0f), VF32(0.0f, -0.0f, 0.0f, 3.0f));
    CHECK(canon32(r.u32[0]) && r.f32[1] == -INFINITY && r.f32[2] == -INFINITY &&
          r.u32[3] == 0x3eaaaaabu);
    r = zw_simd_F32X4_SQRT(VF32(-1.0f, -0.0f, 2.0f, INFINITY));
    CHECK(canon32(r.u32[0]) && r.u32[1] == 0x80000000u && r.u32[2] == 0x3fb504f3u &&
          r.f32[3] == INFINITY);
    zw_v128 q = zw_simd_F64X2_ADD(VF64(0.1, NAN64), VF64(0.2, 1.0));
    CHECK(q.u64[0] == 0x3fd3333333333334ull && canon64(q.u64[1]));
    q = zw_simd_F64X2_SUB(VF64(INFINITY, 1.0), VF64(INFINITY, 0x1p-54));
    CHECK(canon64(q.u64[0]) && q.f64[1] == 1.0);
    q = zw_simd_F64X2_MUL(VF64(SNAN64, 0x1p-1074), VF64(1.0, 0.5));
    CHECK(arith64(q.u64[0]) && q.u64[1] == 0);
    q = zw_simd_F64X2_DIV(VF64(1.0, -0.0), VF64(3.0, 0.0));
    CHECK(q.u64[0] == 0x3fd5555555555555ull && canon64(q.u64[1]));
    q = zw_simd_F64X2_SQRT(VF64(2.0, -INFINITY));
    CHECK(q.u64[0] == 0x3ff6a09e667f3bcdull && canon64(q.u64[1]));

    zw_v128 n = VU32(0x7fc00000u, 0xffa00001u, 0x80000000u, 0x3f800000u);
    CHECK_V(zw_simd_F32X4_ABS(n), VU32(0x7fc00000u, 0x7fa00001u, 0, 0x3f800000u));
    CHECK_V(zw_simd_F32X4_NEG(n), VU32(0xffc00000u, 0x7fa00001u, 0, 0xbf800000u));
    zw_v128 m = VU64(0xfff4000000000001ull, 0);
    CHECK_V(zw_simd_F64X2_ABS(m), VU64(0x7ff4000000000001ull, 0));
    CHECK_V(zw_simd_F64X2_NEG(m), VU64(0x7ff4000000000001ull, 0x8000000000000000ull));
}

TEST(simd_float_minmax) {
    zw_v128 a = VF32(-0.0f, 0.0f, NAN32, 1.0f), b = VF32(0.0f, -0.0f, 1.0f, NNAN32);
    zw_v128 r = zw_simd_F32X4_MIN(a, b);
    CHECK(r.u32[0] == 0x80000000u && r.u32[1] == 0x80000000u && canon32(r.u32[2]) &&
          canon32(r.u32[3]));
    r = zw_simd_F32X4_MAX(a, b);
    CHECK(r.u32[0] == 0 && r.u32[1] == 0 && canon32(r.u32[2]) && canon32(r.u32[3]));
    r = zw_simd_F32X4_MIN(VF32(SNAN32, -INFINITY, 2.0f, -0.0f), VF32(0.0f, INFINITY, -3.0f, -0.0f));
    CHECK(arith32(r.u32[0]) && r.f32[1] == -INFINITY && r.f32[2] == -3.0f && r.u32[3] == 0x80000000u);
    r = zw_simd_F32X4_MAX(VF32(0.0f, -INFINITY, 2.0f, -0.0f), VF32(SNAN32, INFINITY, -3.0f, -0.0f));
    CHECK(arith32(r.u32[0]) && r.f32[1] == INFINITY && r.f32[2] == 2.0f && r.u32[3] == 0x80000000u);
    zw_v128 q = zw_simd_F64X2_MIN(VF64(0.0, NAN64), VF64(-0.0, -INFINITY));
    CHECK(q.u64[0] == 0x8000000000000000ull && canon64(q.u64[1]));
    q = zw_simd_F64X2_MAX(VF64(-0.0, 5.0), VF64(0.0, SNAN64));
    CHECK(q.u64[0] == 0 && arith64(q.u64[1]));
    q = zw_simd_F64X2_MAX(VF64(-1.0, 0x1p-1074), VF64(-2.0, -0x1p-1074));
    CHECK(q.f64[0] == -1.0 && q.f64[1] == 0x1p-1074);

    /* pmin(a, b) = b < a ? b : a ; pmax(a, b) = a < b ? b : a : NaN and
     * zeros pass through bit-exactly */
    zw_v128 c = VU32(0x7fa00001u, 0x3f800000u, 0x80000000u, 0), d = VU32(0x3f800000u, 0xffc00000u, 0, 0x80000000u);
    CHECK_V(zw_simd_F32X4_PMIN(c, d), VU32(0x7fa00001u, 0x3f800000u, 0x80000000u, 0));
    CHECK_V(zw_simd_F32X4_PMAX(c, d), VU32(0x7fa00001u, 0x3f800000u, 0x80000000u, 0));
    CHECK_V(zw_simd_F32X4_PMIN(VF32(2.0f, 1.0f, -INFINITY, 0), VF32(1.0f, 2.0f, INFINITY, 0)),
            VF32(1.0f, 1.0f, -INFINITY, 0));
    CHECK_V(zw_simd_F32X4_PMAX(VF32(2.0f, 1.0f, -INFINITY, 0), VF32(1.0f, 2.0f, INFINITY, 0)),
            VF32(2.0f, 2.0f, INFINITY, 0));
    zw_v128 e = VU64(0x7ff4000000000000ull, 0), f = VU64(0, 0x8000000000000000ull);
    CHECK_V(zw_simd_F64X2_PMIN(e, f), e);
    CHECK_V(zw_simd_F64X2_PMAX(e, f), e);
    CHECK_V(zw_simd_F64X2_PMIN(f, e), f);
    CHECK_V(zw_simd_F64X2_PMIN(VF64(3.0, -1.0), VF64(2.0, 1.0)), VF64(2.0, -1.0));
    CHECK_V(zw_simd_F64X2_PMAX(VF64(3.0, -1.0), VF64(2.0, 1.0)), VF64(3.0, 1.0));
}

TEST(simd_float_rounding) {
    zw_v128 a = VF32(-0.5f, 0.5f, 2.5f, -0x1p-149f);
    CHECK_V(zw_simd_F32X4_CEIL(a), VF32(-0.0f, 1.0f, 3.0f, -0.0f));
    CHECK_V(zw_simd_F32X4_FLOOR(a), VF32(-1.0f, 0.0f, 2.0f, -1.0f));
    CHECK_V(zw_simd_F32X4_TRUNC(a), VF32(-0.0f, 0.0f, 2.0f, -0.0f));
    CHECK_V(zw_simd_F32X4_NEAREST(a), VF32(-0.0f, 0.0f, 2.0f, -0.0f));
    CHECK_V(zw_simd_F32X4_NEAREST(VF32(3.5f, -3.5f, 0x1.fffffep+22f, 0x1.fffffep+127f)),
            VF32(4.0f, -4.0f, 8388608.0f, 0x1.fffffep+127f));
    zw_v128 n = VU32(0x7fc00000u, 0xffa00000u, 0x7f800000u, 0xff800000u);
    zw_v128 (*f32ops[4])(zw_v128) = {zw_simd_F32X4_CEIL, zw_simd_F32X4_FLOOR, zw_simd_F32X4_TRUNC,
                                     zw_simd_F32X4_NEAREST};
    for (int k = 0; k < 4; k++) {
        zw_v128 r = f32ops[k](n);
        CHECK(canon32(r.u32[0]) && r.u32[1] == 0xffe00000u && r.u32[2] == 0x7f800000u &&
              r.u32[3] == 0xff800000u);
    }
    zw_v128 b = VF64(-0.5, 0x1.fffffffffffffp+51);
    CHECK_V(zw_simd_F64X2_CEIL(b), VF64(-0.0, 4503599627370496.0));
    CHECK_V(zw_simd_F64X2_FLOOR(b), VF64(-1.0, 4503599627370495.0));
    CHECK_V(zw_simd_F64X2_TRUNC(b), VF64(-0.0, 4503599627370495.0));
    CHECK_V(zw_simd_F64X2_NEAREST(b), VF64(-0.0, 4503599627370496.0));
    CHECK_V(zw_simd_F64X2_NEAREST(VF64(-2.5, 0x1p-1074)), VF64(-2.0, 0.0));
    zw_v128 m = VU64(0x7ff8000000000000ull, 0x7ff0000000000001ull);
    zw_v128 (*f64ops[4])(zw_v128) = {zw_simd_F64X2_CEIL, zw_simd_F64X2_FLOOR, zw_simd_F64X2_TRUNC,
                                     zw_simd_F64X2_NEAREST};
    for (int k = 0; k < 4; k++) {
        zw_v128 r = f64ops[k](m);
        CHECK(canon64(r.u64[0]) && r.u64[1] == 0x7ff8000000000001ull);
    }
}

/* ---- conversions ------------------------------------------------------------------------ */
TEST(simd_conversions) {
    CHECK_V(zw_simd_I32X4_TRUNC_SAT_F32X4_S(VF32(NAN32, 2147483648.0f, -2147483904.0f, -1.9f)),
            VI32(0, INT32_MAX, INT32_MIN, -1));
    CHECK_V(zw_simd_I32X4_TRUNC_SAT_F32X4_S(VF32(INFINITY, -INFINITY, -2147483648.0f, 2147483520.0f)),
            VI32(INT32_MAX, INT32_MIN, INT32_MIN, 2147483520));
    CHECK_V(zw_simd_I32X4_TRUNC_SAT_F32X4_U(VF32(SNAN32, 4294967296.0f, -1.0f, 4294967040.0f)),
            VU32(0, 0xffffffffu, 0, 4294967040u));
    CHECK_V(zw_simd_I32X4_TRUNC_SAT_F32X4_U(VF32(-0x1.fffffep-1f, 1.9f, INFINITY, 2147483648.0f)),
            VU32(0, 1, 0xffffffffu, 0x80000000u));
    CHECK_V(zw_simd_I32X4_TRUNC_SAT_F64X2_S_ZERO(VF64(-2147483648.9, 2147483647.9)),
            VI32(INT32_MIN, INT32_MAX, 0, 0));
    CHECK_V(zw_simd_I32X4_TRUNC_SAT_F64X2_S_ZERO(VF64(NAN64, -1e300)), VI32(0, INT32_MIN, 0, 0));
    CHECK_V(zw_simd_I32X4_TRUNC_SAT_F64X2_U_ZERO(VF64(4294967295.9, -0.9)), VU32(0xffffffffu, 0, 0, 0));
    CHECK_V(zw_simd_I32X4_TRUNC_SAT_F64X2_U_ZERO(VF64(4294967296.0, SNAN64)), VU32(0xffffffffu, 0, 0, 0));
    CHECK_V(zw_simd_F32X4_CONVERT_I32X4_S(VI32(INT32_MIN, INT32_MAX, 16777217, -16777219)),
            VF32(-2147483648.0f, 2147483648.0f, 16777216.0f, -16777220.0f));
    CHECK_V(zw_simd_F32X4_CONVERT_I32X4_U(VU32(0xffffffffu, 0x80000080u, 0x80000081u, 0xfffffe81u)),
            VF32(4294967296.0f, 0x1p+31f, 0x1.000002p+31f, 0x1.fffffep+31f));
    CHECK_V(zw_simd_F32X4_CONVERT_I32X4_U(VU32(16777219, 0x12345678, 1, 0)),
            VF32(16777220.0f, 0x1.234568p+28f, 1.0f, 0.0f));
    CHECK_V(zw_simd_F64X2_CONVERT_LOW_I32X4_S(VI32(INT32_MIN, -1, 5, 6)), VF64(-2147483648.0, -1.0));
    CHECK_V(zw_simd_F64X2_CONVERT_LOW_I32X4_U(VI32(INT32_MIN, -1, 5, 6)), VF64(2147483648.0, 4294967295.0));
    zw_v128 r = zw_simd_F32X4_DEMOTE_F64X2_ZERO(VF64(0x1.fffffefffffffp+127, NAN64));
    CHECK(r.f32[0] == 0x1.fffffep+127f && canon32(r.u32[1]) && r.u32[2] == 0 && r.u32[3] == 0);
    r = zw_simd_F32X4_DEMOTE_F64X2_ZERO(VF64(0x1.ffffffp+127, -0x1p-150));
    CHECK(r.f32[0] == INFINITY && r.u32[1] == 0x80000000u && r.u32[2] == 0 && r.u32[3] == 0);
    r = zw_simd_F32X4_DEMOTE_F64X2_ZERO(VF64(SNAN64, 0x1.000001p+0));
    CHECK(arith32(r.u32[0]) && r.f32[1] == 1.0f);
    r = zw_simd_F64X2_PROMOTE_LOW_F32X4(VF32(0x1p-149f, NNAN32, 1.0f, 2.0f));
    CHECK(r.f64[0] == 0x1p-149 && canon64(r.u64[1]));
    r = zw_simd_F64X2_PROMOTE_LOW_F32X4(VF32(SNAN32, -INFINITY, 1.0f, 2.0f));
    CHECK(arith64(r.u64[0]) && r.f64[1] == -INFINITY);
}
