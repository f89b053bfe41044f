/*
 * asm.h — the AArch64 assembler of the JIT: a buffer of instruction words
 * and one function per instruction form the code generator uses (named
 * after the instruction: a64_add_rr, a64_ldr_ui, ...), encoded by hand
 * from the Arm ARM (A64 base and floating-point instructions).  Nothing
 * here knows about Wasm or the IR.
 *
 * Registers are numbered as in the encoding: X0..X30, and 31, which is
 * the zero register (A64_ZR) or the stack pointer (A64_SP) depending on
 * the instruction and operand (each function says which it takes).
 * `w64` selects the 64-bit form (X registers; sf = 1), otherwise the
 * 32-bit one (W registers, whose results zero the upper half).  Branch
 * offsets are in bytes from the branch.  tests/unit/test_jit_a64.c checks
 * the encodings against words from GNU as.
 */
#ifndef ZW_JIT_ARM64_ASM_H
#define ZW_JIT_ARM64_ASM_H

#include "../../common.h"

enum { A64_FP = 29, A64_LR = 30, A64_SP = 31, A64_ZR = 31 };

/* condition codes (B.cond, CSEL, ...) */
typedef enum a64_cc {
    A64_EQ = 0, A64_NE, A64_HS, A64_LO, A64_MI, A64_PL, A64_VS, A64_VC,
    A64_HI, A64_LS, A64_GE, A64_LT, A64_GT, A64_LE, A64_AL,
} a64_cc;
static inline a64_cc a64_cc_not(a64_cc c) { return (a64_cc)(c ^ 1); }

typedef struct a64_buf {
    uint32_t *p;
    uint32_t len, cap; /* in words */
    bool oom;
    const zw_alloc *al; /* set before the first word (the module's allocator) */
} a64_buf;
void a64_word(a64_buf *b, uint32_t w);
void a64_free(a64_buf *b);

/* ---- integer arithmetic and logic ------------------------------------------ */
typedef enum a64_arith { A64_ADD = 0, A64_ADDS, A64_SUB, A64_SUBS } a64_arith;
/* d = n op (m << lsl); registers: 31 is ZR */
void a64_arith_rr(a64_buf *b, a64_arith op, bool w64, int d, int n, int m, unsigned lsl);
/* d = n op imm12 (<< 12 when shift12); d and n: 31 is SP (ZR for d of the S forms) */
void a64_arith_ri(a64_buf *b, a64_arith op, bool w64, int d, int n, uint32_t imm12, bool shift12);
/* d = n op extend(m) (a W register zero- or sign-extended to 64 bits) */
void a64_arith_rx(a64_buf *b, a64_arith op, int d, int n, int m, bool sign);
typedef enum a64_logic { A64_AND = 0, A64_ORR, A64_EOR, A64_ANDS, A64_BIC, A64_ORN, A64_EON, A64_BICS } a64_logic;
void a64_logic_rr(a64_buf *b, a64_logic op, bool w64, int d, int n, int m);
/* The N:immr:imms fields of v as a logical immediate (AND/ORR/EOR/ANDS
 * of the 32- or 64-bit size), or false when v has none (0, all ones, not
 * a rotated run of ones repeated). */
bool a64_logic_imm(uint64_t v, bool w64, uint32_t *fields);
/* d = n op v, v encodable (a64_logic_imm); op AND ORR EOR ANDS */
void a64_logic_ri(a64_buf *b, a64_logic op, bool w64, int d, int n, uint64_t v);
void a64_mov_rr(a64_buf *b, bool w64, int d, int m);  /* ORR d, ZR, m */
void a64_mov_sp(a64_buf *b, int d, int n);            /* ADD d, n, #0 (to or from SP) */
/* move wide: MOVZ / MOVN / MOVK of imm16 << (16 * hw) */
void a64_movz(a64_buf *b, bool w64, int d, uint16_t imm16, unsigned hw);
void a64_movn(a64_buf *b, bool w64, int d, uint16_t imm16, unsigned hw);
void a64_movk(a64_buf *b, bool w64, int d, uint16_t imm16, unsigned hw);
/* d = v in the fewest instructions (1 to 4): MOVZ/MOVN and MOVKs, or ORR
 * of a logical immediate */
