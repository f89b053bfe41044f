/*
 * simd.h — the semantics of every SIMD-128 instruction as small static
 * inline functions, bit-exact with the specification (NaN rules included).
 * Used by the interpreter (and as the reference for JIT tests).
 *
 * CONTRACT (derived from opcodes.def, one function per 0xFD opcode except
 * V128_CONST which the interpreter handles itself).  For opcode ID:
 *   scalars travel as raw bits: i32/f32 as uint32_t, i64/f64 as uint64_t.
 *   S_vv_v  : zw_v128 zw_simd_ID(zw_v128 a, zw_v128 b)
 *   S_v_v   : zw_v128 zw_simd_ID(zw_v128 a)
 *   S_vvv_v : zw_v128 zw_simd_ID(zw_v128 a, zw_v128 b, zw_v128 c)   (bitselect: c is the mask)
 *   S_v_i   : uint32_t zw_simd_ID(zw_v128 a)        (any_true, all_true, bitmask)
 *   S_vi_v  : zw_v128 zw_simd_ID(zw_v128 a, uint32_t shift)          (shifts)
 *   splat   : zw_v128 zw_simd_ID(uint32_t x) / (uint64_t x)
 *   extract : uint32_t|uint64_t zw_simd_ID(zw_v128 a, uint32_t lane)
 *   replace : zw_v128 zw_simd_ID(zw_v128 a, uint32_t lane, uint32_t|uint64_t x)
 *   shuffle : zw_v128 zw_simd_I8X16_SHUFFLE(zw_v128 a, zw_v128 b, const uint8_t lanes[16])
 *   loads   : zw_v128 zw_simd_ID(const uint8_t *p)    (V128_LOAD, LOAD8X8_S, ..., LOAD64_SPLAT, LOAD32_ZERO, ...)
 *   store   : void zw_simd_V128_STORE(uint8_t *p, zw_v128 v)
 *   load lane : zw_v128 zw_simd_ID(zw_v128 v, const uint8_t *p, uint32_t lane)
 *   store lane: void zw_simd_ID(uint8_t *p, zw_v128 v, uint32_t lane)
 *   For each memory opcode also: #define ZW_SIMD_MEMSIZE_ID <bytes accessed>
 * Memory pointers are already bounds-checked and may be unaligned (use memcpy).
 * The host is little-endian (x86-64, AArch64).
 */
#ifndef ZW_SIMD_H
#define ZW_SIMD_H
#include <math.h>
#include "../common.h"
/* (implementation pending) */
#endif
