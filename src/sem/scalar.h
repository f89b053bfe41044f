/*
 * scalar.h — semantics of every scalar (non-SIMD) fixed-signature
 * instruction as one macro per opcode, SEM_<ID>(operands...), shared by
 * every stage that computes Wasm values: the interpreter's generated
 * handlers (and its register-immediate and fused compare-and-branch
 * forms), the lowering's constant folding, and the JIT's helper calls.
 * Also the scalar memory accessors LD_<ID>(p) (load: the result's slot
 * bits) and ST_<ID>(p, slot) (store); the bytes each accesses are
 * opcodes.def's ACCESS column (ZW_ACCESS_<ID>).
 *
 * Operand types by signature letter: i uint32_t, l uint64_t, f float,
 * d double.  Traps use TRAP(kind), defined by the including file; the
 * statement-expression forms are GNU C.
 */
#ifndef ZW_SEM_SCALAR_H
#define ZW_SEM_SCALAR_H

#include <math.h>

#include "numeric.h"

static inline uint16_t zw_ld16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }
static inline uint32_t zw_ld32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static inline uint64_t zw_ld64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }
static inline void zw_st16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static inline void zw_st32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static inline void zw_st64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

#define S32(x) ((int32_t)(x))
#define S64(x) ((int64_t)(x))

/* ---- i32 ---- */
#define SEM_I32_EQZ(a) ((uint32_t)((a) == 0))
#define SEM_I32_EQ(a, b) ((uint32_t)((a) == (b)))
#define SEM_I32_NE(a, b) ((uint32_t)((a) != (b)))
#define SEM_I32_LT_S(a, b) ((uint32_t)(S32(a) < S32(b)))
#define SEM_I32_LT_U(a, b) ((uint32_t)((a) < (b)))
#define SEM_I32_GT_S(a, b) ((uint32_t)(S32(a) > S32(b)))
#define SEM_I32_GT_U(a, b) ((uint32_t)((a) > (b)))
#define SEM_I32_LE_S(a, b) ((uint32_t)(S32(a) <= S32(b)))
#define SEM_I32_LE_U(a, b) ((uint32_t)((a) <= (b)))
#define SEM_I32_GE_S(a, b) ((uint32_t)(S32(a) >= S32(b)))
#define SEM_I32_GE_U(a, b) ((uint32_t)((a) >= (b)))
#define SEM_I32_CLZ(a) ((a) ? (uint32_t)__builtin_clz(a) : 32u)
#define SEM_I32_CTZ(a) ((a) ? (uint32_t)__builtin_ctz(a) : 32u)
#define SEM_I32_POPCNT(a) ((uint32_t)__builtin_popcount(a))
#define SEM_I32_ADD(a, b) ((uint32_t)((a) + (b)))
#define SEM_I32_SUB(a, b) ((uint32_t)((a) - (b)))
#define SEM_I32_MUL(a, b) ((uint32_t)((a) * (b)))
#define SEM_I32_DIV_S(a, b) ({                                                  \
    uint32_t a_ = (a), b_ = (b);                                                \
    if (ZW_UNLIKELY(b_ == 0)) TRAP(ZWASM_TRAP_INT_DIV_ZERO);                    \
    if (ZW_UNLIKELY(a_ == 0x80000000u && b_ == 0xFFFFFFFFu)) TRAP(ZWASM_TRAP_INT_OVERFLOW); \
    (uint32_t)(S32(a_) / S32(b_)); })
#define SEM_I32_DIV_U(a, b) ({                                                  \
    uint32_t a_ = (a), b_ = (b);                                                \
    if (ZW_UNLIKELY(b_ == 0)) TRAP(ZWASM_TRAP_INT_DIV_ZERO);                    \
    a_ / b_; })
#define SEM_I32_REM_S(a, b) ({                                                  \
    uint32_t a_ = (a), b_ = (b);                                                \
    if (ZW_UNLIKELY(b_ == 0)) TRAP(ZWASM_TRAP_INT_DIV_ZERO);                    \
    b_ == 0xFFFFFFFFu ? 0u : (uint32_t)(S32(a_) % S32(b_)); })
#define SEM_I32_REM_U(a, b) ({                                                  \
    uint32_t a_ = (a), b_ = (b);                                                \
    if (ZW_UNLIKELY(b_ == 0)) TRAP(ZWASM_TRAP_INT_DIV_ZERO);                    \
    a_ % b_; })