void a64_mov_imm(a64_buf *b, bool w64, int d, uint64_t v);
typedef enum a64_dp2_op { A64_UDIV = 2, A64_SDIV = 3, A64_LSLV = 8, A64_LSRV = 9, A64_ASRV = 10, A64_RORV = 11 } a64_dp2_op;
void a64_dp2(a64_buf *b, a64_dp2_op op, bool w64, int d, int n, int m);
void a64_madd(a64_buf *b, bool w64, int d, int n, int m, int a); /* d = a + n * m */
void a64_msub(a64_buf *b, bool w64, int d, int n, int m, int a); /* d = a - n * m */
void a64_umulh(a64_buf *b, int d, int n, int m);
void a64_smulh(a64_buf *b, int d, int n, int m);
/* bitfield moves: the shifts and extensions by immediate are these */
void a64_ubfm(a64_buf *b, bool w64, int d, int n, unsigned immr, unsigned imms);
void a64_sbfm(a64_buf *b, bool w64, int d, int n, unsigned immr, unsigned imms);
void a64_extr(a64_buf *b, bool w64, int d, int n, int m, unsigned lsb); /* ROR #lsb when n == m */
void a64_lsl_ri(a64_buf *b, bool w64, int d, int n, unsigned sh);
void a64_lsr_ri(a64_buf *b, bool w64, int d, int n, unsigned sh);
void a64_asr_ri(a64_buf *b, bool w64, int d, int n, unsigned sh);
typedef enum a64_dp1_op { A64_RBIT = 0, A64_REV16 = 1, A64_REV = 2, A64_CLZ = 4, A64_CLS = 5 } a64_dp1_op;
void a64_dp1(a64_buf *b, a64_dp1_op op, bool w64, int d, int n); /* REV: REV32 form for W, REV for X */
typedef enum a64_csel_op { A64_CSEL = 0, A64_CSINC, A64_CSINV, A64_CSNEG } a64_csel_op;
void a64_csel(a64_buf *b, a64_csel_op op, bool w64, int d, int n, int m, a64_cc cc);
void a64_cset(a64_buf *b, bool w64, int d, a64_cc cc); /* d = cc ? 1 : 0 */

/* ---- loads and stores ----------------------------------------------------- */
/* sizes and kinds of integer loads / stores */
typedef enum a64_ldst {
    A64_STRB = 0, A64_LDRB, A64_LDRSB_X, A64_LDRSB_W,
    A64_STRH, A64_LDRH, A64_LDRSH_X, A64_LDRSH_W,
    A64_STR_W, A64_LDR_W, A64_LDRSW,
    A64_STR_X, A64_LDR_X,
    /* floating-point and vector registers */
    A64_STR_S, A64_LDR_S, A64_STR_D, A64_LDR_D, A64_STR_Q, A64_LDR_Q,
} a64_ldst;
/* The access size in bytes of op. */
unsigned a64_ldst_size(a64_ldst op);
/* [n + off], off a multiple of the size below 4096 * size (unsigned
 * offset); n: 31 is SP */
void a64_ldst_ui(a64_buf *b, a64_ldst op, int t, int n, uint32_t off);
/* [n + off], -256 <= off < 256 (LDUR / STUR, unscaled) */
void a64_ldst_u9(a64_buf *b, a64_ldst op, int t, int n, int32_t off);
/* [n + m] with m a 64-bit register, or a W register zero-extended (uxtw) */
void a64_ldst_rr(a64_buf *b, a64_ldst op, int t, int n, int m, bool uxtw);
/* pairs of X registers: [n + off] and the pre-index (writeback before)
 * and post-index (after) forms; off a multiple of 8 in [-512, 504] */
typedef enum a64_pair { A64_PAIR_OFF = 2, A64_PAIR_PRE = 3, A64_PAIR_POST = 1 } a64_pair;
void a64_stp(a64_buf *b, a64_pair mode, int t1, int t2, int n, int32_t off);
void a64_ldp(a64_buf *b, a64_pair mode, int t1, int t2, int n, int32_t off);

/* ---- atomics (threads) ------------------------------------------------------- */
/* size: log2 of the access's bytes, 0 B, 1 H, 2 W, 3 X (registers W
 * below 3, where a load zero-extends); n: the address, a plain base
 * register (none of these takes an offset) */
void a64_ldar(a64_buf *b, unsigned size, int t, int n);  /* LDAR{B,H}: acquire load */
void a64_stlr(a64_buf *b, unsigned size, int t, int n);  /* STLR{B,H}: release store */
void a64_ldaxr(a64_buf *b, unsigned size, int t, int n); /* LDAXR{B,H}: acquire exclusive load */
/* STLXR{B,H} Ws, Rt, [Xn]: release exclusive store; s = 0 when stored
 * (s differs from t and n) */
void a64_stlxr(a64_buf *b, unsigned size, int s, int t, int n);
/* The LSE (Armv8.1) read-modify-writes with acquire and release (the AL
 * forms): t = the old value at [n], [n] = old op s (SWP: s; LDCLR: old &
 * ~s).  Each op is its o3:opc field. */
