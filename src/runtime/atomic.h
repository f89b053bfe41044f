/*
 * atomic.h — the semantics of the atomic memory instructions (threads),
 * written once for every engine: the interpreter's handlers and the JIT's
 * helpers expand the same ZW_ATOMIC_P* bodies (one per operand shape).
 * It lives with the runtime, not in sem/, because the accesses are to
 * memories (zw_memory) and wait/notify block in atomic.c.
 *
 * Every access is sequentially consistent (__ATOMIC_SEQ_CST), as the
 * proposal's memory model requires of atomics.  A memory's base is page
 * aligned and never moves, so the host address mm->base + ea is aligned
 * exactly when ea is; the hosts are little-endian (x86-64, AArch64), so a
 * narrow access reads the low bytes of a value.
 *
 * Order of checks, the same everywhere: the effective address
 * addr + offset (mod 2^64: its low bits are exact) must be a multiple of the
 * access size ("unaligned atomic"), then in bounds ("out of bounds memory
 * access"); wait alone also needs a shared memory.
 *
 * Each opcode's semantics is one line, ATOM_<ID>(mm, ea, n, operands...) on
 * memory mm at the (checked) effective address ea; n is the row's ACCESS.
 * In scope of the bodies: fp, ip, inst and TRAP(kind).
 */
#ifndef ZW_RUNTIME_ATOMIC_H
#define ZW_RUNTIME_ATOMIC_H

#include "runtime.h"

_Static_assert(__atomic_always_lock_free(8, 0), "64-bit atomics must be lock-free");

typedef enum { ZW_RMW_ADD, ZW_RMW_SUB, ZW_RMW_AND, ZW_RMW_OR, ZW_RMW_XOR, ZW_RMW_XCHG } zw_rmw;

#define ZW_SC __ATOMIC_SEQ_CST
static inline uint64_t zw_atomic_load(uint8_t *p, unsigned n) {
    switch (n) {
    case 1: return __atomic_load_n(p, ZW_SC);
    case 2: return __atomic_load_n((uint16_t *)p, ZW_SC);
    case 4: return __atomic_load_n((uint32_t *)p, ZW_SC);
    default: return __atomic_load_n((uint64_t *)p, ZW_SC);
    }
}
static inline void zw_atomic_store(uint8_t *p, unsigned n, uint64_t v) {
    switch (n) {
    case 1: __atomic_store_n(p, (uint8_t)v, ZW_SC); break;
    case 2: __atomic_store_n((uint16_t *)p, (uint16_t)v, ZW_SC); break;
    case 4: __atomic_store_n((uint32_t *)p, (uint32_t)v, ZW_SC); break;
    default: __atomic_store_n((uint64_t *)p, v, ZW_SC); break;
    }
}
/* The old value, zero-extended; v is wrapped to the width. */
#define ZW_RMW_ON(T)                                                           \
    switch (op) {                                                              \
    case ZW_RMW_ADD: return __atomic_fetch_add((T *)p, (T)v, ZW_SC);           \
    case ZW_RMW_SUB: return __atomic_fetch_sub((T *)p, (T)v, ZW_SC);           \
    case ZW_RMW_AND: return __atomic_fetch_and((T *)p, (T)v, ZW_SC);           \
    case ZW_RMW_OR: return __atomic_fetch_or((T *)p, (T)v, ZW_SC);             \
    case ZW_RMW_XOR: return __atomic_fetch_xor((T *)p, (T)v, ZW_SC);           \
    default: return __atomic_exchange_n((T *)p, (T)v, ZW_SC);                  \
    }
static inline uint64_t zw_atomic_rmw(uint8_t *p, unsigned n, zw_rmw op, uint64_t v) {
    switch (n) {
    case 1: ZW_RMW_ON(uint8_t)
    case 2: ZW_RMW_ON(uint16_t)
    case 4: ZW_RMW_ON(uint32_t)
    default: ZW_RMW_ON(uint64_t)
    }
}
#undef ZW_RMW_ON
/* Replaces the value with rep when it equals expected (both wrapped to the
 * width); the value read, zero-extended (on failure the compare-exchange
 * leaves it in e; on success e already equals it). */
