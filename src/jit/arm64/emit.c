/*
 * emit.c — the AArch64 code generator of the JIT (jit_int.h, "the
 * architecture's code generator"): a function's register IR to A64
 * machine code, and the per-module stubs (entry, lazy compilation, calls
 * through a zw_funcinst, traps).  The conventions (docs/jit.md):
 *
 *   x19   the frame: slot k at [x19 + 8k]      x20  the zw_jctx
 *   x21   memory 0's base (of ctx->inst, the running zw_instance)
 *   x29   frame-pointer chain (frames of 16 bytes: saved x29, x30)
 *   x0-x8 x12-x15 x22-x24, v0-v7 v16-v23   allocated to slots (regalloc.c)
 *   x9 (a call's callee; an exclusive store's status) x10 x11 x16 x17,
 *   v29 v30 v31   scratch
 *
 * A call passes the callee's zw_jfunc in x9 and its frame in x19 (the
 * caller's + 8B), with BLR (the return address in x30); the callee keeps
 * x19, x20 and x21 and leaves its results in its frame.  Every allocated
 * register is caller-saved: around a call or helper the values live
 * across it go to their slots and come back after (the allocator lists
 * them).  The layout of frames is x86-64's (jit.c walks both the same
 * way): a function's frame pointer points at the caller's frame pointer,
 * with the return address above it.
 *
 * op_class() sorts every IR op into what emit_insn does with it; an op
 * without an inline form calls its helper (helpers.c) with the frame in
 * memory.  Traps branch to cold stubs at the end of the function, which
 * pass the trap kind and the IR position to the module's trap stub.
 * Conditional branches reach +-1 MiB: a function whose code is longer is
 * compiled again with each of them over an unconditional branch (far).
 */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdlib.h>
#include <sys/auxv.h>
#include <ucontext.h>

#include "../jit_int.h"
#include "asm.h"

#define NGP 16
#define NFP 16
static const int8_t gp_map[NGP] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 12, 13, 14, 15, 22, 23, 24};
static const int8_t fp_map[NFP] = {0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23};
enum {
    X9 = 9, X10 = 10, X11 = 11, X16 = 16, X17 = 17, /* scratch (x9: a call's callee) */
    FRAME = 19, CTX = 20, MEM = 21, FP = A64_FP, LR = A64_LR, SP = A64_SP, ZR = A64_ZR,
    VS0 = 30, VS1 = 31, VS2 = 29, /* scratch vector registers */
};
/* x16 = the entry of function x9 (zw_jfunc.entry, its first word), with
 * acquire: it pairs with compile()'s release store, so the code and IR
 * another thread compiled and published are seen whole. */
static void load_entry(a64_buf *b) { a64_ldar(b, 3, X16, X9); }

/* The entry stub's frame: x29 x30, then x19 .. x28 */
#define ENTRY_FRAME 96

#define B (&J->b)
#define CTXOFF(field) ((int64_t)offsetof(zw_jctx, field))

/* The state of compiling one function: the shared part (jit_int.h) and the code. */
typedef struct jc {
    zw_jcomp c;
    a64_buf b;
    bool far; /* conditional branches over unconditional ones (beyond +-1 MiB) */
    bool lse; /* atomics use LSE (the module's arch_flags) */
} jc;

/* ---- what the CPU offers ------------------------------------------------------------- */
#ifndef HWCAP_ATOMICS
#define HWCAP_ATOMICS (1 << 8)
#endif
/* zw_jmod.arch_flags: the atomic read-modify-writes and compare-exchange
 * are LSE's single instructions (Armv8.1), not exclusive loops */
#define A64F_LSE 1u
/* The module's arch_flags, decided once when its stubs are built: LSE when
 * the CPU has it (HWCAP_ATOMICS), unless the test knob ZWASM_JIT_NO_LSE
 * is set (to anything but "" or "0"), which forces the exclusive loops so
 * that both can be tested on one machine (docs/jit.md).  The only place
 * the JIT reads the environment. */
static uint32_t arch_flags(void) {
    const char *no_lse = getenv("ZWASM_JIT_NO_LSE");
    bool lse = (getauxval(AT_HWCAP) & HWCAP_ATOMICS) && !(no_lse && *no_lse && strcmp(no_lse, "0") != 0);
    return lse ? A64F_LSE : 0;
}

/* ---- SIMD: which Wasm ops are which NEON instructions ------------------------------- */
/* A lane-wise op on two vectors as one NEON instruction (a64_v3_op, its
 * lane size), with the operands swapped (a < b is b > a) or the result
 * inverted (ne is not eq); pmin, pmax and the dot product take two or
 * three (emit_vbinop).  Exactly the Wasm semantics: FMIN/FMAX differ in
 * which NaN they return, so min/max are emit_vfminmax's. */
typedef struct { a64_v3_op ins; uint8_t size; bool swap, invert; } neon_op;
static bool neon_binop(uint32_t op, neon_op *o) {
    neon_op r;
    switch (op) {
#define N(id, ins, size, swap, inv) case ZW_OP_##id: r = (neon_op){A64_V_##ins, size, swap, inv}; break;
    N(I8X16_ADD, ADD, 0, 0, 0) N(I8X16_SUB, SUB, 0, 0, 0)
    N(I8X16_ADD_SAT_S, SQADD, 0, 0, 0) N(I8X16_ADD_SAT_U, UQADD, 0, 0, 0)
    N(I8X16_SUB_SAT_S, SQSUB, 0, 0, 0) N(I8X16_SUB_SAT_U, UQSUB, 0, 0, 0)
    N(I8X16_MIN_S, SMIN, 0, 0, 0) N(I8X16_MIN_U, UMIN, 0, 0, 0) N(I8X16_MAX_S, SMAX, 0, 0, 0) N(I8X16_MAX_U, UMAX, 0, 0, 0)
    N(I8X16_AVGR_U, URHADD, 0, 0, 0)
    N(I8X16_EQ, CMEQ, 0, 0, 0) N(I8X16_NE, CMEQ, 0, 0, 1)
    N(I8X16_GT_S, CMGT, 0, 0, 0) N(I8X16_LT_S, CMGT, 0, 1, 0) N(I8X16_GE_S, CMGE, 0, 0, 0) N(I8X16_LE_S, CMGE, 0, 1, 0)
    N(I8X16_GT_U, CMHI, 0, 0, 0) N(I8X16_LT_U, CMHI, 0, 1, 0) N(I8X16_GE_U, CMHS, 0, 0, 0) N(I8X16_LE_U, CMHS, 0, 1, 0)
    N(I16X8_ADD, ADD, 1, 0, 0) N(I16X8_SUB, SUB, 1, 0, 0) N(I16X8_MUL, MUL, 1, 0, 0)
    N(I16X8_ADD_SAT_S, SQADD, 1, 0, 0) N(I16X8_ADD_SAT_U, UQADD, 1, 0, 0)
    N(I16X8_SUB_SAT_S, SQSUB, 1, 0, 0) N(I16X8_SUB_SAT_U, UQSUB, 1, 0, 0)
    N(I16X8_MIN_S, SMIN, 1, 0, 0) N(I16X8_MIN_U, UMIN, 1, 0, 0) N(I16X8_MAX_S, SMAX, 1, 0, 0) N(I16X8_MAX_U, UMAX, 1, 0, 0)
    N(I16X8_AVGR_U, URHADD, 1, 0, 0)
    N(I16X8_Q15MULR_SAT_S, SQRDMULH, 1, 0, 0) /* (2ab + 2^15) >> 16, saturated: (ab + 2^14) >> 15 */
    N(I16X8_EQ, CMEQ, 1, 0, 0) N(I16X8_NE, CMEQ, 1, 0, 1)
    N(I16X8_GT_S, CMGT, 1, 0, 0) N(I16X8_LT_S, CMGT, 1, 1, 0) N(I16X8_GE_S, CMGE, 1, 0, 0) N(I16X8_LE_S, CMGE, 1, 1, 0)
    N(I16X8_GT_U, CMHI, 1, 0, 0) N(I16X8_LT_U, CMHI, 1, 1, 0) N(I16X8_GE_U, CMHS, 1, 0, 0) N(I16X8_LE_U, CMHS, 1, 1, 0)
    N(I32X4_ADD, ADD, 2, 0, 0) N(I32X4_SUB, SUB, 2, 0, 0) N(I32X4_MUL, MUL, 2, 0, 0)
    N(I32X4_MIN_S, SMIN, 2, 0, 0) N(I32X4_MIN_U, UMIN, 2, 0, 0) N(I32X4_MAX_S, SMAX, 2, 0, 0) N(I32X4_MAX_U, UMAX, 2, 0, 0)
    N(I32X4_EQ, CMEQ, 2, 0, 0) N(I32X4_NE, CMEQ, 2, 0, 1)
    N(I32X4_GT_S, CMGT, 2, 0, 0) N(I32X4_LT_S, CMGT, 2, 1, 0) N(I32X4_GE_S, CMGE, 2, 0, 0) N(I32X4_LE_S, CMGE, 2, 1, 0)
    N(I32X4_GT_U, CMHI, 2, 0, 0) N(I32X4_LT_U, CMHI, 2, 1, 0) N(I32X4_GE_U, CMHS, 2, 0, 0) N(I32X4_LE_U, CMHS, 2, 1, 0)
    N(I32X4_DOT_I16X8_S, ADDP, 2, 0, 0) /* of the products (emit_vbinop) */
    N(I64X2_ADD, ADD, 3, 0, 0) N(I64X2_SUB, SUB, 3, 0, 0)
    N(I64X2_EQ, CMEQ, 3, 0, 0) N(I64X2_NE, CMEQ, 3, 0, 1)
    N(I64X2_GT_S, CMGT, 3, 0, 0) N(I64X2_LT_S, CMGT, 3, 1, 0) N(I64X2_GE_S, CMGE, 3, 0, 0) N(I64X2_LE_S, CMGE, 3, 1, 0)
    N(V128_AND, AND, 0, 0, 0) N(V128_OR, ORR, 0, 0, 0) N(V128_XOR, EOR, 0, 0, 0)
    N(V128_ANDNOT, BIC, 0, 0, 0) /* a & ~b */
    N(F32X4_ADD, FADD, 0, 0, 0) N(F32X4_SUB, FSUB, 0, 0, 0) N(F32X4_MUL, FMUL, 0, 0, 0) N(F32X4_DIV, FDIV, 0, 0, 0)
    N(F64X2_ADD, FADD, 1, 0, 0) N(F64X2_SUB, FSUB, 1, 0, 0) N(F64X2_MUL, FMUL, 1, 0, 0) N(F64X2_DIV, FDIV, 1, 0, 0)
    N(F32X4_EQ, FCMEQ, 0, 0, 0) N(F32X4_NE, FCMEQ, 0, 0, 1) N(F32X4_GT, FCMGT, 0, 0, 0) N(F32X4_LT, FCMGT, 0, 1, 0)
    N(F32X4_GE, FCMGE, 0, 0, 0) N(F32X4_LE, FCMGE, 0, 1, 0)
    N(F64X2_EQ, FCMEQ, 1, 0, 0) N(F64X2_NE, FCMEQ, 1, 0, 1) N(F64X2_GT, FCMGT, 1, 0, 0) N(F64X2_LT, FCMGT, 1, 1, 0)
    N(F64X2_GE, FCMGE, 1, 0, 0) N(F64X2_LE, FCMGE, 1, 1, 0)
    /* pmin(a, b) = b < a ? b : a: the mask a > b selects b (emit_vbinop); pmax: b > a */
    N(F32X4_PMIN, FCMGT, 0, 0, 0) N(F32X4_PMAX, FCMGT, 0, 1, 0)
    N(F64X2_PMIN, FCMGT, 1, 0, 0) N(F64X2_PMAX, FCMGT, 1, 1, 0)
#undef N
    default: return false;
    }
    if (o) *o = r;
    return true;
}

/* A lane-wise op on one vector as one NEON instruction.  Float abs and
 * neg change the sign bit only; the others give Wasm's NaNs as the
 * interpreter's scalar code does on AArch64; FCVTZS/FCVTZU saturate and
 * take NaN to 0, as trunc_sat does. */
typedef struct { a64_v2_op ins; uint8_t size; } neon_op1;
static bool neon_unop(uint32_t op, neon_op1 *o) {
    neon_op1 r;
    switch (op) {
#define N(id, ins, size) case ZW_OP_##id: r = (neon_op1){A64_V_##ins, size}; break;
    N(V128_NOT, NOT, 0) N(I8X16_POPCNT, CNT, 0)
    N(I8X16_ABS, ABS, 0) N(I16X8_ABS, ABS, 1) N(I32X4_ABS, ABS, 2) N(I64X2_ABS, ABS, 3)
    N(I8X16_NEG, NEG, 0) N(I16X8_NEG, NEG, 1) N(I32X4_NEG, NEG, 2) N(I64X2_NEG, NEG, 3)
    N(F32X4_ABS, FABS, 0) N(F32X4_NEG, FNEG, 0) N(F32X4_SQRT, FSQRT, 0)
    N(F64X2_ABS, FABS, 1) N(F64X2_NEG, FNEG, 1) N(F64X2_SQRT, FSQRT, 1)
    N(F32X4_CEIL, FRINTP, 0) N(F32X4_FLOOR, FRINTM, 0) N(F32X4_TRUNC, FRINTZ, 0) N(F32X4_NEAREST, FRINTN, 0)
    N(F64X2_CEIL, FRINTP, 1) N(F64X2_FLOOR, FRINTM, 1) N(F64X2_TRUNC, FRINTZ, 1) N(F64X2_NEAREST, FRINTN, 1)
    N(F32X4_CONVERT_I32X4_S, SCVTF, 0) N(F32X4_CONVERT_I32X4_U, UCVTF, 0)
    N(I32X4_TRUNC_SAT_F32X4_S, FCVTZS, 0) N(I32X4_TRUNC_SAT_F32X4_U, FCVTZU, 0)
#undef N
    default: return false;
    }
    if (o) *o = r;
    return true;
}

/* ---- the classes of operations ---------------------------------------------------- */
/* What emit_insn does with op: its group (zw_jop_of), or the helper for
 * what is not compiled inline on AArch64. */
static zw_jop op_class(uint32_t op) {
    zw_jop g = zw_jop_of(op);
    switch (g) {
    case ZW_JOP_VBINOP: return neon_binop(op, NULL) ? g : ZW_JOP_OTHER;
    case ZW_JOP_VUNOP: return neon_unop(op, NULL) ? g : ZW_JOP_OTHER;
    default:
        return g;
    }
}

/* The class of the instruction at f->code[pc] of module m (zw_jcomp_insn_class). */
static zw_jop insn_class(const zw_module *m, const zw_ir_func *f, uint32_t pc) {
    return zw_jcomp_insn_class(m, f, pc, op_class(f->code[pc]));
}

/* The instructions that clobber every allocated register. */
static bool clobbers(const zw_module *m, const zw_ir_func *f, uint32_t pc) {
    return zw_jop_clobbers(insn_class(m, f, pc));
}

/* ---- branches ------------------------------------------------------------------------ */
/* The kinds of branch: B.cond (cc), CBZ / CBNZ (of reg), B */
typedef enum { BR_COND, BR_CBZ, BR_CBNZ, BR_ALWAYS } brkind;
/* A branch to be patched (a64_patch); in far mode a conditional one is
 * the inverse condition over an unconditional branch, which is returned. */
