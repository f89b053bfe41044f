/*
 * frame.h — typed access to the values of an IR frame (runtime.h: 8-byte
 * slots, a v128 in two), for code that runs IR instructions on a frame in
 * memory: the interpreter's handlers and the JIT's helpers.  Expects `fp`
 * (zw_slot *) and `ip` (const uint32_t *, the instruction) in scope.
 *
 * By signature letter (ir_sig.h): TY_x the C type, RD_x(k) reads slot k,
 * WR_x(k, v) writes it (i32 zero-extended), IMM_x(k) the immediate at word
 * k of the instruction.  SEMF/LDF/STF pick the scalar (sem/scalar.h) or
 * SIMD (sem/simd.h) semantics by opcode prefix.
 */
#ifndef ZW_SEM_FRAME_H
#define ZW_SEM_FRAME_H

#include "../common.h"

static inline zw_v128 zw_ldv(const uint64_t *p) { zw_v128 v; memcpy(&v, p, 16); return v; }
static inline void zw_stv(uint64_t *p, zw_v128 v) { memcpy(p, &v, 16); }
static inline uint64_t zw_imm64(const uint32_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

#define TY_i uint32_t
#define TY_l uint64_t
#define TY_f float
#define TY_d double
#define TY_v zw_v128
#define TY_F uint32_t
#define TY_D uint64_t
#define RD_i(k) ((uint32_t)fp[k])
#define RD_l(k) (fp[k])
#define RD_f(k) zw_bits_f32((uint32_t)fp[k])
#define RD_d(k) zw_bits_f64(fp[k])
#define RD_v(k) zw_ldv(fp + (k))
#define RD_F RD_i
#define RD_D RD_l
#define WR_i(k, x) (fp[k] = (uint32_t)(x))
#define WR_l(k, x) (fp[k] = (uint64_t)(x))
#define WR_f(k, x) (fp[k] = zw_f32_bits(x))
#define WR_d(k, x) (fp[k] = zw_f64_bits(x))
#define WR_v(k, x) zw_stv(fp + (k), x)
#define WR_F WR_i
#define WR_D WR_l
#define IMM_i(k) (ip[k])
#define IMM_l(k) zw_imm64(ip + (k))

/* semantics selection by prefix */
#define SEMF(pfx, id) SEMP_##pfx(id)
#define SEMP_0(id) SEM_##id
#define SEMP_0xFC(id) SEM_##id
#define SEMP_0xFD(id) zw_simd_##id
#define LDF(pfx, id, d, p) LDP_##pfx(id, d, p)
#define LDP_0(id, d, p) (fp[d] = LD_##id(p))
#define LDP_0xFD(id, d, p) zw_stv(fp + (d), zw_simd_##id(p))
#define STF(pfx, id, s, p) STP_##pfx(id, s, p)
#define STP_0(id, s, p) ST_##id(p, fp[s])
#define STP_0xFD(id, s, p) zw_simd_##id(p, zw_ldv(fp + (s)))

#endif
