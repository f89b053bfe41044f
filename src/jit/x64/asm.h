/*
 * asm.h — the x86-64 assembler of the JIT: a code buffer and one function
 * per instruction form the code generator uses (named after the
 * instruction: x64_add_rr, x64_mov_rm, ...), encoded by hand from the
 * Intel SDM.  Nothing here knows about Wasm or the IR.
 *
 * Operands: registers are numbered as in the encoding (RAX = 0 .. R15 =
 * 15, XMM0 = 0 .. XMM15 = 15); a memory operand is an x64_mem (base,
 * optional index * scale, 32-bit displacement).  `w64` selects the 64-bit
 * operand size (REX.W), otherwise 32 bits (which zero-extends the result
 * into the full register).  tests/unit/test_jit_x64.c checks encodings
 * against byte strings produced by objdump.
 */
#ifndef ZW_JIT_X64_ASM_H
#define ZW_JIT_X64_ASM_H

#include "../../common.h"

enum {
    RAX = 0, RCX, RDX, RBX, RSP, RBP, RSI, RDI, R8, R9, R10, R11, R12, R13, R14, R15,
    X64_NOREG = -1,
};

/* condition codes (the low nibble of Jcc / SETcc / CMOVcc) */
typedef enum x64_cc {
    CC_O = 0, CC_NO = 1, CC_B = 2, CC_AE = 3, CC_E = 4, CC_NE = 5, CC_BE = 6, CC_A = 7,
    CC_S = 8, CC_NS = 9, CC_P = 10, CC_NP = 11, CC_L = 12, CC_GE = 13, CC_LE = 14, CC_G = 15,
} x64_cc;
static inline x64_cc x64_cc_not(x64_cc c) { return (x64_cc)(c ^ 1); }

typedef struct x64_mem {
    int8_t base;   /* a register, or X64_NOREG */
    int8_t index;  /* a register (not RSP), or X64_NOREG */
    uint8_t scale; /* 1, 2, 4, 8 */
    int32_t disp;
} x64_mem;
static inline x64_mem x64_m(int base, int32_t disp) {
    return (x64_mem){(int8_t)base, X64_NOREG, 1, disp};
}
static inline x64_mem x64_mi(int base, int index, int scale, int32_t disp) {
    return (x64_mem){(int8_t)base, (int8_t)index, (uint8_t)scale, disp};
}

/* The code buffer: grows as needed; oom is set once growing failed (what
 * follows is dropped; the caller checks it at the end). */
typedef struct x64_buf {
    uint8_t *p;
    uint32_t len, cap;
    bool oom;
    const zw_alloc *al; /* set before the first byte (the module's allocator) */
} x64_buf;
void x64_byte(x64_buf *b, uint8_t v);
void x64_u32(x64_buf *b, uint32_t v);
void x64_u64(x64_buf *b, uint64_t v);
void x64_free(x64_buf *b);

/* ---- general-purpose -------------------------------------------------------- */
/* The ALU group: op is one of these (the /digit of opcode 0x81) */
typedef enum x64_alu { ALU_ADD = 0, ALU_OR = 1, ALU_AND = 4, ALU_SUB = 5, ALU_XOR = 6, ALU_CMP = 7 } x64_alu;
void x64_alu_rr(x64_buf *b, x64_alu op, bool w64, int dst, int src);        /* dst op= src */
void x64_alu_rm(x64_buf *b, x64_alu op, bool w64, int dst, x64_mem m);      /* dst op= [m] */
void x64_alu_mr(x64_buf *b, x64_alu op, bool w64, x64_mem m, int src);      /* [m] op= src */
void x64_alu_ri(x64_buf *b, x64_alu op, bool w64, int dst, int32_t imm);    /* dst op= imm */
void x64_alu_mi(x64_buf *b, x64_alu op, bool w64, x64_mem m, int32_t imm);  /* [m] op= imm */
void x64_test_rr(x64_buf *b, bool w64, int a, int c);
void x64_test_ri(x64_buf *b, bool w64, int a, int32_t imm);
void x64_test_mi8(x64_buf *b, x64_mem m, uint8_t imm);                      /* test byte [m], imm */

void x64_mov_rr(x64_buf *b, bool w64, int dst, int src);
void x64_mov_ri(x64_buf *b, int dst, uint64_t imm);  /* shortest form for the value */
void x64_mov_rm(x64_buf *b, bool w64, int dst, x64_mem m);  /* load 32/64 */
void x64_mov_mr(x64_buf *b, bool w64, x64_mem m, int src);  /* store 32/64 */
void x64_mov_mi(x64_buf *b, bool w64, x64_mem m, int32_t imm); /* store imm32 (sign-extended) */
void x64_movzx8_rm(x64_buf *b, int dst, x64_mem m);  /* 32-bit dst = zero-extended byte */
void x64_movzx16_rm(x64_buf *b, int dst, x64_mem m);
void x64_movsx8_rm(x64_buf *b, bool w64, int dst, x64_mem m);
void x64_movsx16_rm(x64_buf *b, bool w64, int dst, x64_mem m);
void x64_movsxd_rm(x64_buf *b, int dst, x64_mem m); /* 64-bit dst = sign-extended dword */
void x64_movsxd_rr(x64_buf *b, int dst, int src);
void x64_movzx8_rr(x64_buf *b, int dst, int src);
void x64_movzx16_rr(x64_buf *b, int dst, int src);
void x64_movsx8_rr(x64_buf *b, bool w64, int dst, int src);
void x64_movsx16_rr(x64_buf *b, bool w64, int dst, int src);
void x64_mov8_mr(x64_buf *b, x64_mem m, int src);   /* store the low byte */
void x64_mov16_mr(x64_buf *b, x64_mem m, int src);  /* store the low word */
void x64_lea(x64_buf *b, bool w64, int dst, x64_mem m);
/* Atomic accesses of n = 1, 2, 4 or 8 bytes at m with register r (its low
 * n bytes: registers 4..7 are spl..dil for n = 1): xchg [m], r (locked
 * without a prefix); lock xadd [m], r; lock cmpxchg [m], r (compares with
 * and loads into rax's low n bytes).  The 16-bit forms put 66h before F0,
 * as GNU as does. */