#define ZW_CMPXCHG_ON(T)                                                       \
    do {                                                                       \
        T e = (T)expected;                                                     \
        __atomic_compare_exchange_n((T *)p, &e, (T)rep, false, ZW_SC, ZW_SC);  \
        return e;                                                              \
    } while (0)
static inline uint64_t zw_atomic_cmpxchg(uint8_t *p, unsigned n, uint64_t expected, uint64_t rep) {
    switch (n) {
    case 1: ZW_CMPXCHG_ON(uint8_t);
    case 2: ZW_CMPXCHG_ON(uint16_t);
    case 4: ZW_CMPXCHG_ON(uint32_t);
    default: ZW_CMPXCHG_ON(uint64_t);
    }
}
#undef ZW_CMPXCHG_ON
#undef ZW_SC

/* atomic.fence: a full barrier.  ThreadSanitizer does not model fences
 * (gcc refuses them under -fsanitize=thread); its builds use a seq-cst
 * exchange instead, which the hardware orders as a fence. */
static inline void zw_atomic_fence(void) {
#ifdef ZW_TSAN
    uint32_t x = 0;
    __atomic_exchange_n(&x, 1, __ATOMIC_SEQ_CST);
#else
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
#endif
}

/* ---- one line per opcode ---- */
#define ATOM_I32_ATOMIC_LOAD(mm, ea, n) zw_atomic_load((mm)->base + (ea), n)
#define ATOM_I64_ATOMIC_LOAD(mm, ea, n) zw_atomic_load((mm)->base + (ea), n)
#define ATOM_I32_ATOMIC_LOAD8_U(mm, ea, n) zw_atomic_load((mm)->base + (ea), n)
#define ATOM_I32_ATOMIC_LOAD16_U(mm, ea, n) zw_atomic_load((mm)->base + (ea), n)
#define ATOM_I64_ATOMIC_LOAD8_U(mm, ea, n) zw_atomic_load((mm)->base + (ea), n)
#define ATOM_I64_ATOMIC_LOAD16_U(mm, ea, n) zw_atomic_load((mm)->base + (ea), n)
#define ATOM_I64_ATOMIC_LOAD32_U(mm, ea, n) zw_atomic_load((mm)->base + (ea), n)
#define ATOM_I32_ATOMIC_STORE(mm, ea, n, v) zw_atomic_store((mm)->base + (ea), n, v)
#define ATOM_I64_ATOMIC_STORE(mm, ea, n, v) zw_atomic_store((mm)->base + (ea), n, v)
#define ATOM_I32_ATOMIC_STORE8(mm, ea, n, v) zw_atomic_store((mm)->base + (ea), n, v)
#define ATOM_I32_ATOMIC_STORE16(mm, ea, n, v) zw_atomic_store((mm)->base + (ea), n, v)
#define ATOM_I64_ATOMIC_STORE8(mm, ea, n, v) zw_atomic_store((mm)->base + (ea), n, v)
#define ATOM_I64_ATOMIC_STORE16(mm, ea, n, v) zw_atomic_store((mm)->base + (ea), n, v)
#define ATOM_I64_ATOMIC_STORE32(mm, ea, n, v) zw_atomic_store((mm)->base + (ea), n, v)
#define ATOM_I32_ATOMIC_RMW_ADD(mm, ea, n, v) zw_atomic_rmw((mm)->base + (ea), n, ZW_RMW_ADD, v)
#define ATOM_I64_ATOMIC_RMW_ADD(mm, ea, n, v) zw_atomic_rmw((mm)->base + (ea), n, ZW_RMW_ADD, v)
#define ATOM_I32_ATOMIC_RMW8_ADD_U(mm, ea, n, v) zw_atomic_rmw((mm)->base + (ea), n, ZW_RMW_ADD, v)
#define ATOM_I32_ATOMIC_RMW16_ADD_U(mm, ea, n, v) zw_atomic_rmw((mm)->base + (ea), n, ZW_RMW_ADD, v)
#define ATOM_I64_ATOMIC_RMW8_ADD_U(mm, ea, n, v) zw_atomic_rmw((mm)->base + (ea), n, ZW_RMW_ADD, v)
#define ATOM_I64_ATOMIC_RMW16_ADD_U(mm, ea, n, v) zw_atomic_rmw((mm)->base + (ea), n, ZW_RMW_ADD, v)
#define ATOM_I64_ATOMIC_RMW32_ADD_U(mm, ea, n, v) zw_atomic_rmw((mm)->base + (ea), n, ZW_RMW_ADD, v)
#define ATOM_I32_ATOMIC_RMW_SUB(mm, ea, n, v) zw_atomic_rmw((mm)->base + (ea), n, ZW_RMW_SUB, v)
#define ATOM_I64_ATOMIC_RMW_SUB(mm, ea, n, v) zw_atomic_rmw((mm)->base + (ea), n, ZW_RMW_SUB, v)
#define ATOM_I32_ATOMIC_RMW8_SUB_U(mm, ea, n, v) zw_atomic_rmw((mm)->base + (ea), n, ZW_RMW_SUB, v)
#define ATOM_I32_ATOMIC_RMW16_SUB_U(mm, ea, n, v) zw_atomic_rmw((mm)->base + (ea), n, ZW_RMW_SUB, v)
#define ATOM_I64_ATOMIC_RMW8_SUB_U(mm, ea, n, v) zw_atomic_rmw((mm)->base + (ea), n, ZW_RMW_SUB, v)
#define ATOM_I64_ATOMIC_RMW16_SUB_U(mm, ea, n, v) zw_atomic_rmw((mm)->base + (ea), n, ZW_RMW_SUB, v)
#define ATOM_I64_ATOMIC_RMW32_SUB_U(mm, ea, n, v) zw_atomic_rmw((mm)->base + (ea), n, ZW_RMW_SUB, v)
#define ATOM_I32_ATOMIC_RMW_AND(mm, ea, n, v) zw_atomic_rmw((mm)->base + (ea), n, ZW_RMW_AND, v)
#define ATOM_I64_ATOMIC_RMW_AND(mm, ea, n, v) zw_atomic_rmw((mm)->base + (ea), n, ZW_RMW_AND, v)
#define ATOM_I32_ATOMIC_RMW8_AND_U(mm, ea, n, v) zw_atomic_rmw((mm)->base + (ea), n, ZW_RMW_AND, v)
#define ATOM_I32_ATOMIC_RMW16_AND_U(mm, ea, n, v) zw_atomic_rmw((mm)->base + (ea), n, ZW_RMW_AND, v)
#define ATOM_I64_ATOMIC_RMW8_AND_U(mm, ea, n, v) zw_atomic_rmw((mm)->base + (ea), n, ZW_RMW_AND, v)
#define ATOM_I64_ATOMIC_RMW16_AND_U(mm, ea, n, v) zw_atomic_rmw((mm)->base + (ea), n, ZW_RMW_AND, v)
#define ATOM_I64_ATOMIC_RMW32_AND_U(mm, ea, n, v) zw_atomic_rmw((mm)->base + (ea), n, ZW_RMW_AND, v)
#define ATOM_I32_ATOMIC_RMW_OR(mm, ea, n, v) zw_atomic_rmw((mm)->base + (ea), n, ZW_RMW_OR, v)
#define ATOM_I64_ATOMIC_RMW_OR(mm, ea, n, v) zw_atomic_rmw((mm)->base + (ea), n, ZW_RMW_OR, v)
#define ATOM_I32_ATOMIC_RMW8_OR_U(mm, ea, n, v) zw_atomic_rmw((mm)->base + (ea), n, ZW_RMW_OR, v)
#define ATOM_I32_ATOMIC_RMW16_OR_U(mm, ea, n, v) zw_atomic_rmw((mm)->base + (ea), n, ZW_RMW_OR, v)
#define ATOM_I64_ATOMIC_RMW8_OR_U(mm, ea, n, v) zw_atomic_rmw((mm)->base + (ea), n, ZW_RMW_OR, v)
#define ATOM_I64_ATOMIC_RMW16_OR_U(mm, ea, n, v) zw_atomic_rmw((mm)->base + (ea), n, ZW_RMW_OR, v)
#define ATOM_I64_ATOMIC_RMW32_OR_U(mm, ea, n, v) zw_atomic_rmw((mm)->base + (ea), n, ZW_RMW_OR, v)
#define ATOM_I32_ATOMIC_RMW_XOR(mm, ea, n, v) zw_atomic_rmw((mm)->base + (ea), n, ZW_RMW_XOR, v)
#define ATOM_I64_ATOMIC_RMW_XOR(mm, ea, n, v) zw_atomic_rmw((mm)->base + (ea), n, ZW_RMW_XOR, v)
#define ATOM_I32_ATOMIC_RMW8_XOR_U(mm, ea, n, v) zw_atomic_rmw((mm)->base + (ea), n, ZW_RMW_XOR, v)
#define ATOM_I32_ATOMIC_RMW16_XOR_U(mm, ea, n, v) zw_atomic_rmw((mm)->base + (ea), n, ZW_RMW_XOR, v)
#define ATOM_I64_ATOMIC_RMW8_XOR_U(mm, ea, n, v) zw_atomic_rmw((mm)->base + (ea), n, ZW_RMW_XOR, v)
#define ATOM_I64_ATOMIC_RMW16_XOR_U(mm, ea, n, v) zw_atomic_rmw((mm)->base + (ea), n, ZW_RMW_XOR, v)
#define ATOM_I64_ATOMIC_RMW32_XOR_U(mm, ea, n, v) zw_atomic_rmw((mm)->base + (ea), n, ZW_RMW_XOR, v)
#define ATOM_I32_ATOMIC_RMW_XCHG(mm, ea, n, v) zw_atomic_rmw((mm)->base + (ea), n, ZW_RMW_XCHG, v)
#define ATOM_I64_ATOMIC_RMW_XCHG(mm, ea, n, v) zw_atomic_rmw((mm)->base + (ea), n, ZW_RMW_XCHG, v)
#define ATOM_I32_ATOMIC_RMW8_XCHG_U(mm, ea, n, v) zw_atomic_rmw((mm)->base + (ea), n, ZW_RMW_XCHG, v)
#define ATOM_I32_ATOMIC_RMW16_XCHG_U(mm, ea, n, v) zw_atomic_rmw((mm)->base + (ea), n, ZW_RMW_XCHG, v)
#define ATOM_I64_ATOMIC_RMW8_XCHG_U(mm, ea, n, v) zw_atomic_rmw((mm)->base + (ea), n, ZW_RMW_XCHG, v)
#define ATOM_I64_ATOMIC_RMW16_XCHG_U(mm, ea, n, v) zw_atomic_rmw((mm)->base + (ea), n, ZW_RMW_XCHG, v)
#define ATOM_I64_ATOMIC_RMW32_XCHG_U(mm, ea, n, v) zw_atomic_rmw((mm)->base + (ea), n, ZW_RMW_XCHG, v)
#define ATOM_I32_ATOMIC_RMW_CMPXCHG(mm, ea, n, e, r) zw_atomic_cmpxchg((mm)->base + (ea), n, e, r)
#define ATOM_I64_ATOMIC_RMW_CMPXCHG(mm, ea, n, e, r) zw_atomic_cmpxchg((mm)->base + (ea), n, e, r)
#define ATOM_I32_ATOMIC_RMW8_CMPXCHG_U(mm, ea, n, e, r) zw_atomic_cmpxchg((mm)->base + (ea), n, e, r)
#define ATOM_I32_ATOMIC_RMW16_CMPXCHG_U(mm, ea, n, e, r) zw_atomic_cmpxchg((mm)->base + (ea), n, e, r)
#define ATOM_I64_ATOMIC_RMW8_CMPXCHG_U(mm, ea, n, e, r) zw_atomic_cmpxchg((mm)->base + (ea), n, e, r)
#define ATOM_I64_ATOMIC_RMW16_CMPXCHG_U(mm, ea, n, e, r) zw_atomic_cmpxchg((mm)->base + (ea), n, e, r)
#define ATOM_I64_ATOMIC_RMW32_CMPXCHG_U(mm, ea, n, e, r) zw_atomic_cmpxchg((mm)->base + (ea), n, e, r)

