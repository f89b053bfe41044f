/*
 * interp.c — the direct-threaded interpreter of the register IR (ir.h):
 * zw_call (the entry from the runtime), the value stack and frame records
 * of a store (zw_exec), host-function calls, threading of lowered code
 * (zw_interp_thread) and the dispatch loop.  Owner: IR engineer.
 *
 * Handlers of the fixed-signature Wasm operations are generated from
 * opcodes.def (semantics in interp_sem.h and simd.h); control, calls,
 * variables, tables, bulk memory and the IR-only forms are written here.
 * Hot state lives in locals: ip, fp, the memory-0 base and size, fuel.
 * Wasm -> wasm calls push a frame record and never recurse in C.  Frequent
 * instruction pairs get fused handlers in the threaded code (FUSE_FIRST).
 */
#include <inttypes.h>
#include <sys/mman.h>

#include "../ir/ir.h"
#include "../ir/ir_sig.h"
#include "../runtime/runtime.h"
#include "interp.h"
#include "../sem/scalar.h"
#include "../sem/simd.h"
#include "../sem/frame.h"
#include "../runtime/atomic.h"
#define ZW_ATOMIC_INTERRUPT (&s->interrupt) /* a wait stops when the store is interrupted */

#ifndef ZW_INTERP_SIMD
#define ZW_INTERP_SIMD 1
#endif

#if !ZW_HAVE_COMPUTED_GOTO && !defined(ZW_INTERP_SWITCH)
#define ZW_INTERP_SWITCH 1
#endif

/* The interpreter's form of a defined function: its threaded code (a copy
 * of the IR whose opcode words are handler offsets) and the frame layout the
 * call path reads, side by side.  It is built when the function is first
 * called (ifunc_build): until then tcode is NULL. */
typedef struct zw_ifunc {
    const int32_t *tcode;      /* published last (release), read with acquire */
    uint32_t frame_slots, nparam_slots, nlocal_slots;
    const zw_ir_func *ir;
    zw_module *m;              /* for building: the module and the function */
    uint32_t def;
} zw_ifunc;

/* A module's interpreter code (m->engine_code): one zw_ifunc per defined
 * function; building one is serialised by the lock (modules are shared by
 * stores on several threads). */
typedef struct zw_imod {
    pthread_mutex_t lock;
    zw_ifunc f[];
} zw_imod;

static zwasm_result_t ifunc_build(zw_ifunc *fi, zwasm_error_t *err);

typedef struct zw_frame {
    const uint32_t *ip;      /* return address (NULL: leave the interpreter) */
    zw_slot *fp;
    const zw_ifunc *fn;
    zw_instance *inst;
} zw_frame;


/* A frame suspended in a call of a host function, on the C stack while
 * the host runs (the frame records go on above it: interp_frames). */
typedef struct zw_isusp {
    struct zw_isusp *prev;
    zw_frame at;
} zw_isusp;

/* The interpreter's part of a store's zw_exec (engine_state). */
typedef struct zw_istate {
    zw_isusp *host; /* frames suspended in host calls, innermost first */
    zw_frame frames[];
} zw_istate;

/* ---- frame records ---------------------------------------------------------- */
static uint32_t max_depth(const zw_store *s) {
    uint32_t d = s->engine->cfg.max_call_depth;
    return d ? d : 10000;
}

/* The store's frame records (the engine state of zw_exec), on first use. */
static bool frames_init(zw_store *s) {
    zw_exec *e = &s->exec;
    if (!e->engine_state)
        e->engine_state = zw_calloc(e->al, 1, sizeof(zw_istate) + ((size_t)max_depth(s) + 2) * sizeof(zw_frame));
    return e->engine_state != NULL;
}

static void interp_free_exec(zw_exec *e) {
    zw_free(e->al, e->engine_state);
    e->engine_state = NULL;
}

/* ---- small helpers ------------------------------------------------------------ */
#define ldv zw_ldv
#define stv zw_stv
#define imm64 zw_imm64

static ZW_NOINLINE void trace_insn(const zw_ir_func *fn, uint32_t pc, const zw_slot *fp) {
    fprintf(stderr, "[f%u] ", fn->func_idx);
    zw_ir_print_insn(stderr, fn, pc, fp);
}

/* ---- the interpreter ---------------------------------------------------------- */
#define TRAP(kind) do { trap_kind = (kind); goto do_trap; } while (0)
#define MEMCHECK(ea, n) do { if (ZW_UNLIKELY((ea) + (n) > memsize) && !MEM0_GREW((ea) + (n))) TRAP(ZWASM_TRAP_MEMORY_OOB); } while (0)
/* Whether memory 0 holds end bytes after all: another thread may have grown
 * a shared memory since memsize was read (then memsize is brought up to date). */
#define MEM0_GREW(end) (mem0->type.shared && (end) <= (memsize = zw_mem_size(mem0)))

#if ZW_INTERP_SWITCH
#define LOP(id) case ZW_OP_##id
#define LIR(n) case ZW_IR_##n
#define DISPATCH() do { PROF(); goto dispatch; } while (0)
/* a memory access names its memory at ip[k]: not memory 0, the handler
 * of the other memories, and of 64-bit ones (threaded code gets it directly:
 * thread_code) */
#define MEMK_CHECK(id, k) do { if (ZW_UNLIKELY(ip[k] || mem0->type.is64)) goto Lmk_##id; } while (0)
#else
#define LOP(id) Lop_##id
#define LIR(n) Lir_##n
#define DISPATCH() do { PROF(); goto *(const void *)((const char *)&&L_base + (int32_t)*ip); } while (0)
#define MEMK_CHECK(id, k) do { } while (0)
#endif
#define LMK(id) Lmk_##id
/* the memory named at ip[k] (not memory 0: that one is membase/memsize) */
#define MEMK(k) const zw_memory *mk_ = inst->mems[ip[k]]
/* ea_ = the effective address of an access of n bytes at slot a + offset
 * in mk_ (32- or 64-bit addresses), or a trap */
#define MEMK_EA(a, off, n)                                                     \
    uint64_t ea_;                                                              \
    if (ZW_UNLIKELY(!zw_mem_ea(mk_, fp[a], (off), (n), &ea_))) TRAP(ZWASM_TRAP_MEMORY_OOB)
#ifdef ZW_INTERP_PROFILE
/* Profiling build (-DZW_INTERP_PROFILE): dynamic counts of every IR opcode
 * and opcode pair, printed to stderr at exit. */
static uint64_t prof_op[ZW_IR_COUNT], prof_pair[ZW_IR_COUNT][ZW_IR_COUNT];
static uint32_t prof_prev;
static void prof_dump(void) {
    uint64_t tot = 0;
    for (uint32_t i = 0; i < ZW_IR_COUNT; i++) tot += prof_op[i];
    fprintf(stderr, "profile: %" PRIu64 " instructions\n", tot);
    for (int k = 0; k < 60; k++) {
        uint32_t b = 0;
        for (uint32_t i = 0; i < ZW_IR_COUNT; i++) if (prof_op[i] > prof_op[b]) b = i;
        if (!prof_op[b]) break;
        fprintf(stderr, "  %6.2f%% %-22s %" PRIu64 "\n", 100.0 * prof_op[b] / tot, zw_ir_name(b), prof_op[b]);
        prof_op[b] = 0;
    }
    for (int k = 0; k < 60; k++) {
        uint32_t ba = 0, bb = 0;
        for (uint32_t i = 0; i < ZW_IR_COUNT; i++)
            for (uint32_t j = 0; j < ZW_IR_COUNT; j++)
                if (prof_pair[i][j] > prof_pair[ba][bb]) { ba = i; bb = j; }
        if (!prof_pair[ba][bb]) break;
        fprintf(stderr, "  %6.2f%% %s -> %s\n", 100.0 * prof_pair[ba][bb] / tot, zw_ir_name(ba), zw_ir_name(bb));
        prof_pair[ba][bb] = 0;
    }
}
#define PROF()                                                                 \
    do {                                                                       \
        static bool reg_;                                                      \
        if (!reg_) { reg_ = true; atexit(prof_dump); }                         \
        uint32_t op_ = fn->ir->code[ip - (const uint32_t *)fn->tcode];         \
        prof_op[op_]++;                                                        \
        prof_pair[prof_prev][op_]++;                                           \
        prof_prev = op_;                                                       \
    } while (0)
#else
#define PROF() ((void)0)
#endif
#define NEXT(n) do { ip += (n); DISPATCH(); } while (0)

/* ---- fused pairs (interpreter only) --------------------------------------------
 * zw_interp_thread replaces the handler of an instruction A (a member of
 * FUSE_FIRST) followed by B (a member of FUSE_SECOND: the same plus
 * conditional branches) by one handler that runs both.  A's and B's words
 * stay where they are and B keeps its own handler for jumps to it, so the
 * code layout and branch targets are unchanged (the portable code is not
 * touched).  Items: X(irop, kind, semantics id, type letter, ...) with kinds
 * R (d a b), K (d a imm), U (d a), LD (d addr off), ST (addr v off), MV (d s),
 * C (d imm), and as B only Z (s T: br_nz/br_z), BK (s imm T), BR (s s T) and
 * G (B's own handler, entered by a direct jump instead of a dispatch). */
