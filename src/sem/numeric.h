/*
 * numeric.h — scalar floating-point and conversion helpers with exact
 * WebAssembly semantics, shared by the engines and constant folding (and
 * reused lane-wise by simd.h).
 *
 * Owns: f32/f64 min, max, ceil, floor, trunc, nearest; the checked
 * float->int truncations (trapping) and the saturating ones (trunc_sat);
 * int->float conversions; demote/promote; bit-level abs/neg/copysign.
 *
 * Conventions:
 *   - Float arguments and results are C float/double.  Nothing here changes
 *     a NaN payload except to set the quiet bit, so passing values through
 *     zw_bits_f32()/zw_f32_bits() (common.h) keeps them bit-exact.
 *   - NaN results: when every NaN input is canonical the result is a
 *     canonical NaN; otherwise it is an arithmetic (quiet) NaN, as the spec
 *     requires.  min/max/ceil/floor/trunc/nearest return a NaN input with
 *     the quiet bit set explicitly (not via a + b: LLVM may fold NaN
 *     arithmetic without quieting, so we never rely on it).
 *   - Checked truncations: int zw_trunc_<f32|f64>_<i32|i64>_<s|u>(x, &out)
 *     return ZW_TRUNC_OK (0) and store the result, ZW_TRUNC_NAN (1) for a
 *     NaN input (trap "invalid conversion to integer") or ZW_TRUNC_OVERFLOW
 *     (2) when the truncated value does not fit (trap "integer overflow");
 *     *out is untouched on failure.
 *   - Saturating truncations: zw_trunc_sat_<f32|f64>_<i32|i64>_<s|u>(x)
 *     return int32_t/uint32_t/int64_t/uint64_t (NaN -> 0, clamped).
 *   - Conversions: zw_convert_<i32|i64>_<f32|f64>_<s|u>(int) are correctly
 *     rounded (round to nearest, ties to even).  They are plain C casts:
 *     gcc and clang emit correctly rounded code for every one of them on
 *     x86-64 (u64 uses the halve-with-sticky-bit sequence, never a double
 *     rounding through f64) and AArch64 (scvtf/ucvtf); test_numeric.c
 *     checks the double-rounding traps from conversions.wast.
 * Requires IEEE-754 binary32/binary64 with FLT_EVAL_METHOD == 0 (true for
 * x86-64 SSE and AArch64) and the default rounding mode.
 */
#ifndef ZW_NUMERIC_H
#define ZW_NUMERIC_H

#include <stdint.h>
#include "../common.h"

enum { ZW_TRUNC_OK = 0, ZW_TRUNC_NAN = 1, ZW_TRUNC_OVERFLOW = 2 };

#define ZW_F32_SIGN 0x80000000u
#define ZW_F32_QUIET 0x00400000u
#define ZW_F64_SIGN 0x8000000000000000ull
#define ZW_F64_QUIET 0x0008000000000000ull

/* ---- bit-level sign operations (never touch the payload) -------------- */
static inline float zw_f32_abs(float x) { return zw_bits_f32(zw_f32_bits(x) & ~ZW_F32_SIGN); }
static inline float zw_f32_neg(float x) { return zw_bits_f32(zw_f32_bits(x) ^ ZW_F32_SIGN); }
static inline float zw_f32_copysign(float x, float y) {
    return zw_bits_f32((zw_f32_bits(x) & ~ZW_F32_SIGN) | (zw_f32_bits(y) & ZW_F32_SIGN));
}
static inline double zw_f64_abs(double x) { return zw_bits_f64(zw_f64_bits(x) & ~ZW_F64_SIGN); }
static inline double zw_f64_neg(double x) { return zw_bits_f64(zw_f64_bits(x) ^ ZW_F64_SIGN); }
static inline double zw_f64_copysign(double x, double y) {
    return zw_bits_f64((zw_f64_bits(x) & ~ZW_F64_SIGN) | (zw_f64_bits(y) & ZW_F64_SIGN));
}

/* Set the quiet bit of a NaN (keeps sign and payload). */
static inline float zw_f32_quiet(float x) { return zw_bits_f32(zw_f32_bits(x) | ZW_F32_QUIET); }
static inline double zw_f64_quiet(double x) { return zw_bits_f64(zw_f64_bits(x) | ZW_F64_QUIET); }

/* ---- min / max -------------------------------------------------------- */
/* NaN if either operand is NaN; -0 < +0. */
static inline float zw_f32_min(float a, float b) {
    if (a != a) return zw_f32_quiet(a);
    if (b != b) return zw_f32_quiet(b);
    if (a == b) return zw_bits_f32(zw_f32_bits(a) | zw_f32_bits(b));
    return a < b ? a : b;
}
static inline float zw_f32_max(float a, float b) {
    if (a != a) return zw_f32_quiet(a);
    if (b != b) return zw_f32_quiet(b);
    if (a == b) return zw_bits_f32(zw_f32_bits(a) & zw_f32_bits(b));
    return a > b ? a : b;
}
static inline double zw_f64_min(double a, double b) {
    if (a != a) return zw_f64_quiet(a);
    if (b != b) return zw_f64_quiet(b);
    if (a == b) return zw_bits_f64(zw_f64_bits(a) | zw_f64_bits(b));
    return a < b ? a : b;
}
static inline double zw_f64_max(double a, double b) {
    if (a != a) return zw_f64_quiet(a);
    if (b != b) return zw_f64_quiet(b);
    if (a == b) return zw_bits_f64(zw_f64_bits(a) & zw_f64_bits(b));
    return a > b ? a : b;
}