/* wait [d][addr][expected][timeout ns][M]: 0 woken, 1 not equal, 2 timed out;
 * traps on an unshared memory and when the store is interrupted while it
 * blocks (ZW_ATOMIC_INTERRUPT: the engine's pointer to the store's flag);
 * notify [d][addr][count][M]: how many it woke (runtime/atomic.c) */
#define ZW_ATOMIC_WAIT(mm, ea, n, x, t) ({                                      \
        uint32_t r_, k_ = zw_atomic_wait(mm, ea, n, x, (int64_t)(t), ZW_ATOMIC_INTERRUPT, &r_); \
        if (ZW_UNLIKELY(k_)) TRAP(k_);                                         \
        r_;                                                                    \
    })
#define ATOM_MEMORY_ATOMIC_WAIT32(mm, ea, n, x, t) ZW_ATOMIC_WAIT(mm, ea, n, x, t)
#define ATOM_MEMORY_ATOMIC_WAIT64(mm, ea, n, x, t) ZW_ATOMIC_WAIT(mm, ea, n, x, t)
#define ATOM_MEMORY_ATOMIC_NOTIFY(mm, ea, n, count) zw_atomic_notify(mm, ea, count)

/* ---- the handler bodies, by operand shape ----
 * ZW_ATOMIC_EA(k, a, n): mm_, ea_ = the memory named at ip[k] (the M
 * operand: index, then the 64-bit offset) and the effective address of an
 * n-byte access at slot a, or a trap. */