#define FUSE_FIRST(X, ...)                                                     \
    X(ZW_OP_I64_ADD, R, I64_ADD, l, __VA_ARGS__)                               \
    X(ZW_OP_I64_MUL, R, I64_MUL, l, __VA_ARGS__)                               \
    X(ZW_OP_I64_OR, R, I64_OR, l, __VA_ARGS__)                                 \
    X(ZW_OP_I64_LT_U, R, I64_LT_U, l, __VA_ARGS__)                             \
    X(ZW_IR_K_I64_SHR_U, K, I64_SHR_U, l, __VA_ARGS__)                         \
    X(ZW_IR_K_I64_AND, K, I64_AND, l, __VA_ARGS__)                             \
    X(ZW_IR_K_I64_SHL, K, I64_SHL, l, __VA_ARGS__)                             \
    X(ZW_OP_I64_EXTEND_I32_U, U, I64_EXTEND_I32_U, i, __VA_ARGS__)             \
    X(ZW_OP_I64_LOAD, LD, I64_LOAD, l, __VA_ARGS__)                            \
    X(ZW_OP_I64_STORE, ST, I64_STORE, l, __VA_ARGS__)                          \
    X(ZW_OP_I32_ADD, R, I32_ADD, i, __VA_ARGS__)                               \
    X(ZW_IR_K_I32_ADD, K, I32_ADD, i, __VA_ARGS__)                             \
    X(ZW_IR_K_I32_AND, K, I32_AND, i, __VA_ARGS__)                             \
    X(ZW_OP_I32_LOAD, LD, I32_LOAD, i, __VA_ARGS__)                            \
    X(ZW_OP_I32_LOAD8_U, LD, I32_LOAD8_U, i, __VA_ARGS__)                      \
    X(ZW_OP_I32_STORE, ST, I32_STORE, i, __VA_ARGS__)                          \
    X(ZW_OP_I32_STORE8, ST, I32_STORE8, i, __VA_ARGS__)                        \
    X(ZW_IR_MOV_I64, MV, MOV, l, __VA_ARGS__)                                  \
    X(ZW_IR_CONST32, C, CONST32, i, __VA_ARGS__)
/* FUSE_SECOND repeats FUSE_FIRST's items (same order) instead of expanding
 * it: the pair table nests one list inside the other, and the preprocessor
 * will not expand a macro inside its own expansion. */
#define FUSE_SECOND(X, ...)                                                    \
    X(ZW_OP_I64_ADD, R, I64_ADD, l, __VA_ARGS__)                               \
    X(ZW_OP_I64_MUL, R, I64_MUL, l, __VA_ARGS__)                               \
    X(ZW_OP_I64_OR, R, I64_OR, l, __VA_ARGS__)                                 \
    X(ZW_OP_I64_LT_U, R, I64_LT_U, l, __VA_ARGS__)                             \
    X(ZW_IR_K_I64_SHR_U, K, I64_SHR_U, l, __VA_ARGS__)                         \
    X(ZW_IR_K_I64_AND, K, I64_AND, l, __VA_ARGS__)                             \
    X(ZW_IR_K_I64_SHL, K, I64_SHL, l, __VA_ARGS__)                             \
    X(ZW_OP_I64_EXTEND_I32_U, U, I64_EXTEND_I32_U, i, __VA_ARGS__)             \
    X(ZW_OP_I64_LOAD, LD, I64_LOAD, l, __VA_ARGS__)                            \
    X(ZW_OP_I64_STORE, ST, I64_STORE, l, __VA_ARGS__)                          \
    X(ZW_OP_I32_ADD, R, I32_ADD, i, __VA_ARGS__)                               \
    X(ZW_IR_K_I32_ADD, K, I32_ADD, i, __VA_ARGS__)                             \
    X(ZW_IR_K_I32_AND, K, I32_AND, i, __VA_ARGS__)                             \
    X(ZW_OP_I32_LOAD, LD, I32_LOAD, i, __VA_ARGS__)                            \
    X(ZW_OP_I32_LOAD8_U, LD, I32_LOAD8_U, i, __VA_ARGS__)                      \
    X(ZW_OP_I32_STORE, ST, I32_STORE, i, __VA_ARGS__)                          \
    X(ZW_OP_I32_STORE8, ST, I32_STORE8, i, __VA_ARGS__)                        \
    X(ZW_IR_MOV_I64, MV, MOV, l, __VA_ARGS__)                                  \
    X(ZW_IR_CONST32, C, CONST32, i, __VA_ARGS__)                               \
    X(ZW_IR_BR_NZ, Z, NZ, i, __VA_ARGS__)                                      \
    X(ZW_IR_BR_Z, Z, Z, i, __VA_ARGS__)                                        \
    X(ZW_IR_BRK_I32_NE, BK, I32_NE, i, __VA_ARGS__)                            \
    X(ZW_IR_BRK_I32_LT_U, BK, I32_LT_U, i, __VA_ARGS__)                        \
    X(ZW_IR_BRK_I32_GT_U, BK, I32_GT_U, i, __VA_ARGS__)                        \
    X(ZW_IR_BRK_I32_LT_S, BK, I32_LT_S, i, __VA_ARGS__)                        \
    X(ZW_IR_BR_I32_NE, BR, I32_NE, i, __VA_ARGS__)                             \
    X(ZW_IR_BR_I32_LT_U, BR, I32_LT_U, i, __VA_ARGS__)                         \
    X(ZW_IR_BR_TABLE, G, Lir_BR_TABLE, i, __VA_ARGS__)                         \
    X(ZW_IR_BR, G, Lir_BR, i, __VA_ARGS__)                                     \
    X(ZW_IR_CALL_LOCAL, G, Lir_CALL_LOCAL, i, __VA_ARGS__)                     \
    X(ZW_IR_RETURN1, G, Lir_RETURN1, i, __VA_ARGS__)                           \
    X(ZW_IR_RETURN_PAD, G, Lir_RETURN_PAD, i, __VA_ARGS__)
#define FUSE_ENUM(op, k, id, t, u) FI_##k##id,
enum { FUSE_SECOND(FUSE_ENUM, ~) FI_N };
/* Typed forms that fuse like the form whose handler they share. */
static uint32_t fuse_canon(uint32_t op) {
    switch (op) {
    case ZW_IR_MOV_I32: case ZW_IR_MOV_F32: case ZW_IR_MOV_F64: case ZW_IR_MOV_REF: return ZW_IR_MOV_I64;
    case ZW_IR_CONST_F32: case ZW_IR_CONST64_U32: return ZW_IR_CONST32;
    }
    return op;
}
static int fuse_index(uint32_t op) {
    switch (fuse_canon(op)) {
#define FUSE_CASE(op, k, id, t, u) case op: return FI_##k##id;
        FUSE_SECOND(FUSE_CASE, ~)
#undef FUSE_CASE
    }
    return -1;
}
static bool fuse_first(uint32_t op) {
    switch (fuse_canon(op)) {
#define FUSE_CASE(op, k, id, t, u) case op: return true;
        FUSE_FIRST(FUSE_CASE, ~)
#undef FUSE_CASE
    }
    return false;
}
/* length in words, body at word offset o */
#define FLEN_R(t) 4
#define FLEN_K(t) (3 + (int)sizeof(TY_##t) / 4)
#define FLEN_U(t) 3
#define FLEN_LD(t) 6
#define FLEN_ST(t) 6
#define FLEN_MV(t) 3
#define FLEN_C(t) 3
#define FBODY_C(id, t, o) (fp[ip[(o) + 1]] = ip[(o) + 2])
#define FTAIL_C(id, t, o) do { FBODY_C(id, t, o); NEXT((o) + FLEN_C(t)); } while (0)
#define FTAIL_G(lbl, t, o) do { ip += (o); goto lbl; } while (0)
#define FBODY_R(id, t, o) (fp[ip[(o) + 1]] = (uint64_t)SEM_##id(RD_##t(ip[(o) + 2]), RD_##t(ip[(o) + 3])))
#define FBODY_K(id, t, o) (fp[ip[(o) + 1]] = (uint64_t)SEM_##id(RD_##t(ip[(o) + 2]), (TY_##t)IMM_##t((o) + 3)))
#define FBODY_U(id, t, o) (fp[ip[(o) + 1]] = (uint64_t)SEM_##id(RD_##t(ip[(o) + 2])))
/* a trap in B is reported at B: ip moves to it first */
#define FMEMCHECK(ea, n, o)                                                    \
    do {                                                                       \
        if (ZW_UNLIKELY((ea) + (n) > memsize) && !MEM0_GREW((ea) + (n))) {     \
            ip += (o);                                                         \
            TRAP(ZWASM_TRAP_MEMORY_OOB);                                       \
        }                                                                      \
    } while (0)