/* ---- rounding to an integral value ------------------------------------ */
/* The result always has the sign of the input (ceil(-0.5) = -0, ...).
 * Values with |x| >= 2^23 (f32) / 2^52 (f64), infinities and zeros are
 * already integral and returned unchanged; NaNs are quieted.
 * For smaller values, t = trunc(x) is exact through the integer cast. */
static inline float zw_f32_trunc(float x) {
    float ax = zw_f32_abs(x);
    if (!(ax < 8388608.0f)) return x != x ? zw_f32_quiet(x) : x;
    return zw_f32_copysign((float)(int32_t)ax, x);
}
static inline float zw_f32_ceil(float x) {
    float ax = zw_f32_abs(x);
    if (!(ax < 8388608.0f)) return x != x ? zw_f32_quiet(x) : x;
    float t = (float)(int32_t)x;
    if (t < x) t += 1.0f;
    return zw_f32_copysign(t, x);
}
static inline float zw_f32_floor(float x) {
    float ax = zw_f32_abs(x);
    if (!(ax < 8388608.0f)) return x != x ? zw_f32_quiet(x) : x;
    float t = (float)(int32_t)x;
    if (t > x) t -= 1.0f;
    return zw_f32_copysign(t, x);
}
/* Round half to even: adding and subtracting 2^23 rounds |x| < 2^23 to an
 * integer in the default rounding mode. */
static inline float zw_f32_nearest(float x) {
    float ax = zw_f32_abs(x);
    if (!(ax < 8388608.0f)) return x != x ? zw_f32_quiet(x) : x;
    float r = (ax + 8388608.0f) - 8388608.0f; /* not folded: no -ffast-math */
    return zw_f32_copysign(r, x);
}
static inline double zw_f64_trunc(double x) {
    double ax = zw_f64_abs(x);
    if (!(ax < 4503599627370496.0)) return x != x ? zw_f64_quiet(x) : x;
    return zw_f64_copysign((double)(int64_t)ax, x);
}
static inline double zw_f64_ceil(double x) {
    double ax = zw_f64_abs(x);
    if (!(ax < 4503599627370496.0)) return x != x ? zw_f64_quiet(x) : x;
    double t = (double)(int64_t)x;
    if (t < x) t += 1.0;
    return zw_f64_copysign(t, x);
}
static inline double zw_f64_floor(double x) {
    double ax = zw_f64_abs(x);
    if (!(ax < 4503599627370496.0)) return x != x ? zw_f64_quiet(x) : x;
    double t = (double)(int64_t)x;
    if (t > x) t -= 1.0;
    return zw_f64_copysign(t, x);
}
static inline double zw_f64_nearest(double x) {
    double ax = zw_f64_abs(x);
    if (!(ax < 4503599627370496.0)) return x != x ? zw_f64_quiet(x) : x;
    double r = (ax + 4503599627370496.0) - 4503599627370496.0;
    return zw_f64_copysign(r, x);
}

/* ---- checked truncation (trapping) ------------------------------------ */
/* Each bound is the first value outside the range whose truncation is
 * representable: e.g. for i32 from f32 the float just below -2^31 is
 * -2^31 - 256 = -2147483904, and every float strictly between the bounds
 * truncates into range.  NaN fails both comparisons and is tested first. */
#define ZW_TRUNC_BODY(T, x, lo, hi, out)                                        \
    do {                                                                        \
        if ((x) != (x)) return ZW_TRUNC_NAN;                                    \
        if (!((x) > (lo) && (x) < (hi))) return ZW_TRUNC_OVERFLOW;              \
        *(out) = (T)(x);                                                        \
        return ZW_TRUNC_OK;                                                     \
    } while (0)

static inline int zw_trunc_f32_i32_s(float x, int32_t *out) {
    ZW_TRUNC_BODY(int32_t, x, -2147483904.0f, 2147483648.0f, out);
}
static inline int zw_trunc_f32_i32_u(float x, uint32_t *out) {
    ZW_TRUNC_BODY(uint32_t, x, -1.0f, 4294967296.0f, out);
}
static inline int zw_trunc_f64_i32_s(double x, int32_t *out) {
    ZW_TRUNC_BODY(int32_t, x, -2147483649.0, 2147483648.0, out);
}
static inline int zw_trunc_f64_i32_u(double x, uint32_t *out) {
    ZW_TRUNC_BODY(uint32_t, x, -1.0, 4294967296.0, out);
}
/* -2^63 itself is valid; the next float below it is far below -2^63 - 1. */
static inline int zw_trunc_f32_i64_s(float x, int64_t *out) {
    ZW_TRUNC_BODY(int64_t, x, -9223373136366403584.0f, 9223372036854775808.0f, out);
}
static inline int zw_trunc_f32_i64_u(float x, uint64_t *out) {
    ZW_TRUNC_BODY(uint64_t, x, -1.0f, 18446744073709551616.0f, out);
}
static inline int zw_trunc_f64_i64_s(double x, int64_t *out) {
    ZW_TRUNC_BODY(int64_t, x, -9223372036854777856.0, 9223372036854775808.0, out);
}
static inline int zw_trunc_f64_i64_u(double x, uint64_t *out) {
    ZW_TRUNC_BODY(uint64_t, x, -1.0, 18446744073709551616.0, out);
}
#undef ZW_TRUNC_BODY