#define ZW_ATOMIC_EA(k, a, n)                                                  \
    zw_memory *mm_ = inst->mems[ip[k]];                                        \
    uint64_t off_ = zw_imm64(ip + (k) + 1), ea_;                               \
    if (ZW_UNLIKELY((zw_mem_addr(mm_, fp[a]) + off_) & ((n) - 1)))             \
        TRAP(ZWASM_TRAP_UNALIGNED_ATOMIC);                                     \
    if (ZW_UNLIKELY(!zw_mem_ea(mm_, fp[a], off_, (n), &ea_))) TRAP(ZWASM_TRAP_MEMORY_OOB)
/* load [d][addr][M] */
#define ZW_ATOMIC_P1R1(id, a, r)                                               \
    ZW_ATOMIC_EA(3, ip[2], ZW_ACCESS_##id);                                    \
    WR_##r(ip[1], ATOM_##id(mm_, ea_, ZW_ACCESS_##id))
/* store [addr][v][M] */
#define ZW_ATOMIC_P2R0(id, a, b)                                               \
    ZW_ATOMIC_EA(3, ip[1], ZW_ACCESS_##id);                                    \
    ATOM_##id(mm_, ea_, ZW_ACCESS_##id, RD_##b(ip[2]))
/* read-modify-write, notify [d][addr][v][M] */
#define ZW_ATOMIC_P2R1(id, a, b, r)                                            \
    ZW_ATOMIC_EA(4, ip[2], ZW_ACCESS_##id);                                    \
    WR_##r(ip[1], ATOM_##id(mm_, ea_, ZW_ACCESS_##id, RD_##b(ip[3])))
/* compare-exchange, wait [d][addr][x][y][M] */
#define ZW_ATOMIC_P3R1(id, a, b, c, r)                                         \
    ZW_ATOMIC_EA(5, ip[2], ZW_ACCESS_##id);                                    \
    WR_##r(ip[1], ATOM_##id(mm_, ea_, ZW_ACCESS_##id, RD_##b(ip[3]), RD_##c(ip[4])))
/* lengths in words of the shapes */
#define ZW_ATOMIC_LEN_P1R1 6
#define ZW_ATOMIC_LEN_P2R0 6
#define ZW_ATOMIC_LEN_P2R1 7
#define ZW_ATOMIC_LEN_P3R1 8
#endif