#define SEM_I32_AND(a, b) ((a) & (b))
#define SEM_I32_OR(a, b) ((a) | (b))
#define SEM_I32_XOR(a, b) ((a) ^ (b))
#define SEM_I32_SHL(a, b) ((uint32_t)((a) << ((b) & 31)))
#define SEM_I32_SHR_S(a, b) ((uint32_t)(S32(a) >> ((b) & 31)))
#define SEM_I32_SHR_U(a, b) ((uint32_t)((a) >> ((b) & 31)))
#define SEM_I32_ROTL(a, b) ({ uint32_t a_ = (a), k_ = (b) & 31; (uint32_t)((a_ << k_) | (a_ >> ((32 - k_) & 31))); })
#define SEM_I32_ROTR(a, b) ({ uint32_t a_ = (a), k_ = (b) & 31; (uint32_t)((a_ >> k_) | (a_ << ((32 - k_) & 31))); })

/* ---- i64 ---- */
#define SEM_I64_EQZ(a) ((uint32_t)((a) == 0))
#define SEM_I64_EQ(a, b) ((uint32_t)((a) == (b)))
#define SEM_I64_NE(a, b) ((uint32_t)((a) != (b)))
#define SEM_I64_LT_S(a, b) ((uint32_t)(S64(a) < S64(b)))
#define SEM_I64_LT_U(a, b) ((uint32_t)((a) < (b)))
#define SEM_I64_GT_S(a, b) ((uint32_t)(S64(a) > S64(b)))
#define SEM_I64_GT_U(a, b) ((uint32_t)((a) > (b)))
#define SEM_I64_LE_S(a, b) ((uint32_t)(S64(a) <= S64(b)))
#define SEM_I64_LE_U(a, b) ((uint32_t)((a) <= (b)))
#define SEM_I64_GE_S(a, b) ((uint32_t)(S64(a) >= S64(b)))
#define SEM_I64_GE_U(a, b) ((uint32_t)((a) >= (b)))
#define SEM_I64_CLZ(a) ((a) ? (uint64_t)__builtin_clzll(a) : 64u)
#define SEM_I64_CTZ(a) ((a) ? (uint64_t)__builtin_ctzll(a) : 64u)
#define SEM_I64_POPCNT(a) ((uint64_t)__builtin_popcountll(a))
#define SEM_I64_ADD(a, b) ((uint64_t)((a) + (b)))
#define SEM_I64_SUB(a, b) ((uint64_t)((a) - (b)))
#define SEM_I64_MUL(a, b) ((uint64_t)((a) * (b)))
#define SEM_I64_DIV_S(a, b) ({                                                  \
    uint64_t a_ = (a), b_ = (b);                                                \
    if (ZW_UNLIKELY(b_ == 0)) TRAP(ZWASM_TRAP_INT_DIV_ZERO);                    \
    if (ZW_UNLIKELY(a_ == 0x8000000000000000ull && b_ == ~0ull)) TRAP(ZWASM_TRAP_INT_OVERFLOW); \
    (uint64_t)(S64(a_) / S64(b_)); })
#define SEM_I64_DIV_U(a, b) ({                                                  \
    uint64_t a_ = (a), b_ = (b);                                                \
    if (ZW_UNLIKELY(b_ == 0)) TRAP(ZWASM_TRAP_INT_DIV_ZERO);                    \
    a_ / b_; })
#define SEM_I64_REM_S(a, b) ({                                                  \
    uint64_t a_ = (a), b_ = (b);                                                \
    if (ZW_UNLIKELY(b_ == 0)) TRAP(ZWASM_TRAP_INT_DIV_ZERO);                    \
    b_ == ~0ull ? 0u : (uint64_t)(S64(a_) % S64(b_)); })
#define SEM_I64_REM_U(a, b) ({                                                  \
    uint64_t a_ = (a), b_ = (b);                                                \
    if (ZW_UNLIKELY(b_ == 0)) TRAP(ZWASM_TRAP_INT_DIV_ZERO);                    \
    a_ % b_; })