void x64_xchg_mr(x64_buf *b, uint32_t n, x64_mem m, int r);
void x64_lock_xadd_mr(x64_buf *b, uint32_t n, x64_mem m, int r);
void x64_lock_cmpxchg_mr(x64_buf *b, uint32_t n, x64_mem m, int r);
void x64_mfence(x64_buf *b);

void x64_imul_rr(x64_buf *b, bool w64, int dst, int src);
void x64_imul_rri(x64_buf *b, bool w64, int dst, int src, int32_t imm);
typedef enum x64_grp3 { G3_NOT = 2, G3_NEG = 3, G3_MUL = 4, G3_IMUL = 5, G3_DIV = 6, G3_IDIV = 7 } x64_grp3;
void x64_grp3_r(x64_buf *b, x64_grp3 op, bool w64, int r);    /* not/neg/mul/div r */
void x64_cdq(x64_buf *b, bool w64);                          /* cdq / cqo */
typedef enum x64_shift { SH_ROL = 0, SH_ROR = 1, SH_SHL = 4, SH_SHR = 5, SH_SAR = 7 } x64_shift;
void x64_shift_cl(x64_buf *b, x64_shift op, bool w64, int r);
void x64_shift_ri(x64_buf *b, x64_shift op, bool w64, int r, uint8_t imm);
void x64_setcc(x64_buf *b, x64_cc cc, int r8);               /* low byte of r */
void x64_cmov(x64_buf *b, x64_cc cc, bool w64, int dst, int src);
void x64_bitcount(x64_buf *b, uint8_t op, bool w64, int dst, int src); /* F3 0F op: b8 popcnt, bc tzcnt, bd lzcnt */
void x64_bsr(x64_buf *b, bool w64, int dst, int src);
void x64_bsf(x64_buf *b, bool w64, int dst, int src);
void x64_push(x64_buf *b, int r);
void x64_push_i8(x64_buf *b, int8_t imm);       /* push a sign-extended byte */
void x64_leave(x64_buf *b);
void x64_pop(x64_buf *b, int r);

/* ---- control ------------------------------------------------------------------ */
/* Jumps and calls with a 32-bit displacement: they return the buffer
 * offset of the displacement, for x64_patch_rel32 once the target is known
 * (or they take a known target offset in the same buffer). */
uint32_t x64_jmp_rel32(x64_buf *b);
uint32_t x64_jcc_rel32(x64_buf *b, x64_cc cc);
uint32_t x64_call_rel32(x64_buf *b);
void x64_patch_rel32(x64_buf *b, uint32_t at, uint32_t target);
void x64_jmp_to(x64_buf *b, uint32_t target);
void x64_jcc_to(x64_buf *b, x64_cc cc, uint32_t target);
void x64_call_r(x64_buf *b, int r);
void x64_call_m(x64_buf *b, x64_mem m);
void x64_jmp_r(x64_buf *b, int r);
void x64_jmp_m(x64_buf *b, x64_mem m);
void x64_ret(x64_buf *b);
void x64_ud2(x64_buf *b);
void x64_int3(x64_buf *b);
/* lea dst, [rip + disp32]: returns the offset of disp32 (patch like a jump) */
uint32_t x64_lea_rip(x64_buf *b, int dst);

/* ---- SSE ------------------------------------------------------------------------ */
/* A two-operand SSE instruction with an optional mandatory prefix (0x66,
 * 0xF2, 0xF3 or 0) and a 0F or 0F38 / 0F3A opcode: dst op= src.
 * op: the opcode after 0F, or 0x3800|op / 0x3A00|op. */
void x64_sse_rr(x64_buf *b, uint8_t prefix, uint16_t op, int dst, int src);
void x64_sse_rm(x64_buf *b, uint8_t prefix, uint16_t op, int dst, x64_mem m);
void x64_sse_rri(x64_buf *b, uint8_t prefix, uint16_t op, int dst, int src, uint8_t imm);
void x64_sse_rmi(x64_buf *b, uint8_t prefix, uint16_t op, int dst, x64_mem m, uint8_t imm);
/* with a general register on one side (movd/movq, cvtsi2sd, ...) */
void x64_sse_rr_gp(x64_buf *b, uint8_t prefix, uint16_t op, bool w64, int reg, int rm);
void x64_sse_mr(x64_buf *b, uint8_t prefix, uint16_t op, x64_mem m, int src); /* stores */

#endif
