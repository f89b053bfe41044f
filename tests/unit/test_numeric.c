/*
 * test_numeric.c — unit tests for src/interp/numeric.h (scalar float
 * min/max/rounding, checked and saturating truncation, conversions).
 * Cases are transcribed from the official testsuite (conversions.wast,
 * f32.wast, f64.wast) with emphasis on NaN, -0, range bounds and rounding.
 */
#include <math.h>

#include "sem/numeric.h"
#include "test.h"

#define F32B(x) zw_f32_bits(x)
#define F64B(x) zw_f64_bits(x)
static int is_canon32(float x) { return (F32B(x) & 0x7fffffffu) == 0x7fc00000u; }
static int is_arith32(float x) { return (F32B(x) & 0x7fc00000u) == 0x7fc00000u; }
static int is_canon64(double x) {
    return (F64B(x) & 0x7fffffffffffffffull) == 0x7ff8000000000000ull;
}
static int is_arith64(double x) {
    return (F64B(x) & 0x7ff8000000000000ull) == 0x7ff8000000000000ull;
}
/* NaN inputs go through volatile so the compiler cannot constant-fold the
 * operation (LLVM folds e.g. sNaN * 1.0 without quieting). */
static float opq32(uint32_t b) { volatile float v = zw_bits_f32(b); return v; }
static double opq64(uint64_t b) { volatile double v = zw_bits_f64(b); return v; }
#define NAN32 opq32(0x7fc00000u)
#define NNAN32 opq32(0xffc00000u)
#define SNAN32 opq32(0x7fa00000u) /* nan:0x200000 */
#define NAN64 opq64(0x7ff8000000000000ull)
#define NNAN64 opq64(0xfff8000000000000ull)
#define SNAN64 opq64(0x7ff4000000000000ull) /* nan:0x4000000000000 */

/* ---- checked truncation ---------------------------------------------------- */
TEST(numeric_trunc_f32_i32_s) {
    int32_t r = 77;
    CHECK(zw_trunc_f32_i32_s(0.0f, &r) == 0 && r == 0);
    CHECK(zw_trunc_f32_i32_s(-0.0f, &r) == 0 && r == 0);
    CHECK(zw_trunc_f32_i32_s(0x1p-149f, &r) == 0 && r == 0);
    CHECK(zw_trunc_f32_i32_s(-0x1p-149f, &r) == 0 && r == 0);
    CHECK(zw_trunc_f32_i32_s(0x1.19999ap+0f, &r) == 0 && r == 1);
    CHECK(zw_trunc_f32_i32_s(-1.5f, &r) == 0 && r == -1);
    CHECK(zw_trunc_f32_i32_s(-1.9f, &r) == 0 && r == -1);
    CHECK(zw_trunc_f32_i32_s(2147483520.0f, &r) == 0 && r == 2147483520);
    CHECK(zw_trunc_f32_i32_s(-2147483648.0f, &r) == 0 && r == INT32_MIN);
    r = 5;
    CHECK(zw_trunc_f32_i32_s(2147483648.0f, &r) == ZW_TRUNC_OVERFLOW && r == 5);
    CHECK(zw_trunc_f32_i32_s(-2147483904.0f, &r) == ZW_TRUNC_OVERFLOW);
    CHECK(zw_trunc_f32_i32_s(INFINITY, &r) == ZW_TRUNC_OVERFLOW);
    CHECK(zw_trunc_f32_i32_s(-INFINITY, &r) == ZW_TRUNC_OVERFLOW);
    CHECK(zw_trunc_f32_i32_s(NAN32, &r) == ZW_TRUNC_NAN);
    CHECK(zw_trunc_f32_i32_s(SNAN32, &r) == ZW_TRUNC_NAN);
    CHECK(zw_trunc_f32_i32_s(NNAN32, &r) == ZW_TRUNC_NAN);
    CHECK(zw_trunc_f32_i32_s(zw_bits_f32(0xffa00000u), &r) == ZW_TRUNC_NAN);
}