typedef enum a64_lse_op { A64_LDADD = 0, A64_LDCLR = 1, A64_LDEOR = 2, A64_LDSET = 3, A64_SWP = 8 } a64_lse_op;
void a64_lse_al(a64_buf *b, a64_lse_op op, unsigned size, int s, int t, int n);
/* CASAL{B,H} Rs, Rt, [Xn]: if [n] equals s (its low bytes of the size), [n]
 * = t; s = the value read, zero-extended */
void a64_casal(a64_buf *b, unsigned size, int s, int t, int n);
void a64_dmb_ish(a64_buf *b);

/* ---- branches ------------------------------------------------------------- */
/* Each returns the position (word index) of the branch, for a64_patch;
 * off: bytes from the branch to the target. */
uint32_t a64_b(a64_buf *b, int32_t off);           /* +-128 MiB */
uint32_t a64_bl(a64_buf *b, int32_t off);
uint32_t a64_bcond(a64_buf *b, a64_cc cc, int32_t off); /* +-1 MiB */
uint32_t a64_cbz(a64_buf *b, bool w64, int t, int32_t off);
uint32_t a64_cbnz(a64_buf *b, bool w64, int t, int32_t off);
uint32_t a64_tbz(a64_buf *b, int t, unsigned bit, int32_t off); /* +-32 KiB */
uint32_t a64_tbnz(a64_buf *b, int t, unsigned bit, int32_t off);
/* Point the branch (or ADR) at word `at` to word `target`: false when the
 * distance is beyond that branch's range (the caller then goes through a
 * veneer: an unconditional branch in range, or a register branch). */
bool a64_patch(a64_buf *b, uint32_t at, uint32_t target);
void a64_br(a64_buf *b, int n);
void a64_blr(a64_buf *b, int n);
void a64_ret(a64_buf *b);
void a64_brk(a64_buf *b, uint16_t imm);
void a64_nop(a64_buf *b);

/* ---- floating point (scalar) ---------------------------------------------- */
typedef enum a64_fop2_op { A64_FMUL = 0, A64_FDIV = 1, A64_FADD = 2, A64_FSUB = 3, A64_FMAX = 4, A64_FMIN = 5 } a64_fop2_op;
void a64_fop2(a64_buf *b, a64_fop2_op op, bool dbl, int d, int n, int m);
/* one source: FCVT_SD converts a single to d (a double; dbl false), FCVT_DS a double to a single (dbl
 * true); the FRINTs round to an integral value: N to nearest even, P up, M down, Z toward zero */
typedef enum a64_fop1_op {
    A64_FMOV = 0, A64_FABS = 1, A64_FNEG = 2, A64_FSQRT = 3, A64_FCVT_DS = 4, A64_FCVT_SD = 5,
    A64_FRINTN = 8, A64_FRINTP = 9, A64_FRINTM = 10, A64_FRINTZ = 11,
} a64_fop1_op;
void a64_fop1(a64_buf *b, a64_fop1_op op, bool dbl, int d, int n);
void a64_fcmp(a64_buf *b, bool dbl, int n, int m);
void a64_fmov_to_fp(a64_buf *b, bool dbl, int d, int n);  /* bits of Wn/Xn into Sd/Dd */
void a64_fmov_from_fp(a64_buf *b, bool dbl, int d, int n); /* bits of Sn/Dn into Wd/Xd */
/* integer (Wn/Xn: w64) to float (Sd/Dd: dbl), signed or unsigned */
void a64_cvtf(a64_buf *b, bool sgn, bool w64, bool dbl, int d, int n);
/* float (Sn/Dn) to integer (Wd/Xd) toward zero, saturating (NaN: 0) */
void a64_fcvtz(a64_buf *b, bool sgn, bool w64, bool dbl, int d, int n);

/* ---- vector (NEON) ---------------------------------------------------------- */
void a64_vmov(a64_buf *b, int d, int n);          /* MOV Vd.16B, Vn.16B (ORR) */
void a64_ins_d1(a64_buf *b, int d, int n);        /* MOV Vd.D[1], Xn */
void a64_umov_d1(a64_buf *b, int d, int n);       /* MOV Xd, Vn.D[1] */
void a64_cnt8b(a64_buf *b, int d, int n);         /* CNT Vd.8B, Vn.8B */
void a64_addv8b(a64_buf *b, int d, int n);        /* ADDV Bd, Vn.8B */

/* The lane-wise forms on 128-bit vectors (Q = 1).  `size` is the lane:
 * 0 B (16 lanes), 1 H, 2 S, 3 D; the float ones take 0 for 4S, 1 for 2D;
 * the bitwise ones (AND .. BSL) take 0.  Each op is its instruction word
 * without size and registers. */