static uint32_t branch(jc *J, brkind k, a64_cc cc, int reg, bool w64) {
    if (k == BR_ALWAYS) return a64_b(B, 0);
    if (J->far) {
        if (k == BR_COND) a64_bcond(B, a64_cc_not(cc), 8);
        else if (k == BR_CBZ) a64_cbnz(B, w64, reg, 8);
        else a64_cbz(B, w64, reg, 8);
        return a64_b(B, 0);
    }
    if (k == BR_COND) return a64_bcond(B, cc, 0);
    if (k == BR_CBZ) return a64_cbz(B, w64, reg, 0);
    return a64_cbnz(B, w64, reg, 0);
}
/* A branch to a stub raising trap `kind` (0: the kind is in w0) at the current instruction. */
static void trap_br(jc *J, brkind k, a64_cc cc, int reg, bool w64, uint32_t kind) {
    zw_jcomp_cold(&J->c, branch(J, k, cc, reg, w64), kind, false, false);
}
static void trap_if(jc *J, a64_cc cc, uint32_t kind) { trap_br(J, BR_COND, cc, 0, false, kind); }
static void jump_to(jc *J, brkind k, a64_cc cc, int reg, bool w64, uint32_t pc) {
    zw_jcomp_fix(&J->c, branch(J, k, cc, reg, w64), pc);
}
/* A short forward branch inside the instruction's code: patch with here(). */
static void here(jc *J, uint32_t at) { a64_patch(B, at, B->len); }