TEST(numeric_trunc_f32_i32_u) {
    uint32_t r = 0;
    CHECK(zw_trunc_f32_i32_u(1.9f, &r) == 0 && r == 1);
    CHECK(zw_trunc_f32_i32_u(2147483648.0f, &r) == 0 && r == 0x80000000u);
    CHECK(zw_trunc_f32_i32_u(4294967040.0f, &r) == 0 && r == 4294967040u);
    CHECK(zw_trunc_f32_i32_u(-0x1.ccccccp-1f, &r) == 0 && r == 0);
    CHECK(zw_trunc_f32_i32_u(-0x1.fffffep-1f, &r) == 0 && r == 0);
    CHECK(zw_trunc_f32_i32_u(-0.0f, &r) == 0 && r == 0);
    CHECK(zw_trunc_f32_i32_u(4294967296.0f, &r) == ZW_TRUNC_OVERFLOW);
    CHECK(zw_trunc_f32_i32_u(-1.0f, &r) == ZW_TRUNC_OVERFLOW);
    CHECK(zw_trunc_f32_i32_u(INFINITY, &r) == ZW_TRUNC_OVERFLOW);
    CHECK(zw_trunc_f32_i32_u(-INFINITY, &r) == ZW_TRUNC_OVERFLOW);
    CHECK(zw_trunc_f32_i32_u(NNAN32, &r) == ZW_TRUNC_NAN);
}

TEST(numeric_trunc_f64_i32) {
    int32_t s = 0;
    uint32_t u = 0;
    CHECK(zw_trunc_f64_i32_s(2147483647.0, &s) == 0 && s == INT32_MAX);
    CHECK(zw_trunc_f64_i32_s(-2147483648.0, &s) == 0 && s == INT32_MIN);
    CHECK(zw_trunc_f64_i32_s(-2147483648.9, &s) == 0 && s == INT32_MIN);
    CHECK(zw_trunc_f64_i32_s(2147483647.9, &s) == 0 && s == INT32_MAX);
    CHECK(zw_trunc_f64_i32_s(2147483648.0, &s) == ZW_TRUNC_OVERFLOW);
    CHECK(zw_trunc_f64_i32_s(-2147483649.0, &s) == ZW_TRUNC_OVERFLOW);
    CHECK(zw_trunc_f64_i32_s(0x0.0000000000001p-1022, &s) == 0 && s == 0);
    CHECK(zw_trunc_f64_i32_s(SNAN64, &s) == ZW_TRUNC_NAN);
    CHECK(zw_trunc_f64_i32_u(2147483648.0, &u) == 0 && u == 0x80000000u);
    CHECK(zw_trunc_f64_i32_u(4294967295.0, &u) == 0 && u == 0xffffffffu);
    CHECK(zw_trunc_f64_i32_u(4294967295.9, &u) == 0 && u == 0xffffffffu);
    CHECK(zw_trunc_f64_i32_u(-0x1.fffffffffffffp-1, &u) == 0 && u == 0);
    CHECK(zw_trunc_f64_i32_u(-0.9, &u) == 0 && u == 0);
    CHECK(zw_trunc_f64_i32_u(1e8, &u) == 0 && u == 100000000u);
    CHECK(zw_trunc_f64_i32_u(4294967296.0, &u) == ZW_TRUNC_OVERFLOW);
    CHECK(zw_trunc_f64_i32_u(-1.0, &u) == ZW_TRUNC_OVERFLOW);
    CHECK(zw_trunc_f64_i32_u(1e16, &u) == ZW_TRUNC_OVERFLOW);
    CHECK(zw_trunc_f64_i32_u(9223372036854775808.0, &u) == ZW_TRUNC_OVERFLOW);
    CHECK(zw_trunc_f64_i32_u(-INFINITY, &u) == ZW_TRUNC_OVERFLOW);
    CHECK(zw_trunc_f64_i32_u(NNAN64, &u) == ZW_TRUNC_NAN);
}