#define FBODY_LD(id, t, o)                                                     \
    do {                                                                       \
        uint64_t fea_ = (uint64_t)(uint32_t)fp[ip[(o) + 2]] + imm64(ip + (o) + 4); \
        FMEMCHECK(fea_, ZW_ACCESS_##id, o);                                    \
        fp[ip[(o) + 1]] = LD_##id(membase + fea_);                             \
    } while (0)
#define FBODY_ST(id, t, o)                                                     \
    do {                                                                       \
        uint64_t fea_ = (uint64_t)(uint32_t)fp[ip[(o) + 1]] + imm64(ip + (o) + 4); \
        FMEMCHECK(fea_, ZW_ACCESS_##id, o);                                    \
        ST_##id(membase + fea_, fp[ip[(o) + 2]]);                              \
    } while (0)
#define FBODY_MV(id, t, o) (fp[ip[(o) + 1]] = fp[ip[(o) + 2]])
/* B at word offset o, then dispatch */
#define FTAIL_R(id, t, o) do { FBODY_R(id, t, o); NEXT((o) + FLEN_R(t)); } while (0)
#define FTAIL_K(id, t, o) do { FBODY_K(id, t, o); NEXT((o) + FLEN_K(t)); } while (0)
#define FTAIL_U(id, t, o) do { FBODY_U(id, t, o); NEXT((o) + FLEN_U(t)); } while (0)
#define FTAIL_LD(id, t, o) do { FBODY_LD(id, t, o); NEXT((o) + FLEN_LD(t)); } while (0)
#define FTAIL_ST(id, t, o) do { FBODY_ST(id, t, o); NEXT((o) + FLEN_ST(t)); } while (0)
#define FTAIL_MV(id, t, o) do { FBODY_MV(id, t, o); NEXT((o) + FLEN_MV(t)); } while (0)
#define FZ_NZ(x) ((x) != 0)
#define FZ_Z(x) ((x) == 0)
#define FTAIL_Z(id, t, o)                                                      \
    do {                                                                       \
        ip += (o);                                                             \
        if (FZ_##id((uint32_t)fp[ip[1]])) { ip += (int32_t)ip[2]; DISPATCH(); } \
        NEXT(3);                                                               \
    } while (0)
#define FTAIL_BK(id, t, o)                                                     \
    do {                                                                       \
        ip += (o);                                                             \
        if (SEM_##id(RD_##t(ip[1]), (TY_##t)IMM_##t(2))) {                     \
            ip += (int32_t)ip[2 + sizeof(TY_##t) / 4];                         \
            DISPATCH();                                                        \
        }                                                                      \
        NEXT(3 + sizeof(TY_##t) / 4);                                          \
    } while (0)
#define FTAIL_BR(id, t, o)                                                     \
    do {                                                                       \
        ip += (o);                                                             \
        if (SEM_##id(RD_##t(ip[1]), RD_##t(ip[2]))) { ip += (int32_t)ip[3]; DISPATCH(); } \
        NEXT(4);                                                               \
    } while (0)

/* generated handlers, by immediate kind and signature */
#define H_NONE(id, pfx, sig) ZW_SIG(sig, HN, id, pfx)
#define H_MEMARG(id, pfx, sig) ZW_SIG(sig, HM, id, pfx)
#define H_LANE(id, pfx, sig) ZW_SIG(sig, HL, id, pfx)
#define H_MLANE(id, pfx, sig) ZW_SIG(sig, HML, id, pfx)
#define H_SHUF(id, pfx, sig)                                                   \
    LOP(id): {                                                                 \
        uint8_t lanes_[16];                                                    \
        memcpy(lanes_, ip + 4, 16);                                            \
        stv(fp + ip[1], zw_simd_##id(ldv(fp + ip[2]), ldv(fp + ip[3]), lanes_)); \
        NEXT(8);                                                               \
    }
#define H_OTHER(id, pfx, sig)
/* atomics (runtime/atomic.h): one handler serves every memory */
#define H_ATOMIC(id, pfx, sig) ZW_SIG(sig, HA, id, pfx)
#define HA_P1R1(id, pfx, a, r) LOP(id): { ZW_ATOMIC_P1R1(id, a, r); NEXT(ZW_ATOMIC_LEN_P1R1); }
#define HA_P2R0(id, pfx, a, b) LOP(id): { ZW_ATOMIC_P2R0(id, a, b); NEXT(ZW_ATOMIC_LEN_P2R0); }
#define HA_P2R1(id, pfx, a, b, r) LOP(id): { ZW_ATOMIC_P2R1(id, a, b, r); NEXT(ZW_ATOMIC_LEN_P2R1); }
#define HA_P3R1(id, pfx, a, b, c, r) LOP(id): { ZW_ATOMIC_P3R1(id, a, b, c, r); NEXT(ZW_ATOMIC_LEN_P3R1); }

#define HN_SPECIAL(id, pfx)
#define HN_P0R0(id, pfx)
#define HN_P1R1(id, pfx, a, r)                                                 \
    LOP(id): {                                                                 \
        TY_##a x_ = RD_##a(ip[2]);                                             \
        WR_##r(ip[1], SEMF(pfx, id)(x_));                                      \
        NEXT(3);                                                               \
    }
#define HN_P2R1(id, pfx, a, b, r)                                              \
    LOP(id): {                                                                 \
        TY_##a x_ = RD_##a(ip[2]);                                             \
        TY_##b y_ = RD_##b(ip[3]);                                             \
        WR_##r(ip[1], SEMF(pfx, id)(x_, y_));                                  \
        NEXT(4);                                                               \
    }
#define HN_P3R1(id, pfx, a, b, c, r)                                           \
    LOP(id): {                                                                 \
        TY_##a x_ = RD_##a(ip[2]);                                             \
        TY_##b y_ = RD_##b(ip[3]);                                             \
        TY_##c z_ = RD_##c(ip[4]);                                             \
        WR_##r(ip[1], SEMF(pfx, id)(x_, y_, z_));                              \
        NEXT(5);                                                               \
    }
/* two results (wide arithmetic): [d lo][d hi][s...] */
#define HN_P2R2(id, pfx, a, b, r, s)                                           \
    LOP(id): {                                                                 \
        zw_u128 r_ = zw_wide_##id(fp[ip[3]], fp[ip[4]]);                       \
        fp[ip[1]] = r_.lo;                                                     \
        fp[ip[2]] = r_.hi;                                                     \
        NEXT(5);                                                               \
    }
#define HN_P4R2(id, pfx, a, b, c, d, r, s)                                     \
    LOP(id): {                                                                 \
        zw_u128 r_ = zw_wide_##id(fp[ip[3]], fp[ip[4]], fp[ip[5]], fp[ip[6]]); \
        fp[ip[1]] = r_.lo;                                                     \
        fp[ip[2]] = r_.hi;                                                     \
        NEXT(7);                                                               \
    }
/* loads [d][addr][M], absolute [d][M]; stores [addr][v][M], [v][M]; an M
 * operand is the memory index and a 64-bit offset or absolute address.
 * Memory 0 is membase/memsize; the others (multi-memory) and 64-bit ones
 * (memory64: an i64 address, whose sum with the offset may overflow) have
 * handlers of their own (LMK), which thread_code puts in place; absolute
 * forms are only made for a 32-bit memory 0. */
#define HM_P1R1(id, pfx, a, r)                                                 \
    LOP(id): {                                                                 \
        MEMK_CHECK(id, 3);                                                     \
        uint64_t ea_ = (uint64_t)(uint32_t)fp[ip[2]] + imm64(ip + 4);          \
        MEMCHECK(ea_, ZW_ACCESS_##id);                                             \
        LDF(pfx, id, ip[1], membase + ea_);                                    \
        NEXT(6);                                                               \
    }                                                                          \
    LIR(A_##id): {                                                             \
        uint64_t ea_ = imm64(ip + 3);                                          \
        MEMCHECK(ea_, ZW_ACCESS_##id);                                             \
        LDF(pfx, id, ip[1], membase + ea_);                                    \
        NEXT(5);                                                               \
    }                                                                          \
    LMK(id): {                                                                 \
        MEMK(3);                                                               \
        MEMK_EA(ip[2], imm64(ip + 4), ZW_ACCESS_##id);                         \
        LDF(pfx, id, ip[1], mk_->base + ea_);                                  \
        NEXT(6);                                                               \
    }
#define HM_P2R0(id, pfx, a, b)                                                 \
    LOP(id): {                                                                 \
        MEMK_CHECK(id, 3);                                                     \
        uint64_t ea_ = (uint64_t)(uint32_t)fp[ip[1]] + imm64(ip + 4);          \
        MEMCHECK(ea_, ZW_ACCESS_##id);                                             \
        STF(pfx, id, ip[2], membase + ea_);                                    \
        NEXT(6);                                                               \
    }                                                                          \
    LIR(A_##id): {                                                             \
        uint64_t ea_ = imm64(ip + 3);                                          \
        MEMCHECK(ea_, ZW_ACCESS_##id);                                             \
        STF(pfx, id, ip[1], membase + ea_);                                    \
        NEXT(5);                                                               \
    }                                                                          \
    LMK(id): {                                                                 \
        MEMK(3);                                                               \
        MEMK_EA(ip[1], imm64(ip + 4), ZW_ACCESS_##id);                         \
        STF(pfx, id, ip[2], mk_->base + ea_);                                  \
        NEXT(6);                                                               \
    }
/* extract [d][v][lane], replace [d][v][x][lane] */
#define HL_P1R1(id, pfx, a, r)                                                 \
    LOP(id): {                                                                 \
        WR_##r(ip[1], zw_simd_##id(ldv(fp + ip[2]), ip[3]));                   \
        NEXT(4);                                                               \
    }
#define HL_P2R1(id, pfx, a, b, r)                                              \
    LOP(id): {                                                                 \
        TY_##b x_ = RD_##b(ip[3]);                                             \
        stv(fp + ip[1], zw_simd_##id(ldv(fp + ip[2]), ip[4], x_));             \
        NEXT(5);                                                               \
    }
/* load lane [d][addr][v][M][lane], store lane [addr][v][M][lane] */
#define HML_P2R1(id, pfx, a, b, r)                                             \
    LOP(id): {                                                                 \
        MEMK_CHECK(id, 4);                                                     \
        uint64_t ea_ = (uint64_t)(uint32_t)fp[ip[2]] + imm64(ip + 5);          \
        MEMCHECK(ea_, ZW_ACCESS_##id);                                           \
        stv(fp + ip[1], zw_simd_##id(ldv(fp + ip[3]), membase + ea_, ip[7]));  \
        NEXT(8);                                                               \
    }                                                                          \
    LMK(id): {                                                                 \
        MEMK(4);                                                               \
        MEMK_EA(ip[2], imm64(ip + 5), ZW_ACCESS_##id);                         \
        stv(fp + ip[1], zw_simd_##id(ldv(fp + ip[3]), mk_->base + ea_, ip[7])); \
        NEXT(8);                                                               \
    }
#define HML_P2R0(id, pfx, a, b)                                                \
    LOP(id): {                                                                 \
        MEMK_CHECK(id, 3);                                                     \
        uint64_t ea_ = (uint64_t)(uint32_t)fp[ip[1]] + imm64(ip + 4);          \
        MEMCHECK(ea_, ZW_ACCESS_##id);                                           \
        zw_simd_##id(membase + ea_, ldv(fp + ip[2]), ip[6]);                   \
        NEXT(7);                                                               \
    }                                                                          \
    LMK(id): {                                                                 \
        MEMK(3);                                                               \
        MEMK_EA(ip[1], imm64(ip + 4), ZW_ACCESS_##id);                         \
        zw_simd_##id(mk_->base + ea_, ldv(fp + ip[2]), ip[6]);                 \
        NEXT(7);                                                               \
    }

/* table entries of the generated handlers */
#define TOFF(lbl) [0] = 0
#define TE_OP(id) [ZW_OP_##id] = (int32_t)((const char *)&&Lop_##id - (const char *)&&L_base),
#define TE_IR(n) [ZW_IR_##n] = (int32_t)((const char *)&&Lir_##n - (const char *)&&L_base),
#define T_NONE(id, pfx, sig) ZW_SIG(sig, TN, id, pfx)
#define T_MEMARG(id, pfx, sig) TE_OP(id) TE_IR(A_##id)
#define T_LANE(id, pfx, sig) TE_OP(id)
#define T_MLANE(id, pfx, sig) TE_OP(id)
#define T_SHUF(id, pfx, sig) TE_OP(id)
#define T_OTHER(id, pfx, sig)
#define T_ATOMIC(id, pfx, sig) TE_OP(id)
/* the other memories' handlers of memory instructions (by Wasm op) */
#define TE_MK(id) [ZW_OP_##id] = (int32_t)((const char *)&&Lmk_##id - (const char *)&&L_base),
#define TMK_NONE(id, pfx, sig)
#define TMK_MEMARG(id, pfx, sig) ZW_SIG(sig, TMKM, id, pfx)
#define TMK_LANE(id, pfx, sig)
#define TMK_MLANE(id, pfx, sig) TE_MK(id)
#define TMK_SHUF(id, pfx, sig)
#define TMK_OTHER(id, pfx, sig)
#define TMK_ATOMIC(id, pfx, sig)
#define TMKM_SPECIAL(id, pfx)
#define TMKM_P0R0(id, pfx)
#define TMKM_P1R1(id, pfx, a, r) TE_MK(id)
#define TMKM_P2R0(id, pfx, a, b) TE_MK(id)
#define TMKM_P2R1(id, pfx, a, b, r)
#define TMKM_P3R1(id, pfx, a, b, c, r)
#define TN_SPECIAL(id, pfx)
#define TN_P0R0(id, pfx)
#define TN_P1R1(id, pfx, a, r) TE_OP(id)
#define TN_P2R1(id, pfx, a, b, r) TE_OP(id)
#define TN_P3R1(id, pfx, a, b, c, r) TE_OP(id)
#define TN_P2R2(id, pfx, a, b, r, s) TE_OP(id)
#define TN_P4R2(id, pfx, a, b, c, d, r, s) TE_OP(id)

#define GEN(M, id, prefix, imm, sig) GENP_##prefix(M, id, imm, sig)
#define GENP_0(M, id, imm, sig) ZW_BY_IMM(imm, M, id, 0, sig)
#define GENP_0xFB(M, id, imm, sig) ZW_BY_IMM(imm, M, id, 0xFB, sig)
#define GENP_0xFC(M, id, imm, sig) ZW_BY_IMM(imm, M, id, 0xFC, sig)
#define GENP_0xFE(M, id, imm, sig) ZW_BY_IMM(imm, M, id, 0xFE, sig)
#if ZW_INTERP_SIMD
#define GENP_0xFD(M, id, imm, sig) ZW_BY_IMM(imm, M, id, 0xFD, sig)
#else
#define GENP_0xFD(M, id, imm, sig)
#endif

/* hand-written handlers present in the table */
#define HAND_OPS(X)                                                            \
    X(UNREACHABLE) X(CALL) X(CALL_INDIRECT) X(RETURN_CALL) X(RETURN_CALL_INDIRECT)  \
    X(SELECT) X(GLOBAL_GET) X(GLOBAL_SET)                                      \
    X(TABLE_GET) X(TABLE_SET) X(MEMORY_SIZE) X(MEMORY_GROW) X(MEMORY_INIT)     \
    X(DATA_DROP) X(MEMORY_COPY) X(MEMORY_FILL) X(TABLE_INIT) X(ELEM_DROP)      \
    X(TABLE_COPY) X(TABLE_GROW) X(TABLE_SIZE) X(TABLE_FILL) X(REF_FUNC)        \
    X(CALL_REF) X(RETURN_CALL_REF) X(REF_AS_NON_NULL) X(THROW) X(THROW_REF) X(ATOMIC_FENCE) GC_OPS(X)

/* The GC instructions (runtime/gc.c, shared with the JIT's helpers). */
#define GC_OPS(X)                                                              \
    X(STRUCT_NEW) X(STRUCT_NEW_DEFAULT) X(STRUCT_GET) X(STRUCT_GET_S)          \
    X(STRUCT_GET_U) X(STRUCT_SET) X(ARRAY_NEW) X(ARRAY_NEW_DEFAULT)            \
    X(ARRAY_NEW_FIXED) X(ARRAY_NEW_DATA) X(ARRAY_NEW_ELEM) X(ARRAY_GET)        \
    X(ARRAY_GET_S) X(ARRAY_GET_U) X(ARRAY_SET) X(ARRAY_LEN) X(ARRAY_FILL)      \
    X(ARRAY_COPY) X(ARRAY_INIT_DATA) X(ARRAY_INIT_ELEM) X(REF_TEST)            \
    X(REF_TEST_NULL) X(REF_CAST) X(REF_CAST_NULL) X(ANY_CONVERT_EXTERN)        \
    X(EXTERN_CONVERT_ANY) X(REF_I31) X(I31_GET_S) X(I31_GET_U) X(REF_EQ)

#define LOAD_INST()                                                            \
    do {                                                                       \
        mem0 = inst->module->nmems ? inst->mems[0] : NULL;                     \
        membase = mem0 ? mem0->base : NULL;                                    \
        memsize = mem0 ? zw_mem_size(mem0) : 0;                                \
        ifs = ((zw_imod *)inst->module->engine_code)->f;                       \
    } while (0)

/* The running frame is suspended in the instruction before p for the
 * collector (interp_frames): recorded on top of the frame records, which
 * ex->depth then covers (an allocation, a throw; a host call records it
 * in a zw_isusp instead, so that nested entries do not count it). */
#define SUSPEND_AT(p)                                                          \
    do {                                                                       \
        frames[depth] = (zw_frame){(p), fp, fn, inst};                         \
        ex->depth = depth + 1;                                                 \
    } while (0)

/* Format the wasm call stack of a trap into err->backtrace: f[0..n] are
 * the frame records above the entry sentinel, f[n] the trapping frame (its
 * ip at the trapping instruction; the others' at their return address);
 * code inlined into a frame shows as a frame of its own. */
static void backtrace(zwasm_error_t *err, const zw_frame *f, uint32_t n) {
    size_t len = 0;
    err->backtrace[0] = 0;
    for (uint32_t k = 0, line = 0; k <= n; k++) {
        const zw_frame *r = &f[n - k];
        if (!r->ip) break;
        if (!r->fn) continue; /* an inlined body's marker (INLINE_ENTER) */
        if (line >= 12) { /* this frame and its callers, calls not inlined (as the JIT counts) */
            uint32_t more = 0;
            for (uint32_t j = k; j <= n; j++) more += f[n - j].fn != NULL;
            snprintf(err->backtrace + len, sizeof err->backtrace - len, "  ... %u more frames\n", more);
            break;
        }
        const zw_module *m = r->inst ? r->inst->module : NULL;
        uint32_t pc = (uint32_t)(r->ip - (const uint32_t *)r->fn->tcode) - (k ? 1 : 0);
        zw_ir_loc loc = zw_ir_locate(r->fn->ir, pc);
        if (loc.inlined_func != ZWASM_NO_FUNC) {
            if (!zw_backtrace_line(err, &len, line++, m, loc.inlined_func, loc.offset, true)) break;
            loc.offset = loc.call_offset;
        }
        if (!zw_backtrace_line(err, &len, line++, m, r->fn->ir->func_idx, loc.offset, false)) break;
    }
}

/* Run fn (frame at fp, arguments in place) to completion.  With
 * table_out != NULL only return the handler table. */
static zwasm_result_t run(zw_store *s, const zw_ifunc *fn, zw_instance *inst, zw_slot *fp,
                          zwasm_error_t *err, const int32_t **table_out,
                          const int32_t (**fuse_out)[FI_N], const int32_t **memk_out) {
#if !ZW_INTERP_SWITCH
    static const int32_t table[ZW_IR_COUNT] = {
#define X(id, text, prefix, code, imm, sig, access, lanes, feature) GEN(T, id, prefix, imm, sig)
#include "../opcodes.def"
#undef X
#define X(id) TE_OP(id)
        HAND_OPS(X)
#undef X
#define X(n, t, d, ty) TE_IR(n)
        ZW_IR_OPS(X)
#undef X
#define X(id, l) TE_IR(BR_##id) TE_IR(BRK_##id)
        ZW_IR_CMPS(X)
#undef X
#define X(id, l) TE_IR(K_##id)
        ZW_IR_KOPS(X)
#undef X
    };
#define FUSE_T_OUTER(opa, ka, ida, ta, u) FUSE_SECOND(FUSE_T_INNER, ka, ida, ta)
#define FUSE_T_INNER(opb, kb, idb, tb, ka, ida, ta)                            \
    [FI_##ka##ida][FI_##kb##idb] =                                             \
        (int32_t)((const char *)&&Lfuse_##ka##ida##_##kb##idb - (const char *)&&L_base),
    static const int32_t fuse[FI_N][FI_N] = {FUSE_FIRST(FUSE_T_OUTER, ~)};
    static const int32_t memk[ZW_OP_COUNT] = {
#define X(id, text, prefix, code, imm, sig, access, lanes, feature) GEN(TMK, id, prefix, imm, sig)
#include "../opcodes.def"
#undef X
    };
    if (table_out) {
        *table_out = table;
        *fuse_out = fuse;
        *memk_out = memk;
        return ZWASM_OK;
    }
#else
    if (table_out) {
        *table_out = NULL;
        *fuse_out = NULL;
        *memk_out = NULL;
        return ZWASM_OK;
    }
#endif
    zw_exec *ex = &s->exec;
    zw_istate *st = ex->engine_state;
    zw_frame *frames = st->frames;
    uint32_t depth = ex->depth;
    const uint32_t entry_depth = depth, maxd = max_depth(s);
    zw_slot *const stack_end = ex->stack_end;
    zw_memory *mem0;
    uint8_t *membase;
    uint64_t memsize;
    const zw_ifunc *ifs;
    const uint32_t *ip;
    zwasm_trap_kind_t trap_kind = ZWASM_TRAP_NONE;
    uint32_t trap_elem = 0;
    zwasm_result_t rc;
    zw_funcinst *callee_f;
    const uint32_t *ret_ip = NULL; /* (a tail call has none) */
    uint32_t call_base;
    bool tail; /* do_call: a tail call */
    zw_exn *exn = NULL; /* do_throw: the exception being thrown */
    /* Fuel (only modules lowered with m->fuel have checks) lives in a local
     * and goes back to the store around host calls and on exit; without
     * fuel the checks only look at the interrupt request. */
    uint64_t fuel = ex->fuel_on ? ex->fuel : UINT64_MAX;

    LOAD_INST();
    ip = (const uint32_t *)fn->tcode;
    if (depth >= maxd || fp + fn->frame_slots > stack_end) TRAP(ZWASM_TRAP_STACK_EXHAUSTED);
    frames[depth++] = (zw_frame){NULL, NULL, NULL, NULL};
    for (uint32_t i = fn->nparam_slots; i < fn->nlocal_slots; i++) fp[i] = 0;
    DISPATCH();

#if ZW_INTERP_SWITCH
dispatch:
    switch (*ip) {
    default:
#else
L_base:
#endif
    LIR(INVALID): /* every missing table entry lands here: an op with no handler is a
                   * zwasm bug, told apart from any trap (and so from any handler's code) */
        rc = zw_err_set(err, ZWASM_ERR_UNSUPPORTED, ZWASM_NO_OFFSET, fn->ir->func_idx,
                        "internal error: IR op %u has no interpreter handler", (unsigned)ip[0]);
        goto host_fail;

    /* ---- generated handlers ---- */
#define X(id, text, prefix, code, imm, sig, access, lanes, feature) GEN(H, id, prefix, imm, sig)
#include "../opcodes.def"
#undef X

    /* ---- register-immediate forms ---- */
#define X(id, l)                                                               \
    LIR(K_##id): {                                                             \
        TY_##l x_ = RD_##l(ip[2]);                                             \
        fp[ip[1]] = (uint64_t)SEM_##id(x_, (TY_##l)IMM_##l(3));                \
        NEXT(3 + sizeof(TY_##l) / 4);                                          \
    }
    ZW_IR_KOPS(X)
#undef X

    /* ---- fused pairs ---- */
#define FUSE_H_OUTER(opa, ka, ida, ta, u) FUSE_SECOND(FUSE_H_INNER, ka, ida, ta)
#define FUSE_H_INNER(opb, kb, idb, tb, ka, ida, ta)                            \
    Lfuse_##ka##ida##_##kb##idb: {                                             \
        FBODY_##ka(ida, ta, 0);                                                \
        FTAIL_##kb(idb, tb, FLEN_##ka(ta));                                    \
    }
#if !ZW_INTERP_SWITCH
    FUSE_FIRST(FUSE_H_OUTER, ~)
#endif

    /* ---- fused compare-and-branch ---- */
#define X(id, l)                                                               \
    LIR(BR_##id): {                                                            \
        if (SEM_##id(RD_##l(ip[1]), RD_##l(ip[2]))) {                          \
            ip += (int32_t)ip[3];                                              \
            DISPATCH();                                                        \
        }                                                                      \
        NEXT(4);                                                               \
    }                                                                          \
    LIR(BRK_##id): {                                                           \
        if (SEM_##id(RD_##l(ip[1]), (TY_##l)IMM_##l(2))) {                     \
            ip += (int32_t)ip[2 + sizeof(TY_##l) / 4];                         \
            DISPATCH();                                                        \
        }                                                                      \
        NEXT(3 + sizeof(TY_##l) / 4);                                          \
    }
    ZW_IR_CMPS(X)
#undef X

    /* ---- IR-only ---- */
    LIR(FUEL):
        if (ZW_UNLIKELY(fuel == 0)) TRAP(ZWASM_TRAP_OUT_OF_FUEL);
        fuel--;
        if (ZW_UNLIKELY(ZW_ATOMIC_LOAD(&s->interrupt))) TRAP(ZWASM_TRAP_INTERRUPTED);
        NEXT(1);
    /* An inlined body counts as a frame, so that max_call_depth holds
     * exactly: a marker record (no function) that backtraces skip. */
    LIR(INLINE_ENTER):
        if (ZW_UNLIKELY(depth >= maxd)) TRAP(ZWASM_TRAP_STACK_EXHAUSTED);
        frames[depth++] = (zw_frame){ip, fp, NULL, inst};
        NEXT(1);
    LIR(INLINE_LEAVE):
        depth--;
        NEXT(1);
    LIR(TRACE):
        trace_insn(fn->ir, (uint32_t)(ip + 1 - (const uint32_t *)fn->tcode), fp);
        NEXT(1);
    /* typed forms of one operation on the same bits share a handler */
    LIR(CONST_F32):
    LIR(CONST64_U32):
    LIR(CONST32):
        fp[ip[1]] = ip[2];
        NEXT(3);
    LIR(CONST_F64):
    LIR(CONST64):
        fp[ip[1]] = imm64(ip + 2);
        NEXT(4);
    LIR(CONST_NULL):
        fp[ip[1]] = 0;
        NEXT(2);
    LIR(REF_IS_NULL):
        fp[ip[1]] = fp[ip[2]] == 0;
        NEXT(3);
    LIR(CONST128):
        fp[ip[1]] = imm64(ip + 2);
        fp[ip[1] + 1] = imm64(ip + 4);
        NEXT(6);
    LIR(MOV_I32):
    LIR(MOV_F32):
    LIR(MOV_F64):
    LIR(MOV_REF):
    LIR(MOV_I64):
        fp[ip[1]] = fp[ip[2]];
        NEXT(3);
    LIR(MOV128): {
        zw_v128 v = ldv(fp + ip[2]);
        stv(fp + ip[1], v);
        NEXT(3);
    }
    LIR(BR):
        ip += (int32_t)ip[1];
        DISPATCH();
    LIR(BR_NZ):
        if ((uint32_t)fp[ip[1]]) { ip += (int32_t)ip[2]; DISPATCH(); }
        NEXT(3);
    LIR(BR_Z):
        if (!(uint32_t)fp[ip[1]]) { ip += (int32_t)ip[2]; DISPATCH(); }
        NEXT(3);
    LIR(BR_NONNULL):
    LIR(BR_NZ64):
        if (fp[ip[1]]) { ip += (int32_t)ip[2]; DISPATCH(); }
        NEXT(3);
    LIR(BR_NULL):
    LIR(BR_Z64):
        if (!fp[ip[1]]) { ip += (int32_t)ip[2]; DISPATCH(); }
        NEXT(3);
    LIR(BR_TABLE): {
        uint32_t i = (uint32_t)fp[ip[1]], n = ip[2];
        if (i > n) i = n;
        ip += (int32_t)ip[3 + i];
        DISPATCH();
    }
    LIR(RETURN1):
        fp[0] = fp[ip[1]];
#if ZW_INTERP_SWITCH
        __attribute__((fallthrough));
#endif
    LIR(RETURN_PAD):
    LIR(RETURN):
    do_return: {
        zw_frame *r = &frames[--depth];
        if (ZW_UNLIKELY(!r->ip)) goto done;
        ip = r->ip;
        fp = r->fp;
        fn = r->fn;
        /* same instance: membase/memsize are current (memory.grow and host
         * calls refresh them; an instance switch reloads everything) */
        if (ZW_UNLIKELY(r->inst != inst)) {
            inst = r->inst;
            LOAD_INST();
        }
        DISPATCH();
    }
    LIR(CALL_LOCAL): {
        const zw_ifunc *callee = &ifs[ip[1]];
        zw_slot *nfp = fp + ip[2];
        if (ZW_UNLIKELY(!__atomic_load_n(&callee->tcode, __ATOMIC_ACQUIRE)) &&
            (rc = ifunc_build((zw_ifunc *)callee, err)) != ZWASM_OK)
            goto host_fail;
        if (ZW_UNLIKELY(depth >= maxd || nfp + callee->frame_slots > stack_end))
            TRAP(ZWASM_TRAP_STACK_EXHAUSTED);
        frames[depth++] = (zw_frame){ip + 3, fp, fn, inst};
        for (uint32_t i = callee->nparam_slots; i < callee->nlocal_slots; i++) nfp[i] = 0;
        fp = nfp;
        fn = callee;
        ip = (const uint32_t *)callee->tcode;
        DISPATCH();
    }
    /* a tail call: the callee's frame replaces this one (same fp, same
     * depth, the same return), so tail recursion runs in constant space */
    LIR(RETURN_CALL_LOCAL): {
        const zw_ifunc *callee = &ifs[ip[1]];
        if (ZW_UNLIKELY(!__atomic_load_n(&callee->tcode, __ATOMIC_ACQUIRE)) &&
            (rc = ifunc_build((zw_ifunc *)callee, err)) != ZWASM_OK)
            goto host_fail;
        if (ZW_UNLIKELY(fp + callee->frame_slots > stack_end)) TRAP(ZWASM_TRAP_STACK_EXHAUSTED);
        memmove(fp, fp + ip[2], (size_t)callee->nparam_slots * sizeof *fp);
        for (uint32_t i = callee->nparam_slots; i < callee->nlocal_slots; i++) fp[i] = 0;
        fn = callee;
        ip = (const uint32_t *)callee->tcode;
        DISPATCH();
    }
    LOP(RETURN_CALL):
        tail = true;
        callee_f = inst->funcs[ip[1]];
        call_base = ip[2];
        goto do_call;
    LOP(CALL):
        tail = false;
        callee_f = inst->funcs[ip[1]];
        call_base = ip[2];
        ret_ip = ip + 3;
        goto do_call;
    LOP(RETURN_CALL_INDIRECT):
        tail = true;
        goto call_indirect;
    LOP(CALL_INDIRECT):
        tail = false;
    call_indirect: {
        zw_tableinst *t = inst->tables[ip[2]];
        uint64_t i = zw_table_index(t, fp[ip[4]]);
        if (ZW_UNLIKELY(i >= t->size)) TRAP(ZWASM_TRAP_UNDEFINED_ELEMENT);
        callee_f = t->elems[i];
        if (ZW_UNLIKELY(!callee_f)) {
            trap_elem = i;
            TRAP(ZWASM_TRAP_UNINITIALIZED_ELEMENT);
        }
        if (ZW_UNLIKELY(!zw_func_has_type(callee_f, inst->type_ids[ip[1]], inst->module->types[ip[1]].depth)))
            TRAP(ZWASM_TRAP_INDIRECT_CALL_TYPE);
        call_base = ip[3];
        ret_ip = ip + 5;
        goto do_call;
    }
    LOP(RETURN_CALL_REF):
        tail = true;
        goto call_ref;
    LOP(CALL_REF):
        tail = false;
    call_ref:
        callee_f = (zw_funcinst *)(uintptr_t)fp[ip[3]];
        if (ZW_UNLIKELY(!callee_f)) TRAP(ZWASM_TRAP_NULL_FUNC_REFERENCE);
        call_base = ip[2];
        ret_ip = ip + 4;
        goto do_call;
#define X(id)                                                                  \
    LOP(id): {                                                                 \
        if (zw_ir_special_collects(ZW_OP_##id)) SUSPEND_AT(ip + 1);            \
        uint32_t k_ = zw_gc_exec(inst, ZW_OP_##id, fp, ip, &fuel);             \
        if (ZW_UNLIKELY(k_)) TRAP(k_);                                         \
        NEXT(zw_ir_insn_len_of(ZW_OP_##id, ip));                               \
    }
    GC_OPS(X)
#undef X
    LOP(REF_AS_NON_NULL):
        if (ZW_UNLIKELY(!fp[ip[2]])) TRAP(ZWASM_TRAP_NULL_REFERENCE);
        fp[ip[1]] = fp[ip[2]];
        NEXT(3);
    /* exceptions: ip stays at the throwing instruction for do_throw */
    LOP(THROW):
        SUSPEND_AT(ip + 1);
        exn = zw_exn_new(s, inst->tags[ip[1]], fp + ip[2], true, err);
        if (ZW_UNLIKELY(!exn)) {
            rc = err ? err->code : ZWASM_ERR_NOMEM;
            goto host_fail;
        }
        goto do_throw;
    LOP(THROW_REF):
        exn = (zw_exn *)(uintptr_t)fp[ip[1]];
        if (ZW_UNLIKELY(!exn)) TRAP(ZWASM_TRAP_NULL_REFERENCE);
        goto do_throw;
    LIR(SELECT128): {
        uint32_t c = (uint32_t)fp[ip[4]];
        zw_v128 v = ldv(fp + (c ? ip[2] : ip[3]));
        stv(fp + ip[1], v);
        NEXT(5);
    }
    LIR(GLOBAL_GET128):
        stv(fp + ip[1], inst->globals[ip[2]]->val.v128);
        NEXT(3);
    LIR(GLOBAL_SET128):
        inst->globals[ip[2]]->val.v128 = ldv(fp + ip[1]);
        NEXT(3);

    /* ---- hand-written Wasm ops ---- */
    LOP(UNREACHABLE):
        TRAP(ZWASM_TRAP_UNREACHABLE);
    LIR(SELECT_I64):
    LIR(SELECT_F32):
    LIR(SELECT_F64):
    LIR(SELECT_REF):
    LOP(SELECT):
        fp[ip[1]] = (uint32_t)fp[ip[4]] ? fp[ip[2]] : fp[ip[3]];
        NEXT(5);
    LOP(GLOBAL_GET):
        fp[ip[1]] = inst->globals[ip[2]]->val.slots[0];
        NEXT(3);
    LOP(GLOBAL_SET):
        inst->globals[ip[2]]->val.slots[0] = fp[ip[1]];
        NEXT(3);
    LOP(TABLE_GET): {
        zw_tableinst *t = inst->tables[ip[3]];
        uint64_t i = zw_table_index(t, fp[ip[2]]);
        if (ZW_UNLIKELY(i >= t->size)) TRAP(ZWASM_TRAP_TABLE_OOB);
        fp[ip[1]] = (uintptr_t)t->elems[i];
        NEXT(4);
    }
    LOP(TABLE_SET): {
        zw_tableinst *t = inst->tables[ip[3]];
        uint64_t i = zw_table_index(t, fp[ip[1]]);
        if (ZW_UNLIKELY(i >= t->size)) TRAP(ZWASM_TRAP_TABLE_OOB);
        t->elems[i] = (void *)(uintptr_t)fp[ip[2]];
        NEXT(4);
    }
    LOP(TABLE_SIZE): {
        zw_tableinst *t = inst->tables[ip[2]];
        fp[ip[1]] = zw_table_result(t, (int64_t)t->size);
        NEXT(3);
    }
    LOP(TABLE_GROW): {
        zw_tableinst *t = inst->tables[ip[4]];
        int64_t r;
        uint32_t k = zw_table_grow_fuel(t, zw_table_index(t, fp[ip[3]]), (void *)(uintptr_t)fp[ip[2]], &fuel, &r);
        if (ZW_UNLIKELY(k)) TRAP(k);
        fp[ip[1]] = zw_table_result(t, r);
        NEXT(5);
    }
    /* bulk memory and table instructions: runtime/bulk.c */
    LOP(TABLE_FILL): {
        zw_tableinst *t = inst->tables[ip[4]];
        uint32_t k = zw_table_fill(t, zw_table_index(t, fp[ip[1]]), (void *)(uintptr_t)fp[ip[2]],
                                   zw_table_index(t, fp[ip[3]]), &fuel);
        if (ZW_UNLIKELY(k)) TRAP(k);
        NEXT(5);
    }
    LOP(TABLE_COPY): {
        zw_tableinst *td = inst->tables[ip[4]], *ts = inst->tables[ip[5]];
        uint64_t n = zw_copy_count(td->type.is64, ts->type.is64, fp[ip[3]]);
        uint32_t k = zw_table_copy(td, ts, zw_table_index(td, fp[ip[1]]), zw_table_index(ts, fp[ip[2]]), n, &fuel);
        if (ZW_UNLIKELY(k)) TRAP(k);
        NEXT(6);
    }
    LOP(TABLE_INIT): {
        zw_tableinst *t = inst->tables[ip[5]];
        uint32_t k = zw_table_init(inst, ip[4], t, zw_table_index(t, fp[ip[1]]), (uint32_t)fp[ip[2]],
                                   (uint32_t)fp[ip[3]], &fuel);
        if (ZW_UNLIKELY(k)) TRAP(k);
        NEXT(6);
    }
    LOP(ELEM_DROP):
        inst->elem_len[ip[1]] = 0;
        NEXT(2);
    LOP(REF_FUNC):
        fp[ip[1]] = (uintptr_t)inst->funcs[ip[2]];
        NEXT(3);
    /* memory.* name their memory; memory 0 is also membase/memsize */
    LOP(MEMORY_SIZE): {
        zw_memory *mm = inst->mems[ip[2]];
        fp[ip[1]] = zw_mem_result(mm, (int64_t)zw_mem_pages(mm));
        NEXT(3);
    }
    LOP(MEMORY_GROW): {
        zw_memory *mm = inst->mems[ip[3]];
        fp[ip[1]] = zw_mem_result(mm, zw_memory_grow(mm, zw_mem_addr(mm, fp[ip[2]])));
        membase = mem0->base;
        memsize = zw_mem_size(mem0);
        NEXT(4);
    }
    LOP(MEMORY_INIT): {
        zw_memory *mm = inst->mems[ip[5]];
        uint32_t k = zw_memory_init(inst, ip[4], mm, zw_mem_addr(mm, fp[ip[1]]), (uint32_t)fp[ip[2]],
                                    (uint32_t)fp[ip[3]], &fuel);
        if (ZW_UNLIKELY(k)) TRAP(k);
        NEXT(6);
    }
    LOP(DATA_DROP):
        inst->data_len[ip[1]] = 0;
        NEXT(2);
    LOP(ATOMIC_FENCE):
        zw_atomic_fence();
        NEXT(1);
    LOP(MEMORY_COPY): {
        zw_memory *md = inst->mems[ip[4]], *ms = inst->mems[ip[5]];
        uint64_t n = zw_copy_count(md->type.is64, ms->type.is64, fp[ip[3]]);
        uint32_t k = zw_memory_copy(md, ms, zw_mem_addr(md, fp[ip[1]]), zw_mem_addr(ms, fp[ip[2]]), n, &fuel);
        if (ZW_UNLIKELY(k)) TRAP(k);
        NEXT(6);
    }
    LOP(MEMORY_FILL): {
        zw_memory *mm = inst->mems[ip[4]];
        uint32_t k = zw_memory_fill(mm, zw_mem_addr(mm, fp[ip[1]]), (uint8_t)fp[ip[2]],
                                    zw_mem_addr(mm, fp[ip[3]]), &fuel);
        if (ZW_UNLIKELY(k)) TRAP(k);
        NEXT(5);
    }
#if ZW_INTERP_SWITCH
    }
#endif

/* A call (tail false) or a tail call (tail true: the callee's frame
 * replaces this one: same fp, same depth, the same return) of callee_f,
 * its arguments at fp + call_base. */
do_call: {
    zw_slot *nfp = fp + call_base;
    if (callee_f->host) { /* a tail call of the host: a call, then return its results */
        zw_isusp susp = {st->host, {ip + 1, fp, fn, inst}};
        st->host = &susp;
        ex->depth = depth;
        ex->sp = fp + fn->frame_slots;
        if (ex->fuel_on) ex->fuel = fuel;
        rc = zw_call_host(s, callee_f, inst, nfp, err);
        st->host = susp.prev;
        if (ex->fuel_on) fuel = ex->fuel;
        if (rc != ZWASM_OK) goto host_fail;
        if (mem0) {
            membase = mem0->base;
            memsize = zw_mem_size(mem0);
        }
        if (tail) {
            const zw_functype *t = callee_f->type;
            memmove(fp, nfp, (size_t)zw_types_slots(t->results, t->nresults) * sizeof *fp);
            goto do_return;
        }
        ip = ret_ip;
        DISPATCH();
    }
    const zw_ifunc *callee = callee_f->code;
    if (ZW_UNLIKELY(!__atomic_load_n(&callee->tcode, __ATOMIC_ACQUIRE)) &&
        (rc = ifunc_build((zw_ifunc *)callee, err)) != ZWASM_OK)
        goto host_fail;
    if (tail) {
        if (ZW_UNLIKELY(fp + callee->frame_slots > stack_end)) TRAP(ZWASM_TRAP_STACK_EXHAUSTED);
        memmove(fp, nfp, (size_t)callee->nparam_slots * sizeof *fp);
        nfp = fp; /* the return restores the caller's instance (its frame record) */
    } else {
        if (ZW_UNLIKELY(depth >= maxd || nfp + callee->frame_slots > stack_end))
            TRAP(ZWASM_TRAP_STACK_EXHAUSTED);
        frames[depth++] = (zw_frame){ret_ip, fp, fn, inst};
    }
    for (uint32_t i = callee->nparam_slots; i < callee->nlocal_slots; i++) nfp[i] = 0;
    fp = nfp;
    fn = callee;
    if (callee_f->inst != inst) {
        inst = callee_f->inst;
        LOAD_INST();
    }
    ip = (const uint32_t *)callee->tcode;
    DISPATCH();
}

/* Unwind to the handler of exn: the innermost frame (fn at ip: the throw,
 * or a call that threw) first, then its callers; a handler's frame keeps
 * as many inline markers as are open at its target.  Past the entry
 * sentinel the exception leaves this call. */
do_throw: {
    uint32_t pc = (uint32_t)(ip - (const uint32_t *)fn->tcode);
    for (;;) {
        const zw_ir_catch *c = zw_exn_handler(fn->ir, pc, inst, exn);
        while (!frames[depth - 1].fn && frames[depth - 1].ip) depth--; /* this frame's inline markers */
        if (c) {
            depth += c->inl;
            zw_exn_land(s, c, fp, exn);
            exn = NULL;
            if (mem0) { /* a host function on the way may have grown it */
                membase = mem0->base;
                memsize = zw_mem_size(mem0);
            }
            ip = (const uint32_t *)fn->tcode + c->target;
            DISPATCH();
        }
        zw_frame *r = &frames[--depth];
        if (!r->ip) {
            ex->depth = entry_depth;
            if (ex->fuel_on) ex->fuel = fuel;
            return zw_exn_escape(s, exn, err);
        }
        ip = r->ip;
        fp = r->fp;
        fn = r->fn;
        if (r->inst != inst) {
            inst = r->inst;
            LOAD_INST();
        }
        pc = (uint32_t)(ip - (const uint32_t *)fn->tcode) - 1; /* inside the call */
    }
}

done:
    ex->depth = entry_depth;
    if (ex->fuel_on) ex->fuel = fuel;
    return ZWASM_OK;
host_fail:
    if (rc == ZWASM_ERR_EXCEPTION && s->exec.exn) { /* a host function threw, or wasm it called */
        exn = s->exec.exn;
        s->exec.exn = NULL;
        goto do_throw;
    }
    ex->depth = entry_depth;
    if (ex->fuel_on) ex->fuel = fuel;
    return rc;
do_trap:
    ex->depth = entry_depth;
    if (ex->fuel_on) ex->fuel = fuel;
    if (trap_kind == ZWASM_TRAP_UNINITIALIZED_ELEMENT)
        zw_trap_set(err, trap_kind, "%s %u", zw_trap_message(trap_kind), trap_elem);
    else
        zw_trap_set(err, trap_kind, NULL);
    if (err) {
        zw_ir_loc loc = zw_ir_locate(fn->ir, (uint32_t)(ip - (const uint32_t *)fn->tcode));
        err->func = loc.inlined_func != ZWASM_NO_FUNC ? loc.inlined_func : fn->ir->func_idx;
        err->offset = loc.offset;
        /* frames[entry_depth] is the entry sentinel (absent when the very
         * first frame check trapped); the trapping frame goes on top. */
        uint32_t n = depth > entry_depth ? depth - entry_depth - 1 : 0;
        frames[entry_depth + 1 + n] = (zw_frame){ip, fp, fn, inst};
        backtrace(err, frames + entry_depth + 1, n);
    }
    return ZWASM_ERR_TRAP;
}

/* Thread f's IR into interpreter code: opcode words become handler
 * offsets (a memory instruction on a memory other than 0 gets that form's
 * handler), and hot pairs get fused handlers.  NULL on out of memory. */
static int32_t *thread_code(const zw_module *m, const zw_ir_func *f) {
    const zw_alloc *al = &m->al;
    const int32_t *table, *memk;
    const int32_t (*fuse)[FI_N];
    run(NULL, NULL, NULL, NULL, NULL, &table, &fuse, &memk);
    int32_t *t = zw_malloc(al, ((size_t)f->len + 1) * sizeof *t);
    if (!t) return NULL;
    memcpy(t, f->code, (size_t)f->len * sizeof *t);
    if (table)
        for (uint32_t i = 0; i < f->ninsn; i++) {
            uint32_t op = f->code[f->insn[i]];
            uint32_t mi = op < ZW_OP_COUNT && memk[op] ? zw_ir_mem_index(f->code, f->insn[i]) : 0;
            bool other = op < ZW_OP_COUNT && memk[op] && (mi || m->mems[0].type.is64);
            t[f->insn[i]] = other ? memk[op] : table[op];
        }
    /* fused pairs: A's handler runs A and B, dispatching after B (memory 0) */
    if (fuse)
        for (uint32_t i = 0; i + 1 < f->ninsn; i++) {
            uint32_t opa = f->code[f->insn[i]];
            int a = fuse_index(opa), b = fuse_index(f->code[f->insn[i + 1]]);
            if (!fuse_first(opa) || a < 0 || b < 0) continue;
            if (zw_ir_mem_index(f->code, f->insn[i]) || zw_ir_mem_index(f->code, f->insn[i + 1]) ||
                (m->nmems && m->mems[0].type.is64))
                continue;
            t[f->insn[i]] = fuse[a][b];
            i++;
        }
    return t;
}

bool zw_interp_has_handler(uint32_t op) {
    const int32_t *table, *memk;
    const int32_t (*fuse)[FI_N];
    run(NULL, NULL, NULL, NULL, NULL, &table, &fuse, &memk);
    /* offset 0 is the INVALID handler, which every missing entry gets */
    return !table || (op < ZW_IR_COUNT && (op == ZW_IR_INVALID || table[op] != 0));
}

/* ---- the engine interface --------------------------------------------------------- */
static void interp_free_module(zw_module *m) {
    zw_imod *im = m->engine_code;
    if (!im) return;
    for (uint32_t i = 0; i < m->nfuncs - m->nfunc_imports; i++) zw_free(&m->al, (void *)im->f[i].tcode);
    pthread_mutex_destroy(&im->lock);
    zw_free(&m->al, im);
    m->engine_code = NULL;
}

static zwasm_result_t interp_prepare(zw_module *m, zwasm_error_t *err) {
    uint32_t n = m->nfuncs - m->nfunc_imports;
    zw_imod *im = zw_calloc(&m->al, 1, sizeof *im + ((size_t)n + 1) * sizeof(zw_ifunc));
    if (!im || pthread_mutex_init(&im->lock, NULL) != 0) {
        zw_free(&m->al, im);
        return zw_err_set(err, ZWASM_ERR_NOMEM, ZWASM_NO_OFFSET, ZWASM_NO_FUNC, "out of memory");
    }
    for (uint32_t i = 0; i < n; i++) {
        im->f[i].m = m;
        im->f[i].def = i;
    }
    m->engine_code = im;
    return ZWASM_OK;
}

/* Build fi's code on its first call: lower it (zw_ir_get) and thread it.
 * Whoever comes first builds it, under the module's lock; the code pointer
 * is published last, so a reader that sees it sees the frame layout too. */
static ZW_NOINLINE zwasm_result_t ifunc_build(zw_ifunc *fi, zwasm_error_t *err) {
    zw_imod *im = fi->m->engine_code;
    zwasm_result_t r = ZWASM_OK;
    pthread_mutex_lock(&im->lock);
    if (!__atomic_load_n(&fi->tcode, __ATOMIC_ACQUIRE)) {
        const zw_ir_func *f;
        r = zw_ir_get(fi->m, fi->def, &f, err);
        int32_t *t = r == ZWASM_OK ? thread_code(fi->m, f) : NULL;
        if (r == ZWASM_OK && !t)
            r = zw_err_set(err, ZWASM_ERR_NOMEM, ZWASM_NO_OFFSET, f->func_idx, "out of memory");
        if (t) {
            fi->ir = f;
            fi->frame_slots = f->frame_slots;
            fi->nparam_slots = f->nparam_slots;
            fi->nlocal_slots = f->nlocal_slots;
            __atomic_store_n(&fi->tcode, t, __ATOMIC_RELEASE);
        }
    }
    pthread_mutex_unlock(&im->lock);
    return r;
}

static const void *interp_func_code(const zw_module *m, uint32_t def) {
    return &((const zw_imod *)m->engine_code)->f[def];
}

static zwasm_result_t interp_call(zw_store *s, zw_funcinst *f, zw_slot *fp, zwasm_error_t *err) {
    if (!frames_init(s)) return zw_err_set(err, ZWASM_ERR_NOMEM, ZWASM_NO_OFFSET, ZWASM_NO_FUNC, "out of memory");
    zw_ifunc *fi = (zw_ifunc *)f->code;
    if (!__atomic_load_n(&fi->tcode, __ATOMIC_ACQUIRE)) {
        zwasm_result_t r = ifunc_build(fi, err);
        if (r != ZWASM_OK) return r;
    }
    return run(s, fi, f->inst, fp, err, NULL, NULL, NULL);
}

/* A frame of record r for the collector: suspended in the instruction
 * before r->ip (the word before r->ip is inside it). */
static void visit_record(const zw_frame *r, zw_frame_visit visit, void *env) {
    visit(env, r->inst->module, r->fn->ir, r->fp, (uint32_t)(r->ip - (const uint32_t *)r->fn->tcode) - 1);
}

/* The collector's walk (zw_backend.frames): the frame records below
 * ex->depth (every activation's are in the one array; entry sentinels and
 * inline markers have no function), each a frame suspended in a call or
 * in what SUSPEND_AT recorded, and the frames suspended in host calls.
 * `wasm` makes no difference. */
static void interp_frames(zw_store *s, bool wasm, zw_frame_visit visit, void *env) {
    (void)wasm;
    const zw_istate *st = s->exec.engine_state;
    if (!st) return;
    for (uint32_t k = s->exec.depth; k-- > 0;)
        if (st->frames[k].fn && st->frames[k].ip) visit_record(&st->frames[k], visit, env);
    for (const zw_isusp *h = st->host; h; h = h->prev) visit_record(&h->at, visit, env);
}

const zw_backend zw_interp_backend = {
    .name = "interp",
    .prepare = interp_prepare,
    .func_code = interp_func_code,
    .call = interp_call,
    .free_module = interp_free_module,
    .free_exec = interp_free_exec,
    .frames = interp_frames,
};