#define SEM_I64_AND(a, b) ((a) & (b))
#define SEM_I64_OR(a, b) ((a) | (b))
#define SEM_I64_XOR(a, b) ((a) ^ (b))
#define SEM_I64_SHL(a, b) ((uint64_t)((a) << ((b) & 63)))
#define SEM_I64_SHR_S(a, b) ((uint64_t)(S64(a) >> ((b) & 63)))
#define SEM_I64_SHR_U(a, b) ((uint64_t)((a) >> ((b) & 63)))
#define SEM_I64_ROTL(a, b) ({ uint64_t a_ = (a), k_ = (b) & 63; (uint64_t)((a_ << k_) | (a_ >> ((64 - k_) & 63))); })
#define SEM_I64_ROTR(a, b) ({ uint64_t a_ = (a), k_ = (b) & 63; (uint64_t)((a_ >> k_) | (a_ << ((64 - k_) & 63))); })

/* ---- float compares ---- */
#define SEM_F32_EQ(a, b) ((uint32_t)((a) == (b)))
#define SEM_F32_NE(a, b) ((uint32_t)((a) != (b)))
#define SEM_F32_LT(a, b) ((uint32_t)((a) < (b)))
#define SEM_F32_GT(a, b) ((uint32_t)((a) > (b)))
#define SEM_F32_LE(a, b) ((uint32_t)((a) <= (b)))
#define SEM_F32_GE(a, b) ((uint32_t)((a) >= (b)))
#define SEM_F64_EQ SEM_F32_EQ
#define SEM_F64_NE SEM_F32_NE
#define SEM_F64_LT SEM_F32_LT
#define SEM_F64_GT SEM_F32_GT
#define SEM_F64_LE SEM_F32_LE
#define SEM_F64_GE SEM_F32_GE

/* ---- float arithmetic ---- */
/* Float add and mul with both operands NaN: x86 and AArch64 return
 * the first operand's NaN (quieted), and the JIT computes a op b in that order.  A C
 * compiler may swap the operands of a commutative + or *, so on x86-64 the
 * order is pinned here: both engines return the same bits (the spec allows
 * either NaN, but the engines must agree). */
ZW_PINNED_OP(zw_f32_add, float, addss, "fadd %s0, %s1, %s2", +, "xm")
ZW_PINNED_OP(zw_f32_mul, float, mulss, "fmul %s0, %s1, %s2", *, "xm")
ZW_PINNED_OP(zw_f64_add, double, addsd, "fadd %d0, %d1, %d2", +, "xm")
ZW_PINNED_OP(zw_f64_mul, double, mulsd, "fmul %d0, %d1, %d2", *, "xm")

#define SEM_F32_ABS(a) zw_f32_abs(a)
#define SEM_F32_NEG(a) zw_f32_neg(a)
#define SEM_F32_CEIL(a) zw_f32_ceil(a)
#define SEM_F32_FLOOR(a) zw_f32_floor(a)
#define SEM_F32_TRUNC(a) zw_f32_trunc(a)
#define SEM_F32_NEAREST(a) zw_f32_nearest(a)
#define SEM_F32_SQRT(a) sqrtf(a)
#define SEM_F32_ADD(a, b) zw_f32_add(a, b)
#define SEM_F32_SUB(a, b) ((a) - (b))
#define SEM_F32_MUL(a, b) zw_f32_mul(a, b)
#define SEM_F32_DIV(a, b) ((a) / (b))
#define SEM_F32_MIN(a, b) zw_f32_min(a, b)
#define SEM_F32_MAX(a, b) zw_f32_max(a, b)
#define SEM_F32_COPYSIGN(a, b) zw_f32_copysign(a, b)
#define SEM_F64_ABS(a) zw_f64_abs(a)
#define SEM_F64_NEG(a) zw_f64_neg(a)
#define SEM_F64_CEIL(a) zw_f64_ceil(a)
#define SEM_F64_FLOOR(a) zw_f64_floor(a)
#define SEM_F64_TRUNC(a) zw_f64_trunc(a)
#define SEM_F64_NEAREST(a) zw_f64_nearest(a)
#define SEM_F64_SQRT(a) sqrt(a)
#define SEM_F64_ADD(a, b) zw_f64_add(a, b)
#define SEM_F64_SUB(a, b) ((a) - (b))
#define SEM_F64_MUL(a, b) zw_f64_mul(a, b)
#define SEM_F64_DIV(a, b) ((a) / (b))
#define SEM_F64_MIN(a, b) zw_f64_min(a, b)
#define SEM_F64_MAX(a, b) zw_f64_max(a, b)
#define SEM_F64_COPYSIGN(a, b) zw_f64_copysign(a, b)