TEST(numeric_trunc_i64) {
    int64_t s = 0;
    uint64_t u = 0;
    CHECK(zw_trunc_f32_i64_s(-4294967296.0f, &s) == 0 && s == -4294967296LL);
    CHECK(zw_trunc_f32_i64_s(9223371487098961920.0f, &s) == 0 && s == 9223371487098961920LL);
    CHECK(zw_trunc_f32_i64_s(-9223372036854775808.0f, &s) == 0 && s == INT64_MIN);
    CHECK(zw_trunc_f32_i64_s(9223372036854775808.0f, &s) == ZW_TRUNC_OVERFLOW);
    CHECK(zw_trunc_f32_i64_s(-9223373136366403584.0f, &s) == ZW_TRUNC_OVERFLOW);
    CHECK(zw_trunc_f32_i64_s(NAN32, &s) == ZW_TRUNC_NAN);
    CHECK(zw_trunc_f32_i64_u(18446742974197923840.0f, &u) == 0 && u == 18446742974197923840ULL);
    CHECK(zw_trunc_f32_i64_u(-0x1.fffffep-1f, &u) == 0 && u == 0);
    CHECK(zw_trunc_f32_i64_u(18446744073709551616.0f, &u) == ZW_TRUNC_OVERFLOW);
    CHECK(zw_trunc_f32_i64_u(-1.0f, &u) == ZW_TRUNC_OVERFLOW);
    CHECK(zw_trunc_f64_i64_s(9223372036854774784.0, &s) == 0 && s == 9223372036854774784LL);
    CHECK(zw_trunc_f64_i64_s(-9223372036854775808.0, &s) == 0 && s == INT64_MIN);
    CHECK(zw_trunc_f64_i64_s(9223372036854775808.0, &s) == ZW_TRUNC_OVERFLOW);
    CHECK(zw_trunc_f64_i64_s(-9223372036854777856.0, &s) == ZW_TRUNC_OVERFLOW);
    CHECK(zw_trunc_f64_i64_s(INFINITY, &s) == ZW_TRUNC_OVERFLOW);
    CHECK(zw_trunc_f64_i64_s(SNAN64, &s) == ZW_TRUNC_NAN);
    CHECK(zw_trunc_f64_i64_u(18446744073709549568.0, &u) == 0 && u == 18446744073709549568ULL);
    CHECK(zw_trunc_f64_i64_u(9223372036854775808.0, &u) == 0 && u == 0x8000000000000000ULL);
    CHECK(zw_trunc_f64_i64_u(-0.9, &u) == 0 && u == 0);
    CHECK(zw_trunc_f64_i64_u(1e16, &u) == 0 && u == 10000000000000000ULL);
    CHECK(zw_trunc_f64_i64_u(18446744073709551616.0, &u) == ZW_TRUNC_OVERFLOW);
    CHECK(zw_trunc_f64_i64_u(-1.0, &u) == ZW_TRUNC_OVERFLOW);
    CHECK(zw_trunc_f64_i64_u(NNAN64, &u) == ZW_TRUNC_NAN);
}

