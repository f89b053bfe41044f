/*
 * emit.c — the x86-64 code generator of the JIT (jit_int.h, "the
 * architecture's code generator"): a function's register IR to machine
 * code, and the per-module stubs (entry, lazy compilation, calls through a
 * zw_funcinst, traps).  The conventions (docs/jit.md):
 *
 *   rbx   the frame: slot k at [rbx + 8k]      r13  the zw_jctx
 *   r15   memory 0's base (of ctx->inst, the running zw_instance)
 *   rbp   frame-pointer chain (frames of 16 bytes: return address, saved rbp)
 *   rsi rdi r8 r9 r10 r11 r12 r14, xmm0-13   allocated to slots (regalloc.c)
 *   rax rcx rdx, xmm14 xmm15         scratch
 *
 * A call passes the callee's zw_jfunc in rax and its frame in rbx (the
 * caller's + 8B); the callee keeps rbx, r13, r15 and leaves its
 * results in its frame.  Every allocated register is caller-saved: around
 * a call or helper the values live across it go to their slots and come
 * back after (the allocator lists them).
 *
 * op_class() sorts every IR op into what emit_insn does with it; an op
 * without an inline form calls its helper (helpers.c) with the frame in
 * memory.  Traps jump to cold stubs at the end of the function, which
 * pass the trap kind and the IR position to the module's trap stub.
 */
#define _GNU_SOURCE
#include <cpuid.h>
#include <stddef.h>
#include <ucontext.h>

#include "../../sem/numeric.h"
#include "../jit_int.h"
#include "asm.h"

#define NGP 8
#define NFP 14
static const int8_t gp_map[NGP] = {RSI, RDI, R8, R9, R10, R11, R12, R14};
#define XS0 14 /* scratch xmm registers */
#define XS1 15

#define SLOT(s) x64_m(RBX, (int32_t)((s) * 8))
#define CTX(field) x64_m(R13, (int32_t)offsetof(zw_jctx, field))
#define B (&J->b)
/* The entry stub's frame pointer, from ctx->entry_sp (above the five saved
 * registers and a word of padding). */
#define ENTRY_FP 48

/* The state of compiling one function: the shared part (jit_int.h) and the code. */
typedef struct jc {
    zw_jcomp c;
    x64_buf b;
} jc;

/* ---- the classes of operations ---------------------------------------------------- */

/* SIMD operations that are one SSE instruction on two registers (SSE4.1):
 * the instruction (mandatory prefix, opcode after 0F, 0x38xx/0x3Axx for
 * the three-byte maps), whether the operands are swapped (dst = b op a),
 * and cmpps/cmppd's predicate (or -1).  Exactly the Wasm semantics: the
 * float min/max, whose NaN and zero rules differ, are not here. */
typedef struct { uint8_t pfx; uint16_t code; bool swap; int8_t imm; } sse_op;
static bool simd_binop(uint32_t op, sse_op *o) {
    switch (op) {
#define S(id, p, c, sw, im) case ZW_OP_##id: *o = (sse_op){p, c, sw, im}; return true;
    S(I8X16_ADD, 0x66, 0xFC, false, -1) S(I8X16_SUB, 0x66, 0xF8, false, -1)
    S(I8X16_ADD_SAT_S, 0x66, 0xEC, false, -1) S(I8X16_ADD_SAT_U, 0x66, 0xDC, false, -1)
    S(I8X16_SUB_SAT_S, 0x66, 0xE8, false, -1) S(I8X16_SUB_SAT_U, 0x66, 0xD8, false, -1)
    S(I8X16_MIN_S, 0x66, 0x3838, false, -1) S(I8X16_MIN_U, 0x66, 0xDA, false, -1)
    S(I8X16_MAX_S, 0x66, 0x383C, false, -1) S(I8X16_MAX_U, 0x66, 0xDE, false, -1)
    S(I8X16_AVGR_U, 0x66, 0xE0, false, -1)
    S(I8X16_EQ, 0x66, 0x74, false, -1) S(I8X16_GT_S, 0x66, 0x64, false, -1) S(I8X16_LT_S, 0x66, 0x64, true, -1)
    S(I16X8_ADD, 0x66, 0xFD, false, -1) S(I16X8_SUB, 0x66, 0xF9, false, -1) S(I16X8_MUL, 0x66, 0xD5, false, -1)
    S(I16X8_ADD_SAT_S, 0x66, 0xED, false, -1) S(I16X8_ADD_SAT_U, 0x66, 0xDD, false, -1)
    S(I16X8_SUB_SAT_S, 0x66, 0xE9, false, -1) S(I16X8_SUB_SAT_U, 0x66, 0xD9, false, -1)
    S(I16X8_MIN_S, 0x66, 0xEA, false, -1) S(I16X8_MIN_U, 0x66, 0x383A, false, -1)
    S(I16X8_MAX_S, 0x66, 0xEE, false, -1) S(I16X8_MAX_U, 0x66, 0x383E, false, -1)
    S(I16X8_AVGR_U, 0x66, 0xE3, false, -1)
    S(I16X8_EQ, 0x66, 0x75, false, -1) S(I16X8_GT_S, 0x66, 0x65, false, -1) S(I16X8_LT_S, 0x66, 0x65, true, -1)
    S(I32X4_ADD, 0x66, 0xFE, false, -1) S(I32X4_SUB, 0x66, 0xFA, false, -1) S(I32X4_MUL, 0x66, 0x3840, false, -1)
    S(I32X4_MIN_S, 0x66, 0x3839, false, -1) S(I32X4_MIN_U, 0x66, 0x383B, false, -1)
    S(I32X4_MAX_S, 0x66, 0x383D, false, -1) S(I32X4_MAX_U, 0x66, 0x383F, false, -1)
    S(I32X4_DOT_I16X8_S, 0x66, 0xF5, false, -1)
    S(I32X4_EQ, 0x66, 0x76, false, -1) S(I32X4_GT_S, 0x66, 0x66, false, -1) S(I32X4_LT_S, 0x66, 0x66, true, -1)
    S(I64X2_ADD, 0x66, 0xD4, false, -1) S(I64X2_SUB, 0x66, 0xFB, false, -1) S(I64X2_EQ, 0x66, 0x3829, false, -1)
    S(V128_AND, 0x66, 0xDB, false, -1) S(V128_OR, 0x66, 0xEB, false, -1) S(V128_XOR, 0x66, 0xEF, false, -1)
    S(V128_ANDNOT, 0x66, 0xDF, true, -1) /* pandn: ~dst & src, so dst = b */
    S(F32X4_ADD, 0, 0x58, false, -1) S(F32X4_SUB, 0, 0x5C, false, -1)
    S(F32X4_MUL, 0, 0x59, false, -1) S(F32X4_DIV, 0, 0x5E, false, -1)
    S(F64X2_ADD, 0x66, 0x58, false, -1) S(F64X2_SUB, 0x66, 0x5C, false, -1)
    S(F64X2_MUL, 0x66, 0x59, false, -1) S(F64X2_DIV, 0x66, 0x5E, false, -1)
    /* pmin(a, b) = b < a ? b : a = minps(b, a); pmax likewise */
    S(F32X4_PMIN, 0, 0x5D, true, -1) S(F32X4_PMAX, 0, 0x5F, true, -1)
    S(F64X2_PMIN, 0x66, 0x5D, true, -1) S(F64X2_PMAX, 0x66, 0x5F, true, -1)
    S(F32X4_EQ, 0, 0xC2, false, 0) S(F32X4_NE, 0, 0xC2, false, 4) S(F32X4_LT, 0, 0xC2, false, 1)
    S(F32X4_LE, 0, 0xC2, false, 2) S(F32X4_GT, 0, 0xC2, true, 1) S(F32X4_GE, 0, 0xC2, true, 2)
    S(F64X2_EQ, 0x66, 0xC2, false, 0) S(F64X2_NE, 0x66, 0xC2, false, 4) S(F64X2_LT, 0x66, 0xC2, false, 1)
    S(F64X2_LE, 0x66, 0xC2, false, 2) S(F64X2_GT, 0x66, 0xC2, true, 1) S(F64X2_GE, 0x66, 0xC2, true, 2)
#undef S
    }
    return false;
}

/* The SIMD unary operations emit_vunop compiles. */
static bool simd_unop(uint32_t op) {
    switch (op) {
    case ZW_OP_V128_NOT: case ZW_OP_I8X16_ABS: case ZW_OP_I16X8_ABS: case ZW_OP_I32X4_ABS:
    case ZW_OP_I8X16_NEG: case ZW_OP_I16X8_NEG: case ZW_OP_I32X4_NEG: case ZW_OP_I64X2_NEG:
    case ZW_OP_F32X4_SQRT: case ZW_OP_F64X2_SQRT:
        return true;
    }
    return false;
}

/* What emit_insn does with op: its group (zw_jop_of), or the helper for
 * what is not compiled inline on x86-64. */