static uint64_t imm64_at(const uint32_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

/* ---- registers, slots and memory --------------------------------------------------------- */
/* Load or store t at [base + off], whatever off is (through x17, or x16
 * when base is x17, for offsets no form takes). */
static void ldst(jc *J, a64_ldst op, int t, int base, int64_t off) {
    unsigned sz = a64_ldst_size(op);
    if (off >= 0 && off % sz == 0 && off / sz < 4096) {
        a64_ldst_ui(B, op, t, base, (uint32_t)off);
    } else if (off >= -256 && off < 256) {
        a64_ldst_u9(B, op, t, base, (int32_t)off);
    } else {
        int s = base == X17 ? X16 : X17;
        a64_mov_imm(B, true, s, (uint64_t)off);
        a64_ldst_rr(B, op, t, base, s, false);
    }
}
/* d = n + v (64-bit, any v; neither register SP when v has no immediate
 * form: through x17 then) */
static void add_imm(jc *J, int d, int n, int64_t v) {
    uint64_t a = v < 0 ? -(uint64_t)v : (uint64_t)v;
    a64_arith op = v < 0 ? A64_SUB : A64_ADD;
    if (a < 4096) {
        a64_arith_ri(B, op, true, d, n, (uint32_t)a, false);
    } else if (!(a & 0xFFF) && a < ((uint64_t)1 << 24)) {
        a64_arith_ri(B, op, true, d, n, (uint32_t)(a >> 12), true);
    } else {
        a64_mov_imm(B, true, X17, (uint64_t)v);
        a64_arith_rr(B, A64_ADD, true, d, n, X17, 0);
    }
}
#define SLOTOFF(s) ((int64_t)(s) * 8)
static void ctx_ld(jc *J, a64_ldst op, int t, int64_t off) { ldst(J, op, t, CTX, off); }

static int greg(const jc *J, uint32_t s) {
    int r = J->c.ra.reg[0][s];
    return r < 0 ? -1 : gp_map[r];
}
static int fcls(zw_valtype t) { return t == ZW_V128 ? 2 : 1; }
static int xreg(const jc *J, uint32_t s, zw_valtype t) {
    int r = J->c.ra.reg[fcls(t)][s];
    return r < 0 ? -1 : fp_map[r];
}

/* general registers: load slot s into dst; the register holding s (its own
 * or scratch, loaded); store src into s (a 64-bit store: i32 values are
 * kept zero-extended, as every 32-bit A64 operation leaves them) */
static void gload(jc *J, int dst, uint32_t s, bool w64) {
    int r = greg(J, s);
    if (r < 0) ldst(J, w64 ? A64_LDR_X : A64_LDR_W, dst, FRAME, SLOTOFF(s));
    else if (r != dst) a64_mov_rr(B, w64, dst, r);
}
static int gread(jc *J, uint32_t s, bool w64, int scratch) {
    int r = greg(J, s);
    if (r >= 0) return r;
    ldst(J, w64 ? A64_LDR_X : A64_LDR_W, scratch, FRAME, SLOTOFF(s));
    return scratch;
}
static void gstore(jc *J, uint32_t s, int src, bool w64) {
    int r = greg(J, s);
    if (r < 0) ldst(J, A64_STR_X, src, FRAME, SLOTOFF(s));
    else if (r != src) a64_mov_rr(B, w64, r, src);
}
static int gdst(const jc *J, uint32_t s, int scratch) {
    int r = greg(J, s);
    return r >= 0 ? r : scratch;
}

/* float/vector registers: the same, by value type */
static a64_ldst fld(zw_valtype t) { return t == ZW_F32 ? A64_LDR_S : t == ZW_F64 ? A64_LDR_D : A64_LDR_Q; }
static a64_ldst fst(zw_valtype t) { return t == ZW_F32 ? A64_STR_S : t == ZW_F64 ? A64_STR_D : A64_STR_Q; }
static void xmov(jc *J, int dst, int src) {
    if (dst != src) a64_vmov(B, dst, src);
}
static void xload(jc *J, int x, uint32_t s, zw_valtype t) {
    int r = xreg(J, s, t);
    if (r < 0) ldst(J, fld(t), x, FRAME, SLOTOFF(s));
    else xmov(J, x, r);
}
static int xread(jc *J, uint32_t s, zw_valtype t, int scratch) {
    int r = xreg(J, s, t);
    if (r >= 0) return r;
    ldst(J, fld(t), scratch, FRAME, SLOTOFF(s));
    return scratch;
}
static void xstore(jc *J, uint32_t s, zw_valtype t, int x) {
    int r = xreg(J, s, t);
    if (r < 0) ldst(J, t == ZW_F32 ? A64_STR_D : fst(t), x, FRAME, SLOTOFF(s)); /* f32: the whole slot */
    else xmov(J, r, x);
}
static int xdst(const jc *J, uint32_t s, zw_valtype t, int scratch) {
    int r = xreg(J, s, t);
    return r >= 0 ? r : scratch;
}

/* Save (or reload) virtual register v (regalloc's slot * 3 + class) to its slot. */
static void vreg_move(jc *J, uint32_t v, bool reload) {
    uint32_t s = v / ZW_RA_NCLASS, c = v % ZW_RA_NCLASS;
    int r = J->c.ra.reg[c][s];
    if (r < 0 || (!reload && J->c.ra.clean[s])) return;
    if (c == 0) ldst(J, reload ? A64_LDR_X : A64_STR_X, gp_map[r], FRAME, SLOTOFF(s));
    else if (c == 1) ldst(J, reload ? A64_LDR_D : A64_STR_D, fp_map[r], FRAME, SLOTOFF(s)); /* f32s too */
    else ldst(J, reload ? A64_LDR_Q : A64_STR_Q, fp_map[r], FRAME, SLOTOFF(s));
}
static void move_v(zw_jcomp *c, uint32_t v, bool reload) { vreg_move((jc *)c, v, reload); }
static void across(jc *J, bool reload) { zw_jcomp_across(&J->c, reload, move_v); }
static void spill_reads(jc *J) { zw_jcomp_spill_reads(&J->c, move_v); }
static void reload_defs(jc *J) { zw_jcomp_reload_defs(&J->c, move_v); }

/* r = the running instance (ctx->inst) */
static void load_inst(a64_buf *b, int r) {
    a64_ldst_ui(b, A64_LDR_X, r, CTX, (uint32_t)offsetof(zw_jctx, inst));
}
/* load x21 and ctx->memsize for the running instance (through x16, x17) */
static void load_mem(a64_buf *b) {
    load_inst(b, X16);
    a64_ldst_ui(b, A64_LDR_X, X16, X16, (uint32_t)offsetof(zw_instance, mem0));
    a64_mov_rr(b, true, MEM, ZR);
    a64_mov_rr(b, true, X17, ZR);
    uint32_t skip = a64_cbz(b, true, X16, 0);
    a64_ldst_ui(b, A64_LDR_X, MEM, X16, (uint32_t)offsetof(zw_memory, base));
    a64_ldst_ui(b, A64_LDR_X, X17, X16, (uint32_t)offsetof(zw_memory, size));
    a64_patch(b, skip, b->len);
    a64_ldst_ui(b, A64_STR_X, X17, CTX, (uint32_t)offsetof(zw_jctx, memsize));
}
/* ctx->native: set while C code runs (signal.c claims no fault then) */
static void set_native(a64_buf *b, bool on) {
    if (on) {
        a64_movz(b, false, X16, 1, 0);
        a64_ldst_ui(b, A64_STR_W, X16, CTX, (uint32_t)offsetof(zw_jctx, native));
    } else {
        a64_ldst_ui(b, A64_STR_W, ZR, CTX, (uint32_t)offsetof(zw_jctx, native));
    }
}
/* call C function fn with ctx->native set around it */
static void call_c(a64_buf *b, const void *fn) {
    set_native(b, true);
    a64_mov_imm(b, true, X16, (uint64_t)(uintptr_t)fn);
    a64_blr(b, X16);
    set_native(b, false);
}

/* ---- constants and moves ----------------------------------------------------------------- */
/* store the 64-bit constant v to slot s's memory */
static void mem_const(jc *J, uint32_t s, uint64_t v) {
    if (v == 0) {
        ldst(J, A64_STR_X, ZR, FRAME, SLOTOFF(s));
    } else {
        a64_mov_imm(B, true, X16, v);
        ldst(J, A64_STR_X, X16, FRAME, SLOTOFF(s));
    }
}
static void gconst(jc *J, uint32_t s, uint64_t v) {
    int r = greg(J, s);
    if (r >= 0) {
        a64_mov_imm(B, true, r, v);
    } else if (v == 0) {
        ldst(J, A64_STR_X, ZR, FRAME, SLOTOFF(s));
    } else {
        a64_mov_imm(B, true, X16, v);
        ldst(J, A64_STR_X, X16, FRAME, SLOTOFF(s));
    }
}
static void emit_const(jc *J, uint32_t op) {
    const uint32_t *ip = J->c.ip;
    uint32_t d = ip[1];
    switch (op) {
    case ZW_IR_CONST32: case ZW_IR_CONST64_U32: gconst(J, d, ip[2]); return;
    case ZW_IR_CONST64: gconst(J, d, imm64_at(ip + 2)); return;
    case ZW_IR_CONST_NULL: gconst(J, d, 0); return;
    case ZW_IR_CONST_F32: case ZW_IR_CONST_F64: {
        zw_valtype t = op == ZW_IR_CONST_F32 ? ZW_F32 : ZW_F64;
        uint64_t v = t == ZW_F32 ? ip[2] : imm64_at(ip + 2);
        int r = xreg(J, d, t);
        if (r < 0) {
            mem_const(J, d, v);
        } else {
            a64_mov_imm(B, true, X16, v);
            a64_fmov_to_fp(B, true, r, X16);
        }
        return;
    }
    case ZW_IR_CONST128: {
        uint64_t lo = imm64_at(ip + 2), hi = imm64_at(ip + 4);
        int r = xreg(J, d, ZW_V128);
        if (r < 0) {
            mem_const(J, d, lo);
            mem_const(J, d + 1, hi);
        } else {
            a64_mov_imm(B, true, X16, lo);
            a64_fmov_to_fp(B, true, r, X16);
            a64_mov_imm(B, true, X16, hi);
            a64_ins_d1(B, r, X16);
        }
        return;
    }
    }
}

static void emit_mov(jc *J, uint32_t op) {
    uint32_t d = J->c.ip[1], s = J->c.ip[2];
    if (op == ZW_IR_MOV_F32 || op == ZW_IR_MOV_F64 || op == ZW_IR_MOV128) {
        zw_valtype t = op == ZW_IR_MOV_F32 ? ZW_F32 : op == ZW_IR_MOV_F64 ? ZW_F64 : ZW_V128;
        int x = xdst(J, d, t, VS0);
        xload(J, x, s, t);
        xstore(J, d, t, x);
        return;
    }
    bool w64 = op != ZW_IR_MOV_I32;
    int rd = greg(J, d);
    if (rd >= 0) gload(J, rd, s, w64);
    else gstore(J, d, gread(J, s, true, X16), true);
}

/* ---- integer operations ------------------------------------------------------------- */
/* d = a op b, or d = a op imm (kimm) */
static void emit_binop(jc *J, uint32_t op, bool kimm) {
    const uint32_t *ip = J->c.ip;
    uint32_t bop = zw_ir_base_op(op);
    bool w64 = bop >= ZW_OP_I64_ADD && bop <= ZW_OP_I64_ROTR;
    uint32_t k = bop - (w64 ? ZW_OP_I64_ADD : ZW_OP_I32_ADD); /* add sub mul div_s div_u rem_s rem_u and or xor shl shr_s shr_u rotl rotr */
    uint32_t d = ip[1], a = ip[2];
    uint64_t imm = kimm ? (w64 ? imm64_at(ip + 3) : (uint64_t)ip[3]) : 0;
    unsigned bits = w64 ? 64 : 32;
    int ra = gread(J, a, w64, X16);
    int rd = gdst(J, d, X10);
    if (kimm) {
        switch (k) {
        case 0: case 1: { /* add, sub: an imm12 (either sign) or x17 */
            int64_t v = w64 ? (int64_t)imm : (int64_t)(int32_t)(uint32_t)imm;
            bool neg = v < 0;
            uint64_t m = neg ? -(uint64_t)v : (uint64_t)v;
            if (m < 4096) {
                a64_arith_ri(B, (k == 0) != neg ? A64_ADD : A64_SUB, w64, rd, ra, (uint32_t)m, false);
            } else {
                a64_mov_imm(B, w64, X17, imm);
                a64_arith_rr(B, k == 0 ? A64_ADD : A64_SUB, w64, rd, ra, X17, 0);
            }
            break;
        }
        case 7: case 8: case 9: { /* and, or, xor */
            a64_logic lop = k == 7 ? A64_AND : k == 8 ? A64_ORR : A64_EOR;
            uint32_t f;
            if (a64_logic_imm(imm, w64, &f)) {
                a64_logic_ri(B, lop, w64, rd, ra, imm);
            } else {
                a64_mov_imm(B, w64, X17, imm);
                a64_logic_rr(B, lop, w64, rd, ra, X17);
            }
            break;
        }
        case 10: a64_lsl_ri(B, w64, rd, ra, (unsigned)imm & (bits - 1)); break;
        case 11: a64_asr_ri(B, w64, rd, ra, (unsigned)imm & (bits - 1)); break;
        case 12: a64_lsr_ri(B, w64, rd, ra, (unsigned)imm & (bits - 1)); break;
        case 13: a64_extr(B, w64, rd, ra, ra, (unsigned)(bits - (imm & (bits - 1))) & (bits - 1)); break; /* rotl */
        case 14: a64_extr(B, w64, rd, ra, ra, (unsigned)imm & (bits - 1)); break;                       /* rotr */
        default: /* mul */
            a64_mov_imm(B, w64, X17, imm);
            a64_madd(B, w64, rd, ra, X17, ZR);
            break;
        }
        gstore(J, d, rd, w64);
        return;
    }
    int rb = gread(J, ip[3], w64, X17);
    switch (k) {
    case 0: a64_arith_rr(B, A64_ADD, w64, rd, ra, rb, 0); break;
    case 1: a64_arith_rr(B, A64_SUB, w64, rd, ra, rb, 0); break;
    case 2: a64_madd(B, w64, rd, ra, rb, ZR); break;
    case 7: a64_logic_rr(B, A64_AND, w64, rd, ra, rb); break;
    case 8: a64_logic_rr(B, A64_ORR, w64, rd, ra, rb); break;
    case 9: a64_logic_rr(B, A64_EOR, w64, rd, ra, rb); break;
    case 10: a64_dp2(B, A64_LSLV, w64, rd, ra, rb); break; /* the count modulo the width, as Wasm's */
    case 11: a64_dp2(B, A64_ASRV, w64, rd, ra, rb); break;
    case 12: a64_dp2(B, A64_LSRV, w64, rd, ra, rb); break;
    case 13: /* rotl b = rotr -b */
        a64_arith_rr(B, A64_SUB, w64, X17, ZR, rb, 0);
        a64_dp2(B, A64_RORV, w64, rd, ra, X17);
        break;
    default: a64_dp2(B, A64_RORV, w64, rd, ra, rb); break;
    }
    gstore(J, d, rd, w64);
}

static a64_cc cmp_cc(uint32_t op, bool *w64) {
    *w64 = op >= ZW_OP_I64_EQZ && op <= ZW_OP_I64_GE_U;
    switch (op) {
    case ZW_OP_I32_EQ: case ZW_OP_I64_EQ: return A64_EQ;
    case ZW_OP_I32_NE: case ZW_OP_I64_NE: return A64_NE;
    case ZW_OP_I32_LT_S: case ZW_OP_I64_LT_S: return A64_LT;
    case ZW_OP_I32_LT_U: case ZW_OP_I64_LT_U: return A64_LO;
    case ZW_OP_I32_GT_S: case ZW_OP_I64_GT_S: return A64_GT;
    case ZW_OP_I32_GT_U: case ZW_OP_I64_GT_U: return A64_HI;
    case ZW_OP_I32_LE_S: case ZW_OP_I64_LE_S: return A64_LE;
    case ZW_OP_I32_LE_U: case ZW_OP_I64_LE_U: return A64_LS;
    case ZW_OP_I32_GE_S: case ZW_OP_I64_GE_S: return A64_GE;
    default: return A64_HS;
    }
}

/* compare slot a with slot b (or imm); sets the flags */
static void emit_compare(jc *J, bool w64, uint32_t a, uint32_t b, bool kimm, uint64_t imm) {
    int ra = gread(J, a, w64, X16);
    if (kimm) {
        int64_t v = w64 ? (int64_t)imm : (int64_t)(int32_t)(uint32_t)imm;
        if (v >= 0 && v < 4096) {
            a64_arith_ri(B, A64_SUBS, w64, ZR, ra, (uint32_t)v, false);
        } else if (v < 0 && v > -4096) {
            a64_arith_ri(B, A64_ADDS, w64, ZR, ra, (uint32_t)-v, false);
        } else {
            a64_mov_imm(B, w64, X17, imm);
            a64_arith_rr(B, A64_SUBS, w64, ZR, ra, X17, 0);
        }
    } else {
        a64_arith_rr(B, A64_SUBS, w64, ZR, ra, gread(J, b, w64, X17), 0);
    }
}

/* d = cc as 0/1 */
static void set_bool(jc *J, uint32_t d, a64_cc cc) {
    int r = gdst(J, d, X10);
    a64_cset(B, false, r, cc);
    gstore(J, d, r, false);
}

static void emit_cmp(jc *J, uint32_t op, bool kimm) {
    const uint32_t *ip = J->c.ip;
    bool w64;
    a64_cc cc = cmp_cc(zw_ir_base_op(op), &w64);
    emit_compare(J, w64, ip[2], ip[3], kimm, kimm ? (w64 ? imm64_at(ip + 3) : ip[3]) : 0);
    set_bool(J, ip[1], cc);
}

static void emit_unop(jc *J, uint32_t op) {
    uint32_t d = J->c.ip[1], a = J->c.ip[2];
    bool w64 = op == ZW_OP_I64_EQZ || op == ZW_OP_I64_CLZ || op == ZW_OP_I64_CTZ || op == ZW_OP_I64_POPCNT ||
               op == ZW_OP_I32_WRAP_I64 || op == ZW_OP_I64_EXTEND8_S || op == ZW_OP_I64_EXTEND16_S ||
               op == ZW_OP_I64_EXTEND32_S;
    int ra = gread(J, a, w64, X16);
    if (op == ZW_OP_I32_EQZ || op == ZW_OP_I64_EQZ) {
        a64_arith_ri(B, A64_SUBS, w64, ZR, ra, 0, false);
        set_bool(J, d, A64_EQ);
        return;
    }
    int rd = gdst(J, d, X10);
    bool wd = true; /* the result's width */
    switch (op) {
    case ZW_OP_I32_CLZ: case ZW_OP_I64_CLZ: a64_dp1(B, A64_CLZ, w64, rd, ra); wd = w64; break;
    case ZW_OP_I32_CTZ: case ZW_OP_I64_CTZ:
        a64_dp1(B, A64_RBIT, w64, rd, ra);
        a64_dp1(B, A64_CLZ, w64, rd, rd);
        wd = w64;
        break;
    case ZW_OP_I32_POPCNT: case ZW_OP_I64_POPCNT:
        a64_fmov_to_fp(B, w64, VS0, ra); /* (32-bit: the upper bits zero) */
        a64_cnt8b(B, VS0, VS0);
        a64_addv8b(B, VS0, VS0);
        a64_fmov_from_fp(B, false, rd, VS0);
        break;
    case ZW_OP_I32_WRAP_I64: case ZW_OP_I64_EXTEND_I32_U: a64_mov_rr(B, false, rd, ra); break;
    case ZW_OP_I64_EXTEND_I32_S: case ZW_OP_I64_EXTEND32_S: a64_sbfm(B, true, rd, ra, 0, 31); break;
    case ZW_OP_I32_EXTEND8_S: a64_sbfm(B, false, rd, ra, 0, 7); break;
    case ZW_OP_I32_EXTEND16_S: a64_sbfm(B, false, rd, ra, 0, 15); break;
    case ZW_OP_I64_EXTEND8_S: a64_sbfm(B, true, rd, ra, 0, 7); break;
    case ZW_OP_I64_EXTEND16_S: a64_sbfm(B, true, rd, ra, 0, 15); break;
    }
    gstore(J, d, rd, wd);
}

/* div/rem: SDIV/UDIV do not trap, so b == 0 and (signed division)
 * INT_MIN / -1 are checked; the remainder is a - q * b (MSUB), which is
 * 0 for INT_MIN rem -1 as Wasm wants. */
static void emit_div(jc *J, uint32_t irop) {
    const uint32_t *ip = J->c.ip;
    uint32_t d = ip[1], op = zw_ir_base_op(irop);
    bool kimm = zw_ir_form_of(irop) == ZW_IR_FORM_K;
    bool w64 = op >= ZW_OP_I64_DIV_S, sgn = op == ZW_OP_I32_DIV_S || op == ZW_OP_I32_REM_S ||
                                        op == ZW_OP_I64_DIV_S || op == ZW_OP_I64_REM_S;
    bool rem = op == ZW_OP_I32_REM_S || op == ZW_OP_I32_REM_U || op == ZW_OP_I64_REM_S || op == ZW_OP_I64_REM_U;
    uint64_t c = kimm ? (w64 ? imm64_at(ip + 3) : ip[3]) : 0;
    int ra = gread(J, ip[2], w64, X16), rb;
    if (kimm) {
        a64_mov_imm(B, w64, X17, c);
        rb = X17;
    } else {
        rb = gread(J, ip[3], w64, X17);
        trap_br(J, BR_CBZ, 0, rb, w64, ZWASM_TRAP_INT_DIV_ZERO);
    }
    bool minus1 = kimm ? (w64 ? c == UINT64_MAX : (uint32_t)c == UINT32_MAX) : true;
    if (sgn && !rem && minus1) { /* INT_MIN / -1 overflows */
        a64_arith_ri(B, A64_ADDS, w64, ZR, rb, 1, false); /* cmn b, #1 */
        uint32_t ok = a64_bcond(B, A64_NE, 0);
        a64_mov_imm(B, w64, X11, w64 ? (uint64_t)INT64_MIN : (uint64_t)(uint32_t)INT32_MIN);
        a64_arith_rr(B, A64_SUBS, w64, ZR, ra, X11, 0);
        trap_if(J, A64_EQ, ZWASM_TRAP_INT_OVERFLOW);
        here(J, ok);
    }
    int rd = gdst(J, d, X10);
    a64_dp2(B, sgn ? A64_SDIV : A64_UDIV, w64, rem ? X11 : rd, ra, rb);
    if (rem) a64_msub(B, w64, rd, X11, rb, ra);
    gstore(J, d, rd, w64);
}

/* ---- floating point --------------------------------------------------------------------- */
static void emit_fbinop(jc *J, uint32_t op) {
    uint32_t d = J->c.ip[1], a = J->c.ip[2], b = J->c.ip[3];
    zw_valtype t = zw_jcomp_optype(&J->c, 0); /* d's type (the op's signature) */
    bool f64 = t == ZW_F64;
    a64_fop2_op o;
    switch (op) {
    case ZW_OP_F32_ADD: case ZW_OP_F64_ADD: o = A64_FADD; break;
    case ZW_OP_F32_SUB: case ZW_OP_F64_SUB: o = A64_FSUB; break;
    case ZW_OP_F32_MUL: case ZW_OP_F64_MUL: o = A64_FMUL; break;
    case ZW_OP_F32_DIV: case ZW_OP_F64_DIV: o = A64_FDIV; break;
    case ZW_OP_F32_MIN: case ZW_OP_F64_MIN: o = A64_FMIN; break;
    default: o = A64_FMAX; break;
    }
    int ra = xread(J, a, t, VS0), rb = xread(J, b, t, VS1), x = xdst(J, d, t, VS0);
    if (o == A64_FMIN || o == A64_FMAX) {
        /* FMIN/FMAX are Wasm's min/max (a NaN operand gives a NaN, -0 <
         * +0) but for the NaN they return: a signalling NaN first, where
         * the interpreter takes a's (numeric.h).  min(a, min(a, b)) is
         * a's NaN, quieted, whenever a is a NaN, and min(a, b) otherwise. */
        a64_fop2(B, o, f64, VS1, ra, rb);
        rb = VS1;
    }
    a64_fop2(B, o, f64, x, ra, rb);
    xstore(J, d, t, x);
}

static void emit_funop(jc *J, uint32_t op) {
    uint32_t d = J->c.ip[1], a = J->c.ip[2];
    zw_valtype t = zw_jcomp_optype(&J->c, 0); /* d's type (the op's signature) */
    bool f64 = t == ZW_F64;
    a64_fop1_op o;
    switch (op) {
    case ZW_OP_F32_SQRT: case ZW_OP_F64_SQRT: o = A64_FSQRT; break;
    case ZW_OP_F32_CEIL: case ZW_OP_F64_CEIL: o = A64_FRINTP; break;
    case ZW_OP_F32_FLOOR: case ZW_OP_F64_FLOOR: o = A64_FRINTM; break;
    case ZW_OP_F32_TRUNC: case ZW_OP_F64_TRUNC: o = A64_FRINTZ; break;
    case ZW_OP_F32_NEAREST: case ZW_OP_F64_NEAREST: o = A64_FRINTN; break;
    case ZW_OP_F32_ABS: case ZW_OP_F64_ABS: o = A64_FABS; break; /* the sign bit only: NaNs keep their bits */
    default: o = A64_FNEG; break;
    }
    int ra = xread(J, a, t, VS0), x = xdst(J, d, t, VS0);
    a64_fop1(B, o, f64, x, ra);
    xstore(J, d, t, x);
}

/* copysign on the bits: a without its sign, b's sign */
static void emit_fcopysign(jc *J, uint32_t op) {
    uint32_t d = J->c.ip[1], a = J->c.ip[2], b = J->c.ip[3];
    bool f64 = op == ZW_OP_F64_COPYSIGN;
    zw_valtype t = f64 ? ZW_F64 : ZW_F32;
    a64_fmov_from_fp(B, f64, X16, xread(J, a, t, VS0));
    a64_fmov_from_fp(B, f64, X17, xread(J, b, t, VS1));
    uint64_t sign = f64 ? (uint64_t)1 << 63 : (uint64_t)1 << 31;
    a64_logic_ri(B, A64_AND, f64, X16, X16, ~sign & (f64 ? UINT64_MAX : UINT32_MAX));
    a64_logic_ri(B, A64_AND, f64, X17, X17, sign);
    a64_logic_rr(B, A64_ORR, f64, X16, X16, X17);
    int x = xdst(J, d, t, VS0);
    a64_fmov_to_fp(B, f64, x, X16);
    xstore(J, d, t, x);
}

static void emit_fcmp(jc *J, uint32_t op) {
    uint32_t d = J->c.ip[1], a = J->c.ip[2], b = J->c.ip[3];
    bool f64 = op >= ZW_OP_F64_EQ;
    zw_valtype t = f64 ? ZW_F64 : ZW_F32;
    uint32_t k = op - (f64 ? ZW_OP_F64_EQ : ZW_OP_F32_EQ); /* eq ne lt gt le ge */
    a64_fcmp(B, f64, xread(J, a, t, VS0), xread(J, b, t, VS1));
    /* unordered sets C and V: each of these is false then, but ne */
    static const a64_cc cc[6] = {A64_EQ, A64_NE, A64_MI, A64_GT, A64_LS, A64_GE};
    set_bool(J, d, cc[k]);
}

static void emit_convert(jc *J, uint32_t op) {
    uint32_t d = J->c.ip[1], a = J->c.ip[2];
    switch (op) {
    case ZW_OP_F32_CONVERT_I32_S: case ZW_OP_F32_CONVERT_I32_U: case ZW_OP_F32_CONVERT_I64_S:
    case ZW_OP_F32_CONVERT_I64_U: case ZW_OP_F64_CONVERT_I32_S: case ZW_OP_F64_CONVERT_I32_U:
    case ZW_OP_F64_CONVERT_I64_S: case ZW_OP_F64_CONVERT_I64_U: {
        bool f64 = op >= ZW_OP_F64_CONVERT_I32_S;
        zw_valtype t = f64 ? ZW_F64 : ZW_F32;
        bool src64 = op == ZW_OP_F32_CONVERT_I64_S || op == ZW_OP_F64_CONVERT_I64_S ||
                     op == ZW_OP_F32_CONVERT_I64_U || op == ZW_OP_F64_CONVERT_I64_U;
        bool sgn = op == ZW_OP_F32_CONVERT_I32_S || op == ZW_OP_F32_CONVERT_I64_S ||
                   op == ZW_OP_F64_CONVERT_I32_S || op == ZW_OP_F64_CONVERT_I64_S;
        int x = xdst(J, d, t, VS0);
        a64_cvtf(B, sgn, src64, f64, x, gread(J, a, src64, X16));
        xstore(J, d, t, x);
        return;
    }
    case ZW_OP_F32_DEMOTE_F64: case ZW_OP_F64_PROMOTE_F32: {
        bool to64 = op == ZW_OP_F64_PROMOTE_F32;
        zw_valtype ts = to64 ? ZW_F32 : ZW_F64, td = to64 ? ZW_F64 : ZW_F32;
        int x = xdst(J, d, td, VS0);
        a64_fop1(B, to64 ? A64_FCVT_SD : A64_FCVT_DS, !to64, x, xread(J, a, ts, VS0));
        xstore(J, d, td, x);
        return;
    }
    case ZW_OP_I32_REINTERPRET_F32: case ZW_OP_I64_REINTERPRET_F64: {
        bool w64 = op == ZW_OP_I64_REINTERPRET_F64;
        int ra = xreg(J, a, w64 ? ZW_F64 : ZW_F32), rd = gdst(J, d, X10);
        if (ra >= 0) a64_fmov_from_fp(B, w64, rd, ra);
        else ldst(J, w64 ? A64_LDR_X : A64_LDR_W, rd, FRAME, SLOTOFF(a));
        gstore(J, d, rd, w64);
        return;
    }
    default: { /* f32/f64.reinterpret */
        bool w64 = op == ZW_OP_F64_REINTERPRET_I64;
        zw_valtype t = w64 ? ZW_F64 : ZW_F32;
        int rd = xreg(J, d, t);
        if (rd >= 0) a64_fmov_to_fp(B, w64, rd, gread(J, a, w64, X16));
        else ldst(J, A64_STR_X, gread(J, a, w64, X16), FRAME, SLOTOFF(d)); /* (d's own class) */
        return;
    }
    }
}

static void emit_trunc_sat(jc *J, uint32_t op) {
    uint32_t d = J->c.ip[1], a = J->c.ip[2];
    uint32_t k = op - ZW_OP_I32_TRUNC_SAT_F32_S; /* i32: f32 s u, f64 s u; i64: the same */
    bool w64 = k >= 4, f64 = (k & 2) != 0, sgn = !(k & 1);
    int rd = gdst(J, d, X10);
    a64_fcvtz(B, sgn, w64, f64, rd, xread(J, a, f64 ? ZW_F64 : ZW_F32, VS0));
    gstore(J, d, rd, w64);
}

/* The trapping truncations: NaN is an invalid conversion; a value whose
 * integral part does not fit (zw_jtrunc_of's range) an overflow; in
 * range, FCVTZS/FCVTZU. */
static void emit_ftrunc(jc *J, uint32_t op) {
    uint32_t d = J->c.ip[1], a = J->c.ip[2];
    zw_jtrunc tr = zw_jtrunc_of(op);
    bool to64 = tr.to64, f64 = tr.f64;
    int x = xread(J, a, f64 ? ZW_F64 : ZW_F32, VS0);
    a64_fcmp(B, f64, x, x);
    trap_if(J, A64_VS, ZWASM_TRAP_INVALID_CONVERSION);
    for (int k = 0; k < 2; k++) {
        double v = k ? tr.hi : tr.lo;
        a64_mov_imm(B, f64, X16, f64 ? zw_f64_bits(v) : zw_f32_bits((float)v));
        a64_fmov_to_fp(B, f64, VS1, X16);
        a64_fcmp(B, f64, x, VS1);
        trap_if(J, k ? A64_GE : tr.lo_incl ? A64_LT : A64_LS, ZWASM_TRAP_INT_OVERFLOW);
    }
    int rd = gdst(J, d, X10);
    a64_fcvtz(B, tr.sgn, to64, f64, rd, x);
    gstore(J, d, rd, to64);
}

/* ---- memory ---------------------------------------------------------------------------- */
/* An address: [base + index (a W register zero-extended when uxtw) + off]
 * (index < 0: none). */
typedef struct { int base, index; bool uxtw; int64_t off; } amem;

/* The address of an access of n bytes at (slot addr, zero-extended) + off
 * (or at the constant address off when abs): bounds-checked against the
 * memory's size, or left to the guard pages.  Uses x10, x16 and x17
 * (never x11: a store's value). */
static amem mem_addr(jc *J, bool abs, uint32_t addr, uint64_t off, uint32_t n) {
    uint32_t k = abs ? 0 : zw_ir_mem_index(J->c.f->code, J->c.pc);
    if (k) {
        /* another memory (multi-memory), read from the instance: x16 = the
         * memory; x17 = address + offset + n, checked against its size (a
         * carry is out of bounds for a 64-bit one).  insn_class sends
         * offsets of 2^31 - 16 and more to the helper. */
        bool is64 = J->c.m->mems[k].type.is64;
        load_inst(B, X16);
        ldst(J, A64_LDR_X, X16, X16, (int64_t)offsetof(zw_instance, mems));
        ldst(J, A64_LDR_X, X16, X16, (int64_t)k * 8);
        gload(J, X17, addr, is64); /* a 32-bit load zero-extends */
        a64_mov_imm(B, true, X10, off + n);
        a64_arith_rr(B, A64_ADDS, true, X17, X17, X10, 0);
        if (is64) trap_if(J, A64_HS, ZWASM_TRAP_MEMORY_OOB); /* carry */
        ldst(J, A64_LDR_X, X10, X16, (int64_t)offsetof(zw_memory, size));
        a64_arith_rr(B, A64_SUBS, true, ZR, X17, X10, 0);
        trap_if(J, A64_HI, ZWASM_TRAP_MEMORY_OOB);
        ldst(J, A64_LDR_X, X16, X16, (int64_t)offsetof(zw_memory, base));
        a64_arith_rr(B, A64_ADD, true, X17, X16, X17, 0);
        return (amem){X17, -1, false, -(int64_t)n};
    }
    if (J->c.mem64) {
        /* a 64-bit memory (memory64): address + offset + n may pass 2^64, so
         * each sum checks its carry; then the end against the size */
        gload(J, X17, addr, true);
        if (off) {
            a64_mov_imm(B, true, X10, off);
            a64_arith_rr(B, A64_ADDS, true, X17, X17, X10, 0);
            trap_if(J, A64_HS, ZWASM_TRAP_MEMORY_OOB);
        }
        a64_arith_ri(B, A64_ADDS, true, X10, X17, n, false);
        trap_if(J, A64_HS, ZWASM_TRAP_MEMORY_OOB);
        ctx_ld(J, A64_LDR_X, X16, CTXOFF(memsize));
        a64_arith_rr(B, A64_SUBS, true, ZR, X10, X16, 0);
        trap_if(J, A64_HI, ZWASM_TRAP_MEMORY_OOB);
        return (amem){MEM, X17, false, 0};
    }
    if (J->c.guarded && off <= INT32_MAX - 16) { /* a fault is the check (signal.c) */
        if (abs) return (amem){MEM, -1, false, (int64_t)off};
        return (amem){MEM, gread(J, addr, false, X17), true, (int64_t)off};
    }
    if (abs) {
        a64_mov_imm(B, true, X17, off);
        off = 0;
    } else {
        gload(J, X17, addr, false); /* zero-extends */
    }
    a64_mov_imm(B, true, X10, off + n);
    a64_arith_rr(B, A64_ADD, true, X10, X17, X10, 0); /* < 2^33: no carry */
    ctx_ld(J, A64_LDR_X, X16, CTXOFF(memsize));
    a64_arith_rr(B, A64_SUBS, true, ZR, X10, X16, 0);
    trap_if(J, A64_HI, ZWASM_TRAP_MEMORY_OOB);
    return (amem){MEM, X17, false, (int64_t)off};
}

/* The access op of register t at address *m.  An index with an offset
 * is added into x17 first, and *m becomes that (a second access, after a
 * store's probe, reuses it: the index may have been x17). */
static void mem_ldst(jc *J, a64_ldst op, int t, amem *m) {
    if (m->index >= 0 && m->off != 0) {
        if (m->uxtw) a64_arith_rx(B, A64_ADD, X17, m->base, m->index, false);
        else a64_arith_rr(B, A64_ADD, true, X17, m->base, m->index, 0);
        *m = (amem){X17, -1, false, m->off};
    }
    if (m->index < 0) ldst(J, op, t, m->base, m->off);
    else a64_ldst_rr(B, op, t, m->base, m->index, m->uxtw);
}

static void emit_load(jc *J, uint32_t op) {
    const uint32_t *ip = J->c.ip;
    bool abs = zw_ir_form_of(op) == ZW_IR_FORM_ABS;
    uint32_t bop = zw_ir_base_op(op), d = ip[1];
    /* [d][addr][M: mem, off] or [d][M: mem, address] */
    uint64_t off = abs ? imm64_at(ip + 3) : imm64_at(ip + 4);
    amem m = mem_addr(J, abs, abs ? 0 : ip[2], off, zw_opinfos[bop].access);
    switch (bop) {
    case ZW_OP_F32_LOAD: case ZW_OP_F64_LOAD: case ZW_OP_V128_LOAD: {
        zw_valtype t = bop == ZW_OP_F32_LOAD ? ZW_F32 : bop == ZW_OP_F64_LOAD ? ZW_F64 : ZW_V128;
        int x = xdst(J, d, t, VS0);
        mem_ldst(J, fld(t), x, &m);
        xstore(J, d, t, x);
        return;
    }
    }
    int rd = gdst(J, d, X11);
    a64_ldst lop;
    bool w64 = true;
    switch (bop) {
    case ZW_OP_I32_LOAD: case ZW_OP_I64_LOAD32_U: lop = A64_LDR_W; w64 = false; break;
    case ZW_OP_I64_LOAD: lop = A64_LDR_X; break;
    case ZW_OP_I32_LOAD8_S: lop = A64_LDRSB_W; w64 = false; break;
    case ZW_OP_I32_LOAD8_U: case ZW_OP_I64_LOAD8_U: lop = A64_LDRB; w64 = false; break;
    case ZW_OP_I32_LOAD16_S: lop = A64_LDRSH_W; w64 = false; break;
    case ZW_OP_I32_LOAD16_U: case ZW_OP_I64_LOAD16_U: lop = A64_LDRH; w64 = false; break;
    case ZW_OP_I64_LOAD8_S: lop = A64_LDRSB_X; break;
    case ZW_OP_I64_LOAD16_S: lop = A64_LDRSH_X; break;
    default: lop = A64_LDRSW; break; /* i64.load32_s */
    }
    mem_ldst(J, lop, rd, &m);
    gstore(J, d, rd, w64);
}

/* A store to a guarded memory (no bounds check): an access of more than
 * one byte that straddles the end may be partly performed before it
 * faults on AArch64, so a load of the same bytes goes first: it faults
 * (nothing written) whenever the store would. */
static void emit_store(jc *J, uint32_t op) {
    const uint32_t *ip = J->c.ip;
    bool abs = zw_ir_form_of(op) == ZW_IR_FORM_ABS;
    uint32_t bop = zw_ir_base_op(op);
    /* [addr][v][M: mem, off] or [v][M: mem, address] */
    uint32_t v = abs ? ip[1] : ip[2];
    uint64_t off = abs ? imm64_at(ip + 3) : imm64_at(ip + 4);
    uint32_t n = zw_opinfos[bop].access;
    bool probe = n > 1 && J->c.guarded && !zw_ir_mem_index(J->c.f->code, J->c.pc) && off <= INT32_MAX - 16;
    switch (bop) {
    case ZW_OP_F32_STORE: case ZW_OP_F64_STORE: case ZW_OP_V128_STORE: {
        zw_valtype t = bop == ZW_OP_F32_STORE ? ZW_F32 : bop == ZW_OP_F64_STORE ? ZW_F64 : ZW_V128;
        int x = xread(J, v, t, VS0);
        amem m = mem_addr(J, abs, abs ? 0 : ip[1], off, n);
        if (probe) mem_ldst(J, fld(t), VS1, &m);
        mem_ldst(J, fst(t), x, &m);
        return;
    }
    }
    int rv = gread(J, v, bop == ZW_OP_I64_STORE, X11);
    amem m = mem_addr(J, abs, abs ? 0 : ip[1], off, n);
    a64_ldst sop, pop;
    switch (bop) {
    case ZW_OP_I32_STORE: case ZW_OP_I64_STORE32: sop = A64_STR_W; pop = A64_LDR_W; break;
    case ZW_OP_I64_STORE: sop = A64_STR_X; pop = A64_LDR_X; break;
    case ZW_OP_I32_STORE8: case ZW_OP_I64_STORE8: sop = A64_STRB; pop = A64_LDRB; break;
    default: sop = A64_STRH; pop = A64_LDRH; break;
    }
    if (probe) mem_ldst(J, pop, X10, &m);
    mem_ldst(J, sop, rv, &m);
}

/* ---- atomic accesses (threads) -------------------------------------------------------------
 * Sequentially consistent as C11's mapping to A64 makes them: loads LDAR,
 * stores STLR, read-modify-writes and compare-exchange with acquire and
 * release.  With LSE (jc.lse) those are one instruction each: LDADDAL,
 * LDADDAL of the negated value for sub, LDCLRAL of the inverted value for
 * and, LDSETAL, LDEORAL, SWPAL and CASAL (which compares the access's
 * bytes only: the expected value is wrapped for free); otherwise an
 * LDAXR/STLXR loop that retries until the exclusive store succeeds (for
 * compare-exchange, leaving it when the value read, zero-extended by the
 * load, differs from the expected value wrapped to the width).  The loads
 * zero-extend narrow values into W registers, so results need nothing
 * more.  atomic.fence is DMB ISH; wait and notify are helpers (they
 * block).  Every memory is inline as for plain accesses (mem_addr), but
 * what zw_jcomp_insn_class sends to the helper (another memory's offsets of
 * 2^31 - 16 or more; a shared memory 0 that would be checked against the
 * cached size).
 *
 * The checks are in runtime/atomic.h's order: the alignment of address +
 * offset first ("unaligned atomic"), then mem_addr's bounds checks, or for
 * a guarded memory the fault of the access itself, which signal.c turns
 * into the trap like a plain load's (an aligned access never straddles
 * the end, so no store probe; exclusive and LSE accesses fault before
 * writing anything, like loads).  None of these instructions takes an
 * offset or an index: the host address is computed into x17.  Scratch: x9
 * (an exclusive store's status), x10, x11, x16, x17; the allocated
 * registers are only read, and the result is written last. */
typedef enum { AT_LOAD, AT_STORE, AT_ADD, AT_SUB, AT_AND, AT_OR, AT_XOR, AT_XCHG, AT_CMPXCHG } atomic_kind;
static atomic_kind atomic_kind_of(uint32_t op) {
    uint32_t k = op - ZW_OP_I32_ATOMIC_LOAD; /* the rows' order (compile.c checks it) */
    return k < 7 ? AT_LOAD : k < 14 ? AT_STORE : (atomic_kind)(AT_ADD + (k - 14) / 7);
}

/* Trap "unaligned atomic" unless (slot addr) + off is a multiple of n.
 * Its low bits are those of the address plus the offset's, for a 32- or
 * 64-bit address alike (the sum is mod 2^64).  Uses x16. */
static void atomic_align(jc *J, uint32_t addr, uint64_t off, uint32_t n) {
    if (n == 1) return;
    uint32_t lo = (uint32_t)(off & (n - 1));
    int r = gread(J, addr, false, X16);
    if (lo) {
        a64_arith_ri(B, A64_ADD, false, X16, r, lo, false);
        r = X16;
    }
    a64_logic_ri(B, A64_ANDS, false, ZR, r, n - 1); /* tst */
    trap_if(J, A64_NE, ZWASM_TRAP_UNALIGNED_ATOMIC);
}

/* x17 = the host address of an access of n bytes at (slot addr) + off:
 * mem_addr's, with its index and offset added.  Uses x10 and x16. */
static void atomic_addr(jc *J, uint32_t addr, uint64_t off, uint32_t n) {
    amem m = mem_addr(J, false, addr, off, n);
    int r = m.base;
    if (m.index >= 0) {
        if (m.uxtw) a64_arith_rx(B, A64_ADD, X17, m.base, m.index, false);
        else a64_arith_rr(B, A64_ADD, true, X17, m.base, m.index, 0);
        r = X17;
    }
    if (m.off) {
        uint64_t a = m.off < 0 ? -(uint64_t)m.off : (uint64_t)m.off;
        if (a < 4096) {
            a64_arith_ri(B, m.off < 0 ? A64_SUB : A64_ADD, true, X17, r, (uint32_t)a, false);
        } else { /* (mem_addr leaves no value in x16) */
            a64_mov_imm(B, true, X16, (uint64_t)m.off);
            a64_arith_rr(B, A64_ADD, true, X17, r, X16, 0);
        }
        r = X17;
    }
    if (r != X17) a64_mov_rr(B, true, X17, r);
}

/* A backward branch to word `loop` while w9 (an exclusive store's status) is not 0 */
static void retry(jc *J, uint32_t loop) { a64_cbnz(B, false, X9, ((int32_t)loop - (int32_t)B->len) * 4); }

static void emit_atomic(jc *J, uint32_t op) {
    if (op == ZW_OP_ATOMIC_FENCE) {
        a64_dmb_ish(B);
        return;
    }
    const uint32_t *ip = J->c.ip;
    uint32_t n = zw_opinfos[op].access;
    unsigned size = n == 1 ? 0 : n == 2 ? 1 : n == 4 ? 2 : 3;
    bool w64 = n == 8; /* the registers' width (narrower values: their low bytes) */
    atomic_kind k = atomic_kind_of(op);
    /* load [d][addr][M], store [addr][v][M], rmw [d][addr][v][M],
     * cmpxchg [d][addr][x][y][M]; M = memory index, 64-bit offset */
    uint32_t d = ip[1], addr = k == AT_STORE ? ip[1] : ip[2], v = k == AT_STORE ? ip[2] : ip[3];
    uint32_t mk = k == AT_LOAD || k == AT_STORE ? 3 : k == AT_CMPXCHG ? 5 : 4;
    uint64_t off = imm64_at(ip + mk + 1);
    atomic_align(J, addr, off, n);
    atomic_addr(J, addr, off, n);
    switch (k) {
    case AT_LOAD: {
        int rd = gdst(J, d, X10);
        a64_ldar(B, size, rd, X17);
        gstore(J, d, rd, true);
        return;
    }
    case AT_STORE:
        a64_stlr(B, size, gread(J, v, w64, X10), X17);
        return;
    case AT_CMPXCHG: {
        int rr = gread(J, ip[4], w64, X11); /* the replacement */
        if (J->lse) {
            gload(J, X10, v, w64); /* the expected value, then the value read */
            a64_casal(B, size, X10, rr, X17);
        } else {
            int re = gread(J, v, w64, X16);
            if (n < 4) { /* the expected value wrapped to the width (32 and 64 bits: the compare's width) */
                a64_ubfm(B, false, X16, re, 0, 8 * n - 1);
                re = X16;
            }
            uint32_t loop = B->len;
            a64_ldaxr(B, size, X10, X17);
            a64_arith_rr(B, A64_SUBS, w64, ZR, X10, re, 0);
            uint32_t differ = a64_bcond(B, A64_NE, 0);
            a64_stlxr(B, size, X9, rr, X17);
            retry(J, loop);
            here(J, differ);
        }
        gstore(J, d, X10, true);
        return;
    }
    default:
        break;
    }
    int rv = gread(J, v, w64, X11);
    if (J->lse) {
        a64_lse_op lop = k == AT_ADD || k == AT_SUB ? A64_LDADD : k == AT_AND ? A64_LDCLR : k == AT_OR ? A64_LDSET
                         : k == AT_XOR ? A64_LDEOR : A64_SWP;
        if (k == AT_SUB) { /* [m] - v = [m] + -v */
            a64_arith_rr(B, A64_SUB, w64, X11, ZR, rv, 0);
            rv = X11;
        } else if (k == AT_AND) { /* [m] & v = [m] & ~~v */
            a64_logic_rr(B, A64_ORN, w64, X11, ZR, rv);
            rv = X11;
        }
        int rd = gdst(J, d, X10); /* (may be v's register: it is read first) */
        a64_lse_al(B, lop, size, rv, rd, X17);
        gstore(J, d, rd, true);
        return;
    }
    /* x10 = the old value; the new one (x16, or v for xchg) stored if
     * nothing else wrote since the load */
    uint32_t loop = B->len;
    a64_ldaxr(B, size, X10, X17);
    int rn = X16;
    switch (k) {
    case AT_ADD: a64_arith_rr(B, A64_ADD, w64, X16, X10, rv, 0); break;
    case AT_SUB: a64_arith_rr(B, A64_SUB, w64, X16, X10, rv, 0); break;
    case AT_AND: a64_logic_rr(B, A64_AND, w64, X16, X10, rv); break;
    case AT_OR: a64_logic_rr(B, A64_ORR, w64, X16, X10, rv); break;
    case AT_XOR: a64_logic_rr(B, A64_EOR, w64, X16, X10, rv); break;
    default: rn = rv; break; /* xchg */
    }
    a64_stlxr(B, size, X9, rn, X17);
    retry(J, loop);
    gstore(J, d, X10, true);
}

/* ---- select, globals ---------------------------------------------------------------------- */
static void emit_select(jc *J, uint32_t op) {
    uint32_t d = J->c.ip[1], a = J->c.ip[2], b = J->c.ip[3], c = J->c.ip[4];
    int rc = gread(J, c, false, X10);
    if (op == ZW_IR_SELECT_F32 || op == ZW_IR_SELECT_F64) {
        zw_valtype t = op == ZW_IR_SELECT_F32 ? ZW_F32 : ZW_F64;
        xload(J, VS0, a, t);
        uint32_t keep = a64_cbnz(B, false, rc, 0);
        xload(J, VS0, b, t);
        here(J, keep);
        xstore(J, d, t, VS0);
        return;
    }
    bool w64 = op != ZW_OP_SELECT;
    int ra = gread(J, a, w64, X16), rb = gread(J, b, w64, X17), rd = gdst(J, d, X11);
    a64_arith_ri(B, A64_SUBS, false, ZR, rc, 0, false);
    a64_csel(B, A64_CSEL, w64, rd, ra, rb, A64_NE);
    gstore(J, d, rd, w64);
}

static void emit_global(jc *J, uint32_t op) {
    const uint32_t *ip = J->c.ip;
    bool get = op == ZW_OP_GLOBAL_GET;
    uint32_t s = ip[1];
    zw_valtype t = zw_jcomp_optype(&J->c, 0);
    load_inst(B, X16);
    ldst(J, A64_LDR_X, X16, X16, (int64_t)offsetof(zw_instance, globals));
    ldst(J, A64_LDR_X, X16, X16, (int64_t)ip[2] * 8);
    int64_t val = (int64_t)offsetof(zw_globalinst, val);
    if (t == ZW_F32 || t == ZW_F64) {
        if (get) {
            int x = xdst(J, s, t, VS0);
            ldst(J, fld(t), x, X16, val);
            xstore(J, s, t, x);
        } else {
            ldst(J, fst(t), xread(J, s, t, VS0), X16, val);
        }
        return;
    }
    bool w64 = t != ZW_I32;
    if (get) {
        int r = gdst(J, s, X10);
        ldst(J, w64 ? A64_LDR_X : A64_LDR_W, r, X16, val);
        gstore(J, s, r, w64);
    } else {
        ldst(J, A64_STR_X, gread(J, s, true, X10), X16, val);
    }
}

/* ---- control ---------------------------------------------------------------------------- */
static void emit_branch(jc *J, uint32_t op) {
    const uint32_t *ip = J->c.ip;
    switch (zw_ir_form_of(op)) {
    case ZW_IR_FORM_BR: case ZW_IR_FORM_BRK: {
        bool kimm = zw_ir_form_of(op) == ZW_IR_FORM_BRK, w64;
        a64_cc cc = cmp_cc(zw_ir_base_op(op), &w64);
        uint64_t imm = kimm ? (w64 ? imm64_at(ip + 2) : ip[2]) : 0;
        emit_compare(J, w64, ip[1], ip[2], kimm, imm);
        jump_to(J, BR_COND, cc, 0, false, zw_jcomp_target(&J->c, kimm ? 2 + (w64 ? 2 : 1) : 3));
        return;
    }
    default: break;
    }
    if (op == ZW_IR_BR) {
        jump_to(J, BR_ALWAYS, 0, 0, false, zw_jcomp_target(&J->c, 1));
        return;
    }
    bool w64 = op != ZW_IR_BR_NZ && op != ZW_IR_BR_Z;
    bool nz = op == ZW_IR_BR_NZ || op == ZW_IR_BR_NZ64 || op == ZW_IR_BR_NONNULL;
    int r = gread(J, ip[1], w64, X16);
    jump_to(J, nz ? BR_CBNZ : BR_CBZ, 0, r, w64, zw_jcomp_target(&J->c, 2));
}

/* br_table: the index clamped to the default, then a table of 32-bit
 * offsets right after the jump (finish() fills it in) */
static void emit_br_table(jc *J) {
    uint32_t n = J->c.ip[2];
    gload(J, X16, J->c.ip[1], false);
    a64_mov_imm(B, false, X17, n);
    a64_arith_rr(B, A64_SUBS, false, ZR, X16, X17, 0);
    a64_csel(B, A64_CSEL, false, X16, X17, X16, A64_HI);
    a64_adr(B, X17, 16); /* the table, after these four instructions */
    a64_ldrsw_rr4(B, X16, X17, X16);
    a64_arith_rr(B, A64_ADD, true, X17, X17, X16, 0);
    a64_br(B, X17);
    zw_jcomp_table(&J->c, B->len);
    for (uint32_t k = 0; k <= n; k++) a64_word(B, 0);
}

static void epilogue(jc *J) {
    if (!J->c.frameless) a64_ldp(B, A64_PAIR_POST, FP, LR, SP, 16);
    a64_ret(B);
}

static void emit_return(jc *J, uint32_t op) {
    if (op == ZW_IR_RETURN1) {
        uint32_t s = J->c.ip[1];
        zw_valtype t = zw_jcomp_optype(&J->c, 0);
        if (zw_ra_class(t) == 0) ldst(J, A64_STR_X, gread(J, s, true, X16), FRAME, 0);
        else ldst(J, t == ZW_F32 ? A64_STR_D : fst(t), xread(J, s, t, VS0), FRAME, 0);
    } else {
        spill_reads(J); /* the results, in slots 0.. */
    }
    epilogue(J);
}

/* call_indirect's (and return_call_indirect's) callee in x9: the table
 * element ip[4] of table ip[2], checked (bounds, null, type ip[1]); the
 * element index stays in x10 for "uninitialized element". */
static void indirect_callee(jc *J) {
    const uint32_t *ip = J->c.ip;
    gload(J, X10, ip[4], J->c.m->tables[ip[2]].type.is64); /* zero-extended when 32-bit */
    load_inst(B, X16);
    ldst(J, A64_LDR_X, X16, X16, (int64_t)offsetof(zw_instance, tables));
    ldst(J, A64_LDR_X, X16, X16, (int64_t)ip[2] * 8);
    ldst(J, A64_LDR_X, X17, X16, (int64_t)offsetof(zw_tableinst, size));
    a64_arith_rr(B, A64_SUBS, true, ZR, X10, X17, 0);
    trap_if(J, A64_HS, ZWASM_TRAP_UNDEFINED_ELEMENT);
    ldst(J, A64_LDR_X, X16, X16, (int64_t)offsetof(zw_tableinst, elems));
    a64_arith_rr(B, A64_ADD, true, X16, X16, X10, 3);
    a64_ldst_ui(B, A64_LDR_X, X9, X16, 0);
    zw_jcomp_cold(&J->c, branch(J, BR_CBZ, 0, X9, true), ZWASM_TRAP_UNINITIALIZED_ELEMENT, true, false);
    load_inst(B, X16);
    ldst(J, A64_LDR_X, X16, X16, (int64_t)offsetof(zw_instance, type_ids));
    ldst(J, A64_LDR_W, X16, X16, (int64_t)ip[1] * 4);
    ldst(J, A64_LDR_W, X17, X9, (int64_t)offsetof(zw_funcinst, type_id));
    a64_arith_rr(B, A64_SUBS, false, ZR, X16, X17, 0);
    const zw_type *want = &J->c.m->types[ip[1]];
    if (want->final) {
        trap_if(J, A64_NE, ZWASM_TRAP_INDIRECT_CALL_TYPE);
    } else { /* or a subtype: the callee's display has the type at its depth */
        uint32_t same = a64_bcond(B, A64_EQ, 0);
        ldst(J, A64_LDR_W, X17, X9, (int64_t)offsetof(zw_funcinst, type_depth));
        a64_mov_imm(B, false, X11, want->depth);
        a64_arith_rr(B, A64_SUBS, false, ZR, X17, X11, 0);
        trap_if(J, A64_LS, ZWASM_TRAP_INDIRECT_CALL_TYPE);
        ldst(J, A64_LDR_X, X17, X9, (int64_t)offsetof(zw_funcinst, type_supers));
        ldst(J, A64_LDR_W, X17, X17, (int64_t)want->depth * 4);
        a64_arith_rr(B, A64_SUBS, false, ZR, X16, X17, 0);
        trap_if(J, A64_NE, ZWASM_TRAP_INDIRECT_CALL_TYPE);
        here(J, same);
    }
}

/* call_ref's (and return_call_ref's) callee in x9: the reference in slot
 * ip[3], checked (null). */
static void ref_callee(jc *J) {
    gload(J, X9, J->c.ip[3], true);
    trap_br(J, BR_CBZ, 0, X9, true, ZWASM_TRAP_NULL_FUNC_REFERENCE);
}

/* x9 = function idx of this instance (its zw_funcinst). */
static void load_funcinst(jc *J, uint32_t idx) {
    load_inst(B, X9);
    ldst(J, A64_LDR_X, X9, X9, (int64_t)offsetof(zw_instance, funcs));
    ldst(J, A64_LDR_X, X9, X9, (int64_t)idx * 8);
}

/* Call the function in x9 (any kind: wasm of any instance, the host)
 * through the call_any stub, its frame at slot base; x19 is this frame's
 * again after. */
static void call_any_at(jc *J, uint32_t base) {
    add_imm(J, FRAME, FRAME, SLOTOFF(base));
    a64_mov_imm(B, true, X16, (uint64_t)(uintptr_t)J->c.jm->stubs.call_any);
    a64_blr(B, X16);
    add_imm(J, FRAME, FRAME, -SLOTOFF(base));
}

/* A call of function jf of this module: BL to this code's start when it
 * calls itself, else through its entry (x9 = the callee). */
static void call_local(jc *J, zw_jfunc *jf, bool tail) {
    if (jf == J->c.jf) {
        int32_t back = -(int32_t)(B->len * 4);
        if (tail) a64_b(B, back);
        else a64_bl(B, back);
        return;
    }
    a64_mov_imm(B, true, X9, (uint64_t)(uintptr_t)jf);
    load_entry(B);
    if (tail) a64_br(B, X16);
    else a64_blr(B, X16);
}

static void emit_call(jc *J, uint32_t op) {
    const uint32_t *ip = J->c.ip;
    across(J, false);
    spill_reads(J);
    if (op == ZW_IR_CALL_LOCAL) {
        uint32_t base = ip[2];
        add_imm(J, FRAME, FRAME, SLOTOFF(base));
        call_local(J, &J->c.jm->f[ip[1]], false);
        add_imm(J, FRAME, FRAME, -SLOTOFF(base));
    } else if (op == ZW_OP_CALL) {
        load_funcinst(J, ip[1]);
        call_any_at(J, ip[2]);
    } else if (op == ZW_OP_CALL_REF) { /* call_ref type B ref */
        ref_callee(J);
        call_any_at(J, ip[2]);
    } else { /* call_indirect type table B index */
        indirect_callee(J);
        call_any_at(J, ip[3]);
    }
    reload_defs(J);
    across(J, true);
}

/* Copy n slots from slot `from` down to slot 0 (from > 0: ascending is
 * safe), through x16. */
static void move_slots_down(jc *J, uint32_t from, uint32_t n) {
    for (uint32_t k = 0; k < n; k++) {
        ldst(J, A64_LDR_X, X16, FRAME, SLOTOFF(from + k));
        ldst(J, A64_STR_X, X16, FRAME, SLOTOFF(k));
    }
}

/* A tail call's arguments, at slots base.. (nslots of them), straight to
 * slots 0.. from where they are (a register or their slot), through x16;
 * registers keep their values.  When the two ranges overlap, they are
 * spilled and moved down in order instead.  x9 and x10 are kept. */
static void tail_args(jc *J, uint32_t base, uint32_t nslots) {
    if (base < nslots) {
        spill_reads(J);
        move_slots_down(J, base, nslots);
        return;
    }
    for (uint32_t k = 0; k < J->c.ops.n; k++) {
        const zw_ir_opnd *o = &J->c.ops.v[k];
        if (o->def || o->slot < base || o->slot >= base + nslots) continue; /* not an argument */
        uint32_t dst = o->slot - base;
        int r = zw_ra_class(o->type) == 0 ? greg(J, o->slot) : xreg(J, o->slot, o->type);
        if (r >= 0 && zw_ra_class(o->type) == 0) {
            ldst(J, A64_STR_X, r, FRAME, SLOTOFF(dst));
        } else if (r >= 0) {
            ldst(J, o->type == ZW_F32 ? A64_STR_D : fst(o->type), r, FRAME, SLOTOFF(dst));
        } else {
            for (uint32_t w = 0; w < zw_slots(o->type); w++) {
                ldst(J, A64_LDR_X, X16, FRAME, SLOTOFF(o->slot + w));
                ldst(J, A64_STR_X, X16, FRAME, SLOTOFF(dst + w));
            }
        }
    }
}

/* return_call / return_call_indirect: the arguments move to slots 0.., this
 * function's native frame goes, and control jumps to the callee, which
 * returns to this function's caller (as x86-64's: docs/jit.md). */
static void emit_tail_call(jc *J, uint32_t op) {
    const uint32_t *ip = J->c.ip;
    const zw_module *m = J->c.m;
    if (op == ZW_IR_RETURN_CALL_LOCAL) {
        const zw_functype *t = zw_func_type(m, m->nfunc_imports + ip[1]);
        tail_args(J, ip[2], zw_types_slots(t->params, t->nparams));
        a64_ldp(B, A64_PAIR_POST, FP, LR, SP, 16);
        call_local(J, &J->c.jm->f[ip[1]], true);
        return;
    }
    uint32_t base;
    const zw_functype *t;
    if (op == ZW_OP_RETURN_CALL) {
        base = ip[2];
        t = zw_func_type(m, ip[1]);
        load_funcinst(J, ip[1]);
    } else if (op == ZW_OP_RETURN_CALL_REF) {
        base = ip[2];
        t = &m->types[ip[1]].func;
        ref_callee(J);
    } else {
        base = ip[3];
        t = &m->types[ip[1]].func;
        indirect_callee(J);
    }
    /* x9: the callee (a zw_funcinst); wasm of this instance: a true tail call */
    ldst(J, A64_LDR_X, X10, X9, (int64_t)offsetof(zw_funcinst, code));
    uint32_t slow1 = a64_cbz(B, true, X10, 0);
    load_inst(B, X16);
    ldst(J, A64_LDR_X, X17, X9, (int64_t)offsetof(zw_funcinst, inst));
    a64_arith_rr(B, A64_SUBS, true, ZR, X16, X17, 0);
    uint32_t slow2 = a64_bcond(B, A64_NE, 0);
    tail_args(J, base, zw_types_slots(t->params, t->nparams));
    a64_ldp(B, A64_PAIR_POST, FP, LR, SP, 16);
    a64_mov_rr(B, true, X9, X10);
    load_entry(B);
    a64_br(B, X16);
    /* wasm of another instance: a tail call too (see x64/emit.c): when
     * this frame returns to call_any's switch into this instance, switch
     * to the callee's and jump; otherwise jump into call_any */
    here(J, slow2);
    tail_args(J, base, zw_types_slots(t->params, t->nparams));
    a64_ldp(B, A64_PAIR_POST, FP, LR, SP, 16);
    a64_stp(B, A64_PAIR_PRE, X9, LR, SP, -16);
    a64_mov_rr(B, true, 0, CTX);
    a64_mov_rr(B, true, 1, LR); /* this function's return address */
    call_c(B, (const void *)zw_jit_cross_ret);
    a64_mov_rr(B, false, X11, 0);
    a64_ldp(B, A64_PAIR_POST, X9, LR, SP, 16);
    uint32_t switch_only = a64_cbnz(B, false, X11, 0);
    a64_mov_imm(B, true, X16, (uint64_t)(uintptr_t)J->c.jm->stubs.call_any);
    a64_br(B, X16);
    here(J, switch_only);
    ldst(J, A64_LDR_X, X16, X9, (int64_t)offsetof(zw_funcinst, inst));
    ldst(J, A64_STR_X, X16, CTX, CTXOFF(inst));
    load_mem(B);
    ldst(J, A64_LDR_X, X9, X9, (int64_t)offsetof(zw_funcinst, code));
    load_entry(B);
    a64_br(B, X16);
    /* the host: call, then return the results (the registers are as they
     * were before the fast path) */
    here(J, slow1);
    spill_reads(J); /* the arguments, in memory at the base */
    call_any_at(J, base);
    move_slots_down(J, base, zw_types_slots(t->results, t->nresults));
    epilogue(J);
}

static void emit_helper(jc *J, uint32_t op) {
    zw_jhelper h = zw_jit_helper(op);
    across(J, false);
    spill_reads(J);
    /* where this frame is, for the collector (jit_frames): the helper's
     * return address (the ADR is patched below), x29 and x19 */
    uint32_t ret_at = UINT32_MAX;
    if (zw_ir_may_collect(op)) {
        ret_at = a64_adr(B, X16, 0);
        ctx_ld(J, A64_STR_X, X16, CTXOFF(exit_ret));
        ctx_ld(J, A64_STR_X, FP, CTXOFF(exit_bp));
        ctx_ld(J, A64_STR_X, FRAME, CTXOFF(exit_bx));
    }
    a64_mov_rr(B, true, 0, CTX);
    a64_mov_rr(B, true, 1, FRAME);
    a64_mov_imm(B, true, 2, (uint64_t)(uintptr_t)J->c.ip);
    load_inst(B, 3);
    set_native(B, true);
    a64_mov_imm(B, true, X16, (uint64_t)(uintptr_t)h);
    a64_blr(B, X16);
    if (ret_at != UINT32_MAX) here(J, ret_at);
    set_native(B, false);
    trap_br(J, BR_CBNZ, 0, 0, false, 0);
    reload_defs(J);
    across(J, true);
}

static void emit_fuel(jc *J) {
    ctx_ld(J, A64_LDR_X, X16, CTXOFF(fuel));
    trap_br(J, BR_CBZ, 0, X16, true, ZWASM_TRAP_OUT_OF_FUEL);
    a64_arith_ri(B, A64_SUB, true, X16, X16, 1, false);
    ctx_ld(J, A64_STR_X, X16, CTXOFF(fuel));
    ctx_ld(J, A64_LDR_X, X16, CTXOFF(interrupt));
    a64_ldst_ui(B, A64_LDR_W, X16, X16, 0);
    trap_br(J, BR_CBNZ, 0, X16, false, ZWASM_TRAP_INTERRUPTED);
}

/* An inlined body takes a frame's worth of native stack, as a call would
 * (see x64/emit.c). */
static void emit_inline(jc *J, uint32_t op) {
    if (op == ZW_IR_INLINE_LEAVE) {
        a64_arith_ri(B, A64_ADD, true, SP, SP, ZW_JIT_FRAME_BYTES, false);
        return;
    }
    a64_arith_ri(B, A64_SUB, true, X16, SP, ZW_JIT_FRAME_BYTES, false);
    ctx_ld(J, A64_LDR_X, X17, CTXOFF(native_floor));
    a64_arith_rr(B, A64_SUBS, true, ZR, X16, X17, 0);
    trap_if(J, A64_LO, ZWASM_TRAP_STACK_EXHAUSTED);
    a64_mov_sp(B, SP, X16);
}

static void emit_trace(jc *J) {
    /* registers are off in trace mode: the frame is all in memory */
    a64_mov_imm(B, true, 0, (uint64_t)(uintptr_t)J->c.f);
    a64_mov_imm(B, true, 1, J->c.pc + 1);
    a64_mov_rr(B, true, 2, FRAME);
    call_c(B, (const void *)zw_jit_trace);
}

/* ---- GC accesses ----------------------------------------------------------------------- */
/* Load a field or element of storage type st at [base + off] into slot d. */
static void gc_load(jc *J, uint32_t d, zw_valtype st, bool sign, int base, int64_t off) {
    if (st == ZW_F32 || st == ZW_F64) {
        int x = xdst(J, d, st, VS0);
        ldst(J, fld(st), x, base, off);
        xstore(J, d, st, x);
        return;
    }
    a64_ldst op = st == ZW_I8 ? (sign ? A64_LDRSB_W : A64_LDRB) : st == ZW_I16 ? (sign ? A64_LDRSH_W : A64_LDRH)
                : st == ZW_I32 ? A64_LDR_W : A64_LDR_X;
    int r = gdst(J, d, X10);
    ldst(J, op, r, base, off);
    gstore(J, d, r, op == A64_LDR_X);
}

/* Store slot s (storage type st) at [base + off]. */
static void gc_store(jc *J, uint32_t s, zw_valtype st, int base, int64_t off) {
    if (st == ZW_F32 || st == ZW_F64) {
        ldst(J, fst(st), xread(J, s, st, VS0), base, off);
        return;
    }
    a64_ldst op = st == ZW_I8 ? A64_STRB : st == ZW_I16 ? A64_STRH : st == ZW_I32 ? A64_STR_W : A64_STR_X;
    ldst(J, op, gread(J, s, true, X10), base, off);
}

/* The reference in slot s in x16, trapping with `kind` when null. */
static void gc_ref(jc *J, uint32_t s, uint32_t kind) {
    gload(J, X16, s, true);
    trap_br(J, BR_CBZ, 0, X16, true, kind);
}

/* An array element of storage type st: x16 the array, the index in slot s
 * checked against the length; x16 becomes the element's address less
 * ZW_GC_ELEMS. */
static void gc_elem(jc *J, uint32_t s, zw_valtype st) {
    int i = gread(J, s, false, X17);
    ldst(J, A64_LDR_W, X11, X16, ZW_GC_PAYLOAD);
    a64_arith_rr(B, A64_SUBS, false, ZR, i, X11, 0);
    trap_if(J, A64_HS, ZWASM_TRAP_ARRAY_OOB);
    unsigned sz = zw_storage_size(st), lsl = sz == 8 ? 3 : sz == 4 ? 2 : sz == 2 ? 1 : 0;
    a64_arith_rr(B, A64_ADD, true, X16, X16, i, lsl); /* (i32s are kept zero-extended) */
}

static void emit_gc(jc *J, uint32_t op) {
    const uint32_t *ip = J->c.ip;
    const zw_module *m = J->c.m;
    switch (op) {
    case ZW_OP_REF_AS_NON_NULL: {
        int r = gread(J, ip[2], true, X16);
        trap_br(J, BR_CBZ, 0, r, true, ZWASM_TRAP_NULL_REFERENCE);
        gstore(J, ip[1], r, true);
        return;
    }
    case ZW_OP_STRUCT_GET: case ZW_OP_STRUCT_GET_S: case ZW_OP_STRUCT_GET_U: { /* d ref t f */
        const zw_type *t = &m->types[ip[3]];
        gc_ref(J, ip[2], ZWASM_TRAP_NULL_STRUCT_REFERENCE);
        gc_load(J, ip[1], t->fields[ip[4]].type, op == ZW_OP_STRUCT_GET_S, X16,
                ZW_GC_PAYLOAD + (int64_t)zw_struct_field_offset(t, ip[4]));
        return;
    }
    case ZW_OP_STRUCT_SET: { /* ref value t f */
        const zw_type *t = &m->types[ip[3]];
        gc_ref(J, ip[1], ZWASM_TRAP_NULL_STRUCT_REFERENCE);
        gc_store(J, ip[2], t->fields[ip[4]].type, X16, ZW_GC_PAYLOAD + (int64_t)zw_struct_field_offset(t, ip[4]));
        return;
    }
    case ZW_OP_ARRAY_LEN: /* d ref */
        gc_ref(J, ip[2], ZWASM_TRAP_NULL_ARRAY_REFERENCE);
        gc_load(J, ip[1], ZW_I32, false, X16, ZW_GC_PAYLOAD);
        return;
    case ZW_OP_ARRAY_GET: case ZW_OP_ARRAY_GET_S: case ZW_OP_ARRAY_GET_U: { /* d ref index t */
        zw_valtype st = m->types[ip[4]].fields[0].type;
        gc_ref(J, ip[2], ZWASM_TRAP_NULL_ARRAY_REFERENCE);
        gc_elem(J, ip[3], st);
        gc_load(J, ip[1], st, op == ZW_OP_ARRAY_GET_S, X16, ZW_GC_ELEMS);
        return;
    }
    case ZW_OP_ARRAY_SET: { /* ref index value t */
        zw_valtype st = m->types[ip[4]].fields[0].type;
        gc_ref(J, ip[1], ZWASM_TRAP_NULL_ARRAY_REFERENCE);
        gc_elem(J, ip[2], st);
        gc_store(J, ip[3], st, X16, ZW_GC_ELEMS);
        return;
    }
    case ZW_OP_REF_EQ: { /* d a b */
        int a = gread(J, ip[2], true, X16), b = gread(J, ip[3], true, X17);
        a64_arith_rr(B, A64_SUBS, true, ZR, a, b, 0);
        set_bool(J, ip[1], A64_EQ);
        return;
    }
    case ZW_OP_REF_I31: { /* d value: (value << 1 | 1), in 32 bits (zero-extended) */
        int a = gread(J, ip[2], false, X16), r = gdst(J, ip[1], X10);
        a64_lsl_ri(B, false, X17, a, 1);
        a64_logic_ri(B, A64_ORR, false, r, X17, 1);
        gstore(J, ip[1], r, true);
        return;
    }
    case ZW_OP_I31_GET_S: case ZW_OP_I31_GET_U: { /* d ref */
        gc_ref(J, ip[2], ZWASM_TRAP_NULL_I31_REFERENCE);
        int r = gdst(J, ip[1], X10);
        if (op == ZW_OP_I31_GET_S) a64_asr_ri(B, false, r, X16, 1);
        else a64_lsr_ri(B, false, r, X16, 1);
        gstore(J, ip[1], r, false);
        return;
    }
    }
}

/* ---- SIMD ------------------------------------------------------------------------------ */
#define V ZW_V128
static void emit_vbinop(jc *J, uint32_t op) {
    neon_op o;
    neon_binop(op, &o);
    uint32_t d = J->c.ip[1], a = J->c.ip[2], b = J->c.ip[3];
    if (o.swap) {
        uint32_t t = a;
        a = b;
        b = t;
    }
    int ra = xread(J, a, V, VS0), rb = xread(J, b, V, VS1), x = xdst(J, d, V, VS0);
    switch (op) {
    case ZW_OP_F32X4_PMIN: case ZW_OP_F32X4_PMAX: case ZW_OP_F64X2_PMIN: case ZW_OP_F64X2_PMAX:
        /* pmin: the mask a > b picks b, else a; pmax (a and b swapped
         * above: ra is b): the mask b > a picks b, else a */
        a64_v3(B, o.ins, o.size, VS2, ra, rb);
        if (o.swap) a64_v3(B, A64_V_BSL, 0, VS2, ra, rb);
        else a64_v3(B, A64_V_BSL, 0, VS2, rb, ra);
        x = VS2;
        break;
    case ZW_OP_I32X4_DOT_I16X8_S: /* the products of the low and the high halves, added in pairs */
        a64_smull(B, false, 1, VS2, ra, rb);
        a64_smull(B, true, 1, VS0, ra, rb);
        a64_v3(B, A64_V_ADDP, 2, x, VS2, VS0);
        break;
    default:
        a64_v3(B, o.ins, o.size, x, ra, rb);
        if (o.invert) a64_v2(B, A64_V_NOT, 0, x, x);
        break;
    }
    xstore(J, d, V, x);
}

/* f32x4/f64x2 min and max: FMIN/FMAX are Wasm's but for which NaN they
 * return when both lanes are NaNs (a signalling one first, where the
 * interpreter takes a's).  min(a, min(a, b)) takes a's NaN, quieted,
 * whenever a lane of a is one, and is min(a, b) otherwise (scalar
 * min/max, emit_fbinop, do the same). */
static void emit_vfminmax(jc *J, uint32_t op) {
    uint32_t d = J->c.ip[1], a = J->c.ip[2], b = J->c.ip[3];
    bool f64 = op == ZW_OP_F64X2_MIN || op == ZW_OP_F64X2_MAX;
    a64_v3_op o = op == ZW_OP_F32X4_MIN || op == ZW_OP_F64X2_MIN ? A64_V_FMIN : A64_V_FMAX;
    int ra = xread(J, a, V, VS0), rb = xread(J, b, V, VS1), x = xdst(J, d, V, VS0);
    a64_v3(B, o, f64, VS1, ra, rb);
    a64_v3(B, o, f64, x, ra, VS1);
    xstore(J, d, V, x);
}

/* i8x16.swizzle is TBL: a lane whose index is 16 or more gets 0 */
static void emit_vswizzle(jc *J) {
    uint32_t d = J->c.ip[1], a = J->c.ip[2], b = J->c.ip[3];
    int ra = xread(J, a, V, VS0), rb = xread(J, b, V, VS1), x = xdst(J, d, V, VS0);
    a64_tbl(B, x, ra, rb);
    xstore(J, d, V, x);
}

static void emit_vunop(jc *J, uint32_t op) {
    neon_op1 o;
    neon_unop(op, &o);
    uint32_t d = J->c.ip[1], a = J->c.ip[2];
    int ra = xread(J, a, V, VS0), x = xdst(J, d, V, VS0);
    a64_v2(B, o.ins, o.size, x, ra);
    xstore(J, d, V, x);
}

/* The lane size (0 B .. 3 D) of a shape's op, by its lane count (opcodes.def's LANES). */
static unsigned lane_size(uint32_t op) {
    switch (zw_opinfos[op].lanes) {
    case 16: return 0;
    case 8: return 1;
    case 4: return 2;
    default: return 3;
    }
}

static void emit_vsplat(jc *J, uint32_t op) {
    uint32_t d = J->c.ip[1], a = J->c.ip[2];
    int x = xdst(J, d, V, VS0);
    switch (op) {
    case ZW_OP_F32X4_SPLAT: a64_dup_lane(B, 2, x, xread(J, a, ZW_F32, VS1), 0); break;
    case ZW_OP_F64X2_SPLAT: a64_dup_lane(B, 3, x, xread(J, a, ZW_F64, VS1), 0); break;
    case ZW_OP_I8X16_SPLAT: a64_dup_gp(B, 0, x, gread(J, a, false, X16)); break;
    case ZW_OP_I16X8_SPLAT: a64_dup_gp(B, 1, x, gread(J, a, false, X16)); break;
    case ZW_OP_I32X4_SPLAT: a64_dup_gp(B, 2, x, gread(J, a, false, X16)); break;
    default: a64_dup_gp(B, 3, x, gread(J, a, true, X16)); break;
    }
    xstore(J, d, V, x);
}

static void emit_vextract(jc *J, uint32_t op) {
    uint32_t d = J->c.ip[1], a = J->c.ip[2], lane = J->c.ip[3];
    unsigned size = lane_size(op);
    int ra = xread(J, a, V, VS0);
    if (op == ZW_OP_F32X4_EXTRACT_LANE || op == ZW_OP_F64X2_EXTRACT_LANE) {
        zw_valtype t = op == ZW_OP_F64X2_EXTRACT_LANE ? ZW_F64 : ZW_F32;
        int x = xdst(J, d, t, VS1);
        a64_mov_lane_to_fp(B, size, x, ra, lane);
        xstore(J, d, t, x);
        return;
    }
    bool w64 = op == ZW_OP_I64X2_EXTRACT_LANE;
    int r = gdst(J, d, X16);
    if (op == ZW_OP_I8X16_EXTRACT_LANE_S || op == ZW_OP_I16X8_EXTRACT_LANE_S) a64_smov(B, size, r, ra, lane);
    else a64_umov(B, size, r, ra, lane);
    gstore(J, d, r, w64);
}

static void emit_vreplace(jc *J, uint32_t op) {
    uint32_t d = J->c.ip[1], a = J->c.ip[2], v = J->c.ip[3], lane = J->c.ip[4];
    unsigned size = lane_size(op);
    int x = xdst(J, d, V, VS0);
    if (op == ZW_OP_F32X4_REPLACE_LANE || op == ZW_OP_F64X2_REPLACE_LANE) {
        zw_valtype t = op == ZW_OP_F64X2_REPLACE_LANE ? ZW_F64 : ZW_F32;
        int rv = xreg(J, v, t);
        if (rv < 0 || rv == x) { /* (in d's register: a copy, before a goes there) */
            xload(J, VS1, v, t);
            rv = VS1;
        }
        xload(J, x, a, V);
        a64_ins_lane(B, size, x, lane, rv, 0);
    } else {
        int r = gread(J, v, size == 3, X16);
        xload(J, x, a, V);
        a64_ins_gp(B, size, x, lane, r);
    }
    xstore(J, d, V, x);
}

/* bitselect(a, b, c) = a where c has ones, b elsewhere: BSL with c as the mask */
static void emit_vbitselect(jc *J) {
    uint32_t d = J->c.ip[1], a = J->c.ip[2], b = J->c.ip[3], c = J->c.ip[4];
    xload(J, VS2, c, V);
    a64_v3(B, A64_V_BSL, 0, VS2, xread(J, a, V, VS0), xread(J, b, V, VS1));
    xstore(J, d, V, VS2);
}

/* any_true: the largest byte, not zero */
static void emit_vanytrue(jc *J) {
    a64_v2(B, A64_V_UMAXV, 0, VS0, xread(J, J->c.ip[2], V, VS0));
    a64_umov(B, 0, X16, VS0, 0);
    a64_arith_ri(B, A64_SUBS, false, ZR, X16, 0, false);
    set_bool(J, J->c.ip[1], A64_NE);
}
#undef V

static bool emit_insn(jc *J) {
    uint32_t op = J->c.ip[0];
    switch (insn_class(J->c.m, J->c.f, J->c.pc)) {
    case ZW_JOP_OTHER:
        if (!zw_jit_helper(op)) return false;
        emit_helper(J, op);
        break;
    case ZW_JOP_CONST: emit_const(J, op); break;
    case ZW_JOP_MOV: emit_mov(J, op); break;
    case ZW_JOP_IBINOP: emit_binop(J, op, zw_ir_form_of(op) == ZW_IR_FORM_K); break;
    case ZW_JOP_ICMP: emit_cmp(J, op, zw_ir_form_of(op) == ZW_IR_FORM_K); break;
    case ZW_JOP_IUNOP: emit_unop(J, op); break;
    case ZW_JOP_IDIV: emit_div(J, op); break;
    case ZW_JOP_FBINOP: case ZW_JOP_FMINMAX: emit_fbinop(J, op); break;
    case ZW_JOP_FUNOP: emit_funop(J, op); break;
    case ZW_JOP_FCMP: emit_fcmp(J, op); break;
    case ZW_JOP_CONVERT: case ZW_JOP_CONVERT_U64: emit_convert(J, op); break;
    case ZW_JOP_VBINOP: emit_vbinop(J, op); break;
    case ZW_JOP_VFMINMAX: emit_vfminmax(J, op); break;
    case ZW_JOP_VSWIZZLE: emit_vswizzle(J); break;
    case ZW_JOP_VUNOP: emit_vunop(J, op); break;
    case ZW_JOP_VSPLAT: emit_vsplat(J, op); break;
    case ZW_JOP_VEXTRACT: emit_vextract(J, op); break;
    case ZW_JOP_VREPLACE: emit_vreplace(J, op); break;
    case ZW_JOP_VBITSELECT: emit_vbitselect(J); break;
    case ZW_JOP_VANYTRUE: emit_vanytrue(J); break;
    case ZW_JOP_TRUNC_SAT: emit_trunc_sat(J, op); break;
    case ZW_JOP_FTRUNC: emit_ftrunc(J, op); break;
    case ZW_JOP_GC: emit_gc(J, op); break;
    case ZW_JOP_ATOMIC: emit_atomic(J, op); break;
    case ZW_JOP_FCOPYSIGN: emit_fcopysign(J, op); break;
    case ZW_JOP_LOAD: emit_load(J, op); break;
    case ZW_JOP_STORE: emit_store(J, op); break;
    case ZW_JOP_SELECT: emit_select(J, op); break;
    case ZW_JOP_GLOBAL: emit_global(J, op); break;
    case ZW_JOP_BRANCH: emit_branch(J, op); break;
    case ZW_JOP_BR_TABLE: emit_br_table(J); break;
    case ZW_JOP_RETURN: emit_return(J, op); break;
    case ZW_JOP_CALL: emit_call(J, op); break;
    case ZW_JOP_TAIL_CALL: emit_tail_call(J, op); break;
    case ZW_JOP_FUEL: emit_fuel(J); break;
    case ZW_JOP_INLINE: emit_inline(J, op); break;
    case ZW_JOP_TRACE: emit_trace(J); break;
    case ZW_JOP_TRAP: trap_br(J, BR_ALWAYS, 0, 0, false, ZWASM_TRAP_UNREACHABLE); break;
    case ZW_JOP_REF_IS_NULL: {
        int r = gread(J, J->c.ip[2], true, X16);
        a64_arith_ri(B, A64_SUBS, true, ZR, r, 0, false);
        set_bool(J, J->c.ip[1], A64_EQ);
        break;
    }
    }
    return true;
}

/* ---- a function ------------------------------------------------------------------------- */
/* Instructions that can neither trap nor call: a function of only these
 * needs no frame on the native stack. */
static bool leaf(const zw_module *m, const zw_ir_func *f, uint32_t pc) {
    switch (insn_class(m, f, pc)) {
    case ZW_JOP_CONST: case ZW_JOP_MOV: case ZW_JOP_IBINOP: case ZW_JOP_ICMP: case ZW_JOP_IUNOP: case ZW_JOP_FBINOP:
    case ZW_JOP_FUNOP: case ZW_JOP_FCMP: case ZW_JOP_CONVERT: case ZW_JOP_SELECT: case ZW_JOP_GLOBAL:
    case ZW_JOP_BRANCH: case ZW_JOP_BR_TABLE: case ZW_JOP_RETURN: case ZW_JOP_REF_IS_NULL: case ZW_JOP_FCOPYSIGN:
    case ZW_JOP_TRUNC_SAT: case ZW_JOP_FMINMAX: case ZW_JOP_CONVERT_U64: case ZW_JOP_VBINOP: case ZW_JOP_VFMINMAX:
    case ZW_JOP_VSWIZZLE: case ZW_JOP_VUNOP: case ZW_JOP_VSPLAT: case ZW_JOP_VEXTRACT: case ZW_JOP_VREPLACE:
    case ZW_JOP_VBITSELECT: case ZW_JOP_VANYTRUE:
        return true;
    default:
        return false;
    }
}

static void prologue(jc *J) {
    const zw_ir_func *f = J->c.f;
    /* Native stack (which bounds the call depth too, jit.c) and value
     * stack, before the frame exists: the trap is the caller's, at its call
     * (IR position -1: from the return address, still in x30); the cold
     * path keeps x9, the callee, for a call from the entry stub. */
    J->c.pc = UINT32_MAX;
    /* (the frame about to be pushed must fit: x86-64's call has pushed half
     * of its frame when its prologue compares, so both count frames alike) */
    ctx_ld(J, A64_LDR_X, X16, CTXOFF(native_floor));
    a64_arith_ri(B, A64_SUB, true, X17, SP, ZW_JIT_FRAME_BYTES, false);
    a64_arith_rr(B, A64_SUBS, true, ZR, X17, X16, 0);
    trap_if(J, A64_LO, ZWASM_TRAP_STACK_EXHAUSTED);
    if (!J->c.oom) J->c.cold.v[J->c.cold.n - 1].callee = true; /* (a failed push set oom) */
    a64_mov_imm(B, true, X16, (uint64_t)f->frame_slots * 8);
    a64_arith_rr(B, A64_ADD, true, X16, FRAME, X16, 0);
    ctx_ld(J, A64_LDR_X, X17, CTXOFF(stack_end));
    a64_arith_rr(B, A64_SUBS, true, ZR, X16, X17, 0);
    trap_if(J, A64_HI, ZWASM_TRAP_STACK_EXHAUSTED);
    if (!J->c.oom) J->c.cold.v[J->c.cold.n - 1].callee = true;
    J->c.pc = 0;
    if (!J->c.frameless) { /* the frame-pointer chain backtraces follow */
        a64_stp(B, A64_PAIR_PRE, FP, LR, SP, -16);
        a64_mov_sp(B, FP, SP);
    }
    /* declared locals are zero: in memory (unless a register holds the
     * local all its life), and in their registers */
    const zw_func *fn = &J->c.m->funcs[f->func_idx];
    for (uint32_t i = 0, s = f->nparam_slots; i < fn->nlocals; s += zw_slots(fn->locals[i]), i++) {
        zw_valtype t = fn->locals[i];
        if (J->c.ra.reg[zw_ra_class(t)][s] >= 0) continue;
        for (uint32_t k = 0; k < zw_slots(t); k++) ldst(J, A64_STR_X, ZR, FRAME, SLOTOFF(s + k));
    }
    for (uint32_t k = 0; k < J->c.ra.nentry; k++) {
        uint32_t v = J->c.ra.entry[k], s = v / ZW_RA_NCLASS;
        if (s < f->nparam_slots) {
            vreg_move(J, v, true);
        } else if (s < f->nlocal_slots) {
            uint32_t c = v % ZW_RA_NCLASS;
            int r = J->c.ra.reg[c][s];
            if (c == 0) a64_mov_rr(B, true, gp_map[r], ZR);
            else a64_fmov_to_fp(B, true, fp_map[r], ZR); /* (the whole register: v128 too) */
        }
    }
}

/* Patch the branch at `at` to `target`; false when it is out of range. */
static bool patch(jc *J, uint32_t at, uint32_t target) { return a64_patch(B, at, target); }

/* The cold trap stubs, landing pads, br_table entries and branches; false
 * when a branch does not reach (the caller compiles again, far). */
static bool finish(jc *J) {
    bool ok = true;
    /* Cold trap stubs, sharing one branch to the module's trap stub; those
     * inside the function name it, the prologue's (before the frame, the
     * caller's trap: its return address in x30) do not. */
    uint32_t tail = UINT32_MAX, tail_caller = UINT32_MAX;
    for (uint32_t k = 0; k < J->c.cold.n; k++) {
        zw_jcold *c = &J->c.cold.v[k];
        ok &= patch(J, c->at, B->len);
        if (c->elem) ctx_ld(J, A64_STR_W, X10, CTXOFF(trap_elem));
        if (c->callee) ctx_ld(J, A64_STR_X, X9, CTXOFF(trap_callee));
        if (c->kind) a64_mov_imm(B, false, 0, c->kind);
        a64_mov_imm(B, false, 1, c->pc);
        uint32_t *t = c->pc == UINT32_MAX ? &tail_caller : &tail;
        if (*t != UINT32_MAX) {
            ok &= patch(J, a64_b(B, 0), *t);
            continue;
        }
        *t = B->len;
        if (c->pc != UINT32_MAX) {
            a64_mov_imm(B, true, X16, (uint64_t)(uintptr_t)J->c.jf);
            ctx_ld(J, A64_STR_X, X16, CTXOFF(trap_jf));
        } else {
            a64_mov_rr(B, true, 2, LR);
        }
        a64_mov_imm(B, true, X16, (uint64_t)(uintptr_t)J->c.jm->stubs.trap);
        a64_br(B, X16);
    }
    /* Landing pads of exception handlers: the unwinder (zw_jit_trap) comes
     * here with this frame's sp, x29 and x19; the values that live on at
     * the handler are in their slots: back into their registers, then the
     * handler. */
    for (uint32_t k = 0; k < J->c.f->ncatches; k++) {
        J->c.land_off[k] = B->len * 4;
        if (J->c.ra.land_at)
            for (uint32_t q = J->c.ra.land_at[k]; q < J->c.ra.land_at[k + 1]; q++) vreg_move(J, J->c.ra.land[q], true);
        zw_jcomp_fix(&J->c, a64_b(B, 0), J->c.f->catches[k].target);
    }
    /* br_table entries: byte offsets from the table */
    for (uint32_t k = 0; k < J->c.tables.n; k++) {
        uint32_t tab = J->c.tables.v[k].at, pc = J->c.tables.v[k].pc, n = J->c.f->code[pc + 2];
        for (uint32_t t = 0; t <= n && !B->oom; t++) {
            uint32_t tpc = pc + (uint32_t)(int32_t)J->c.f->code[pc + 3 + t];
            B->p[tab + t] = (zw_jcomp_off(&J->c, tpc) - tab) * 4;
        }
    }
    for (uint32_t k = 0; k < J->c.fix.n; k++) ok &= patch(J, J->c.fix.v[k].at, zw_jcomp_off(&J->c, J->c.fix.v[k].pc));
    return ok || B->oom;
}

/* Compile (far: every conditional branch over an unconditional one). 1
 * done, 0 failed (err), -1 a branch out of range. */
static int compile(zw_jmod *jm, zw_jfunc *jf, bool far, uint8_t **code, uint32_t *len, zwasm_error_t *err) {
    const zw_ir_func *f = jf->ir;
    jc J;
    memset(&J, 0, sizeof J);
    J.b.al = &jm->m->al;
    J.far = far;
    J.lse = (jm->arch_flags & A64F_LSE) != 0;
    int ok = 0;
    if (!zw_jcomp_init(&J.c, jm, jf, NGP, NFP, clobbers, leaf)) goto nomem;
    prologue(&J);
    for (uint32_t i = 0; i < f->ninsn; i++) {
        if (!zw_jcomp_next(&J.c, i, J.b.len)) goto nomem;
        if (!emit_insn(&J)) {
            zw_err_set(err, ZWASM_ERR_UNSUPPORTED, ZWASM_NO_OFFSET, f->func_idx,
                       "the JIT cannot compile %s", zw_ir_name(J.c.ip[0]));
            goto out;
        }
    }
    zw_jcomp_next(&J.c, f->ninsn, J.b.len);
    if (!finish(&J)) {
        ok = -1;
        goto out;
    }
    if (J.c.oom || J.b.oom) goto nomem;
    /* code positions in bytes, as jit.c reads them */
    for (uint32_t i = 0; i <= f->ninsn; i++) J.c.insn_off[i] *= 4;
    zw_jcomp_done(&J.c);
    *code = (uint8_t *)J.b.p;
    *len = J.b.len * 4;
    J.b.p = NULL;
    ok = 1;
    goto out;
nomem:
    zw_err_set(err, ZWASM_ERR_NOMEM, ZWASM_NO_OFFSET, f->func_idx, "out of memory");
out:
    zw_jcomp_free(&J.c);
    a64_free(&J.b);
    return ok;
}

bool zw_jit_arch_compile(zw_jmod *jm, zw_jfunc *jf, uint8_t **code, uint32_t *len, zwasm_error_t *err) {
    int r = compile(jm, jf, false, code, len, err);
    if (r < 0) r = compile(jm, jf, true, code, len, err);
    if (r < 0)
        zw_err_set(err, ZWASM_ERR_LIMIT, ZWASM_NO_OFFSET, jf->ir->func_idx,
                   "function too large for the JIT (a branch beyond 128 MiB)");
    return r > 0;
}

/* ---- the module's stubs ------------------------------------------------------------------- */
static uint32_t ctxo(size_t off) { return (uint32_t)off; }

bool zw_jit_arch_stubs(zw_jmod *jm) {
    jm->arch_flags = arch_flags();
    a64_buf b = {.al = &jm->m->al};
    a64_buf *bb = &b;
    /* enter(ctx x0, fp x1, inst x2, jfunc x3) -> 0, or 1 after a trap */
    uint32_t enter = b.len;
    a64_stp(bb, A64_PAIR_PRE, FP, LR, SP, -ENTRY_FRAME);
    a64_mov_sp(bb, FP, SP);
    for (int r = 19; r < 29; r += 2) a64_stp(bb, A64_PAIR_OFF, r, r + 1, SP, 16 + (r - 19) * 8);
    a64_mov_rr(bb, true, CTX, 0);
    a64_mov_rr(bb, true, FRAME, 1); /* (x2, the instance, is ctx->inst already) */
    a64_mov_sp(bb, X16, SP);
    a64_ldst_ui(bb, A64_STR_X, X16, CTX, ctxo(offsetof(zw_jctx, entry_sp)));
    /* the call depth as a native stack floor: sp - depth_span, if higher */
    a64_ldst_ui(bb, A64_LDR_X, X17, CTX, ctxo(offsetof(zw_jctx, depth_span)));
    a64_arith_rr(bb, A64_SUBS, true, X16, X16, X17, 0);
    uint32_t no_floor = a64_bcond(bb, A64_LO, 0);
    a64_ldst_ui(bb, A64_LDR_X, X17, CTX, ctxo(offsetof(zw_jctx, native_floor)));
    a64_arith_rr(bb, A64_SUBS, true, ZR, X16, X17, 0);
    uint32_t lower = a64_bcond(bb, A64_LS, 0);
    a64_ldst_ui(bb, A64_STR_X, X16, CTX, ctxo(offsetof(zw_jctx, native_floor)));
    a64_patch(bb, no_floor, b.len);
    a64_patch(bb, lower, b.len);
    /* a nested entry (from a host function): the floor moves down by the
     * native stack used since compiled code called the host, not below the
     * thread's own limit */
    a64_ldst_ui(bb, A64_LDR_X, X16, CTX, ctxo(offsetof(zw_jctx, host_sp)));
    uint32_t not_nested = a64_cbz(bb, true, X16, 0);
    a64_mov_sp(bb, X17, SP);
    a64_arith_rr(bb, A64_SUB, true, X16, X16, X17, 0); /* host's stack use */
    a64_ldst_ui(bb, A64_LDR_X, X17, CTX, ctxo(offsetof(zw_jctx, native_floor)));
    a64_arith_rr(bb, A64_SUBS, true, X17, X17, X16, 0);
    uint32_t clamp = a64_bcond(bb, A64_LO, 0);
    a64_ldst_ui(bb, A64_LDR_X, X16, CTX, ctxo(offsetof(zw_jctx, hard_floor)));
    a64_arith_rr(bb, A64_SUBS, true, ZR, X17, X16, 0);
    uint32_t keep = a64_bcond(bb, A64_HS, 0);
    a64_patch(bb, clamp, b.len);
    a64_ldst_ui(bb, A64_LDR_X, X17, CTX, ctxo(offsetof(zw_jctx, hard_floor)));
    a64_patch(bb, keep, b.len);
    a64_ldst_ui(bb, A64_STR_X, X17, CTX, ctxo(offsetof(zw_jctx, native_floor)));
    a64_patch(bb, not_nested, b.len);
    a64_mov_rr(bb, true, X9, 3);
    load_mem(bb);
    load_entry(bb);
    a64_blr(bb, X16);
    a64_mov_rr(bb, false, 0, ZR);
    uint32_t exit = b.len;
    for (int r = 19; r < 29; r += 2) a64_ldp(bb, A64_PAIR_OFF, r, r + 1, SP, 16 + (r - 19) * 8);
    a64_ldp(bb, A64_PAIR_POST, FP, LR, SP, ENTRY_FRAME);
    a64_ret(bb);

    /* trap: w0 = kind, w1 = IR position (or -1: x2 is a return address in
     * the trapping function), x29 = its frame */
    while (b.len % 4) a64_brk(bb, 0);
    uint32_t trap = b.len;
    a64_ldst_ui(bb, A64_STR_W, 0, CTX, ctxo(offsetof(zw_jctx, trap_kind)));
    a64_ldst_ui(bb, A64_STR_W, 1, CTX, ctxo(offsetof(zw_jctx, trap_pc)));
    a64_ldst_ui(bb, A64_STR_X, 2, CTX, ctxo(offsetof(zw_jctx, trap_ret)));
    a64_ldst_ui(bb, A64_STR_X, FP, CTX, ctxo(offsetof(zw_jctx, trap_fp)));
    a64_ldst_ui(bb, A64_STR_X, FRAME, CTX, ctxo(offsetof(zw_jctx, trap_rbx)));
    a64_mov_rr(bb, true, 0, CTX);
    set_native(bb, true);
    a64_mov_imm(bb, true, X16, (uint64_t)(uintptr_t)zw_jit_trap);
    a64_blr(bb, X16);
    /* an exception a handler takes: continue in its frame, at its landing pad */
    uint32_t no_land = a64_cbz(bb, false, 0, 0);
    a64_ldst_ui(bb, A64_LDR_X, X16, CTX, ctxo(offsetof(zw_jctx, land_sp)));
    a64_mov_sp(bb, SP, X16);
    a64_ldst_ui(bb, A64_LDR_X, FP, CTX, ctxo(offsetof(zw_jctx, land_bp)));
    a64_ldst_ui(bb, A64_LDR_X, FRAME, CTX, ctxo(offsetof(zw_jctx, land_bx)));
    set_native(bb, false);
    load_mem(bb); /* of the handler's instance (ctx->inst) */
    a64_ldst_ui(bb, A64_LDR_X, X16, CTX, ctxo(offsetof(zw_jctx, land_addr)));
    a64_br(bb, X16);
    a64_patch(bb, no_land, b.len);
    a64_ldst_ui(bb, A64_LDR_X, X16, CTX, ctxo(offsetof(zw_jctx, entry_sp)));
    a64_mov_sp(bb, SP, X16);
    a64_movz(bb, false, 0, 1, 0);
    a64_patch(bb, a64_b(bb, 0), exit);

    /* lazy: x9 = the zw_jfunc to compile, then run; x30 the caller's return */
    while (b.len % 4) a64_brk(bb, 0);
    uint32_t lazy = b.len;
    a64_stp(bb, A64_PAIR_PRE, X9, LR, SP, -16);
    a64_mov_rr(bb, true, 0, CTX);
    a64_mov_rr(bb, true, 1, X9);
    call_c(bb, (const void *)zw_jit_compile_lazy);
    a64_ldp(bb, A64_PAIR_POST, X9, LR, SP, 16);
    uint32_t lazy_fail = a64_cbz(bb, true, 0, 0);
    a64_mov_rr(bb, true, X16, 0);
    a64_br(bb, X16);
    a64_patch(bb, lazy_fail, b.len);
    a64_mov_imm(bb, false, 0, ZW_JIT_TRAP_ERR);
    a64_mov_imm(bb, false, 1, UINT32_MAX);
    a64_mov_rr(bb, true, 2, LR);
    a64_patch(bb, a64_b(bb, 0), trap);

    /* call_any: x9 = a zw_funcinst, x19 = its frame, x30 the caller's return */
    while (b.len % 4) a64_brk(bb, 0);
    uint32_t call_any = b.len;
    a64_ldst_ui(bb, A64_LDR_X, X10, X9, ctxo(offsetof(zw_funcinst, code)));
    uint32_t to_host = a64_cbz(bb, true, X10, 0);
    load_inst(bb, X11);
    a64_ldst_ui(bb, A64_LDR_X, X16, X9, ctxo(offsetof(zw_funcinst, inst)));
    a64_arith_rr(bb, A64_SUBS, true, ZR, X11, X16, 0);
    uint32_t to_other = a64_bcond(bb, A64_NE, 0);
    a64_mov_rr(bb, true, X9, X10);
    load_entry(bb);
    a64_br(bb, X16);
    /* another instance: switch ctx->inst and x21 around the call; the
     * frame holds the caller's instance and return address above the
     * callee's frame record (ZW_JIT_CROSS_RET) */
    a64_patch(bb, to_other, b.len);
    a64_stp(bb, A64_PAIR_PRE, X11, LR, SP, -16);
    a64_ldst_ui(bb, A64_STR_X, X16, CTX, ctxo(offsetof(zw_jctx, inst)));
    load_mem(bb);
    a64_mov_rr(bb, true, X9, X10);
    load_entry(bb);
    a64_blr(bb, X16);
    uint32_t call_any_ret = b.len; /* backtraces step over this frame (jit.c) */
    a64_ldp(bb, A64_PAIR_POST, X11, LR, SP, 16);
    a64_ldst_ui(bb, A64_STR_X, X11, CTX, ctxo(offsetof(zw_jctx, inst)));
    load_mem(bb);
    a64_ret(bb);
    /* a host function: its native stack does not count as call depth */
    a64_patch(bb, to_host, b.len);
    a64_mov_sp(bb, X16, SP);
    a64_ldst_ui(bb, A64_STR_X, X16, CTX, ctxo(offsetof(zw_jctx, host_sp)));
    a64_ldst_ui(bb, A64_STR_X, LR, CTX, ctxo(offsetof(zw_jctx, host_ret)));
    a64_ldst_ui(bb, A64_STR_X, FP, CTX, ctxo(offsetof(zw_jctx, host_bp)));
    a64_stp(bb, A64_PAIR_PRE, FP, LR, SP, -16);
    a64_mov_rr(bb, true, 0, CTX);
    a64_mov_rr(bb, true, 1, X9);
    a64_mov_rr(bb, true, 2, FRAME);
    load_inst(bb, 3);
    call_c(bb, (const void *)zw_jit_call_host);
    a64_ldp(bb, A64_PAIR_POST, FP, LR, SP, 16);
    uint32_t host_fail = a64_cbnz(bb, false, 0, 0);
    load_mem(bb); /* the host may have grown memory */
    a64_ret(bb);
    a64_patch(bb, host_fail, b.len);
    a64_mov_imm(bb, false, 0, ZW_JIT_TRAP_ERR);
    a64_mov_imm(bb, false, 1, UINT32_MAX);
    a64_mov_rr(bb, true, 2, LR);
    a64_patch(bb, a64_b(bb, 0), trap);

    if (b.oom) {
        a64_free(&b);
        return false;
    }
    uint8_t *x = zw_jcode_add(&jm->m->al, &jm->code, (const uint8_t *)b.p, (size_t)b.len * 4, false);
    a64_free(&b);
    if (!x) return false;
    jm->stubs.enter = x + enter * 4;
    jm->stubs.trap = x + trap * 4;
    jm->stubs.lazy = x + lazy * 4;
    jm->stubs.call_any = x + call_any * 4;
    jm->stubs.call_any_ret = x + call_any_ret * 4;
    return true;
}

bool zw_jit_arch_fault(zw_jctx *ctx, void *addr, void *ucv) {
    ucontext_t *uc = ucv;
    mcontext_t *mc = &uc->uc_mcontext;
    /* x21 is memory 0's base; compiled code forms base + u32 + offset < 2^31 */
    uintptr_t base = (uintptr_t)mc->regs[MEM], a = (uintptr_t)addr;
    if (!base || a < base || a - base >= ((uint64_t)1 << 33)) return false;
    if (!zw_jit_code_contains(ctx, (uintptr_t)mc->pc)) return false;
    /* continue in the trap stub, as if the access had called it */
    mc->regs[0] = ZWASM_TRAP_MEMORY_OOB;
    mc->regs[1] = UINT32_MAX;
    mc->regs[2] = mc->pc + 4;
    mc->pc = (uintptr_t)ctx->trap_stub;
    return true;
}

/* FP and Advanced SIMD are part of every AArch64 Linux system. */
bool zw_jit_arch_supported(void) { return true; }