/* ---- saturating truncation ---------------------------------------------------- */
TEST(numeric_trunc_sat) {
    CHECK(zw_trunc_sat_f32_i32_s(2147483648.0f) == INT32_MAX);
    CHECK(zw_trunc_sat_f32_i32_s(-2147483904.0f) == INT32_MIN);
    CHECK(zw_trunc_sat_f32_i32_s(-2147483648.0f) == INT32_MIN);
    CHECK(zw_trunc_sat_f32_i32_s(INFINITY) == INT32_MAX);
    CHECK(zw_trunc_sat_f32_i32_s(-INFINITY) == INT32_MIN);
    CHECK(zw_trunc_sat_f32_i32_s(NAN32) == 0);
    CHECK(zw_trunc_sat_f32_i32_s(zw_bits_f32(0xffa00000u)) == 0);
    CHECK(zw_trunc_sat_f32_i32_s(-1.9f) == -1);
    CHECK(zw_trunc_sat_f32_i32_u(4294967296.0f) == UINT32_MAX);
    CHECK(zw_trunc_sat_f32_i32_u(-1.0f) == 0);
    CHECK(zw_trunc_sat_f32_i32_u(-0x1.fffffep-1f) == 0);
    CHECK(zw_trunc_sat_f32_i32_u(4294967040.0f) == 4294967040u);
    CHECK(zw_trunc_sat_f32_i32_u(-INFINITY) == 0);
    CHECK(zw_trunc_sat_f32_i32_u(SNAN32) == 0);
    CHECK(zw_trunc_sat_f64_i32_s(2147483648.0) == INT32_MAX);
    CHECK(zw_trunc_sat_f64_i32_s(-2147483649.0) == INT32_MIN);
    CHECK(zw_trunc_sat_f64_i32_s(-2147483648.9) == INT32_MIN);
    CHECK(zw_trunc_sat_f64_i32_s(1e30) == INT32_MAX);
    CHECK(zw_trunc_sat_f64_i32_u(4294967295.9) == UINT32_MAX);
    CHECK(zw_trunc_sat_f64_i32_u(1e16) == UINT32_MAX);
    CHECK(zw_trunc_sat_f64_i32_u(-0.9) == 0);
    CHECK(zw_trunc_sat_f64_i32_u(NNAN64) == 0);
    CHECK(zw_trunc_sat_f32_i64_s(9223372036854775808.0f) == INT64_MAX);
    CHECK(zw_trunc_sat_f32_i64_s(-9223373136366403584.0f) == INT64_MIN);
    CHECK(zw_trunc_sat_f32_i64_s(-9223372036854775808.0f) == INT64_MIN);
    CHECK(zw_trunc_sat_f32_i64_u(18446744073709551616.0f) == UINT64_MAX);
    CHECK(zw_trunc_sat_f32_i64_u(-1.0f) == 0);
    CHECK(zw_trunc_sat_f64_i64_s(9223372036854775808.0) == INT64_MAX);
    CHECK(zw_trunc_sat_f64_i64_s(-9223372036854777856.0) == INT64_MIN);
    CHECK(zw_trunc_sat_f64_i64_s(9223372036854774784.0) == 9223372036854774784LL);
    CHECK(zw_trunc_sat_f64_i64_s(NAN64) == 0);
    CHECK(zw_trunc_sat_f64_i64_u(18446744073709551616.0) == UINT64_MAX);
    CHECK(zw_trunc_sat_f64_i64_u(18446744073709549568.0) == 18446744073709549568ULL);
    CHECK(zw_trunc_sat_f64_i64_u(-INFINITY) == 0);
    CHECK(zw_trunc_sat_f64_i64_u(INFINITY) == UINT64_MAX);
}

/* ---- conversions ----------------------------------------------------------------- */
TEST(numeric_convert) {
    CHECK(F32B(zw_convert_i32_f32_s(16777217)) == F32B(16777216.0f));
    CHECK(F32B(zw_convert_i32_f32_s(-16777219)) == F32B(-16777220.0f));
    CHECK(F32B(zw_convert_i32_f32_s(INT32_MIN)) == F32B(-2147483648.0f));
    CHECK(F32B(zw_convert_i32_f32_s(0x12345679)) == F32B(0x1.234568p+28f));
    CHECK(F32B(zw_convert_i32_f32_u(0x80000080u)) == F32B(0x1.000000p+31f));
    CHECK(F32B(zw_convert_i32_f32_u(0x80000081u)) == F32B(0x1.000002p+31f));
    CHECK(F32B(zw_convert_i32_f32_u(0xfffffe80u)) == F32B(0x1.fffffcp+31f));
    CHECK(F32B(zw_convert_i32_f32_u(0xfffffe81u)) == F32B(0x1.fffffep+31f));
    CHECK(F32B(zw_convert_i32_f32_u(0xffffffffu)) == F32B(4294967296.0f));
    /* the double-rounding traps: must not go through f64 */
    CHECK(F32B(zw_convert_i64_f32_s(0x20000020000001LL)) == F32B(0x1.000002p+53f));
    CHECK(F32B(zw_convert_i64_f32_s(-0x20000020000001LL)) == F32B(-0x1.000002p+53f));
    CHECK(F32B(zw_convert_i64_f32_s(0x7fffff4000000001LL)) == F32B(0x1.fffffep+62f));
    CHECK(F32B(zw_convert_i64_f32_s(INT64_MIN)) == F32B(-0x1p+63f));
    CHECK(F32B(zw_convert_i64_f32_u(0x0020000020000001ULL)) == F32B(0x1.000002p+53f));
    CHECK(F32B(zw_convert_i64_f32_u(0x7fffffbfffffffffULL)) == F32B(0x1.fffffep+62f));
    CHECK(F32B(zw_convert_i64_f32_u(0x8000008000000001ULL)) == F32B(0x1.000002p+63f));
    CHECK(F32B(zw_convert_i64_f32_u(0xfffffe8000000001ULL)) == F32B(0x1.fffffep+63f));
    CHECK(F32B(zw_convert_i64_f32_u(0xffffffffffffffffULL)) == F32B(18446744073709551616.0f));
    CHECK(F64B(zw_convert_i32_f64_u(0xffffffffu)) == F64B(4294967295.0));
    CHECK(F64B(zw_convert_i32_f64_s(INT32_MIN)) == F64B(-2147483648.0));
    CHECK(F64B(zw_convert_i64_f64_s(9007199254740993LL)) == F64B(9007199254740992.0));
    CHECK(F64B(zw_convert_i64_f64_s(-9007199254740995LL)) == F64B(-9007199254740996.0));
    CHECK(F64B(zw_convert_i64_f64_u(0x8000000000000400ULL)) == F64B(0x1.0000000000000p+63));
    CHECK(F64B(zw_convert_i64_f64_u(0x8000000000000401ULL)) == F64B(0x1.0000000000001p+63));
    CHECK(F64B(zw_convert_i64_f64_u(0xfffffffffffff400ULL)) == F64B(0x1.ffffffffffffep+63));
    CHECK(F64B(zw_convert_i64_f64_u(0xfffffffffffff401ULL)) == F64B(0x1.fffffffffffffp+63));
    CHECK(F64B(zw_convert_i64_f64_u(0xffffffffffffffffULL)) == F64B(18446744073709551616.0));
    CHECK(F64B(zw_convert_i64_f64_u(9007199254740995ULL)) == F64B(9007199254740996.0));
}