static zw_jop op_class(uint32_t op) {
    zw_jop g = zw_jop_of(op);
    sse_op so;
    switch (g) {
    case ZW_JOP_TRUNC_SAT: return ZW_JOP_OTHER;
    case ZW_JOP_VBINOP: return simd_binop(op, &so) ? g : ZW_JOP_OTHER;
    case ZW_JOP_VUNOP: return simd_unop(op) ? g : ZW_JOP_OTHER;
    default: return g;
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

static void emit_gc(jc *J, uint32_t op);

/* ---- bookkeeping --------------------------------------------------------------------- */
static void fix(jc *J, uint32_t at, uint32_t target_pc) { zw_jcomp_fix(&J->c, at, target_pc); }
/* A conditional jump (or, with cc < 0, a jump) to a stub raising trap
 * `kind` (0: the kind is in eax) at the current instruction. */
static void trap_if(jc *J, int cc, uint32_t kind) {
    uint32_t at = cc < 0 ? x64_jmp_rel32(B) : x64_jcc_rel32(B, (x64_cc)cc);
    zw_jcomp_cold(&J->c, at, kind, false, false);
}
static uint64_t imm64_at(const uint32_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }
static bool fits32(int64_t v) { return v >= INT32_MIN && v <= INT32_MAX; }

/* ---- where values are ---------------------------------------------------------------- */
static int greg(const jc *J, uint32_t s) {
    int r = J->c.ra.reg[0][s];
    return r < 0 ? -1 : gp_map[r];
}
static int fcls(zw_valtype t) { return t == ZW_V128 ? 2 : 1; }
static int xreg(const jc *J, uint32_t s, zw_valtype t) { return J->c.ra.reg[fcls(t)][s]; }

/* general registers: load slot s into dst; the register holding s (its own
 * or scratch, loaded); store src into s (a 64-bit store: i32 values are
 * kept zero-extended) */
static void gload(jc *J, int dst, uint32_t s, bool w64) {
    int r = greg(J, s);
    if (r < 0) x64_mov_rm(B, w64, dst, SLOT(s));
    else if (r != dst) x64_mov_rr(B, w64, dst, r);
}
static int gread(jc *J, uint32_t s, bool w64, int scratch) {
    int r = greg(J, s);
    if (r >= 0) return r;
    x64_mov_rm(B, w64, scratch, SLOT(s));
    return scratch;
}
static void gstore(jc *J, uint32_t s, int src, bool w64) {
    int r = greg(J, s);
    if (r < 0) x64_mov_mr(B, true, SLOT(s), src);
    else if (r != src) x64_mov_rr(B, w64, r, src);
}
/* the register to compute slot s's new value in: its own, or scratch */
static int gdst(const jc *J, uint32_t s, int scratch) {
    int r = greg(J, s);
    return r >= 0 ? r : scratch;
}

/* float/vector registers: the same, by value type */
static void xmov(jc *J, int dst, int src) {
    if (dst != src) x64_sse_rr(B, 0, 0x28, dst, src); /* movaps */
}
static void xload_mem(jc *J, int x, x64_mem m, zw_valtype t) {
    if (t == ZW_F32) x64_sse_rm(B, 0xF3, 0x10, x, m);      /* movss */
    else if (t == ZW_F64) x64_sse_rm(B, 0xF2, 0x10, x, m); /* movsd */
    else x64_sse_rm(B, 0xF3, 0x6F, x, m);                  /* movdqu */
}
static void xstore_mem(jc *J, x64_mem m, zw_valtype t, int x) {
    if (t == ZW_F32) x64_sse_mr(B, 0xF3, 0x11, m, x);
    else if (t == ZW_F64) x64_sse_mr(B, 0xF2, 0x11, m, x);
    else x64_sse_mr(B, 0xF3, 0x7F, m, x);
}
static void xload(jc *J, int x, uint32_t s, zw_valtype t) {
    int r = xreg(J, s, t);
    if (r < 0) xload_mem(J, x, SLOT(s), t);
    else xmov(J, x, r);
}
static int xread(jc *J, uint32_t s, zw_valtype t, int scratch) {
    int r = xreg(J, s, t);
    if (r >= 0) return r;
    xload_mem(J, scratch, SLOT(s), t);
    return scratch;
}
static void xstore(jc *J, uint32_t s, zw_valtype t, int x) {
    int r = xreg(J, s, t);
    if (r < 0) xstore_mem(J, SLOT(s), t, x);
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
    if (c == 0) {
        if (reload) x64_mov_rm(B, true, gp_map[r], SLOT(s));
        else x64_mov_mr(B, true, SLOT(s), gp_map[r]);
    } else {
        zw_valtype t = c == 2 ? ZW_V128 : ZW_F64; /* a whole slot: f32s too */
        if (reload) xload_mem(J, r, SLOT(s), t);
        else xstore_mem(J, SLOT(s), t, r);
    }
}
static void move_v(zw_jcomp *c, uint32_t v, bool reload) { vreg_move((jc *)c, v, reload); }
static void across(jc *J, bool reload) { zw_jcomp_across(&J->c, reload, move_v); }
static void spill_reads(jc *J) { zw_jcomp_spill_reads(&J->c, move_v); }
static void reload_defs(jc *J) { zw_jcomp_reload_defs(&J->c, move_v); }

/* r = the running instance (ctx->inst) */
static void load_inst(x64_buf *b, int r) {
    x64_mov_rm(b, true, r, x64_m(R13, (int32_t)offsetof(zw_jctx, inst)));
}
/* load r15 and ctx->memsize for the running instance */
static void load_mem(x64_buf *b) {
    load_inst(b, RAX);
    x64_mov_rm(b, true, RAX, x64_m(RAX, (int32_t)offsetof(zw_instance, mem0)));
    x64_alu_rr(b, ALU_XOR, false, R15, R15);
    x64_alu_rr(b, ALU_XOR, false, RCX, RCX);
    x64_test_rr(b, true, RAX, RAX);
    uint32_t skip = x64_jcc_rel32(b, CC_E);
    x64_mov_rm(b, true, R15, x64_m(RAX, (int32_t)offsetof(zw_memory, base)));
    x64_mov_rm(b, true, RCX, x64_m(RAX, (int32_t)offsetof(zw_memory, size)));
    x64_patch_rel32(b, skip, b->len);
    x64_mov_mr(b, true, x64_m(R13, (int32_t)offsetof(zw_jctx, memsize)), RCX);
}
static void call_abs(x64_buf *b, const void *fn) {
    x64_mov_ri(b, RAX, (uint64_t)(uintptr_t)fn);
    x64_call_r(b, RAX);
}
/* ctx->native: set while C code runs (signal.c claims no fault then) */
static void set_native(x64_buf *b, int v) {
    x64_mov_mi(b, false, x64_m(R13, (int32_t)offsetof(zw_jctx, native)), v);
}
/* call C function fn with ctx->native set around it */
static void call_c(x64_buf *b, const void *fn) {
    set_native(b, 1);
    call_abs(b, fn);
    x64_mov_mi(b, false, x64_m(R13, (int32_t)offsetof(zw_jctx, native)), 0); /* flags untouched */
}

/* ---- constants and moves ----------------------------------------------------------------- */
/* store the 64-bit constant v at m */
static void mem_const(jc *J, x64_mem m, uint64_t v) {
    if (fits32((int64_t)v)) {
        x64_mov_mi(B, true, m, (int32_t)v);
    } else {
        x64_mov_ri(B, RAX, v);
        x64_mov_mr(B, true, m, RAX);
    }
}
static void gconst(jc *J, uint32_t s, uint64_t v) {
    int r = greg(J, s);
    if (r >= 0) x64_mov_ri(B, r, v);
    else mem_const(J, SLOT(s), v);
}
static void emit_const(jc *J, uint32_t op) {
    const uint32_t *ip = J->c.ip;
    uint32_t d = ip[1];
    switch (op) {
    case ZW_IR_CONST32: case ZW_IR_CONST64_U32:
        /* zero-extended: a negative imm32 would sign-extend */
        gconst(J, d, ip[2]);
        return;
    case ZW_IR_CONST64: gconst(J, d, imm64_at(ip + 2)); return;
    case ZW_IR_CONST_NULL: gconst(J, d, 0); return;
    case ZW_IR_CONST_F32: case ZW_IR_CONST_F64: {
        zw_valtype t = op == ZW_IR_CONST_F32 ? ZW_F32 : ZW_F64;
        uint64_t v = t == ZW_F32 ? ip[2] : imm64_at(ip + 2);
        int r = xreg(J, d, t);
        if (r < 0) {
            mem_const(J, SLOT(d), v);
        } else if (v == 0) {
            x64_sse_rr(B, 0, 0x57, r, r); /* xorps */
        } else {
            x64_mov_ri(B, RAX, v);
            x64_sse_rr_gp(B, 0x66, 0x6E, true, r, RAX); /* movq */
        }
        return;
    }
    case ZW_IR_CONST128: {
        uint64_t lo = imm64_at(ip + 2), hi = imm64_at(ip + 4);
        int r = xreg(J, d, ZW_V128);
        if (r < 0) {
            mem_const(J, SLOT(d), lo);
            mem_const(J, SLOT(d + 1), hi);
        } else {
            x64_mov_ri(B, RAX, lo);
            x64_sse_rr_gp(B, 0x66, 0x6E, true, r, RAX);
            x64_mov_ri(B, RAX, hi);
            x64_sse_rr_gp(B, 0x66, 0x6E, true, XS1, RAX);
            x64_sse_rr(B, 0x66, 0x6C, r, XS1); /* punpcklqdq */
        }
        return;
    }
    }
}

static void emit_mov(jc *J, uint32_t op) {
    uint32_t d = J->c.ip[1], s = J->c.ip[2];
    if (op == ZW_IR_MOV_F32 || op == ZW_IR_MOV_F64 || op == ZW_IR_MOV128) {
        zw_valtype t = op == ZW_IR_MOV_F32 ? ZW_F32 : op == ZW_IR_MOV_F64 ? ZW_F64 : ZW_V128;
        int x = xdst(J, d, t, XS0);
        xload(J, x, s, t);
        xstore(J, d, t, x);
        return;
    }
    bool w64 = op != ZW_IR_MOV_I32;
    int rd = greg(J, d);
    if (rd >= 0) {
        gload(J, rd, s, w64);
    } else {
        int r = gread(J, s, w64, RAX);
        x64_mov_mr(B, true, SLOT(d), r);
    }
}

/* ---- integer operations ------------------------------------------------------------- */
typedef enum { BK_ALU, BK_MUL, BK_SHIFT } binkind;
/* How an integer binary op is done: kind, the ALU/shift code, width. */
static void binop_info(uint32_t op, binkind *k, int *code, bool *w64) {
    *w64 = op >= ZW_OP_I64_ADD && op <= ZW_OP_I64_ROTR;
    switch (op) {
    case ZW_OP_I32_ADD: case ZW_OP_I64_ADD: *k = BK_ALU; *code = ALU_ADD; return;
    case ZW_OP_I32_SUB: case ZW_OP_I64_SUB: *k = BK_ALU; *code = ALU_SUB; return;
    case ZW_OP_I32_AND: case ZW_OP_I64_AND: *k = BK_ALU; *code = ALU_AND; return;
    case ZW_OP_I32_OR: case ZW_OP_I64_OR: *k = BK_ALU; *code = ALU_OR; return;
    case ZW_OP_I32_XOR: case ZW_OP_I64_XOR: *k = BK_ALU; *code = ALU_XOR; return;
    case ZW_OP_I32_MUL: case ZW_OP_I64_MUL: *k = BK_MUL; *code = 0; return;
    case ZW_OP_I32_SHL: case ZW_OP_I64_SHL: *k = BK_SHIFT; *code = SH_SHL; return;
    case ZW_OP_I32_SHR_S: case ZW_OP_I64_SHR_S: *k = BK_SHIFT; *code = SH_SAR; return;
    case ZW_OP_I32_SHR_U: case ZW_OP_I64_SHR_U: *k = BK_SHIFT; *code = SH_SHR; return;
    case ZW_OP_I32_ROTL: case ZW_OP_I64_ROTL: *k = BK_SHIFT; *code = SH_ROL; return;
    default: *k = BK_SHIFT; *code = SH_ROR; return;
    }
}

/* d = a op b, or d = a op imm (kimm) */
static void emit_binop(jc *J, uint32_t op, bool kimm) {
    const uint32_t *ip = J->c.ip;
    binkind k;
    int code;
    bool w64;
    binop_info(zw_ir_base_op(op), &k, &code, &w64);
    uint32_t d = ip[1], a = ip[2], b = ip[3];
    int64_t imm = 0;
    if (kimm) imm = w64 ? (int64_t)imm64_at(ip + 3) : (int64_t)(int32_t)ip[3];
    int rd = greg(J, d);
    /* d = a op d with a commutative op: d op= a */
    bool commutative = k == BK_MUL || (k == BK_ALU && code != ALU_SUB);
    if (!kimm && commutative && rd >= 0 && greg(J, b) == rd && greg(J, a) != rd) {
        uint32_t t = a;
        a = b;
        b = t;
    }
    int rb = kimm ? -1 : greg(J, b);
    /* compute in d's register unless that would overwrite b before it is read */
    int t = rd >= 0 && (kimm || rd != rb || greg(J, a) == rb) ? rd : RAX;
    gload(J, t, a, w64);
    switch (k) {
    case BK_ALU:
        if (kimm && code == ALU_AND && imm == 0xFFFFFFFF && w64) x64_mov_rr(B, false, t, t); /* zero-extend */
        else if (kimm && fits32(imm)) x64_alu_ri(B, (x64_alu)code, w64, t, (int32_t)imm);
        else if (kimm) { x64_mov_ri(B, RCX, (uint64_t)imm); x64_alu_rr(B, (x64_alu)code, w64, t, RCX); }
        else if (rb >= 0) x64_alu_rr(B, (x64_alu)code, w64, t, rb);
        else x64_alu_rm(B, (x64_alu)code, w64, t, SLOT(b));
        break;
    case BK_MUL:
        if (kimm && fits32(imm)) x64_imul_rri(B, w64, t, t, (int32_t)imm);
        else {
            int r = kimm ? (x64_mov_ri(B, RCX, (uint64_t)imm), RCX) : gread(J, b, w64, RCX);
            x64_imul_rr(B, w64, t, r);
        }
        break;
    case BK_SHIFT:
        if (kimm) x64_shift_ri(B, (x64_shift)code, w64, t, (uint8_t)(imm & (w64 ? 63 : 31)));
        else {
            gload(J, RCX, b, false);
            x64_shift_cl(B, (x64_shift)code, w64, t);
        }
        break;
    }
    gstore(J, d, t, w64);
}

static x64_cc cmp_cc(uint32_t op, bool *w64) {
    *w64 = op >= ZW_OP_I64_EQZ && op <= ZW_OP_I64_GE_U;
    switch (op) {
    case ZW_OP_I32_EQ: case ZW_OP_I64_EQ: return CC_E;
    case ZW_OP_I32_NE: case ZW_OP_I64_NE: return CC_NE;
    case ZW_OP_I32_LT_S: case ZW_OP_I64_LT_S: return CC_L;
    case ZW_OP_I32_LT_U: case ZW_OP_I64_LT_U: return CC_B;
    case ZW_OP_I32_GT_S: case ZW_OP_I64_GT_S: return CC_G;
    case ZW_OP_I32_GT_U: case ZW_OP_I64_GT_U: return CC_A;
    case ZW_OP_I32_LE_S: case ZW_OP_I64_LE_S: return CC_LE;
    case ZW_OP_I32_LE_U: case ZW_OP_I64_LE_U: return CC_BE;
    case ZW_OP_I32_GE_S: case ZW_OP_I64_GE_S: return CC_GE;
    default: return CC_AE;
    }
}

/* compare slot a with slot b (or imm); sets the flags */
static void emit_compare(jc *J, bool w64, uint32_t a, uint32_t b, bool kimm, int64_t imm) {
    int ra = gread(J, a, w64, RAX);
    if (kimm) {
        if (fits32(imm)) x64_alu_ri(B, ALU_CMP, w64, ra, (int32_t)imm);
        else {
            x64_mov_ri(B, RCX, (uint64_t)imm);
            x64_alu_rr(B, ALU_CMP, w64, ra, RCX);
        }
    } else {
        int rb = greg(J, b);
        if (rb >= 0) x64_alu_rr(B, ALU_CMP, w64, ra, rb);
        else x64_alu_rm(B, ALU_CMP, w64, ra, SLOT(b));
    }
}

/* d = flags(cc) as 0/1 */
static void set_bool(jc *J, uint32_t d, x64_cc cc) {
    int r = gdst(J, d, RCX);
    x64_setcc(B, cc, r);
    x64_movzx8_rr(B, r, r);
    gstore(J, d, r, false);
}

static void emit_cmp(jc *J, uint32_t op, bool kimm) {
    const uint32_t *ip = J->c.ip;
    bool w64;
    x64_cc cc = cmp_cc(zw_ir_base_op(op), &w64);
    int64_t imm = kimm ? (w64 ? (int64_t)imm64_at(ip + 3) : (int64_t)(int32_t)ip[3]) : 0;
    emit_compare(J, w64, ip[2], ip[3], kimm, imm);
    set_bool(J, ip[1], cc);
}

static void emit_unop(jc *J, uint32_t op) {
    uint32_t d = J->c.ip[1], a = J->c.ip[2];
    switch (op) {
    case ZW_OP_I32_EQZ: case ZW_OP_I64_EQZ: {
        bool w64 = op == ZW_OP_I64_EQZ;
        int ra = gread(J, a, w64, RAX);
        x64_test_rr(B, w64, ra, ra);
        set_bool(J, d, CC_E);
        return;
    }
    case ZW_OP_I32_CLZ: case ZW_OP_I64_CLZ: {
        bool w64 = op == ZW_OP_I64_CLZ;
        int ra = gread(J, a, w64, RAX);
        x64_bsr(B, w64, RAX, ra);             /* ZF when a == 0 (rax undefined) */
        x64_mov_ri(B, RCX, w64 ? 127 : 63);
        x64_cmov(B, CC_E, w64, RAX, RCX);
        x64_alu_ri(B, ALU_XOR, w64, RAX, w64 ? 63 : 31);
        gstore(J, d, RAX, w64);
        return;
    }
    case ZW_OP_I32_CTZ: case ZW_OP_I64_CTZ: {
        bool w64 = op == ZW_OP_I64_CTZ;
        int ra = gread(J, a, w64, RAX);
        x64_bsf(B, w64, RAX, ra);
        x64_mov_ri(B, RCX, w64 ? 64 : 32);
        x64_cmov(B, CC_E, w64, RAX, RCX);
        gstore(J, d, RAX, w64);
        return;
    }
    case ZW_OP_I32_POPCNT: case ZW_OP_I64_POPCNT: {
        bool w64 = op == ZW_OP_I64_POPCNT;
        int ra = gread(J, a, w64, RAX);
        x64_bitcount(B, 0xB8, w64, RAX, ra);
        gstore(J, d, RAX, w64);
        return;
    }
    }
    int rd = gdst(J, d, RAX);
    int ra = gread(J, a, op != ZW_OP_I64_EXTEND_I32_S && op != ZW_OP_I64_EXTEND_I32_U &&
                             op != ZW_OP_I32_EXTEND8_S && op != ZW_OP_I32_EXTEND16_S, RCX);
    bool w64 = true;
    switch (op) {
    case ZW_OP_I32_WRAP_I64: case ZW_OP_I64_EXTEND_I32_U: x64_mov_rr(B, false, rd, ra); w64 = false; break;
    case ZW_OP_I64_EXTEND_I32_S: case ZW_OP_I64_EXTEND32_S: x64_movsxd_rr(B, rd, ra); break;
    case ZW_OP_I32_EXTEND8_S: x64_movsx8_rr(B, false, rd, ra); w64 = false; break;
    case ZW_OP_I32_EXTEND16_S: x64_movsx16_rr(B, false, rd, ra); w64 = false; break;
    case ZW_OP_I64_EXTEND8_S: x64_movsx8_rr(B, true, rd, ra); break;
    case ZW_OP_I64_EXTEND16_S: x64_movsx16_rr(B, true, rd, ra); break;
    }
    gstore(J, d, rd, w64);
}

/* x / c and x % c for a constant c != 0 (the IR's k forms): shifts for
 * powers of two, a multiplication by a 64-bit reciprocal for 32-bit
 * divisors, the divide instruction otherwise.  False: not handled here. */
static bool emit_div_const(jc *J, bool w64, bool sgn, bool rem, uint64_t c) {
    uint32_t d = J->c.ip[1], a = J->c.ip[2];
    uint64_t mask = w64 ? ~0ull : 0xFFFFFFFFull;
    c &= mask;
    int64_t sc = w64 ? (int64_t)c : (int64_t)(int32_t)c;
    bool pow2 = c && !(c & (c - 1));
    unsigned k = pow2 ? (unsigned)__builtin_ctzll(c) : 0;
    if (!sgn && pow2) { /* x >> k, x & (c - 1) */
        gload(J, RAX, a, w64);
        if (rem) {
            if (fits32((int64_t)(c - 1))) x64_alu_ri(B, ALU_AND, w64, RAX, (int32_t)(c - 1));
            else {
                x64_mov_ri(B, RCX, c - 1);
                x64_alu_rr(B, ALU_AND, true, RAX, RCX);
            }
        } else if (k) {
            x64_shift_ri(B, SH_SHR, w64, RAX, (uint8_t)k);
        }
        gstore(J, d, RAX, w64);
        return true;
    }
    if (sgn && sc > 0 && pow2) { /* round toward zero: add c - 1 to negative x first */
        unsigned bits = w64 ? 64 : 32;
        gload(J, RAX, a, w64);
        x64_mov_rr(B, w64, RCX, RAX);
        if (k) {
            x64_shift_ri(B, SH_SAR, w64, RCX, (uint8_t)(bits - 1));
            x64_shift_ri(B, SH_SHR, w64, RCX, (uint8_t)(bits - k));
        } else {
            x64_alu_rr(B, ALU_XOR, false, RCX, RCX);
        }
        x64_alu_rr(B, ALU_ADD, w64, RCX, RAX); /* x + bias */
        if (rem) { /* x - ((x + bias) & -c) */
            if (fits32(-(int64_t)c)) x64_alu_ri(B, ALU_AND, w64, RCX, (int32_t)-(int64_t)c);
            else {
                x64_mov_ri(B, RDX, (uint64_t)-(int64_t)c);
                x64_alu_rr(B, ALU_AND, true, RCX, RDX);
            }
            x64_alu_rr(B, ALU_SUB, w64, RAX, RCX);
        } else {
            x64_mov_rr(B, w64, RAX, RCX);
            if (k) x64_shift_ri(B, SH_SAR, w64, RAX, (uint8_t)k);
        }
        gstore(J, d, RAX, w64);
        return true;
    }
    if (!w64 && !sgn) {
        /* q = (x * ceil(2^64 / c)) >> 64, exact for every 32-bit x and c > 1 */
        gload(J, RAX, a, false);
        x64_mov_ri(B, RCX, UINT64_MAX / c + 1);
        x64_grp3_r(B, G3_MUL, true, RCX);
        if (rem) {
            x64_mov_ri(B, RCX, c);
            x64_imul_rr(B, false, RDX, RCX);
            gload(J, RAX, a, false);
            x64_alu_rr(B, ALU_SUB, false, RAX, RDX);
            gstore(J, d, RAX, false);
        } else {
            gstore(J, d, RDX, false);
        }
        return true;
    }
    if (!w64 && sgn && sc != -1 && sc != 1) {
        /* |x| / |c| as above, then the sign */
        uint64_t ac = sc < 0 ? (uint64_t)-sc : (uint64_t)sc;
        gload(J, RAX, a, false);
        x64_mov_rr(B, false, RCX, RAX);
        x64_shift_ri(B, SH_SAR, false, RCX, 31); /* x's sign: 0 or -1 */
        x64_alu_rr(B, ALU_XOR, false, RAX, RCX);
        x64_alu_rr(B, ALU_SUB, false, RAX, RCX); /* |x| (INT_MIN: 2^31) */
        x64_mov_ri(B, RDX, UINT64_MAX / ac + 1);
        x64_grp3_r(B, G3_MUL, true, RDX);        /* rdx = |x| / |c| */
        if (sc < 0) x64_grp3_r(B, G3_NOT, false, RCX); /* the quotient's sign */
        x64_alu_rr(B, ALU_XOR, false, RDX, RCX);
        x64_alu_rr(B, ALU_SUB, false, RDX, RCX); /* q */
        if (rem) { /* x - q * c */
            x64_imul_rri(B, false, RDX, RDX, (int32_t)sc);
            gload(J, RAX, a, false);
            x64_alu_rr(B, ALU_SUB, false, RAX, RDX);
            gstore(J, d, RAX, false);
        } else {
            gstore(J, d, RDX, false);
        }
        return true;
    }
    return false;
}

/* div/rem: rax = a, rcx = b; traps on b == 0 and (signed div) overflow */
static void emit_div(jc *J, uint32_t irop) {
    uint32_t d = J->c.ip[1], op = zw_ir_base_op(irop);
    bool kimm = zw_ir_form_of(irop) == ZW_IR_FORM_K;
    bool w64 = op >= ZW_OP_I64_DIV_S, sgn = op == ZW_OP_I32_DIV_S || op == ZW_OP_I32_REM_S ||
                                        op == ZW_OP_I64_DIV_S || op == ZW_OP_I64_REM_S;
    bool rem = op == ZW_OP_I32_REM_S || op == ZW_OP_I32_REM_U || op == ZW_OP_I64_REM_S || op == ZW_OP_I64_REM_U;
    uint64_t c = kimm ? (w64 ? imm64_at(J->c.ip + 3) : J->c.ip[3]) : 0;
    if (kimm && emit_div_const(J, w64, sgn, rem, c)) return;
    gload(J, RAX, J->c.ip[2], w64);
    if (kimm) {
        x64_mov_ri(B, RCX, w64 ? c : (uint64_t)(uint32_t)c);
    } else {
        gload(J, RCX, J->c.ip[3], w64);
        x64_test_rr(B, w64, RCX, RCX);
        trap_if(J, CC_E, ZWASM_TRAP_INT_DIV_ZERO);
    }
    if (sgn) {
        uint32_t done = 0;
        x64_alu_ri(B, ALU_CMP, w64, RCX, -1);
        uint32_t normal = x64_jcc_rel32(B, CC_NE);
        if (rem) { /* x rem -1 = 0 */
            x64_alu_rr(B, ALU_XOR, false, RDX, RDX);
            done = x64_jmp_rel32(B);
        } else { /* INT_MIN / -1 overflows; x / -1 = -x otherwise */
            if (w64) {
                x64_mov_ri(B, RDX, (uint64_t)INT64_MIN);
                x64_alu_rr(B, ALU_CMP, true, RAX, RDX);
            } else {
                x64_alu_ri(B, ALU_CMP, false, RAX, INT32_MIN);
            }
            trap_if(J, CC_E, ZWASM_TRAP_INT_OVERFLOW);
        }
        x64_patch_rel32(B, normal, B->len);
        x64_cdq(B, w64);
        x64_grp3_r(B, G3_IDIV, w64, RCX);
        if (rem) x64_patch_rel32(B, done, B->len);
    } else {
        x64_alu_rr(B, ALU_XOR, false, RDX, RDX);
        x64_grp3_r(B, G3_DIV, w64, RCX);
    }
    gstore(J, d, rem ? RDX : RAX, w64);
}

/* ---- floating point --------------------------------------------------------------------- */
static void emit_fbinop(jc *J, uint32_t op) {
    uint32_t d = J->c.ip[1], a = J->c.ip[2], b = J->c.ip[3];
    bool f64 = op >= ZW_OP_F64_ADD;
    zw_valtype t = f64 ? ZW_F64 : ZW_F32;
    uint8_t pfx = f64 ? 0xF2 : 0xF3;
    uint8_t code = 0;
    switch (op) {
    case ZW_OP_F32_ADD: case ZW_OP_F64_ADD: code = 0x58; break;
    case ZW_OP_F32_MUL: case ZW_OP_F64_MUL: code = 0x59; break;
    case ZW_OP_F32_SUB: case ZW_OP_F64_SUB: code = 0x5C; break;
    default: code = 0x5E; break;
    }
    int rb = xreg(J, b, t), rd = xreg(J, d, t);
    int x = rd >= 0 && (rd != rb || xreg(J, a, t) == rb) ? rd : XS0;
    xload(J, x, a, t);
    if (rb >= 0) x64_sse_rr(B, pfx, code, x, rb);
    else x64_sse_rm(B, pfx, code, x, SLOT(b));
    xstore(J, d, t, x);
}

static void emit_funop(jc *J, uint32_t op) {
    uint32_t d = J->c.ip[1], a = J->c.ip[2];
    bool f64 = op >= ZW_OP_F64_ABS;
    zw_valtype t = f64 ? ZW_F64 : ZW_F32;
    switch (op) {
    case ZW_OP_F32_ABS: case ZW_OP_F32_NEG: case ZW_OP_F64_ABS: case ZW_OP_F64_NEG: {
        /* on the bits, in rax */
        bool abs = op == ZW_OP_F32_ABS || op == ZW_OP_F64_ABS;
        int ra = xreg(J, a, t);
        if (ra >= 0) x64_sse_rr_gp(B, 0x66, 0x7E, f64, ra, RAX);
        else x64_mov_rm(B, f64, RAX, SLOT(a));
        if (f64) {
            x64_mov_ri(B, RCX, abs ? 0x7FFFFFFFFFFFFFFFull : 0x8000000000000000ull);
            x64_alu_rr(B, abs ? ALU_AND : ALU_XOR, true, RAX, RCX);
        } else {
            x64_alu_ri(B, abs ? ALU_AND : ALU_XOR, false, RAX, abs ? 0x7FFFFFFF : INT32_MIN);
        }
        int rd = xreg(J, d, t);
        if (rd >= 0) x64_sse_rr_gp(B, 0x66, 0x6E, f64, rd, RAX);
        else x64_mov_mr(B, true, SLOT(d), RAX);
        return;
    }
    }
    int x = xdst(J, d, t, XS0);
    int ra = xread(J, a, t, XS1);
    if (op == ZW_OP_F32_SQRT || op == ZW_OP_F64_SQRT) {
        x64_sse_rr(B, f64 ? 0xF2 : 0xF3, 0x51, x, ra);
    } else {
        uint8_t mode = op == ZW_OP_F32_NEAREST || op == ZW_OP_F64_NEAREST ? 0
                       : op == ZW_OP_F32_FLOOR || op == ZW_OP_F64_FLOOR   ? 1
                       : op == ZW_OP_F32_CEIL || op == ZW_OP_F64_CEIL     ? 2 : 3;
        x64_sse_rri(B, 0x66, f64 ? 0x3A0B : 0x3A0A, x, ra, (uint8_t)(mode | 8)); /* roundsd/ss */
    }
    xstore(J, d, t, x);
}

static void emit_fcmp(jc *J, uint32_t op) {
    uint32_t d = J->c.ip[1], a = J->c.ip[2], b = J->c.ip[3];
    bool f64 = op >= ZW_OP_F64_EQ;
    zw_valtype t = f64 ? ZW_F64 : ZW_F32;
    uint32_t base = f64 ? ZW_OP_F64_EQ : ZW_OP_F32_EQ, k = op - base; /* eq ne lt gt le ge */
    /* lt and le compare b with a (seta/setae are false when unordered) */
    bool swap = k == 2 || k == 4;
    uint32_t x = swap ? b : a, y = swap ? a : b;
    int rx = xread(J, x, t, XS0), ry = xreg(J, y, t);
    if (ry >= 0) x64_sse_rr(B, f64 ? 0x66 : 0, 0x2E, rx, ry); /* ucomisd/ss */
    else x64_sse_rm(B, f64 ? 0x66 : 0, 0x2E, rx, SLOT(y));
    switch (k) {
    case 0: /* equal and ordered */
        x64_setcc(B, CC_E, RCX);
        x64_setcc(B, CC_NP, RDX);
        x64_alu_rr(B, ALU_AND, false, RCX, RDX);
        x64_movzx8_rr(B, RCX, RCX);
        gstore(J, d, RCX, false);
        return;
    case 1: /* not equal or unordered */
        x64_setcc(B, CC_NE, RCX);
        x64_setcc(B, CC_P, RDX);
        x64_alu_rr(B, ALU_OR, false, RCX, RDX);
        x64_movzx8_rr(B, RCX, RCX);
        gstore(J, d, RCX, false);
        return;
    case 2: case 3: set_bool(J, d, CC_A); return;
    default: set_bool(J, d, CC_AE); return;
    }
}

static void emit_convert(jc *J, uint32_t op) {
    uint32_t d = J->c.ip[1], a = J->c.ip[2];
    switch (op) {
    case ZW_OP_F32_CONVERT_I32_S: case ZW_OP_F32_CONVERT_I32_U: case ZW_OP_F32_CONVERT_I64_S:
    case ZW_OP_F64_CONVERT_I32_S: case ZW_OP_F64_CONVERT_I32_U: case ZW_OP_F64_CONVERT_I64_S: {
        bool f64 = op >= ZW_OP_F64_CONVERT_I32_S;
        zw_valtype t = f64 ? ZW_F64 : ZW_F32;
        bool src64 = op == ZW_OP_F32_CONVERT_I64_S || op == ZW_OP_F64_CONVERT_I64_S;
        bool uns = op == ZW_OP_F32_CONVERT_I32_U || op == ZW_OP_F64_CONVERT_I32_U;
        gload(J, RAX, a, src64); /* a 32-bit load zero-extends: i32_u converts as i64 */
        int x = xdst(J, d, t, XS0);
        x64_sse_rr(B, 0, 0x57, x, x); /* xorps: no dependency on the old value */
        x64_sse_rr_gp(B, f64 ? 0xF2 : 0xF3, 0x2A, src64 || uns, x, RAX); /* cvtsi2sd/ss */
        xstore(J, d, t, x);
        return;
    }
    case ZW_OP_F32_DEMOTE_F64: case ZW_OP_F64_PROMOTE_F32: {
        bool to64 = op == ZW_OP_F64_PROMOTE_F32;
        zw_valtype ts = to64 ? ZW_F32 : ZW_F64, td = to64 ? ZW_F64 : ZW_F32;
        int x = xdst(J, d, td, XS0);
        int ra = xread(J, a, ts, XS1);
        x64_sse_rr(B, to64 ? 0xF3 : 0xF2, 0x5A, x, ra); /* cvtss2sd / cvtsd2ss */
        xstore(J, d, td, x);
        return;
    }
    case ZW_OP_I32_REINTERPRET_F32: case ZW_OP_I64_REINTERPRET_F64: {
        bool w64 = op == ZW_OP_I64_REINTERPRET_F64;
        int ra = xreg(J, a, w64 ? ZW_F64 : ZW_F32), rd = gdst(J, d, RAX);
        if (ra >= 0) x64_sse_rr_gp(B, 0x66, 0x7E, w64, ra, rd); /* movd/movq r, xmm */
        else x64_mov_rm(B, w64, rd, SLOT(a));
        gstore(J, d, rd, w64);
        return;
    }
    default: { /* f32/f64.reinterpret */
        bool w64 = op == ZW_OP_F64_REINTERPRET_I64;
        zw_valtype t = w64 ? ZW_F64 : ZW_F32;
        int ra = greg(J, a), rd = xreg(J, d, t);
        if (rd >= 0) {
            if (ra >= 0) x64_sse_rr_gp(B, 0x66, 0x6E, w64, rd, ra);
            else xload_mem(J, rd, SLOT(a), t);
        } else {
            int r = gread(J, a, w64, RAX);
            x64_mov_mr(B, true, SLOT(d), r);
        }
        return;
    }
    }
}

/* ---- memory ---------------------------------------------------------------------------- */
/* The address of an access of n bytes at (slot addr, zero-extended) + off
 * (or at the constant address off when abs): bounds-checked against
 * ctx->memsize; returns the memory operand (base r15, index rax). */
static x64_mem mem_addr(jc *J, bool abs, uint32_t addr, uint64_t off, uint32_t n) {
    uint32_t k = abs ? 0 : zw_ir_mem_index(J->c.f->code, J->c.pc);
    if (k) {
        /* another memory (multi-memory), read from the instance: rcx = the
         * memory, then its base; rax = address + offset + n, checked
         * against its size (a carry is out of bounds for a 64-bit one);
         * rdx (a store's value) is left alone.  insn_class sends offsets
         * of 2^31 and more to the helper. */
        bool is64 = J->c.m->mems[k].type.is64;
        load_inst(B, RCX);
        x64_mov_rm(B, true, RCX, x64_m(RCX, (int32_t)offsetof(zw_instance, mems)));
        x64_mov_rm(B, true, RCX, x64_m(RCX, (int32_t)(k * 8)));
        gload(J, RAX, addr, is64); /* zero-extends a 32-bit address */
        if (off) {
            x64_alu_ri(B, ALU_ADD, true, RAX, (int32_t)off);
            if (is64) trap_if(J, CC_B, ZWASM_TRAP_MEMORY_OOB);
        }
        x64_alu_ri(B, ALU_ADD, true, RAX, (int32_t)n);
        if (is64) trap_if(J, CC_B, ZWASM_TRAP_MEMORY_OOB);
        x64_alu_rm(B, ALU_CMP, true, RAX, x64_m(RCX, (int32_t)offsetof(zw_memory, size)));
        trap_if(J, CC_A, ZWASM_TRAP_MEMORY_OOB);
        x64_mov_rm(B, true, RCX, x64_m(RCX, (int32_t)offsetof(zw_memory, base)));
        return x64_mi(RCX, RAX, 1, -(int32_t)n);
    }
    if (J->c.mem64) {
        /* a 64-bit memory (memory64): address + offset + n may pass 2^64, so
         * each sum checks its carry; then the end against the size */
        gload(J, RAX, addr, true);
        if (off) {
            x64_mov_ri(B, RCX, off);
            x64_alu_rr(B, ALU_ADD, true, RAX, RCX);
            trap_if(J, CC_B, ZWASM_TRAP_MEMORY_OOB); /* carry */
        }
        x64_lea(B, true, RCX, x64_m(RAX, (int32_t)n)); /* rax <= 2^64-1 - n is checked next */
        x64_alu_rr(B, ALU_CMP, true, RCX, RAX);
        trap_if(J, CC_B, ZWASM_TRAP_MEMORY_OOB); /* the end wrapped */
        x64_alu_rm(B, ALU_CMP, true, RCX, CTX(memsize));
        trap_if(J, CC_A, ZWASM_TRAP_MEMORY_OOB);
        return x64_mi(R15, RAX, 1, 0);
    }
    if (J->c.guarded && off <= INT32_MAX - 16) { /* a fault is the check (signal.c) */
        if (abs) return x64_m(R15, (int32_t)off);
        gload(J, RAX, addr, false);
        return x64_mi(R15, RAX, 1, (int32_t)off);
    }
    if (abs) {
        uint64_t end = off + n;
        if (end <= INT32_MAX) {
            x64_alu_mi(B, ALU_CMP, true, CTX(memsize), (int32_t)end);
            trap_if(J, CC_B, ZWASM_TRAP_MEMORY_OOB);
            return x64_m(R15, (int32_t)off);
        }
        x64_mov_ri(B, RAX, off);
        off = 0;
    } else {
        gload(J, RAX, addr, false); /* zero-extends */
        if (off > INT32_MAX - 16) {
            x64_mov_ri(B, RCX, off);
            x64_alu_rr(B, ALU_ADD, true, RAX, RCX);
            off = 0;
        }
    }
    x64_lea(B, true, RCX, x64_m(RAX, (int32_t)(off + n)));
    x64_alu_rm(B, ALU_CMP, true, RCX, CTX(memsize));
    trap_if(J, CC_A, ZWASM_TRAP_MEMORY_OOB);
    return x64_mi(R15, RAX, 1, (int32_t)off);
}

static void emit_load(jc *J, uint32_t op) {
    const uint32_t *ip = J->c.ip;
    bool abs = zw_ir_form_of(op) == ZW_IR_FORM_ABS;
    uint32_t bop = zw_ir_base_op(op), d = ip[1];
    /* [d][addr][M: mem, off] or [d][M: mem, address] */
    uint64_t off = abs ? imm64_at(ip + 3) : imm64_at(ip + 4);
    x64_mem m = mem_addr(J, abs, abs ? 0 : ip[2], off, zw_opinfos[bop].access);
    switch (bop) {
    case ZW_OP_F32_LOAD: case ZW_OP_F64_LOAD: case ZW_OP_V128_LOAD: {
        zw_valtype t = bop == ZW_OP_F32_LOAD ? ZW_F32 : bop == ZW_OP_F64_LOAD ? ZW_F64 : ZW_V128;
        int x = xdst(J, d, t, XS0);
        xload_mem(J, x, m, t);
        xstore(J, d, t, x);
        return;
    }
    }
    int rd = gdst(J, d, RCX);
    bool w64 = true;
    switch (bop) {
    case ZW_OP_I32_LOAD: case ZW_OP_I64_LOAD32_U: x64_mov_rm(B, false, rd, m); w64 = false; break;
    case ZW_OP_I64_LOAD: x64_mov_rm(B, true, rd, m); break;
    case ZW_OP_I32_LOAD8_S: x64_movsx8_rm(B, false, rd, m); w64 = false; break;
    case ZW_OP_I32_LOAD8_U: case ZW_OP_I64_LOAD8_U: x64_movzx8_rm(B, rd, m); w64 = false; break;
    case ZW_OP_I32_LOAD16_S: x64_movsx16_rm(B, false, rd, m); w64 = false; break;
    case ZW_OP_I32_LOAD16_U: case ZW_OP_I64_LOAD16_U: x64_movzx16_rm(B, rd, m); w64 = false; break;
    case ZW_OP_I64_LOAD8_S: x64_movsx8_rm(B, true, rd, m); break;
    case ZW_OP_I64_LOAD16_S: x64_movsx16_rm(B, true, rd, m); break;
    case ZW_OP_I64_LOAD32_S: x64_movsxd_rm(B, rd, m); break;
    }
    gstore(J, d, rd, w64);
}

static void emit_store(jc *J, uint32_t op) {
    const uint32_t *ip = J->c.ip;
    bool abs = zw_ir_form_of(op) == ZW_IR_FORM_ABS;
    uint32_t bop = zw_ir_base_op(op);
    /* [addr][v][M: mem, off] or [v][M: mem, address] */
    uint32_t v = abs ? ip[1] : ip[2];
    uint64_t off = abs ? imm64_at(ip + 3) : imm64_at(ip + 4);
    switch (bop) {
    case ZW_OP_F32_STORE: case ZW_OP_F64_STORE: case ZW_OP_V128_STORE: {
        zw_valtype t = bop == ZW_OP_F32_STORE ? ZW_F32 : bop == ZW_OP_F64_STORE ? ZW_F64 : ZW_V128;
        int x = xread(J, v, t, XS0);
        x64_mem m = mem_addr(J, abs, abs ? 0 : ip[1], off, zw_opinfos[bop].access);
        xstore_mem(J, m, t, x);
        return;
    }
    }
    int rv = gread(J, v, bop == ZW_OP_I64_STORE, RDX);
    x64_mem m = mem_addr(J, abs, abs ? 0 : ip[1], off, zw_opinfos[bop].access);
    switch (bop) {
    case ZW_OP_I32_STORE: case ZW_OP_I64_STORE32: x64_mov_mr(B, false, m, rv); break;
    case ZW_OP_I64_STORE: x64_mov_mr(B, true, m, rv); break;
    case ZW_OP_I32_STORE8: case ZW_OP_I64_STORE8: x64_mov8_mr(B, m, rv); break;
    default: x64_mov16_mr(B, m, rv); break;
    }
}

/* ---- atomic accesses (threads) ------------------------------------------------------------
 * Sequentially consistent on x86-64's TSO: loads are plain movs, because
 * every atomic store is an xchg (locked), and the read-modify-writes are
 * locked.  Loads, stores, rmw and cmpxchg of every memory are inline (a
 * memory other than 0 with an offset of 2^31 - 16 or more goes to the
 * helper, as its loads do: zw_jcomp_insn_class); wait and notify are
 * helpers, atomic.fence is mfence.  The order of the checks is
 * runtime/atomic.h's: alignment of address + offset first, then bounds
 * (mem_addr's checks, or for a guarded memory the fault of the access,
 * which signal.c turns into the trap like a plain load's).  Scratch: rax
 * (cmpxchg's implicit operand), rcx, rdx; the allocated registers are
 * untouched. */
typedef enum { AT_LOAD, AT_STORE, AT_ADD, AT_SUB, AT_AND, AT_OR, AT_XOR, AT_XCHG, AT_CMPXCHG } atomic_kind;
static atomic_kind atomic_kind_of(uint32_t op) {
    uint32_t k = op - ZW_OP_I32_ATOMIC_LOAD; /* the rows' order (compile.c checks it) */
    return k < 7 ? AT_LOAD : k < 14 ? AT_STORE : (atomic_kind)(AT_ADD + (k - 14) / 7);
}

/* r = its low n bytes, zero-extended */
static void zext(jc *J, int r, uint32_t n) {
    if (n == 1) x64_movzx8_rr(B, r, r);
    else if (n == 2) x64_movzx16_rr(B, r, r);
    else if (n == 4) x64_mov_rr(B, false, r, r);
}

/* Trap "unaligned atomic" unless (slot addr) + off is a multiple of n.
 * Its low bits are those of the address plus the offset's low bits, for a
 * 32- or 64-bit address alike (the sum is mod 2^64).  Uses rcx. */
static void atomic_align(jc *J, uint32_t addr, uint64_t off, uint32_t n) {
    if (n == 1) return;
    int32_t lo = (int32_t)(off & (n - 1));
    int r = greg(J, addr);
    if (r < 0 && !lo) {
        x64_test_mi8(B, SLOT(addr), (uint8_t)(n - 1));
    } else {
        if (r < 0) r = (x64_mov_rm(B, false, RCX, SLOT(addr)), RCX);
        if (lo) r = (x64_lea(B, false, RCX, x64_m(r, lo)), RCX);
        x64_test_ri(B, false, r, (int32_t)(n - 1));
    }
    trap_if(J, CC_NE, ZWASM_TRAP_UNALIGNED_ATOMIC);
}

/* rdx = the host address of m (computed in rax, and rcx for another
 * memory), so that rax is free for cmpxchg */
static x64_mem addr_in_rdx(jc *J, x64_mem m) {
    x64_lea(B, true, RDX, m);
    return x64_m(RDX, 0);
}

/* r = the n bytes at m, zero-extended */
static void load_zx(jc *J, int r, x64_mem m, uint32_t n) {
    if (n == 1) x64_movzx8_rm(B, r, m);
    else if (n == 2) x64_movzx16_rm(B, r, m);
    else x64_mov_rm(B, n == 8, r, m);
}

static void emit_atomic(jc *J, uint32_t op) {
    if (op == ZW_OP_ATOMIC_FENCE) {
        x64_mfence(B);
        return;
    }
    const uint32_t *ip = J->c.ip;
    uint32_t n = zw_opinfos[op].access;
    bool w64 = n == 8;
    atomic_kind k = atomic_kind_of(op);
    /* load [d][addr][M], store [addr][v][M], rmw [d][addr][v][M],
     * cmpxchg [d][addr][x][y][M]; M = memory index, 64-bit offset */
    uint32_t d = ip[1], addr = k == AT_STORE ? ip[1] : ip[2], v = k == AT_STORE ? ip[2] : ip[3];
    uint32_t mk = k == AT_LOAD || k == AT_STORE ? 3 : k == AT_CMPXCHG ? 5 : 4;
    uint64_t off = imm64_at(ip + mk + 1);
    atomic_align(J, addr, off, n);
    x64_mem m;
    switch (k) {
    case AT_LOAD: {
        m = mem_addr(J, false, addr, off, n);
        int rd = gdst(J, d, RCX);
        load_zx(J, rd, m, n);
        gstore(J, d, rd, true);
        return;
    }
    case AT_STORE:
        gload(J, RDX, v, w64); /* (mem_addr leaves rdx alone) */
        m = mem_addr(J, false, addr, off, n);
        x64_xchg_mr(B, n, m, RDX);
        return;
    case AT_ADD: case AT_SUB: case AT_XCHG:
        gload(J, RDX, v, w64);
        if (k == AT_SUB) x64_grp3_r(B, G3_NEG, w64, RDX); /* [m] - v = [m] + -v */
        m = mem_addr(J, false, addr, off, n);
        if (k == AT_XCHG) x64_xchg_mr(B, n, m, RDX);
        else x64_lock_xadd_mr(B, n, m, RDX);
        if (n < 4) zext(J, RDX, n); /* (a 32-bit write zero-extends) */
        gstore(J, d, RDX, true);
        return;
    case AT_AND: case AT_OR: case AT_XOR: {
        /* rax = old; loop: rcx = rax op v; lock cmpxchg [rdx], rcx (which
         * reloads rax when another thread changed the value) */
        x64_alu alu = k == AT_AND ? ALU_AND : k == AT_OR ? ALU_OR : ALU_XOR;
        m = addr_in_rdx(J, mem_addr(J, false, addr, off, n));
        load_zx(J, RAX, m, n); /* (a failed cmpxchg rewrites only the low n bytes) */
        uint32_t loop = B->len;
        x64_mov_rr(B, w64, RCX, RAX);
        int rv = greg(J, v);
        if (rv >= 0) x64_alu_rr(B, alu, w64, RCX, rv);
        else x64_alu_rm(B, alu, w64, RCX, SLOT(v));
        x64_lock_cmpxchg_mr(B, n, m, RCX);
        x64_jcc_to(B, CC_NE, loop);
        gstore(J, d, RAX, true);
        return;
    }
    case AT_CMPXCHG: {
        m = addr_in_rdx(J, mem_addr(J, false, addr, off, n));
        int rr = gread(J, ip[4], w64, RCX); /* the replacement */
        gload(J, RAX, v, w64);              /* the expected value: its low n bytes are compared */
        x64_lock_cmpxchg_mr(B, n, m, rr);
        /* rax = the value read: the expected one on success (zero-extended
         * by its 32-bit load when n = 4), the memory's on failure */
        if (n < 4) zext(J, RAX, n);
        gstore(J, d, RAX, true);
        return;
    }
    }
}

/* ---- select, globals, references ---------------------------------------------------------- */
static void emit_select(jc *J, uint32_t op) {
    uint32_t d = J->c.ip[1], a = J->c.ip[2], b = J->c.ip[3], c = J->c.ip[4];
    if (op == ZW_IR_SELECT_F32 || op == ZW_IR_SELECT_F64) {
        zw_valtype t = op == ZW_IR_SELECT_F32 ? ZW_F32 : ZW_F64;
        xload(J, XS0, a, t);
        int rc = gread(J, c, false, RAX);
        x64_test_rr(B, false, rc, rc);
        uint32_t keep = x64_jcc_rel32(B, CC_NE);
        xload(J, XS0, b, t);
        x64_patch_rel32(B, keep, B->len);
        xstore(J, d, t, XS0);
        return;
    }
    bool w64 = op != ZW_OP_SELECT;
    gload(J, RAX, a, w64);
    int rb = gread(J, b, w64, RCX);
    int rc = gread(J, c, false, RDX);
    x64_test_rr(B, false, rc, rc);
    x64_cmov(B, CC_E, w64, RAX, rb);
    gstore(J, d, RAX, w64);
}

static void emit_global(jc *J, uint32_t op) {
    const uint32_t *ip = J->c.ip;
    bool get = op == ZW_OP_GLOBAL_GET;
    uint32_t s = ip[1];
    zw_valtype t = zw_jcomp_optype(&J->c, 0);
    load_inst(B, RAX);
    x64_mov_rm(B, true, RAX, x64_m(RAX, (int32_t)offsetof(zw_instance, globals)));
    x64_mov_rm(B, true, RAX, x64_m(RAX, (int32_t)(ip[2] * 8)));
    x64_mem val = x64_m(RAX, (int32_t)offsetof(zw_globalinst, val));
    if (t == ZW_F32 || t == ZW_F64) {
        if (get) {
            int x = xdst(J, s, t, XS0);
            xload_mem(J, x, val, t);
            xstore(J, s, t, x);
        } else {
            xstore_mem(J, val, t, xread(J, s, t, XS0));
        }
        return;
    }
    bool w64 = t != ZW_I32;
    if (get) {
        int r = gdst(J, s, RCX);
        x64_mov_rm(B, w64, r, val);
        gstore(J, s, r, w64);
    } else {
        x64_mov_mr(B, true, val, gread(J, s, true, RCX));
    }
}

/* ---- control ---------------------------------------------------------------------------- */
static void jump_to(jc *J, int cc, uint32_t pc) {
    fix(J, cc < 0 ? x64_jmp_rel32(B) : x64_jcc_rel32(B, (x64_cc)cc), pc);
}

static void emit_branch(jc *J, uint32_t op) {
    const uint32_t *ip = J->c.ip;
    switch (zw_ir_form_of(op)) {
    case ZW_IR_FORM_BR: case ZW_IR_FORM_BRK: {
        bool kimm = zw_ir_form_of(op) == ZW_IR_FORM_BRK, w64;
        x64_cc cc = cmp_cc(zw_ir_base_op(op), &w64);
        int64_t imm = kimm ? (w64 ? (int64_t)imm64_at(ip + 2) : (int64_t)(int32_t)ip[2]) : 0;
        emit_compare(J, w64, ip[1], ip[2], kimm, imm);
        jump_to(J, cc, zw_jcomp_target(&J->c, kimm ? 2 + (w64 ? 2 : 1) : 3));
        return;
    }
    default: break;
    }
    if (op == ZW_IR_BR) {
        jump_to(J, -1, zw_jcomp_target(&J->c, 1));
        return;
    }
    bool w64 = op != ZW_IR_BR_NZ && op != ZW_IR_BR_Z;
    bool nz = op == ZW_IR_BR_NZ || op == ZW_IR_BR_NZ64 || op == ZW_IR_BR_NONNULL;
    int r = greg(J, ip[1]);
    if (r >= 0) x64_test_rr(B, w64, r, r);
    else x64_alu_mi(B, ALU_CMP, w64, SLOT(ip[1]), 0);
    jump_to(J, nz ? CC_NE : CC_E, zw_jcomp_target(&J->c, 2));
}

static void emit_br_table(jc *J) {
    uint32_t n = J->c.ip[2];
    gload(J, RAX, J->c.ip[1], false);
    x64_mov_ri(B, RCX, n);
    x64_alu_rr(B, ALU_CMP, false, RAX, RCX);
    x64_cmov(B, CC_A, false, RAX, RCX); /* clamp to the default */
    uint32_t at = x64_lea_rip(B, RCX);
    zw_jcomp_table(&J->c, at);
    x64_movsxd_rm(B, RAX, x64_mi(RCX, RAX, 4, 0));
    x64_alu_rr(B, ALU_ADD, true, RAX, RCX);
    x64_jmp_r(B, RAX);
}

static void epilogue(jc *J) {
    if (!J->c.frameless) x64_pop(B, RBP);
    x64_ret(B);
}

static void emit_return(jc *J, uint32_t op) {
    if (op == ZW_IR_RETURN1) {
        uint32_t s = J->c.ip[1];
        zw_valtype t = zw_jcomp_optype(&J->c, 0);
        if (zw_ra_class(t) == 0) {
            int r = gread(J, s, true, RAX);
            x64_mov_mr(B, true, SLOT(0), r);
        } else {
            xstore_mem(J, SLOT(0), t, xread(J, s, t, XS0));
        }
    } else {
        spill_reads(J); /* the results, in slots 0.. */
    }
    epilogue(J);
}

/* call_indirect's (and return_call_indirect's) callee in rax: the table
 * element ip[4] of table ip[2], checked (bounds, null, type ip[1]). */
static void indirect_callee(jc *J) {
    const uint32_t *ip = J->c.ip;
    gload(J, RAX, ip[4], J->c.m->tables[ip[2]].type.is64); /* zero-extended when 32-bit */
    load_inst(B, RCX);
    x64_mov_rm(B, true, RCX, x64_m(RCX, (int32_t)offsetof(zw_instance, tables)));
    x64_mov_rm(B, true, RCX, x64_m(RCX, (int32_t)(ip[2] * 8)));
    x64_alu_rm(B, ALU_CMP, true, RAX, x64_m(RCX, (int32_t)offsetof(zw_tableinst, size)));
    trap_if(J, CC_AE, ZWASM_TRAP_UNDEFINED_ELEMENT);
    x64_mov_rm(B, true, RCX, x64_m(RCX, (int32_t)offsetof(zw_tableinst, elems)));
    x64_mov_rm(B, true, RDX, x64_mi(RCX, RAX, 8, 0));
    x64_test_rr(B, true, RDX, RDX);
    uint32_t at = x64_jcc_rel32(B, CC_E);
    zw_jcomp_cold(&J->c, at, ZWASM_TRAP_UNINITIALIZED_ELEMENT, true, false);
    load_inst(B, RCX);
    x64_mov_rm(B, true, RCX, x64_m(RCX, (int32_t)offsetof(zw_instance, type_ids)));
    x64_mov_rm(B, false, RCX, x64_m(RCX, (int32_t)(ip[1] * 4)));
    x64_alu_rm(B, ALU_CMP, false, RCX, x64_m(RDX, (int32_t)offsetof(zw_funcinst, type_id)));
    const zw_type *want = &J->c.m->types[ip[1]];
    if (want->final) {
        trap_if(J, CC_NE, ZWASM_TRAP_INDIRECT_CALL_TYPE);
    } else { /* or a subtype: the callee's display has the type at its depth */
        uint32_t same = x64_jcc_rel32(B, CC_E);
        x64_alu_mi(B, ALU_CMP, false, x64_m(RDX, (int32_t)offsetof(zw_funcinst, type_depth)), (int32_t)want->depth);
        trap_if(J, CC_BE, ZWASM_TRAP_INDIRECT_CALL_TYPE);
        x64_mov_rm(B, true, RAX, x64_m(RDX, (int32_t)offsetof(zw_funcinst, type_supers)));
        x64_alu_rm(B, ALU_CMP, false, RCX, x64_m(RAX, (int32_t)(want->depth * 4)));
        trap_if(J, CC_NE, ZWASM_TRAP_INDIRECT_CALL_TYPE);
        x64_patch_rel32(B, same, B->len);
    }
    x64_mov_rr(B, true, RAX, RDX);
}

/* call_ref's (and return_call_ref's) callee in rax: the reference in slot
 * ip[3], checked (null). */
static void ref_callee(jc *J) {
    gload(J, RAX, J->c.ip[3], true);
    x64_test_rr(B, true, RAX, RAX);
    trap_if(J, CC_E, ZWASM_TRAP_NULL_FUNC_REFERENCE);
}

/* rax = function idx of this instance (its zw_funcinst). */
static void load_funcinst(jc *J, uint32_t idx) {
    load_inst(B, RAX);
    x64_mov_rm(B, true, RAX, x64_m(RAX, (int32_t)offsetof(zw_instance, funcs)));
    x64_mov_rm(B, true, RAX, x64_m(RAX, (int32_t)(idx * 8)));
}

/* Call the function in rax (any kind: wasm of any instance, the host)
 * through the call_any stub, its frame at slot base; rbx is this frame's
 * again after. */
static void call_any_at(jc *J, uint32_t base) {
    x64_lea(B, true, RBX, SLOT(base));
    x64_mov_ri(B, RCX, (uint64_t)(uintptr_t)J->c.jm->stubs.call_any);
    x64_call_r(B, RCX);
    x64_lea(B, true, RBX, x64_m(RBX, -(int32_t)(base * 8)));
}

static void emit_call(jc *J, uint32_t op) {
    const uint32_t *ip = J->c.ip;
    across(J, false);
    spill_reads(J);
    if (op == ZW_IR_CALL_LOCAL) {
        uint32_t base = ip[2];
        x64_lea(B, true, RBX, SLOT(base));
        if (&J->c.jm->f[ip[1]] == J->c.jf) {
            /* recursion: straight to this code's start (rax, the callee, is
             * only read by a prologue trap of a call from the entry stub) */
            x64_patch_rel32(B, x64_call_rel32(B), 0);
        } else {
            x64_mov_ri(B, RAX, (uint64_t)(uintptr_t)&J->c.jm->f[ip[1]]);
            x64_call_m(B, x64_m(RAX, 0));
        }
        x64_lea(B, true, RBX, x64_m(RBX, -(int32_t)(base * 8)));
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
 * safe), through rdx. */
static void move_slots_down(jc *J, uint32_t from, uint32_t n) {
    for (uint32_t k = 0; k < n; k++) {
        x64_mov_rm(B, true, RDX, SLOT(from + k));
        x64_mov_mr(B, true, SLOT(k), RDX);
    }
}

/* A tail call's arguments, at slots base.. (nslots of them), straight to
 * slots 0.. from where they are (a register or their slot), through rdx;
 * registers keep their values.  When the two ranges overlap, they are
 * spilled and moved down in order instead. */
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
            x64_mov_mr(B, true, SLOT(dst), r);
        } else if (r >= 0) {
            xstore_mem(J, SLOT(dst), o->type, r);
        } else {
            for (uint32_t w = 0; w < zw_slots(o->type); w++) {
                x64_mov_rm(B, true, RDX, SLOT(o->slot + w));
                x64_mov_mr(B, true, SLOT(dst + w), RDX);
            }
        }
    }
}