/* ---- conversions ---- */
#define TRUNC_CHECKED(fn, T, a) ({                                              \
    T r_;                                                                       \
    int e_ = fn(a, &r_);                                                        \
    if (ZW_UNLIKELY(e_))                                                        \
        TRAP(e_ == ZW_TRUNC_NAN ? ZWASM_TRAP_INVALID_CONVERSION : ZWASM_TRAP_INT_OVERFLOW); \
    r_; })
#define SEM_I32_WRAP_I64(a) ((uint32_t)(a))
#define SEM_I32_TRUNC_F32_S(a) ((uint32_t)TRUNC_CHECKED(zw_trunc_f32_i32_s, int32_t, a))
#define SEM_I32_TRUNC_F32_U(a) TRUNC_CHECKED(zw_trunc_f32_i32_u, uint32_t, a)
#define SEM_I32_TRUNC_F64_S(a) ((uint32_t)TRUNC_CHECKED(zw_trunc_f64_i32_s, int32_t, a))
#define SEM_I32_TRUNC_F64_U(a) TRUNC_CHECKED(zw_trunc_f64_i32_u, uint32_t, a)
#define SEM_I64_EXTEND_I32_S(a) ((uint64_t)(int64_t)S32(a))
#define SEM_I64_EXTEND_I32_U(a) ((uint64_t)(a))
#define SEM_I64_TRUNC_F32_S(a) ((uint64_t)TRUNC_CHECKED(zw_trunc_f32_i64_s, int64_t, a))
#define SEM_I64_TRUNC_F32_U(a) TRUNC_CHECKED(zw_trunc_f32_i64_u, uint64_t, a)
#define SEM_I64_TRUNC_F64_S(a) ((uint64_t)TRUNC_CHECKED(zw_trunc_f64_i64_s, int64_t, a))
#define SEM_I64_TRUNC_F64_U(a) TRUNC_CHECKED(zw_trunc_f64_i64_u, uint64_t, a)
#define SEM_F32_CONVERT_I32_S(a) zw_convert_i32_f32_s(S32(a))
#define SEM_F32_CONVERT_I32_U(a) zw_convert_i32_f32_u(a)
#define SEM_F32_CONVERT_I64_S(a) zw_convert_i64_f32_s(S64(a))
#define SEM_F32_CONVERT_I64_U(a) zw_convert_i64_f32_u(a)
#define SEM_F32_DEMOTE_F64(a) zw_f32_demote_f64(a)
#define SEM_F64_CONVERT_I32_S(a) zw_convert_i32_f64_s(S32(a))
#define SEM_F64_CONVERT_I32_U(a) zw_convert_i32_f64_u(a)
#define SEM_F64_CONVERT_I64_S(a) zw_convert_i64_f64_s(S64(a))
#define SEM_F64_CONVERT_I64_U(a) zw_convert_i64_f64_u(a)
#define SEM_F64_PROMOTE_F32(a) zw_f64_promote_f32(a)
#define SEM_I32_REINTERPRET_F32(a) zw_f32_bits(a)
#define SEM_I64_REINTERPRET_F64(a) zw_f64_bits(a)
#define SEM_F32_REINTERPRET_I32(a) zw_bits_f32(a)
#define SEM_F64_REINTERPRET_I64(a) zw_bits_f64(a)
#define SEM_I32_EXTEND8_S(a) ((uint32_t)(int32_t)(int8_t)(a))
#define SEM_I32_EXTEND16_S(a) ((uint32_t)(int32_t)(int16_t)(a))
#define SEM_I64_EXTEND8_S(a) ((uint64_t)(int64_t)(int8_t)(a))
#define SEM_I64_EXTEND16_S(a) ((uint64_t)(int64_t)(int16_t)(a))
#define SEM_I64_EXTEND32_S(a) ((uint64_t)(int64_t)(int32_t)(a))
#define SEM_I32_TRUNC_SAT_F32_S(a) ((uint32_t)zw_trunc_sat_f32_i32_s(a))
#define SEM_I32_TRUNC_SAT_F32_U(a) zw_trunc_sat_f32_i32_u(a)
#define SEM_I32_TRUNC_SAT_F64_S(a) ((uint32_t)zw_trunc_sat_f64_i32_s(a))
#define SEM_I32_TRUNC_SAT_F64_U(a) zw_trunc_sat_f64_i32_u(a)
#define SEM_I64_TRUNC_SAT_F32_S(a) ((uint64_t)zw_trunc_sat_f32_i64_s(a))
#define SEM_I64_TRUNC_SAT_F32_U(a) zw_trunc_sat_f32_i64_u(a)
#define SEM_I64_TRUNC_SAT_F64_S(a) ((uint64_t)zw_trunc_sat_f64_i64_s(a))
#define SEM_I64_TRUNC_SAT_F64_U(a) zw_trunc_sat_f64_i64_u(a)