TEST(numeric_demote_promote) {
    CHECK(F64B(zw_f64_promote_f32(-0.0f)) == F64B(-0.0));
    CHECK(F64B(zw_f64_promote_f32(0x1p-149f)) == F64B(0x1p-149));
    CHECK(F64B(zw_f64_promote_f32(0x1.8f867ep+125f)) == F64B(6.6382536710104395e+37));
    CHECK(is_canon64(zw_f64_promote_f32(NAN32)));
    CHECK(is_canon64(zw_f64_promote_f32(NNAN32)));
    CHECK(is_arith64(zw_f64_promote_f32(SNAN32)));
    CHECK(F32B(zw_f32_demote_f64(0x1.fffffefffffffp+127)) == F32B(0x1.fffffep+127f));
    CHECK(F32B(zw_f32_demote_f64(0x1.ffffffp+127)) == F32B(INFINITY));
    CHECK(F32B(zw_f32_demote_f64(0x1p-150)) == F32B(0.0f));
    CHECK(F32B(zw_f32_demote_f64(-0x1.0000000000001p-150)) == F32B(-0x1p-149f));
    CHECK(F32B(zw_f32_demote_f64(0x1.000001p+0)) == F32B(1.0f));    /* tie -> even */
    CHECK(F32B(zw_f32_demote_f64(0x1.000003p+0)) == F32B(0x1.000004p+0f));
    CHECK(F32B(zw_f32_demote_f64(0x1.fffffe0000000p-127)) == F32B(0x1p-126f));
    CHECK(F32B(zw_f32_demote_f64(0x1.0000010000001p+0)) == F32B(0x1.000002p+0f));
    CHECK(is_canon32(zw_f32_demote_f64(NAN64)));
    CHECK(is_canon32(zw_f32_demote_f64(NNAN64)));
    CHECK(is_arith32(zw_f32_demote_f64(SNAN64)));
}