/* ---- saturating truncation -------------------------------------------- */
#define ZW_TRUNC_SAT_BODY(T, x, lo, hi, minv, maxv)                             \
    do {                                                                        \
        if ((x) != (x)) return 0;                                               \
        if (!((x) > (lo))) return (minv);                                       \
        if (!((x) < (hi))) return (maxv);                                       \
        return (T)(x);                                                          \
    } while (0)

static inline int32_t zw_trunc_sat_f32_i32_s(float x) {
    ZW_TRUNC_SAT_BODY(int32_t, x, -2147483904.0f, 2147483648.0f, INT32_MIN, INT32_MAX);
}
static inline uint32_t zw_trunc_sat_f32_i32_u(float x) {
    ZW_TRUNC_SAT_BODY(uint32_t, x, -1.0f, 4294967296.0f, 0, UINT32_MAX);
}
static inline int32_t zw_trunc_sat_f64_i32_s(double x) {
    ZW_TRUNC_SAT_BODY(int32_t, x, -2147483649.0, 2147483648.0, INT32_MIN, INT32_MAX);
}
static inline uint32_t zw_trunc_sat_f64_i32_u(double x) {
    ZW_TRUNC_SAT_BODY(uint32_t, x, -1.0, 4294967296.0, 0, UINT32_MAX);
}
static inline int64_t zw_trunc_sat_f32_i64_s(float x) {
    ZW_TRUNC_SAT_BODY(int64_t, x, -9223373136366403584.0f, 9223372036854775808.0f, INT64_MIN,
                      INT64_MAX);
}
static inline uint64_t zw_trunc_sat_f32_i64_u(float x) {
    ZW_TRUNC_SAT_BODY(uint64_t, x, -1.0f, 18446744073709551616.0f, 0, UINT64_MAX);
}
static inline int64_t zw_trunc_sat_f64_i64_s(double x) {
    ZW_TRUNC_SAT_BODY(int64_t, x, -9223372036854777856.0, 9223372036854775808.0, INT64_MIN,
                      INT64_MAX);
}
static inline uint64_t zw_trunc_sat_f64_i64_u(double x) {
    ZW_TRUNC_SAT_BODY(uint64_t, x, -1.0, 18446744073709551616.0, 0, UINT64_MAX);
}
#undef ZW_TRUNC_SAT_BODY

/* ---- int -> float (correctly rounded, see the header comment) --------- */
static inline float zw_convert_i32_f32_s(int32_t x) { return (float)x; }
static inline float zw_convert_i32_f32_u(uint32_t x) { return (float)x; }
static inline float zw_convert_i64_f32_s(int64_t x) { return (float)x; }
static inline float zw_convert_i64_f32_u(uint64_t x) { return (float)x; }
static inline double zw_convert_i32_f64_s(int32_t x) { return (double)x; }
static inline double zw_convert_i32_f64_u(uint32_t x) { return (double)x; }
static inline double zw_convert_i64_f64_s(int64_t x) { return (double)x; }
static inline double zw_convert_i64_f64_u(uint64_t x) { return (double)x; }

/* ---- float <-> float -------------------------------------------------- */
/* Hardware conversions (cvtsd2ss / fcvt) round to nearest and turn a NaN
 * into a quiet NaN keeping the top payload bits, so a canonical NaN stays
 * canonical. */
static inline float zw_f32_demote_f64(double x) { return (float)x; }
static inline double zw_f64_promote_f32(float x) { return (double)x; }

/* name(a, b) = a op b computed by the x86-64 SSE instruction insn with a
 * as its first operand (b's constraint: "x" a register, "xm" or memory),
 * or by the AArch64 instruction a64 (operands %0 = %1 op %2), so that the
 * operand order cannot change (sem/scalar.h says why). */
#if ZW_X86_64_ASM
#define ZW_PINNED_OP(name, T, insn, a64, op, bcons)                            \
    static inline T name(T a, T b) {                                           \
        __asm__(#insn " %1, %0" : "+x"(a) : bcons(b));                         \
        return a;                                                              \
    }
#elif ZW_AARCH64_ASM
#define ZW_PINNED_OP(name, T, insn, a64, op, bcons)                            \
    static inline T name(T a, T b) {                                           \
        T r;                                                                   \
        __asm__(a64 : "=w"(r) : "w"(a), "w"(b));                               \
        return r;                                                              \
    }
#else
#define ZW_PINNED_OP(name, T, insn, a64, op, bcons)                            \
    static inline T name(T a, T b) { return a op b; }
#endif

#endif