typedef enum a64_v3_op {
    A64_V_ADD = 0x4E208400, A64_V_SUB = 0x6E208400,
    A64_V_SQADD = 0x4E200C00, A64_V_UQADD = 0x6E200C00, A64_V_SQSUB = 0x4E202C00, A64_V_UQSUB = 0x6E202C00,
    A64_V_SMAX = 0x4E206400, A64_V_UMAX = 0x6E206400, A64_V_SMIN = 0x4E206C00, A64_V_UMIN = 0x6E206C00,
    A64_V_URHADD = 0x6E201400,
    A64_V_CMEQ = 0x6E208C00, A64_V_CMGT = 0x4E203400, A64_V_CMHI = 0x6E203400,
    A64_V_CMGE = 0x4E203C00, A64_V_CMHS = 0x6E203C00,
    A64_V_MUL = 0x4E209C00, A64_V_SQRDMULH = 0x6E20B400, A64_V_ADDP = 0x4E20BC00,
    A64_V_AND = 0x4E201C00, A64_V_BIC = 0x4E601C00, A64_V_ORR = 0x4EA01C00, A64_V_EOR = 0x6E201C00,
    A64_V_BSL = 0x6E601C00, /* d = (d & n) | (~d & m) */
    A64_V_FADD = 0x4E20D400, A64_V_FSUB = 0x4EA0D400, A64_V_FMUL = 0x6E20DC00, A64_V_FDIV = 0x6E20FC00,
    A64_V_FMAX = 0x4E20F400, A64_V_FMIN = 0x4EA0F400,
    A64_V_FCMEQ = 0x4E20E400, A64_V_FCMGE = 0x6E20E400, A64_V_FCMGT = 0x6EA0E400,
} a64_v3_op;
void a64_v3(a64_buf *b, a64_v3_op op, unsigned size, int d, int n, int m);
/* one source (and UMAXV, across the lanes into Bd) */
typedef enum a64_v2_op {
    A64_V_CNT = 0x4E205800, A64_V_NOT = 0x6E205800, A64_V_ABS = 0x4E20B800, A64_V_NEG = 0x6E20B800,
    A64_V_FABS = 0x4EA0F800, A64_V_FNEG = 0x6EA0F800, A64_V_FSQRT = 0x6EA1F800,
    A64_V_FRINTN = 0x4E218800, A64_V_FRINTM = 0x4E219800, A64_V_FRINTP = 0x4EA18800, A64_V_FRINTZ = 0x4EA19800,
    A64_V_SCVTF = 0x4E21D800, A64_V_UCVTF = 0x6E21D800, A64_V_FCVTZS = 0x4EA1B800, A64_V_FCVTZU = 0x6EA1B800,
    A64_V_UMAXV = 0x6E30A800,
} a64_v2_op;
void a64_v2(a64_buf *b, a64_v2_op op, unsigned size, int d, int n);
/* lanes (size as above, i the lane index) */
void a64_dup_gp(a64_buf *b, unsigned size, int d, int n);          /* DUP Vd.T, Wn/Xn */
void a64_dup_lane(a64_buf *b, unsigned size, int d, int n, unsigned i); /* DUP Vd.T, Vn.T[i] */
void a64_mov_lane_to_fp(a64_buf *b, unsigned size, int d, int n, unsigned i); /* DUP Sd/Dd, Vn.T[i] */
void a64_umov(a64_buf *b, unsigned size, int d, int n, unsigned i); /* Wd (Xd for D) = Vn.T[i] */
void a64_smov(a64_buf *b, unsigned size, int d, int n, unsigned i); /* Wd = Vn.T[i] sign-extended (B, H) */
void a64_ins_gp(a64_buf *b, unsigned size, int d, unsigned i, int n); /* Vd.T[i] = Wn/Xn */
void a64_ins_lane(a64_buf *b, unsigned size, int d, unsigned i, int n, unsigned j); /* Vd.T[i] = Vn.T[j] */
void a64_tbl(a64_buf *b, int d, int n, int m);    /* TBL Vd.16B, {Vn.16B}, Vm.16B: 0 for indices >= 16 */
/* SMULL (hi false: the low halves) / SMULL2 (the high ones), size of the sources' lanes */
void a64_smull(a64_buf *b, bool hi, unsigned size, int d, int n, int m);

/* ---- addresses -------------------------------------------------------------- */
/* ADR d, off (bytes from this instruction, +-1 MiB); its position, for a64_patch */
uint32_t a64_adr(a64_buf *b, int d, int32_t off);
/* LDRSW Xt, [Xn, Xm, LSL #2] (a br_table entry) */
void a64_ldrsw_rr4(a64_buf *b, int t, int n, int m);

#endif