/* ---- min / max ------------------------------------------------------------------ */
TEST(numeric_minmax) {
    CHECK(F32B(zw_f32_min(-0.0f, 0.0f)) == F32B(-0.0f));
    CHECK(F32B(zw_f32_min(0.0f, -0.0f)) == F32B(-0.0f));
    CHECK(F32B(zw_f32_max(-0.0f, 0.0f)) == F32B(0.0f));
    CHECK(F32B(zw_f32_max(0.0f, -0.0f)) == F32B(0.0f));
    CHECK(F32B(zw_f32_max(-0.0f, -0.0f)) == F32B(-0.0f));
    CHECK(F32B(zw_f32_min(0x1p-149f, -0x1p-149f)) == F32B(-0x1p-149f));
    CHECK(F32B(zw_f32_max(-INFINITY, 0x1.fffffep+127f)) == F32B(0x1.fffffep+127f));
    CHECK(F32B(zw_f32_min(-INFINITY, INFINITY)) == F32B(-INFINITY));
    CHECK(is_canon32(zw_f32_min(NAN32, 1.0f)));
    CHECK(is_canon32(zw_f32_min(1.0f, NNAN32)));
    CHECK(is_canon32(zw_f32_max(NNAN32, -INFINITY)));
    CHECK(is_canon32(zw_f32_max(INFINITY, NAN32)));
    CHECK(is_arith32(zw_f32_min(SNAN32, 0.0f)));
    CHECK(is_arith32(zw_f32_max(0.0f, SNAN32)));
    CHECK(is_arith32(zw_f32_max(SNAN32, NAN32)));
    CHECK(F64B(zw_f64_min(-0.0, 0.0)) == F64B(-0.0));
    CHECK(F64B(zw_f64_min(0.0, -0.0)) == F64B(-0.0));
    CHECK(F64B(zw_f64_max(-0.0, 0.0)) == F64B(0.0));
    CHECK(F64B(zw_f64_max(0.0, -0.0)) == F64B(0.0));
    CHECK(F64B(zw_f64_max(-0x1p-1074, -0x1p-1022)) == F64B(-0x1p-1074));
    CHECK(F64B(zw_f64_min(-0x1p-1074, -0x1p-1022)) == F64B(-0x1p-1022));
    CHECK(is_canon64(zw_f64_min(NAN64, -INFINITY)));
    CHECK(is_canon64(zw_f64_max(-0.5, NNAN64)));
    CHECK(is_arith64(zw_f64_min(SNAN64, 1.0)));
    CHECK(is_arith64(zw_f64_max(1.0, zw_bits_f64(0xfff4000000000000ull))));
}

/* ---- rounding ------------------------------------------------------------------- */
TEST(numeric_round_f32) {
    static const struct { float x, ceil, floor, trunc, nearest; } c[] = {
        {0.0f, 0.0f, 0.0f, 0.0f, 0.0f},
        {-0.0f, -0.0f, -0.0f, -0.0f, -0.0f},
        {0x1p-149f, 1.0f, 0.0f, 0.0f, 0.0f},
        {-0x1p-149f, -0.0f, -1.0f, -0.0f, -0.0f},
        {0.5f, 1.0f, 0.0f, 0.0f, 0.0f},
        {-0.5f, -0.0f, -1.0f, -0.0f, -0.0f},
        {1.5f, 2.0f, 1.0f, 1.0f, 2.0f},
        {-1.5f, -1.0f, -2.0f, -1.0f, -2.0f},
        {2.5f, 3.0f, 2.0f, 2.0f, 2.0f},
        {-2.5f, -2.0f, -3.0f, -2.0f, -2.0f},
        {-3.5f, -3.0f, -4.0f, -3.0f, -4.0f},
        {0x1.921fb6p+2f, 7.0f, 6.0f, 6.0f, 6.0f},
        {-0x1.921fb6p+2f, -6.0f, -7.0f, -6.0f, -6.0f},
        {0x1.fffffep-1f, 1.0f, 0.0f, 0.0f, 1.0f},
        {0x1.fffffep+22f, 8388608.0f, 8388607.0f, 8388607.0f, 8388608.0f},
        {-0x1.fffffep+22f, -8388607.0f, -8388608.0f, -8388607.0f, -8388608.0f},
        {8388609.0f, 8388609.0f, 8388609.0f, 8388609.0f, 8388609.0f},
        {0x1.fffffep+127f, 0x1.fffffep+127f, 0x1.fffffep+127f, 0x1.fffffep+127f,
         0x1.fffffep+127f},
        {-INFINITY, -INFINITY, -INFINITY, -INFINITY, -INFINITY},
        {INFINITY, INFINITY, INFINITY, INFINITY, INFINITY},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        CHECK(F32B(zw_f32_ceil(c[i].x)) == F32B(c[i].ceil));
        CHECK(F32B(zw_f32_floor(c[i].x)) == F32B(c[i].floor));
        CHECK(F32B(zw_f32_trunc(c[i].x)) == F32B(c[i].trunc));
        CHECK(F32B(zw_f32_nearest(c[i].x)) == F32B(c[i].nearest));
    }
    float (*fns[4])(float) = {zw_f32_ceil, zw_f32_floor, zw_f32_trunc, zw_f32_nearest};
    for (int k = 0; k < 4; k++) {
        CHECK(is_canon32(fns[k](NAN32)));
        CHECK(F32B(fns[k](NNAN32)) == 0xffc00000u);
        CHECK(F32B(fns[k](SNAN32)) == 0x7fe00000u); /* quieted, payload kept */
    }
}