/* return_call / return_call_indirect: the arguments move to slots 0.., this
 * function's native frame goes, and control jumps to the callee, which
 * returns to this function's caller: the value stack (same fp), the
 * native stack and the call depth stay where they were.  A callee of
 * another instance or the host runs as a call whose results are then
 * returned (its instance switch needs the frame call_any makes). */
static void emit_tail_call(jc *J, uint32_t op) {
    const uint32_t *ip = J->c.ip;
    const zw_module *m = J->c.m;
    if (op == ZW_IR_RETURN_CALL_LOCAL) {
        const zw_functype *t = zw_func_type(m, m->nfunc_imports + ip[1]);
        tail_args(J, ip[2], zw_types_slots(t->params, t->nparams));
        x64_pop(B, RBP);
        if (&J->c.jm->f[ip[1]] == J->c.jf) {
            x64_patch_rel32(B, x64_jmp_rel32(B), 0); /* to this code's start */
        } else {
            x64_mov_ri(B, RAX, (uint64_t)(uintptr_t)&J->c.jm->f[ip[1]]);
            x64_jmp_m(B, x64_m(RAX, 0));
        }
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
    /* rax: the callee (a zw_funcinst); wasm of this instance: a true tail call */
    x64_mov_rm(B, true, RCX, x64_m(RAX, (int32_t)offsetof(zw_funcinst, code)));
    x64_test_rr(B, true, RCX, RCX);
    uint32_t slow1 = x64_jcc_rel32(B, CC_E);
    load_inst(B, RDX);
    x64_alu_rm(B, ALU_CMP, true, RDX, x64_m(RAX, (int32_t)offsetof(zw_funcinst, inst)));
    uint32_t slow2 = x64_jcc_rel32(B, CC_NE);
    tail_args(J, base, zw_types_slots(t->params, t->nparams));
    x64_pop(B, RBP);
    x64_mov_rr(B, true, RAX, RCX);
    x64_jmp_m(B, x64_m(RAX, 0));
    /* wasm of another instance: a tail call too.  This frame goes; when
     * it was called through call_any's switch into this instance (its
     * return address is a call_any_ret), that frame already restores the
     * caller's instance on return: switch to the callee's and jump.
     * Otherwise jump into call_any, which makes such a frame (once: the
     * callee's own tail calls find it), so a mutual tail recursion between
     * instances runs in constant space. */
    x64_patch_rel32(B, slow2, B->len);
    tail_args(J, base, zw_types_slots(t->params, t->nparams));
    x64_pop(B, RBP);
    x64_push(B, RAX); /* the callee; aligns the stack for C */
    x64_mov_rr(B, true, RDI, R13);
    x64_mov_rm(B, true, RSI, x64_m(RSP, 8)); /* this function's return address */
    call_c(B, (const void *)zw_jit_cross_ret);
    x64_mov_rr(B, false, RDX, RAX);
    x64_pop(B, RAX);
    x64_test_rr(B, false, RDX, RDX);
    uint32_t switch_only = x64_jcc_rel32(B, CC_NE);
    x64_mov_ri(B, RCX, (uint64_t)(uintptr_t)J->c.jm->stubs.call_any);
    x64_jmp_r(B, RCX);
    x64_patch_rel32(B, switch_only, B->len);
    x64_mov_rm(B, true, RDX, x64_m(RAX, (int32_t)offsetof(zw_funcinst, inst)));
    x64_mov_mr(B, true, x64_m(R13, (int32_t)offsetof(zw_jctx, inst)), RDX);
    x64_push(B, RAX);
    load_mem(B);
    x64_pop(B, RAX);
    x64_mov_rm(B, true, RAX, x64_m(RAX, (int32_t)offsetof(zw_funcinst, code)));
    x64_jmp_m(B, x64_m(RAX, 0));
    /* the host: call, then return the results (the registers are as they
     * were before the fast path) */
    x64_patch_rel32(B, slow1, B->len);
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
     * return address (patched in below), rbp and rbx */
    uint32_t ret_at = UINT32_MAX;
    if (zw_ir_may_collect(op)) {
        ret_at = x64_lea_rip(B, RAX);
        x64_mov_mr(B, true, CTX(exit_ret), RAX);
        x64_mov_mr(B, true, CTX(exit_bp), RBP);
        x64_mov_mr(B, true, CTX(exit_bx), RBX);
    }
    x64_mov_rr(B, true, RDI, R13);
    x64_mov_rr(B, true, RSI, RBX);
    x64_mov_ri(B, RDX, (uint64_t)(uintptr_t)J->c.ip);
    load_inst(B, RCX);
    set_native(B, 1);
    call_abs(B, (const void *)h);
    if (ret_at != UINT32_MAX) x64_patch_rel32(B, ret_at, B->len);
    x64_mov_mi(B, false, CTX(native), 0); /* flags untouched */
    x64_test_rr(B, false, RAX, RAX);
    trap_if(J, CC_NE, 0);
    reload_defs(J);
    across(J, true);
}

static void emit_fuel(jc *J) {
    x64_mov_rm(B, true, RAX, CTX(fuel));
    x64_test_rr(B, true, RAX, RAX);
    trap_if(J, CC_E, ZWASM_TRAP_OUT_OF_FUEL);
    x64_alu_ri(B, ALU_SUB, true, RAX, 1);
    x64_mov_mr(B, true, CTX(fuel), RAX);
    x64_mov_rm(B, true, RAX, CTX(interrupt));
    x64_alu_mi(B, ALU_CMP, false, x64_m(RAX, 0), 0);
    trap_if(J, CC_NE, ZWASM_TRAP_INTERRUPTED);
}

/* An inlined body takes a frame's worth of native stack, as a call would,
 * so that the prologue checks of the calls it makes (and its own check
 * here) bound the call depth exactly (jit.c). */
static void emit_inline(jc *J, uint32_t op) {
    if (op == ZW_IR_INLINE_LEAVE) {
        x64_alu_ri(B, ALU_ADD, true, RSP, ZW_JIT_FRAME_BYTES);
        return;
    }
    x64_lea(B, true, RCX, x64_m(RSP, -ZW_JIT_FRAME_BYTES));
    x64_alu_rm(B, ALU_CMP, true, RCX, CTX(native_floor));
    trap_if(J, CC_B, ZWASM_TRAP_STACK_EXHAUSTED);
    x64_alu_ri(B, ALU_SUB, true, RSP, ZW_JIT_FRAME_BYTES);
}

static void emit_trace(jc *J) {
    /* registers are off in trace mode: the frame is all in memory */
    x64_mov_ri(B, RDI, (uint64_t)(uintptr_t)J->c.f);
    x64_mov_ri(B, RSI, J->c.pc + 1);
    x64_mov_rr(B, true, RDX, RBX);
    call_c(B, (const void *)zw_jit_trace);
}

/* float min/max with Wasm's rules: a NaN operand gives a (quiet) NaN; equal
 * operands (+0 and -0) combine their bits (min: or, max: and) */
static void emit_fminmax(jc *J, uint32_t op) {
    uint32_t d = J->c.ip[1], a = J->c.ip[2], b = J->c.ip[3];
    bool f64 = op == ZW_OP_F64_MIN || op == ZW_OP_F64_MAX, mx = op == ZW_OP_F32_MAX || op == ZW_OP_F64_MAX;
    zw_valtype t = f64 ? ZW_F64 : ZW_F32;
    uint8_t pfx = f64 ? 0xF2 : 0xF3, ppfx = f64 ? 0x66 : 0;
    xload(J, XS0, a, t);
    int y = xread(J, b, t, XS1);
    x64_sse_rr(B, ppfx, 0x2E, XS0, y);               /* ucomis */
    uint32_t nan = x64_jcc_rel32(B, CC_P);
    uint32_t ne = x64_jcc_rel32(B, CC_NE);
    x64_sse_rr(B, 0, mx ? 0x54 : 0x56, XS0, y);      /* equal: andps / orps */
    uint32_t done1 = x64_jmp_rel32(B);
    x64_patch_rel32(B, ne, B->len);
    x64_sse_rr(B, pfx, mx ? 0x5F : 0x5D, XS0, y);    /* maxs / mins */
    uint32_t done2 = x64_jmp_rel32(B);
    x64_patch_rel32(B, nan, B->len);
    x64_sse_rr(B, pfx, 0x58, XS0, y);                /* adds: the NaN, quieted */
    x64_patch_rel32(B, done1, B->len);
    x64_patch_rel32(B, done2, B->len);
    xstore(J, d, t, XS0);
}

/* copysign on the bits, in rax and rcx */
static void emit_fcopysign(jc *J, uint32_t op) {
    uint32_t d = J->c.ip[1], a = J->c.ip[2], b = J->c.ip[3];
    bool f64 = op == ZW_OP_F64_COPYSIGN;
    zw_valtype t = f64 ? ZW_F64 : ZW_F32;
    int ra = xreg(J, a, t), rb = xreg(J, b, t);
    if (ra >= 0) x64_sse_rr_gp(B, 0x66, 0x7E, f64, ra, RAX);
    else x64_mov_rm(B, f64, RAX, SLOT(a));
    if (rb >= 0) x64_sse_rr_gp(B, 0x66, 0x7E, f64, rb, RCX);
    else x64_mov_rm(B, f64, RCX, SLOT(b));
    if (f64) {
        x64_mov_ri(B, RDX, 0x7FFFFFFFFFFFFFFFull);
        x64_alu_rr(B, ALU_AND, true, RAX, RDX);  /* |a| */
        x64_grp3_r(B, G3_NOT, true, RDX);
        x64_alu_rr(B, ALU_AND, true, RCX, RDX);  /* b's sign */
    } else {
        x64_alu_ri(B, ALU_AND, false, RAX, 0x7FFFFFFF);
        x64_alu_ri(B, ALU_AND, false, RCX, INT32_MIN);
    }
    x64_alu_rr(B, ALU_OR, f64, RAX, RCX);
    int rd = xreg(J, d, t);
    if (rd >= 0) x64_sse_rr_gp(B, 0x66, 0x6E, f64, rd, RAX);
    else x64_mov_mr(B, true, SLOT(d), RAX);
}

/* float -> integer, trapping: NaN is an invalid conversion, a value whose
 * truncation does not fit (zw_jtrunc_of's range) overflows */
static void emit_ftrunc(jc *J, uint32_t op) {
    uint32_t d = J->c.ip[1], a = J->c.ip[2];
    zw_jtrunc tr = zw_jtrunc_of(op);
    bool f64 = tr.f64, to64 = tr.to64, sgn = tr.sgn, lo_incl = tr.lo_incl;
    double lo = tr.lo, hi = tr.hi;
    zw_valtype t = f64 ? ZW_F64 : ZW_F32;
    uint8_t cpfx = f64 ? 0x66 : 0, spfx = f64 ? 0xF2 : 0xF3;
    int x = xread(J, a, t, XS0);
    x64_sse_rr(B, cpfx, 0x2E, x, x);
    trap_if(J, CC_P, ZWASM_TRAP_INVALID_CONVERSION);
    for (int k = 0; k < 2; k++) {
        double v = k ? hi : lo;
        if (f64) x64_mov_ri(B, RAX, zw_f64_bits(v));
        else x64_mov_ri(B, RAX, zw_f32_bits((float)v));
        x64_sse_rr_gp(B, 0x66, 0x6E, f64, XS1, RAX);
        x64_sse_rr(B, cpfx, 0x2E, x, XS1);
        trap_if(J, k ? CC_AE : lo_incl ? CC_B : CC_BE, ZWASM_TRAP_INT_OVERFLOW);
    }
    if (to64 && !sgn) { /* at or above 2^63: convert x - 2^63, then set the top bit */
        if (f64) x64_mov_ri(B, RAX, zw_f64_bits(9223372036854775808.0));
        else x64_mov_ri(B, RAX, zw_f32_bits(9223372036854775808.0f));
        x64_sse_rr_gp(B, 0x66, 0x6E, f64, XS1, RAX);
        x64_sse_rr(B, cpfx, 0x2E, x, XS1);
        uint32_t big = x64_jcc_rel32(B, CC_AE);
        x64_sse_rr_gp(B, spfx, 0x2C, true, RAX, x); /* cvtts?2si rax */
        uint32_t done = x64_jmp_rel32(B);
        x64_patch_rel32(B, big, B->len);
        if (x != XS0) xmov(J, XS0, x);
        x64_sse_rr(B, spfx, 0x5C, XS0, XS1);        /* subs */
        x64_sse_rr_gp(B, spfx, 0x2C, true, RAX, XS0);
        x64_mov_ri(B, RCX, 0x8000000000000000ull);
        x64_alu_rr(B, ALU_XOR, true, RAX, RCX);
        x64_patch_rel32(B, done, B->len);
    } else {
        /* i32_u converts through a 64-bit integer (its range fits) */
        x64_sse_rr_gp(B, spfx, 0x2C, to64 || !sgn, RAX, x);
    }
    gstore(J, d, RAX, to64);
}

/* f32/f64.convert_i64_u: a value with the top bit set is halved (keeping
 * the lowest bit for rounding), converted, and doubled */
static void emit_convert_u64(jc *J, uint32_t op) {
    uint32_t d = J->c.ip[1];
    bool f64 = op == ZW_OP_F64_CONVERT_I64_U;
    zw_valtype t = f64 ? ZW_F64 : ZW_F32;
    uint8_t spfx = f64 ? 0xF2 : 0xF3;
    int x = xdst(J, d, t, XS0);
    gload(J, RAX, J->c.ip[2], true);
    x64_sse_rr(B, 0, 0x57, x, x); /* xorps */
    x64_test_rr(B, true, RAX, RAX);
    uint32_t big = x64_jcc_rel32(B, CC_S);
    x64_sse_rr_gp(B, spfx, 0x2A, true, x, RAX);
    uint32_t done = x64_jmp_rel32(B);
    x64_patch_rel32(B, big, B->len);
    x64_mov_rr(B, true, RCX, RAX);
    x64_shift_ri(B, SH_SHR, true, RCX, 1);
    x64_alu_ri(B, ALU_AND, false, RAX, 1);
    x64_alu_rr(B, ALU_OR, true, RCX, RAX);
    x64_sse_rr_gp(B, spfx, 0x2A, true, x, RCX);
    x64_sse_rr(B, spfx, 0x58, x, x); /* adds: double it */
    x64_patch_rel32(B, done, B->len);
    xstore(J, d, t, x);
}

/* ---- SIMD ------------------------------------------------------------------------------ */
#define V ZW_V128
/* the register holding v128 slot s, loaded into scratch when in memory
 * (SSE's memory operands need 16-byte alignment; slots have 8) */
static int vread(jc *J, uint32_t s, int scratch) { return xread(J, s, V, scratch); }

static void emit_vbinop(jc *J, uint32_t op) {
    sse_op o;
    simd_binop(op, &o);
    uint32_t d = J->c.ip[1], a = J->c.ip[2], b = J->c.ip[3];
    if (o.swap) {
        uint32_t t = a;
        a = b;
        b = t;
    }
    int rd = xreg(J, d, V), rb = xreg(J, b, V);
    int x = rd >= 0 && (rd != rb || xreg(J, a, V) == rb) ? rd : XS0;
    xload(J, x, a, V);
    int y = rb >= 0 ? rb : vread(J, b, XS1);
    if (o.imm >= 0) x64_sse_rri(B, o.pfx, o.code, x, y, (uint8_t)o.imm);
    else x64_sse_rr(B, o.pfx, o.code, x, y);
    xstore(J, d, V, x);
}

/* An SSE operation dst op= an operand in register reg, or at m when reg < 0. */
static void sse_op_rm(jc *J, uint8_t pfx, uint16_t code, int dst, int reg, x64_mem m, int imm) {
    if (reg >= 0 && imm >= 0) x64_sse_rri(B, pfx, code, dst, reg, (uint8_t)imm);
    else if (reg >= 0) x64_sse_rr(B, pfx, code, dst, reg);
    else if (imm >= 0) x64_sse_rmi(B, pfx, code, dst, m, (uint8_t)imm);
    else x64_sse_rm(B, pfx, code, dst, m);
}

/* f32x4/f64x2 min and max with Wasm's rules, lane by lane (sem/simd.h): a
 * lane with a NaN gives the first NaN operand, quieted; equal lanes (+0
 * and -0) combine their bits (min: or, max: and).  m1 = min(a, b) and
 * m2 = min(b, a) (x86 returns the second operand for NaNs and equal
 * lanes) differ only there: r = m1 | m2 (max: m1 & m2) is the answer but
 * in NaN lanes, where a + b is (x86 returns the first NaN, quieted).  So
 * result = r ^ ((r ^ (a + b)) & unordered(a, b)).  The mask, and a or b
 * when not in a register, go to a 16-byte-aligned area below rsp (SSE
 * memory operands need the alignment); rax keeps rsp, nothing is called. */
static void emit_vfminmax(jc *J, uint32_t op) {
    uint32_t d = J->c.ip[1], a = J->c.ip[2], b = J->c.ip[3];
    bool f64 = op == ZW_OP_F64X2_MIN || op == ZW_OP_F64X2_MAX, mx = op == ZW_OP_F32X4_MAX || op == ZW_OP_F64X2_MAX;
    uint8_t p = f64 ? 0x66 : 0;
    uint16_t mm_op = mx ? 0x5F : 0x5D;
    x64_mem ma = x64_m(RSP, 0), mb = x64_m(RSP, 16), mmask = x64_m(RSP, 32);
    int ra = xreg(J, a, V), rb = xreg(J, b, V);
    x64_mov_rr(B, true, RAX, RSP);
    x64_alu_ri(B, ALU_AND, true, RSP, -16);
    x64_alu_ri(B, ALU_SUB, true, RSP, 48);
    if (ra < 0) {
        xload_mem(J, XS0, SLOT(a), V);
        x64_sse_mr(B, 0, 0x29, ma, XS0);
    }
    if (rb < 0) {
        xload_mem(J, XS0, SLOT(b), V);
        x64_sse_mr(B, 0, 0x29, mb, XS0);
    }
    sse_op_rm(J, 0, 0x28, XS1, ra, ma, -1);             /* a */
    sse_op_rm(J, p, 0xC2, XS1, rb, mb, 3);              /* cmpunord: the NaN lanes */
    x64_sse_mr(B, 0, 0x29, mmask, XS1);
    sse_op_rm(J, 0, 0x28, XS0, rb, mb, -1);
    sse_op_rm(J, p, mm_op, XS0, ra, ma, -1);            /* m2 = min(b, a) */
    sse_op_rm(J, 0, 0x28, XS1, ra, ma, -1);
    sse_op_rm(J, p, mm_op, XS1, rb, mb, -1);            /* m1 = min(a, b) */
    x64_sse_rr(B, p, mx ? 0x54 : 0x56, XS0, XS1);       /* r = m1 & m2 / m1 | m2 */
    sse_op_rm(J, 0, 0x28, XS1, ra, ma, -1);
    sse_op_rm(J, p, 0x58, XS1, rb, mb, -1);             /* a + b */
    x64_sse_rr(B, p, 0x57, XS1, XS0);                   /* ^ r */
    x64_sse_rm(B, p, 0x54, XS1, mmask);                 /* & mask */
    x64_sse_rr(B, p, 0x57, XS0, XS1);                   /* r ^ that */
    x64_mov_rr(B, true, RSP, RAX);
    xstore(J, d, V, XS0);
}

/* i8x16.swizzle: pshufb zeroes a lane whose index has its top bit set and
 * otherwise takes the index's low four bits; adding 0x70 with unsigned
 * saturation keeps 0..15 in 0x70..0x7f and sends every index from 16 up
 * to 0x80 or more, as Wasm wants (0 for an index out of range). */
static void emit_vswizzle(jc *J) {
    uint32_t d = J->c.ip[1], a = J->c.ip[2], b = J->c.ip[3];
    x64_mov_ri(B, RAX, 0x70707070u);
    x64_sse_rr_gp(B, 0x66, 0x6E, false, XS1, RAX);  /* movd */
    x64_sse_rri(B, 0x66, 0x70, XS1, XS1, 0);        /* pshufd: 0x70 in every byte */
    x64_sse_rr(B, 0x66, 0xDC, XS1, vread(J, b, XS0)); /* paddusb */
    xload(J, XS0, a, V);
    x64_sse_rr(B, 0x66, 0x3800, XS0, XS1);          /* pshufb */
    xstore(J, d, V, XS0);
}

static void emit_vunop(jc *J, uint32_t op) {
    uint32_t d = J->c.ip[1], a = J->c.ip[2];
    int x = xdst(J, d, V, XS0);
    switch (op) {
    case ZW_OP_V128_NOT: /* a ^ all ones */
        xload(J, x, a, V);
        x64_sse_rr(B, 0x66, 0x76, XS1, XS1); /* pcmpeqd: all ones */
        x64_sse_rr(B, 0x66, 0xEF, x, XS1);
        break;
    case ZW_OP_I8X16_ABS: case ZW_OP_I16X8_ABS: case ZW_OP_I32X4_ABS:
        x64_sse_rr(B, 0x66, op == ZW_OP_I8X16_ABS ? 0x381C : op == ZW_OP_I16X8_ABS ? 0x381D : 0x381E, x,
                   vread(J, a, XS1));
        break;
    case ZW_OP_F32X4_SQRT: case ZW_OP_F64X2_SQRT:
        x64_sse_rr(B, op == ZW_OP_F64X2_SQRT ? 0x66 : 0, 0x51, x, vread(J, a, XS1));
        break;
    default: { /* neg: 0 - a */
        int ra = vread(J, a, XS1);
        uint16_t sub = op == ZW_OP_I8X16_NEG ? 0xF8 : op == ZW_OP_I16X8_NEG ? 0xF9
                     : op == ZW_OP_I32X4_NEG ? 0xFA : 0xFB;
        if (x == ra) { /* a is in d's register: negate a copy */
            xmov(J, XS1, ra);
            ra = XS1;
        }
        x64_sse_rr(B, 0x66, 0xEF, x, x); /* pxor: 0 */
        x64_sse_rr(B, 0x66, sub, x, ra);
        break;
    }
    }
    xstore(J, d, V, x);
}

static void emit_vsplat(jc *J, uint32_t op) {
    uint32_t d = J->c.ip[1], a = J->c.ip[2];
    int x = xdst(J, d, V, XS0);
    switch (op) {
    case ZW_OP_F32X4_SPLAT: case ZW_OP_F64X2_SPLAT: {
        bool f64 = op == ZW_OP_F64X2_SPLAT;
        xload(J, x, a, f64 ? ZW_F64 : ZW_F32);
        x64_sse_rri(B, 0x66, 0x70, x, x, f64 ? 0x44 : 0x00); /* pshufd */
        break;
    }
    default: {
        bool w64 = op == ZW_OP_I64X2_SPLAT;
        int r = gread(J, a, w64, RAX);
        x64_sse_rr_gp(B, 0x66, 0x6E, w64, x, r); /* movd/movq */
        if (op == ZW_OP_I8X16_SPLAT) {
            x64_sse_rr(B, 0x66, 0xEF, XS1, XS1);   /* zero indices */
            x64_sse_rr(B, 0x66, 0x3800, x, XS1);   /* pshufb: byte 0 everywhere */
        } else if (op == ZW_OP_I16X8_SPLAT) {
            x64_sse_rri(B, 0xF2, 0x70, x, x, 0);    /* pshuflw */
            x64_sse_rri(B, 0x66, 0x70, x, x, 0);    /* pshufd */
        } else {
            x64_sse_rri(B, 0x66, 0x70, x, x, w64 ? 0x44 : 0x00);
        }
        break;
    }
    }
    xstore(J, d, V, x);
}

static void emit_vextract(jc *J, uint32_t op) {
    uint32_t d = J->c.ip[1], a = J->c.ip[2];
    uint8_t lane = (uint8_t)J->c.ip[3];
    int ra = vread(J, a, XS0);
    switch (op) {
    case ZW_OP_F32X4_EXTRACT_LANE: case ZW_OP_F64X2_EXTRACT_LANE: {
        bool f64 = op == ZW_OP_F64X2_EXTRACT_LANE;
        zw_valtype t = f64 ? ZW_F64 : ZW_F32;
        int x = xdst(J, d, t, XS1);
        uint8_t sel = f64 ? (lane ? 0xEE : 0x44) : (uint8_t)(lane * 0x55);
        x64_sse_rri(B, 0x66, 0x70, x, ra, sel); /* pshufd: the lane to the bottom */
        xstore(J, d, t, x);
        return;
    }
    }
    int rd = gdst(J, d, RAX);
    bool w64 = op == ZW_OP_I64X2_EXTRACT_LANE;
    switch (op) {
    case ZW_OP_I32X4_EXTRACT_LANE: case ZW_OP_I64X2_EXTRACT_LANE:
        x64_sse_rr_gp(B, 0x66, 0x3A16, w64, ra, rd); /* pextrd/q r, xmm, lane */
        x64_byte(B, lane);
        break;
    case ZW_OP_I8X16_EXTRACT_LANE_S: case ZW_OP_I8X16_EXTRACT_LANE_U:
        x64_sse_rr_gp(B, 0x66, 0x3A14, false, ra, rd); /* pextrb: zero-extended */
        x64_byte(B, lane);
        if (op == ZW_OP_I8X16_EXTRACT_LANE_S) x64_movsx8_rr(B, false, rd, rd);
        break;
    default:
        x64_sse_rr_gp(B, 0x66, 0xC5, false, rd, ra); /* pextrw r, xmm, lane (zero-extended) */
        x64_byte(B, lane);
        if (op == ZW_OP_I16X8_EXTRACT_LANE_S) x64_movsx16_rr(B, false, rd, rd);
        break;
    }
    gstore(J, d, rd, w64);
}

static void emit_vreplace(jc *J, uint32_t op) {
    uint32_t d = J->c.ip[1], a = J->c.ip[2], v = J->c.ip[3];
    uint8_t lane = (uint8_t)J->c.ip[4];
    int x = xdst(J, d, V, XS0);
    switch (op) {
    case ZW_OP_F32X4_REPLACE_LANE: case ZW_OP_F64X2_REPLACE_LANE: {
        bool f64 = op == ZW_OP_F64X2_REPLACE_LANE;
        zw_valtype t = f64 ? ZW_F64 : ZW_F32;
        int rv = xreg(J, v, t);
        if (rv == x) { /* the value is in d's register: keep a copy */
            xmov(J, XS1, rv);
            rv = XS1;
        }
        xload(J, x, a, V);
        if (rv < 0) rv = xread(J, v, t, XS1);
        if (f64) x64_sse_rr(B, lane ? 0 : 0xF2, lane ? 0x16 : 0x10, x, rv); /* movlhps / movsd */
        else x64_sse_rri(B, 0x66, 0x3A21, x, rv, (uint8_t)(lane << 4));  /* insertps */
        break;
    }
    default: {
        bool w64 = op == ZW_OP_I64X2_REPLACE_LANE;
        int r = gread(J, v, w64, RAX);
        xload(J, x, a, V);
        uint16_t code = op == ZW_OP_I8X16_REPLACE_LANE ? 0x3A20 : op == ZW_OP_I16X8_REPLACE_LANE ? 0xC4 : 0x3A22;
        x64_sse_rr_gp(B, 0x66, code, w64, x, r); /* pinsrb/w/d/q xmm, r, lane */
        x64_byte(B, lane);
        break;
    }
    }
    xstore(J, d, V, x);
}

static void emit_vbitselect(jc *J) {
    /* ((b ^ a) & c) ^ b: a where c has ones, b elsewhere */
    uint32_t d = J->c.ip[1], a = J->c.ip[2], b = J->c.ip[3], c = J->c.ip[4];
    xload(J, XS1, b, V);
    x64_sse_rr(B, 0x66, 0xEF, XS1, vread(J, a, XS0)); /* pxor */
    x64_sse_rr(B, 0x66, 0xDB, XS1, vread(J, c, XS0)); /* pand */
    x64_sse_rr(B, 0x66, 0xEF, XS1, vread(J, b, XS0)); /* pxor */
    xstore(J, d, V, XS1);
}

static void emit_vanytrue(jc *J) {
    int r = vread(J, J->c.ip[2], XS0);
    x64_sse_rr(B, 0x66, 0x3817, r, r); /* ptest: ZF when all zero */
    set_bool(J, J->c.ip[1], CC_NE);
}

static bool emit_insn(jc *J) {
    uint32_t op = J->c.ip[0];
    switch (insn_class(J->c.m, J->c.f, J->c.pc)) {
    case ZW_JOP_OTHER: case ZW_JOP_TRUNC_SAT: /* (op_class sends it to the helper) */
        if (!zw_jit_helper(op)) return false;
        emit_helper(J, op);
        break;
    case ZW_JOP_CONST: emit_const(J, op); break;
    case ZW_JOP_MOV: emit_mov(J, op); break;
    case ZW_JOP_IBINOP: emit_binop(J, op, zw_ir_form_of(op) == ZW_IR_FORM_K); break;
    case ZW_JOP_ICMP: emit_cmp(J, op, zw_ir_form_of(op) == ZW_IR_FORM_K); break;
    case ZW_JOP_IUNOP: emit_unop(J, op); break;
    case ZW_JOP_IDIV: emit_div(J, op); break;
    case ZW_JOP_FBINOP: emit_fbinop(J, op); break;
    case ZW_JOP_FUNOP: emit_funop(J, op); break;
    case ZW_JOP_FCMP: emit_fcmp(J, op); break;
    case ZW_JOP_CONVERT: emit_convert(J, op); break;
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
    case ZW_JOP_TRAP: trap_if(J, -1, ZWASM_TRAP_UNREACHABLE); break;
    case ZW_JOP_FMINMAX: emit_fminmax(J, op); break;
    case ZW_JOP_FCOPYSIGN: emit_fcopysign(J, op); break;
    case ZW_JOP_FTRUNC: emit_ftrunc(J, op); break;
    case ZW_JOP_CONVERT_U64: emit_convert_u64(J, op); break;
    case ZW_JOP_VBINOP: emit_vbinop(J, op); break;
    case ZW_JOP_VFMINMAX: emit_vfminmax(J, op); break;
    case ZW_JOP_VSWIZZLE: emit_vswizzle(J); break;
    case ZW_JOP_VUNOP: emit_vunop(J, op); break;
    case ZW_JOP_VSPLAT: emit_vsplat(J, op); break;
    case ZW_JOP_VEXTRACT: emit_vextract(J, op); break;
    case ZW_JOP_VREPLACE: emit_vreplace(J, op); break;
    case ZW_JOP_VBITSELECT: emit_vbitselect(J); break;
    case ZW_JOP_VANYTRUE: emit_vanytrue(J); break;
    case ZW_JOP_GC: emit_gc(J, op); break;
    case ZW_JOP_ATOMIC: emit_atomic(J, op); break;
    case ZW_JOP_REF_IS_NULL: {
        int r = gread(J, J->c.ip[2], true, RAX);
        x64_test_rr(B, true, r, r);
        set_bool(J, J->c.ip[1], CC_E);
        break;
    }
    }
    return true;
}

/* ---- GC accesses ----------------------------------------------------------------------- */
/* Load a field or element of storage type st at m into slot d. */
static void gc_load(jc *J, uint32_t d, zw_valtype st, bool sign, x64_mem m) {
    if (st == ZW_F32 || st == ZW_F64) {
        int x = xdst(J, d, st, XS0);
        xload_mem(J, x, m, st);
        xstore(J, d, st, x);
        return;
    }
    int r = gdst(J, d, RCX);
    switch (st) {
    case ZW_I8: if (sign) x64_movsx8_rm(B, false, r, m); else x64_movzx8_rm(B, r, m); break;
    case ZW_I16: if (sign) x64_movsx16_rm(B, false, r, m); else x64_movzx16_rm(B, r, m); break;
    case ZW_I32: x64_mov_rm(B, false, r, m); break;
    default: x64_mov_rm(B, true, r, m); break;
    }
    gstore(J, d, r, st != ZW_I32 && st != ZW_I8 && st != ZW_I16);
}

/* Store slot s (storage type st) at m. */
static void gc_store(jc *J, uint32_t s, zw_valtype st, x64_mem m) {
    if (st == ZW_F32 || st == ZW_F64) {
        xstore_mem(J, m, st, xread(J, s, st, XS0));
        return;
    }
    int r = gread(J, s, true, RCX);
    switch (st) {
    case ZW_I8: x64_mov8_mr(B, m, r); break;
    case ZW_I16: x64_mov16_mr(B, m, r); break;
    case ZW_I32: x64_mov_mr(B, false, m, r); break;
    default: x64_mov_mr(B, true, m, r); break;
    }
}

/* The reference in slot s in rax, trapping with `kind` when null. */
static void gc_ref(jc *J, uint32_t s, uint32_t kind) {
    gload(J, RAX, s, true);
    x64_test_rr(B, true, RAX, RAX);
    trap_if(J, CC_E, kind);
}

/* An array element: rax the array, the index in slot s checked against
 * the length; rax + rdx * size is the element (at ZW_GC_ELEMS). */
static void gc_elem(jc *J, uint32_t s) {
    gload(J, RDX, s, false); /* zero-extended */
    x64_alu_rm(B, ALU_CMP, false, RDX, x64_m(RAX, ZW_GC_PAYLOAD));
    trap_if(J, CC_AE, ZWASM_TRAP_ARRAY_OOB);
}

static x64_mem elem_at(zw_valtype st) {
    uint32_t sz = zw_storage_size(st);
    return x64_mi(RAX, RDX, (int)sz, ZW_GC_ELEMS);
}

static void emit_gc(jc *J, uint32_t op) {
    const uint32_t *ip = J->c.ip;
    const zw_module *m = J->c.m;
    switch (op) {
    case ZW_OP_REF_AS_NON_NULL: {
        int r = gread(J, ip[2], true, RAX);
        x64_test_rr(B, true, r, r);
        trap_if(J, CC_E, ZWASM_TRAP_NULL_REFERENCE);
        gstore(J, ip[1], r, true);
        return;
    }
    case ZW_OP_STRUCT_GET: case ZW_OP_STRUCT_GET_S: case ZW_OP_STRUCT_GET_U: { /* d ref t f */
        const zw_type *t = &m->types[ip[3]];
        gc_ref(J, ip[2], ZWASM_TRAP_NULL_STRUCT_REFERENCE);
        gc_load(J, ip[1], t->fields[ip[4]].type, op == ZW_OP_STRUCT_GET_S,
                x64_m(RAX, ZW_GC_PAYLOAD + (int32_t)zw_struct_field_offset(t, ip[4])));
        return;
    }
    case ZW_OP_STRUCT_SET: { /* ref value t f */
        const zw_type *t = &m->types[ip[3]];
        gc_ref(J, ip[1], ZWASM_TRAP_NULL_STRUCT_REFERENCE);
        gc_store(J, ip[2], t->fields[ip[4]].type, x64_m(RAX, ZW_GC_PAYLOAD + (int32_t)zw_struct_field_offset(t, ip[4])));
        return;
    }
    case ZW_OP_ARRAY_LEN: /* d ref */
        gc_ref(J, ip[2], ZWASM_TRAP_NULL_ARRAY_REFERENCE);
        gc_load(J, ip[1], ZW_I32, false, x64_m(RAX, ZW_GC_PAYLOAD));
        return;
    case ZW_OP_ARRAY_GET: case ZW_OP_ARRAY_GET_S: case ZW_OP_ARRAY_GET_U: { /* d ref index t */
        zw_valtype st = m->types[ip[4]].fields[0].type;
        gc_ref(J, ip[2], ZWASM_TRAP_NULL_ARRAY_REFERENCE);
        gc_elem(J, ip[3]);
        gc_load(J, ip[1], st, op == ZW_OP_ARRAY_GET_S, elem_at(st));
        return;
    }
    case ZW_OP_ARRAY_SET: { /* ref index value t */
        zw_valtype st = m->types[ip[4]].fields[0].type;
        gc_ref(J, ip[1], ZWASM_TRAP_NULL_ARRAY_REFERENCE);
        gc_elem(J, ip[2]);
        gc_store(J, ip[3], st, elem_at(st));
        return;
    }
    case ZW_OP_REF_EQ: { /* d a b */
        int a = gread(J, ip[2], true, RAX);
        int b = gread(J, ip[3], true, RDX);
        x64_alu_rr(B, ALU_CMP, true, a, b);
        set_bool(J, ip[1], CC_E);
        return;
    }
    case ZW_OP_REF_I31: { /* d value: (value << 1 | 1), in 32 bits (zero-extended) */
        int r = gdst(J, ip[1], RCX);
        gload(J, RAX, ip[2], false);
        x64_lea(B, false, r, x64_mi(RAX, RAX, 1, 1));
        gstore(J, ip[1], r, true);
        return;
    }
    case ZW_OP_I31_GET_S: case ZW_OP_I31_GET_U: { /* d ref */
        gc_ref(J, ip[2], ZWASM_TRAP_NULL_I31_REFERENCE);
        x64_shift_ri(B, op == ZW_OP_I31_GET_S ? SH_SAR : SH_SHR, false, RAX, 1);
        gstore(J, ip[1], RAX, false);
        return;
    }
    }
}

/* ---- a function ------------------------------------------------------------------------- */
/* Instructions that can neither trap nor call (nothing but arithmetic,
 * moves, compares, branches, globals): a function of only these needs no
 * frame on the native stack. */
static bool leaf(const zw_module *m, const zw_ir_func *f, uint32_t pc) {
    switch (insn_class(m, f, pc)) {
    case ZW_JOP_CONST: case ZW_JOP_MOV: case ZW_JOP_IBINOP: case ZW_JOP_ICMP: case ZW_JOP_IUNOP: case ZW_JOP_FBINOP:
    case ZW_JOP_FUNOP: case ZW_JOP_FCMP: case ZW_JOP_CONVERT: case ZW_JOP_SELECT: case ZW_JOP_GLOBAL:
    case ZW_JOP_BRANCH: case ZW_JOP_BR_TABLE: case ZW_JOP_RETURN: case ZW_JOP_REF_IS_NULL:
    case ZW_JOP_FMINMAX: case ZW_JOP_FCOPYSIGN: case ZW_JOP_CONVERT_U64: case ZW_JOP_VBINOP: case ZW_JOP_VUNOP:
    case ZW_JOP_VSPLAT: case ZW_JOP_VEXTRACT: case ZW_JOP_VREPLACE: case ZW_JOP_VBITSELECT: case ZW_JOP_VANYTRUE:
        return true;
    default:
        return false;
    }
}

static void prologue(jc *J) {
    const zw_ir_func *f = J->c.f;
    /* Native stack (which bounds the call depth too, jit.c) and value
     * stack, before the frame exists: the trap is the caller's, at its call
     * (IR position -1: from the return address), as in the interpreter;
     * the cold path keeps rax, the callee, for a call from the entry stub. */
    J->c.pc = UINT32_MAX;
    x64_alu_rm(B, ALU_CMP, true, RSP, CTX(native_floor));
    trap_if(J, CC_B, ZWASM_TRAP_STACK_EXHAUSTED);
    if (!J->c.oom) J->c.cold.v[J->c.cold.n - 1].callee = true; /* (a failed push set oom) */
    x64_lea(B, true, RCX, SLOT(f->frame_slots));
    x64_alu_rm(B, ALU_CMP, true, RCX, CTX(stack_end));
    trap_if(J, CC_A, ZWASM_TRAP_STACK_EXHAUSTED);
    if (!J->c.oom) J->c.cold.v[J->c.cold.n - 1].callee = true;
    J->c.pc = 0;
    if (!J->c.frameless) { /* the frame-pointer chain backtraces follow */
        x64_push(B, RBP);
        x64_mov_rr(B, true, RBP, RSP);
    }
    /* declared locals are zero: in memory (unless a register holds the
     * local all its life), and in their registers */
    bool zeroed = false;
    const zw_func *fn = &J->c.m->funcs[f->func_idx];
    for (uint32_t i = 0, s = f->nparam_slots; i < fn->nlocals; s += zw_slots(fn->locals[i]), i++) {
        zw_valtype t = fn->locals[i];
        if (J->c.ra.reg[zw_ra_class(t)][s] >= 0) continue;
        if (!zeroed) x64_alu_rr(B, ALU_XOR, false, RAX, RAX);
        zeroed = true;
        for (uint32_t k = 0; k < zw_slots(t); k++) x64_mov_mr(B, true, SLOT(s + k), RAX);
    }
    for (uint32_t k = 0; k < J->c.ra.nentry; k++) {
        uint32_t v = J->c.ra.entry[k], s = v / ZW_RA_NCLASS;
        if (s < f->nparam_slots) vreg_move(J, v, true);
        else if (s < f->nlocal_slots) {
            uint32_t c = v % ZW_RA_NCLASS;
            int r = J->c.ra.reg[c][s];
            if (c == 0) x64_alu_rr(B, ALU_XOR, false, gp_map[r], gp_map[r]);
            else x64_sse_rr(B, 0, 0x57, r, r);
        }
    }
}

static void finish(jc *J) {
    /* Cold trap stubs, sharing one jump to the module's trap stub; those
     * inside the function name it, the prologue's (before the frame, the
     * caller's trap) do not. */
    uint32_t tail = UINT32_MAX, tail_caller = UINT32_MAX;
    for (uint32_t k = 0; k < J->c.cold.n; k++) {
        zw_jcold *c = &J->c.cold.v[k];
        x64_patch_rel32(B, c->at, B->len);
        if (c->elem) x64_mov_mr(B, false, CTX(trap_elem), RAX);
        if (c->callee) x64_mov_mr(B, true, CTX(trap_callee), RAX);
        if (c->kind) x64_mov_ri(B, RAX, c->kind);
        x64_mov_ri(B, RDX, c->pc);
        uint32_t *t = c->pc == UINT32_MAX ? &tail_caller : &tail;
        if (*t != UINT32_MAX) {
            x64_jmp_to(B, *t);
            continue;
        }
        *t = B->len;
        if (c->pc != UINT32_MAX) {
            x64_mov_ri(B, RCX, (uint64_t)(uintptr_t)J->c.jf);
            x64_mov_mr(B, true, CTX(trap_jf), RCX);
        }
        x64_mov_ri(B, RCX, (uint64_t)(uintptr_t)J->c.jm->stubs.trap);
        x64_jmp_r(B, RCX);
    }
    /* Landing pads of exception handlers: the unwinder (zw_jit_trap) comes
     * here with this frame's rsp, rbp and rbx; the values that live on at
     * the handler are in their slots (the throwing instruction saved them,
     * as around any call): back into their registers, then the handler. */
    for (uint32_t k = 0; k < J->c.f->ncatches; k++) {
        J->c.land_off[k] = B->len;
        if (J->c.ra.land_at)
            for (uint32_t q = J->c.ra.land_at[k]; q < J->c.ra.land_at[k + 1]; q++) vreg_move(J, J->c.ra.land[q], true);
        fix(J, x64_jmp_rel32(B), J->c.f->catches[k].target);
    }
    /* br_table jump tables: offsets from the table */
    for (uint32_t k = 0; k < J->c.tables.n; k++) {
        while (B->len % 4) x64_int3(B);
        uint32_t tab = B->len, pc = J->c.tables.v[k].pc, n = J->c.f->code[pc + 2];
        x64_patch_rel32(B, J->c.tables.v[k].at, tab);
        for (uint32_t t = 0; t <= n; t++) {
            uint32_t tpc = pc + (uint32_t)(int32_t)J->c.f->code[pc + 3 + t];
            uint32_t ti = J->c.at[tpc] - 1;
            x64_u32(B, J->c.insn_off[ti] - tab);
        }
    }
    for (uint32_t k = 0; k < J->c.fix.n; k++)
        x64_patch_rel32(B, J->c.fix.v[k].at, zw_jcomp_off(&J->c, J->c.fix.v[k].pc));
}

bool zw_jit_arch_compile(zw_jmod *jm, zw_jfunc *jf, uint8_t **code, uint32_t *len,
                         zwasm_error_t *err) {
    const zw_ir_func *f = jf->ir;
    jc J;
    memset(&J, 0, sizeof J);
    J.b.al = &jm->m->al;
    bool ok = false;
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
    finish(&J);
    if (J.c.oom || J.b.oom) goto nomem;
    zw_jcomp_done(&J.c);
    *code = J.b.p;
    *len = J.b.len;
    J.b.p = NULL;
    ok = true;
    goto out;
nomem:
    zw_err_set(err, ZWASM_ERR_NOMEM, ZWASM_NO_OFFSET, f->func_idx, "out of memory");
out:
    zw_jcomp_free(&J.c);
    x64_free(&J.b);
    return ok;
}

/* ---- the module's stubs ------------------------------------------------------------------- */
bool zw_jit_arch_stubs(zw_jmod *jm) {
    x64_buf b = {.al = &jm->m->al};
    x64_buf *bb = &b;
    /* enter(ctx rdi, fp rsi, inst rdx, jfunc rcx) -> 0, or 1 after a trap */
    uint32_t enter = b.len;
    x64_push(bb, RBP);
    x64_mov_rr(bb, true, RBP, RSP);
    x64_push_i8(bb, 0); /* padding (alignment) */
    x64_push(bb, RBX);
    x64_push(bb, R12);
    x64_push(bb, R13);
    x64_push(bb, R14);
    x64_push(bb, R15);
    x64_mov_rr(bb, true, R13, RDI);
    x64_mov_rr(bb, true, RBX, RSI); /* (rdx, the instance, is ctx->inst already) */
    x64_mov_mr(bb, true, x64_m(R13, (int32_t)offsetof(zw_jctx, entry_sp)), RSP);
    /* the call depth as a native stack floor: rsp - depth_span, if higher */
    x64_mov_rr(bb, true, RAX, RSP);
    x64_alu_rm(bb, ALU_SUB, true, RAX, x64_m(R13, (int32_t)offsetof(zw_jctx, depth_span)));
    uint32_t no_floor = x64_jcc_rel32(bb, CC_B);
    x64_alu_rm(bb, ALU_CMP, true, RAX, x64_m(R13, (int32_t)offsetof(zw_jctx, native_floor)));
    uint32_t lower = x64_jcc_rel32(bb, CC_BE);
    x64_mov_mr(bb, true, x64_m(R13, (int32_t)offsetof(zw_jctx, native_floor)), RAX);
    x64_patch_rel32(bb, no_floor, bb->len);
    x64_patch_rel32(bb, lower, bb->len);
    /* a nested entry (from a host function): the floor moves down by the
     * native stack used since compiled code called the host, not below the
     * thread's own limit */
    x64_mov_rm(bb, true, RAX, x64_m(R13, (int32_t)offsetof(zw_jctx, host_sp)));
    x64_test_rr(bb, true, RAX, RAX);
    uint32_t not_nested = x64_jcc_rel32(bb, CC_E);
    x64_alu_rr(bb, ALU_SUB, true, RAX, RSP);          /* host's stack use */
    x64_mov_rm(bb, true, RDX, x64_m(R13, (int32_t)offsetof(zw_jctx, native_floor)));
    x64_alu_rr(bb, ALU_SUB, true, RDX, RAX);
    uint32_t clamp = x64_jcc_rel32(bb, CC_B);
    x64_alu_rm(bb, ALU_CMP, true, RDX, x64_m(R13, (int32_t)offsetof(zw_jctx, hard_floor)));
    uint32_t keep = x64_jcc_rel32(bb, CC_AE);
    x64_patch_rel32(bb, clamp, bb->len);
    x64_mov_rm(bb, true, RDX, x64_m(R13, (int32_t)offsetof(zw_jctx, hard_floor)));
    x64_patch_rel32(bb, keep, bb->len);
    x64_mov_mr(bb, true, x64_m(R13, (int32_t)offsetof(zw_jctx, native_floor)), RDX);
    x64_patch_rel32(bb, not_nested, bb->len);
    x64_push(bb, RCX);
    load_mem(bb);
    x64_pop(bb, RAX);
    x64_call_m(bb, x64_m(RAX, 0));
    x64_alu_rr(bb, ALU_XOR, false, RAX, RAX);
    uint32_t exit = b.len;
    x64_pop(bb, R15);
    x64_pop(bb, R14);
    x64_pop(bb, R13);
    x64_pop(bb, R12);
    x64_pop(bb, RBX);
    x64_leave(bb);
    x64_ret(bb);

    /* trap: eax = kind, edx = IR position (or -1: [rsp] is a return
     * address in the trapping function), rbp = its frame */
    while (b.len % 16) x64_int3(bb);
    uint32_t trap = b.len;
    x64_mov_mr(bb, false, x64_m(R13, (int32_t)offsetof(zw_jctx, trap_kind)), RAX);
    x64_mov_mr(bb, false, x64_m(R13, (int32_t)offsetof(zw_jctx, trap_pc)), RDX);
    x64_mov_rm(bb, true, RCX, x64_m(RSP, 0));
    x64_mov_mr(bb, true, x64_m(R13, (int32_t)offsetof(zw_jctx, trap_ret)), RCX);
    x64_mov_mr(bb, true, x64_m(R13, (int32_t)offsetof(zw_jctx, trap_fp)), RBP);
    x64_mov_mr(bb, true, x64_m(R13, (int32_t)offsetof(zw_jctx, trap_rbx)), RBX);
    x64_mov_rr(bb, true, RDI, R13);
    x64_alu_ri(bb, ALU_AND, true, RSP, -16);
    set_native(bb, 1);
    call_abs(bb, (const void *)zw_jit_trap);
    /* an exception a handler takes: continue in its frame, at its landing pad */
    x64_test_rr(bb, false, RAX, RAX);
    uint32_t no_land = x64_jcc_rel32(bb, CC_E);
    x64_mov_rm(bb, true, RSP, x64_m(R13, (int32_t)offsetof(zw_jctx, land_sp)));
    x64_mov_rm(bb, true, RBP, x64_m(R13, (int32_t)offsetof(zw_jctx, land_bp)));
    x64_mov_rm(bb, true, RBX, x64_m(R13, (int32_t)offsetof(zw_jctx, land_bx)));
    set_native(bb, 0);
    load_mem(bb); /* of the handler's instance (ctx->inst) */
    x64_mov_rm(bb, true, RAX, x64_m(R13, (int32_t)offsetof(zw_jctx, land_addr)));
    x64_jmp_r(bb, RAX);
    x64_patch_rel32(bb, no_land, bb->len);
    x64_mov_rm(bb, true, RSP, x64_m(R13, (int32_t)offsetof(zw_jctx, entry_sp)));
    x64_lea(bb, true, RBP, x64_m(RSP, ENTRY_FP)); /* the entry stub's frame */
    x64_mov_ri(bb, RAX, 1);
    x64_jmp_to(bb, exit);

    /* lazy: rax = the zw_jfunc to compile, then run */
    while (b.len % 16) x64_int3(bb);
    uint32_t lazy = b.len;
    x64_push(bb, RAX);
    x64_mov_rr(bb, true, RDI, R13);
    x64_mov_rr(bb, true, RSI, RAX);
    call_c(bb, (const void *)zw_jit_compile_lazy);
    x64_pop(bb, RCX);
    x64_test_rr(bb, true, RAX, RAX);
    uint32_t lazy_fail = x64_jcc_rel32(bb, CC_E);
    x64_mov_rr(bb, true, RDX, RAX);
    x64_mov_rr(bb, true, RAX, RCX);
    x64_jmp_r(bb, RDX);
    x64_patch_rel32(bb, lazy_fail, b.len);
    x64_mov_ri(bb, RAX, ZW_JIT_TRAP_ERR);
    x64_mov_ri(bb, RDX, UINT32_MAX);
    x64_jmp_to(bb, trap);

    /* call_any: rax = a zw_funcinst, rbx = its frame */
    while (b.len % 16) x64_int3(bb);
    uint32_t call_any = b.len;
    x64_mov_rm(bb, true, RCX, x64_m(RAX, (int32_t)offsetof(zw_funcinst, code)));
    x64_test_rr(bb, true, RCX, RCX);
    uint32_t to_host = x64_jcc_rel32(bb, CC_E);
    load_inst(bb, RDX);
    x64_alu_rm(bb, ALU_CMP, true, RDX, x64_m(RAX, (int32_t)offsetof(zw_funcinst, inst)));
    uint32_t to_other = x64_jcc_rel32(bb, CC_NE);
    x64_mov_rr(bb, true, RAX, RCX);
    x64_jmp_m(bb, x64_m(RAX, 0));
    /* another instance: switch ctx->inst and r15 around the call */
    x64_patch_rel32(bb, to_other, b.len);
    x64_push(bb, RDX);
    x64_mov_rm(bb, true, RDX, x64_m(RAX, (int32_t)offsetof(zw_funcinst, inst)));
    x64_mov_mr(bb, true, x64_m(R13, (int32_t)offsetof(zw_jctx, inst)), RDX);
    x64_push(bb, RCX);
    x64_push(bb, RCX);
    load_mem(bb);
    x64_pop(bb, RAX);
    x64_pop(bb, RAX);
    x64_call_m(bb, x64_m(RAX, 0));
    uint32_t call_any_ret = b.len; /* backtraces step over this frame (jit.c) */
    x64_pop(bb, RDX);
    x64_mov_mr(bb, true, x64_m(R13, (int32_t)offsetof(zw_jctx, inst)), RDX);
    load_mem(bb);
    x64_ret(bb);
    /* a host function: its native stack does not count as call depth */
    x64_patch_rel32(bb, to_host, b.len);
    x64_lea(bb, true, RDX, x64_m(RSP, 8)); /* as before the call into call_any */
    x64_mov_mr(bb, true, x64_m(R13, (int32_t)offsetof(zw_jctx, host_sp)), RDX);
    x64_mov_rm(bb, true, RDX, x64_m(RSP, 0)); /* the caller's return address */
    x64_mov_mr(bb, true, x64_m(R13, (int32_t)offsetof(zw_jctx, host_ret)), RDX);
    x64_mov_mr(bb, true, x64_m(R13, (int32_t)offsetof(zw_jctx, host_bp)), RBP);
    x64_alu_ri(bb, ALU_SUB, true, RSP, 8);
    x64_mov_rr(bb, true, RDI, R13);
    x64_mov_rr(bb, true, RSI, RAX);
    x64_mov_rr(bb, true, RDX, RBX);
    load_inst(bb, RCX);
    call_c(bb, (const void *)zw_jit_call_host);
    x64_alu_ri(bb, ALU_ADD, true, RSP, 8);
    x64_test_rr(bb, false, RAX, RAX);
    uint32_t host_fail = x64_jcc_rel32(bb, CC_NE);
    load_mem(bb); /* the host may have grown memory */
    x64_ret(bb);
    x64_patch_rel32(bb, host_fail, b.len);
    x64_mov_ri(bb, RAX, ZW_JIT_TRAP_ERR);
    x64_mov_ri(bb, RDX, UINT32_MAX);
    x64_jmp_to(bb, trap);

    if (b.oom) {
        x64_free(&b);
        return false;
    }
    uint8_t *x = zw_jcode_add(&jm->m->al, &jm->code, b.p, b.len, false);
    x64_free(&b);
    if (!x) return false;
    jm->stubs.enter = x + enter;
    jm->stubs.trap = x + trap;
    jm->stubs.lazy = x + lazy;
    jm->stubs.call_any = x + call_any;
    jm->stubs.call_any_ret = x + call_any_ret;
    return true;
}

bool zw_jit_arch_fault(zw_jctx *ctx, void *addr, void *ucv) {
    ucontext_t *uc = ucv;
    greg_t *g = uc->uc_mcontext.gregs;
    /* r15 is memory 0's base; compiled code forms base + u32 + disp32 */
    uintptr_t base = (uintptr_t)g[REG_R15], a = (uintptr_t)addr;
    if (!base || a < base || a - base >= ((uint64_t)1 << 33)) return false;
    if (!zw_jit_code_contains(ctx, (uintptr_t)g[REG_RIP])) return false;
    /* continue in the trap stub, as if the access had called it */
    uintptr_t sp = (uintptr_t)g[REG_RSP] - 8;
    *(uintptr_t *)sp = (uintptr_t)g[REG_RIP] + 1;
    g[REG_RSP] = (greg_t)sp;
    g[REG_RAX] = ZWASM_TRAP_MEMORY_OOB;
    g[REG_RDX] = UINT32_MAX;
    g[REG_RIP] = (greg_t)(uintptr_t)ctx->trap_stub;
    return true;
}

bool zw_jit_arch_supported(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return false;
    return (c & bit_SSE4_1) && (c & bit_POPCNT);
}