/* ---- scalar memory accesses: LD gives the slot bits ---- */
#define LD_I32_LOAD(p) ((uint64_t)zw_ld32(p))
#define LD_I64_LOAD(p) zw_ld64(p)
#define LD_F32_LOAD(p) ((uint64_t)zw_ld32(p))
#define LD_F64_LOAD(p) zw_ld64(p)
#define LD_I32_LOAD8_S(p) ((uint64_t)(uint32_t)(int32_t)(int8_t)*(p))
#define LD_I32_LOAD8_U(p) ((uint64_t)*(p))
#define LD_I32_LOAD16_S(p) ((uint64_t)(uint32_t)(int32_t)(int16_t)zw_ld16(p))
#define LD_I32_LOAD16_U(p) ((uint64_t)zw_ld16(p))
#define LD_I64_LOAD8_S(p) ((uint64_t)(int64_t)(int8_t)*(p))
#define LD_I64_LOAD8_U(p) ((uint64_t)*(p))
#define LD_I64_LOAD16_S(p) ((uint64_t)(int64_t)(int16_t)zw_ld16(p))
#define LD_I64_LOAD16_U(p) ((uint64_t)zw_ld16(p))
#define LD_I64_LOAD32_S(p) ((uint64_t)(int64_t)(int32_t)zw_ld32(p))
#define LD_I64_LOAD32_U(p) ((uint64_t)zw_ld32(p))
#define ST_I32_STORE(p, x) zw_st32(p, (uint32_t)(x))
#define ST_I64_STORE(p, x) zw_st64(p, x)
#define ST_F32_STORE(p, x) zw_st32(p, (uint32_t)(x))
#define ST_F64_STORE(p, x) zw_st64(p, x)
#define ST_I32_STORE8(p, x) (*(p) = (uint8_t)(x))
#define ST_I32_STORE16(p, x) zw_st16(p, (uint16_t)(x))
#define ST_I64_STORE8(p, x) (*(p) = (uint8_t)(x))
#define ST_I64_STORE16(p, x) zw_st16(p, (uint16_t)(x))
#define ST_I64_STORE32(p, x) zw_st32(p, (uint32_t)(x))

/* ---- wide arithmetic: 128-bit values as (low, high) i64 pairs ---- */
typedef struct zw_u128 {
    uint64_t lo, hi;
} zw_u128;
static inline zw_u128 zw_wide_I64_ADD128(uint64_t alo, uint64_t ahi, uint64_t blo, uint64_t bhi) {
    uint64_t lo = alo + blo;
    return (zw_u128){lo, ahi + bhi + (lo < alo)};
}
static inline zw_u128 zw_wide_I64_SUB128(uint64_t alo, uint64_t ahi, uint64_t blo, uint64_t bhi) {
    return (zw_u128){alo - blo, ahi - bhi - (alo < blo)};
}
static inline zw_u128 zw_wide_I64_MUL_WIDE_S(uint64_t a, uint64_t b) {
    __int128 p = (__int128)(int64_t)a * (int64_t)b;
    return (zw_u128){(uint64_t)p, (uint64_t)((unsigned __int128)p >> 64)};
}
static inline zw_u128 zw_wide_I64_MUL_WIDE_U(uint64_t a, uint64_t b) {
    unsigned __int128 p = (unsigned __int128)a * b;
    return (zw_u128){(uint64_t)p, (uint64_t)(p >> 64)};
}

#endif