TEST(numeric_round_f64) {
    static const struct { double x, ceil, floor, trunc, nearest; } c[] = {
        {-0.0, -0.0, -0.0, -0.0, -0.0},
        {0x0.0000000000001p-1022, 1.0, 0.0, 0.0, 0.0},
        {-0x0.0000000000001p-1022, -0.0, -1.0, -0.0, -0.0},
        {-0.5, -0.0, -1.0, -0.0, -0.0},
        {0.5, 1.0, 0.0, 0.0, 0.0},
        {2.5, 3.0, 2.0, 2.0, 2.0},
        {-2.5, -2.0, -3.0, -2.0, -2.0},
        {3.5, 4.0, 3.0, 3.0, 4.0},
        {0x1.921fb54442d18p+2, 7.0, 6.0, 6.0, 6.0},
        {0x1.fffffffffffffp+51, 4503599627370496.0, 4503599627370495.0, 4503599627370495.0,
         4503599627370496.0},
        {-0x1.fffffffffffffp+51, -4503599627370495.0, -4503599627370496.0,
         -4503599627370495.0, -4503599627370496.0},
        {4503599627370497.0, 4503599627370497.0, 4503599627370497.0, 4503599627370497.0,
         4503599627370497.0},
        {0x1.fffffffffffffp+1023, 0x1.fffffffffffffp+1023, 0x1.fffffffffffffp+1023,
         0x1.fffffffffffffp+1023, 0x1.fffffffffffffp+1023},
        {-INFINITY, -INFINITY, -INFINITY, -INFINITY, -INFINITY},
    };
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        CHECK(F64B(zw_f64_ceil(c[i].x)) == F64B(c[i].ceil));
        CHECK(F64B(zw_f64_floor(c[i].x)) == F64B(c[i].floor));
        CHECK(F64B(zw_f64_trunc(c[i].x)) == F64B(c[i].trunc));
        CHECK(F64B(zw_f64_nearest(c[i].x)) == F64B(c[i].nearest));
    }
    double (*fns[4])(double) = {zw_f64_ceil, zw_f64_floor, zw_f64_trunc, zw_f64_nearest};
    for (int k = 0; k < 4; k++) {
        CHECK(is_canon64(fns[k](NAN64)));
        CHECK(F64B(fns[k](NNAN64)) == 0xfff8000000000000ull);
        CHECK(F64B(fns[k](SNAN64)) == 0x7ffc000000000000ull);
    }
}

TEST(numeric_sign_ops) {
    CHECK(F32B(zw_f32_abs(NNAN32)) == 0x7fc00000u);
    CHECK(F32B(zw_f32_neg(SNAN32)) == 0xffa00000u);
    CHECK(F32B(zw_f32_copysign(SNAN32, -0.0f)) == 0xffa00000u);
    CHECK(F32B(zw_f32_copysign(-1.0f, NAN32)) == F32B(1.0f));
    CHECK(F64B(zw_f64_abs(-0.0)) == 0);
    CHECK(F64B(zw_f64_neg(SNAN64)) == 0xfff4000000000000ull);
    CHECK(F64B(zw_f64_copysign(2.0, NNAN64)) == F64B(-2.0));
}
