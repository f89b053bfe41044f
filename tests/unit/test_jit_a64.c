/*
 * test_jit_a64.c — the AArch64 assembler of the JIT (src/jit/arm64/asm.c):
 * each instruction form against the words GNU as (aarch64-linux-gnu-as)
 * assembles the instruction in the comment into; branch patching and its
 * ranges; logical immediates that have no encoding.
 */
#include "jit/arm64/asm.h"
#include "test.h"

/* Emit with `stmt` (into a64_buf *b) and compare the words. */
#define ENC(hex, stmt)                                                          \
    do {                                                                        \
        a64_buf bb_ = {0}, *b = &bb_;                                           \
        stmt;                                                                   \
        char got_[64] = "";                                                     \
        for (uint32_t i_ = 0; i_ < bb_.len && i_ < 5; i_++)                      \
            snprintf(got_ + strlen(got_), sizeof got_ - strlen(got_), "%s%08x", i_ ? " " : "", bb_.p[i_]); \
        if (strcmp(got_, hex) != 0) {                                           \
            fprintf(stderr, "  %s:%d: %s: got %s, expected %s\n", __FILE__, __LINE__, #stmt, got_, hex); \
            (*zw_failed_)++;                                                    \
        }                                                                       \
        a64_free(&bb_);                                                         \
    } while (0)

TEST(jit_a64_encodings) {
    ENC("0b020020", a64_arith_rr(b, A64_ADD, false, 0, 1, 2, 0)); /* add w0, w1, w2 */
    ENC("8b050c83", a64_arith_rr(b, A64_ADD, true, 3, 4, 5, 3)); /* add x3, x4, x5, lsl #3 */
    ENC("eb0b0149", a64_arith_rr(b, A64_SUBS, true, 9, 10, 11, 0)); /* subs x9, x10, x11 */
    ENC("6b02003f", a64_arith_rr(b, A64_SUBS, false, A64_ZR, 1, 2, 0)); /* cmp w1, w2 */
    ENC("cb0703e0", a64_arith_rr(b, A64_SUB, true, 0, A64_ZR, 7, 0)); /* neg x0, x7 */
    ENC("910043e0", a64_arith_ri(b, A64_ADD, true, 0, A64_SP, 16, false)); /* add x0, sp, #16 */
    ENC("d14007ff", a64_arith_ri(b, A64_SUB, true, A64_SP, A64_SP, 1, true)); /* sub sp, sp, #4096 */
    ENC("f13ffc7f", a64_arith_ri(b, A64_SUBS, true, A64_ZR, 3, 4095, false)); /* cmp x3, #4095 */
    ENC("310004c5", a64_arith_ri(b, A64_ADDS, false, 5, 6, 1, false)); /* adds w5, w6, #1 */
    ENC("8b224020", a64_arith_rx(b, A64_ADD, 0, 1, 2, false)); /* add x0, x1, w2, uxtw */
    ENC("cb25c083", a64_arith_rx(b, A64_SUB, 3, 4, 5, true)); /* sub x3, x4, w5, sxtw */
    ENC("0a020020", a64_logic_rr(b, A64_AND, false, 0, 1, 2)); /* and w0, w1, w2 */
    ENC("aa050083", a64_logic_rr(b, A64_ORR, true, 3, 4, 5)); /* orr x3, x4, x5 */
    ENC("ca0800e6", a64_logic_rr(b, A64_EOR, true, 6, 7, 8)); /* eor x6, x7, x8 */
    ENC("6a02003f", a64_logic_rr(b, A64_ANDS, false, A64_ZR, 1, 2)); /* tst w1, w2 */
    ENC("8a220020", a64_logic_rr(b, A64_BIC, true, 0, 1, 2)); /* bic x0, x1, x2 */
    ENC("2a250083", a64_logic_rr(b, A64_ORN, false, 3, 4, 5)); /* orn w3, w4, w5 */
    ENC("aa2103e0", a64_logic_rr(b, A64_ORN, true, 0, A64_ZR, 1)); /* mvn x0, x1 */
    ENC("92401c20", a64_logic_ri(b, A64_AND, true, 0, 1, 0xff)); /* and x0, x1, #0xff */
    ENC("12007820", a64_logic_ri(b, A64_AND, false, 0, 1, 0x7fffffff)); /* and w0, w1, #0x7fffffff */
    ENC("b200f062", a64_logic_ri(b, A64_ORR, true, 2, 3, 0x5555555555555555ull)); /* orr x2, x3, #0x5555555555555555 */
    ENC("5204cca4", a64_logic_ri(b, A64_EOR, false, 4, 5, 0xf0f0f0f0)); /* eor w4, w5, #0xf0f0f0f0 */
    ENC("f24100df", a64_logic_ri(b, A64_ANDS, true, A64_ZR, 6, 0x8000000000000000ull)); /* tst x6, #0x8000000000000000 */
    ENC("927ff907", a64_logic_ri(b, A64_AND, true, 7, 8, 0xfffffffffffffffeull)); /* and x7, x8, #0xfffffffffffffffe */
    ENC("92183d49", a64_logic_ri(b, A64_AND, true, 9, 10, 0x00ffff0000ffff00ull)); /* and x9, x10, #0x00ffff0000ffff00 */
    ENC("aa1303e0", a64_mov_rr(b, true, 0, 19)); /* mov x0, x19 */
    ENC("2a0203e1", a64_mov_rr(b, false, 1, 2)); /* mov w1, w2 */
    ENC("910003fd", a64_mov_sp(b, A64_FP, A64_SP)); /* mov x29, sp */
    ENC("9100013f", a64_mov_sp(b, A64_SP, 9)); /* mov sp, x9 */
    ENC("d2a24680", a64_movz(b, true, 0, 0x1234, 1)); /* movz x0, #0x1234, lsl #16 */
    ENC("12800001", a64_movn(b, false, 1, 0, 0)); /* movn w1, #0 */
    ENC("f2f7dde2", a64_movk(b, true, 2, 0xbeef, 3)); /* movk x2, #0xbeef, lsl #48 */
    ENC("d2800000", a64_mov_imm(b, true, 0, 0)); /* mov x0, #0 */
    ENC("12800001", a64_mov_imm(b, false, 1, 0xffffffff)); /* mov w1, #0xffffffff */
    ENC("92800002", a64_mov_imm(b, true, 2, ~0ull)); /* mov x2, #-1 */
    ENC("d2bfffe3", a64_mov_imm(b, true, 3, 0xffff0000ull)); /* mov x3, #0xffff0000 */
    ENC("929db964", a64_mov_imm(b, true, 4, 0xffffffffffff1234ull)); /* mov x4, #0xffffffffffff1234 */
    ENC("b200f3e5", a64_mov_imm(b, true, 5, 0x5555555555555555ull)); /* mov x5, #0x5555555555555555 */
    ENC("d28acf06 f2a24686 f2dbde06 f2f35786", a64_mov_imm(b, true, 6, 0x9abcdef012345678ull)); /* movz x6, #0x5678; movk x6, #0x1234, lsl #16; movk x6, #0xdef0, lsl #32; movk x6, #0x9abc, lsl #48 */
    ENC("92824687 f2cacf07", a64_mov_imm(b, true, 7, 0xffff5678ffffedcbull)); /* movn x7, #0x1234; movk x7, #0x5678, lsl #32 */
    ENC("528acf08 72a24688", a64_mov_imm(b, false, 8, 0x12345678)); /* movz w8, #0x5678; movk w8, #0x1234, lsl #16 */
    ENC("1ac20820", a64_dp2(b, A64_UDIV, false, 0, 1, 2)); /* udiv w0, w1, w2 */
    ENC("9ac50c83", a64_dp2(b, A64_SDIV, true, 3, 4, 5)); /* sdiv x3, x4, x5 */
    ENC("9ac820e6", a64_dp2(b, A64_LSLV, true, 6, 7, 8)); /* lsl x6, x7, x8 */
    ENC("1acb2549", a64_dp2(b, A64_LSRV, false, 9, 10, 11)); /* lsr w9, w10, w11 */
    ENC("9ace29ac", a64_dp2(b, A64_ASRV, true, 12, 13, 14)); /* asr x12, x13, x14 */
    ENC("1ad12e0f", a64_dp2(b, A64_RORV, false, 15, 16, 17)); /* ror w15, w16, w17 */
    ENC("9b027c20", a64_madd(b, true, 0, 1, 2, A64_ZR)); /* mul x0, x1, x2 */
    ENC("1b051883", a64_madd(b, false, 3, 4, 5, 6)); /* madd w3, w4, w5, w6 */
    ENC("9b09a907", a64_msub(b, true, 7, 8, 9, 10)); /* msub x7, x8, x9, x10 */
    ENC("9bc27c20", a64_umulh(b, 0, 1, 2)); /* umulh x0, x1, x2 */
    ENC("9b457c83", a64_smulh(b, 3, 4, 5)); /* smulh x3, x4, x5 */
    ENC("d37df020", a64_lsl_ri(b, true, 0, 1, 3)); /* lsl x0, x1, #3 */
    ENC("53010062", a64_lsl_ri(b, false, 2, 3, 31)); /* lsl w2, w3, #31 */
    ENC("d37ffca4", a64_lsr_ri(b, true, 4, 5, 63)); /* lsr x4, x5, #63 */
    ENC("13017ce6", a64_asr_ri(b, false, 6, 7, 1)); /* asr w6, w7, #1 */
    ENC("93407c20", a64_sbfm(b, true, 0, 1, 0, 31)); /* sxtw x0, w1 */
    ENC("13001c62", a64_sbfm(b, false, 2, 3, 0, 7)); /* sxtb w2, w3 */
    ENC("53003ca4", a64_ubfm(b, false, 4, 5, 0, 15)); /* uxth w4, w5 */
    ENC("93c734e6", a64_extr(b, true, 6, 7, 7, 13)); /* ror x6, x7, #13 */
    ENC("5ac00020", a64_dp1(b, A64_RBIT, false, 0, 1)); /* rbit w0, w1 */
    ENC("dac01062", a64_dp1(b, A64_CLZ, true, 2, 3)); /* clz x2, x3 */
    ENC("5ac008a4", a64_dp1(b, A64_REV, false, 4, 5)); /* rev w4, w5 */
    ENC("dac00ce6", a64_dp1(b, A64_REV, true, 6, 7)); /* rev x6, x7 */
    ENC("9a820020", a64_csel(b, A64_CSEL, true, 0, 1, 2, A64_EQ)); /* csel x0, x1, x2, eq */
    ENC("1a85b483", a64_csel(b, A64_CSINC, false, 3, 4, 5, A64_LT)); /* csinc w3, w4, w5, lt */
    ENC("da8880e6", a64_csel(b, A64_CSINV, true, 6, 7, 8, A64_HI)); /* csinv x6, x7, x8, hi */
    ENC("5a8ba549", a64_csel(b, A64_CSNEG, false, 9, 10, 11, A64_GE)); /* csneg w9, w10, w11, ge */
    ENC("1a9f07e0", a64_cset(b, false, 0, A64_NE)); /* cset w0, ne */
    ENC("9a9f27e1", a64_cset(b, true, 1, A64_LO)); /* cset x1, lo */
    ENC("f9400420", a64_ldst_ui(b, A64_LDR_X, 0, 1, 8)); /* ldr x0, [x1, #8] */
    ENC("f93fffe2", a64_ldst_ui(b, A64_STR_X, 2, A64_SP, 32760)); /* str x2, [sp, #32760] */
    ENC("b9400483", a64_ldst_ui(b, A64_LDR_W, 3, 4, 4)); /* ldr w3, [x4, #4] */
    ENC("b90000c5", a64_ldst_ui(b, A64_STR_W, 5, 6, 0)); /* str w5, [x6] */
    ENC("397ffd07", a64_ldst_ui(b, A64_LDRB, 7, 8, 4095)); /* ldrb w7, [x8, #4095] */
    ENC("39000549", a64_ldst_ui(b, A64_STRB, 9, 10, 1)); /* strb w9, [x10, #1] */
    ENC("7940058b", a64_ldst_ui(b, A64_LDRH, 11, 12, 2)); /* ldrh w11, [x12, #2] */
    ENC("793ffdcd", a64_ldst_ui(b, A64_STRH, 13, 14, 8190)); /* strh w13, [x14, #8190] */
    ENC("3980020f", a64_ldst_ui(b, A64_LDRSB_X, 15, 16, 0)); /* ldrsb x15, [x16] */
    ENC("39c00e51", a64_ldst_ui(b, A64_LDRSB_W, 17, 18, 3)); /* ldrsb w17, [x18, #3] */
    ENC("79800e93", a64_ldst_ui(b, A64_LDRSH_X, 19, 20, 6)); /* ldrsh x19, [x20, #6] */
    ENC("79c002d5", a64_ldst_ui(b, A64_LDRSH_W, 21, 22, 0)); /* ldrsh w21, [x22] */
    ENC("b9800f17", a64_ldst_ui(b, A64_LDRSW, 23, 24, 12)); /* ldrsw x23, [x24, #12] */
    ENC("bd400420", a64_ldst_ui(b, A64_LDR_S, 0, 1, 4)); /* ldr s0, [x1, #4] */
    ENC("fd000862", a64_ldst_ui(b, A64_STR_D, 2, 3, 16)); /* str d2, [x3, #16] */
    ENC("3dc008a4", a64_ldst_ui(b, A64_LDR_Q, 4, 5, 32)); /* ldr q4, [x5, #32] */
    ENC("3dbfffe6", a64_ldst_ui(b, A64_STR_Q, 6, A64_SP, 65520)); /* str q6, [sp, #65520] */
    ENC("f85f8020", a64_ldst_u9(b, A64_LDR_X, 0, 1, -8)); /* ldur x0, [x1, #-8] */
    ENC("b80ff062", a64_ldst_u9(b, A64_STR_W, 2, 3, 255)); /* stur w2, [x3, #255] */
    ENC("385000a4", a64_ldst_u9(b, A64_LDRB, 4, 5, -256)); /* ldurb w4, [x5, #-256] */
    ENC("f8626820", a64_ldst_rr(b, A64_LDR_X, 0, 1, 2, false)); /* ldr x0, [x1, x2] */
    ENC("b8644b83", a64_ldst_rr(b, A64_LDR_W, 3, 28, 4, true)); /* ldr w3, [x28, w4, uxtw] */
    ENC("38264b85", a64_ldst_rr(b, A64_STRB, 5, 28, 6, true)); /* strb w5, [x28, w6, uxtw] */
    ENC("78a96907", a64_ldst_rr(b, A64_LDRSH_X, 7, 8, 9, false)); /* ldrsh x7, [x8, x9] */
    ENC("fc6b4b8a", a64_ldst_rr(b, A64_LDR_D, 10, 28, 11, true)); /* ldr d10, [x28, w11, uxtw] */
    ENC("3cae69ac", a64_ldst_rr(b, A64_STR_Q, 12, 13, 14, false)); /* str q12, [x13, x14] */
    ENC("a9bf7bfd", a64_stp(b, A64_PAIR_PRE, A64_FP, A64_LR, A64_SP, -16)); /* stp x29, x30, [sp, #-16]! */
    ENC("a8c17bfd", a64_ldp(b, A64_PAIR_POST, A64_FP, A64_LR, A64_SP, 16)); /* ldp x29, x30, [sp], #16 */
    ENC("a90153f3", a64_stp(b, A64_PAIR_OFF, 19, 20, A64_SP, 16)); /* stp x19, x20, [sp, #16] */
    ENC("a9605815", a64_ldp(b, A64_PAIR_OFF, 21, 22, 0, -512)); /* ldp x21, x22, [x0, #-512] */
    ENC("14000002", a64_b(b, 8)); /* b .+8 */
    ENC("16000000", a64_b(b, -134217728)); /* b .-134217728 */
    ENC("95ffffff", a64_bl(b, 134217724)); /* bl .+134217724 */
    ENC("54000080", a64_bcond(b, A64_EQ, 16)); /* b.eq .+16 */
    ENC("5480000d", a64_bcond(b, A64_LE, -1048576)); /* b.le .-1048576 */
    ENC("34000020", a64_cbz(b, false, 0, 4)); /* cbz w0, .+4 */
    ENC("b5ffffc1", a64_cbnz(b, true, 1, -8)); /* cbnz x1, .-8 */
    ENC("36180102", a64_tbz(b, 2, 3, 32)); /* tbz w2, #3, .+32 */
    ENC("b7fc0003", a64_tbnz(b, 3, 63, -32768)); /* tbnz x3, #63, .-32768 */
    ENC("d61f0200", a64_br(b, 16)); /* br x16 */
    ENC("d63f0220", a64_blr(b, 17)); /* blr x17 */
    ENC("d65f03c0", a64_ret(b)); /* ret */
    ENC("d4207d00", a64_brk(b, 1000)); /* brk #0x3e8 */
    ENC("d503201f", a64_nop(b)); /* nop */
    ENC("1e222820", a64_fop2(b, A64_FADD, false, 0, 1, 2)); /* fadd s0, s1, s2 */
    ENC("1e653883", a64_fop2(b, A64_FSUB, true, 3, 4, 5)); /* fsub d3, d4, d5 */
    ENC("1e2808e6", a64_fop2(b, A64_FMUL, false, 6, 7, 8)); /* fmul s6, s7, s8 */
    ENC("1e6b1949", a64_fop2(b, A64_FDIV, true, 9, 10, 11)); /* fdiv d9, d10, d11 */
    ENC("1e2e49ac", a64_fop2(b, A64_FMAX, false, 12, 13, 14)); /* fmax s12, s13, s14 */
    ENC("1e715a0f", a64_fop2(b, A64_FMIN, true, 15, 16, 17)); /* fmin d15, d16, d17 */
    ENC("1e604020", a64_fop1(b, A64_FMOV, true, 0, 1)); /* fmov d0, d1 */
    ENC("1e20c062", a64_fop1(b, A64_FABS, false, 2, 3)); /* fabs s2, s3 */
    ENC("1e6140a4", a64_fop1(b, A64_FNEG, true, 4, 5)); /* fneg d4, d5 */
    ENC("1e21c0e6", a64_fop1(b, A64_FSQRT, false, 6, 7)); /* fsqrt s6, s7 */
    ENC("1e22c020", a64_fop1(b, A64_FCVT_SD, false, 0, 1)); /* fcvt d0, s1 */
    ENC("1e624062", a64_fop1(b, A64_FCVT_DS, true, 2, 3)); /* fcvt s2, d3 */
    ENC("1e2440a4", a64_fop1(b, A64_FRINTN, false, 4, 5)); /* frintn s4, s5 */
    ENC("1e64c0e6", a64_fop1(b, A64_FRINTP, true, 6, 7)); /* frintp d6, d7 */
    ENC("1e254128", a64_fop1(b, A64_FRINTM, false, 8, 9)); /* frintm s8, s9 */
    ENC("1e65c16a", a64_fop1(b, A64_FRINTZ, true, 10, 11)); /* frintz d10, d11 */
    ENC("1e220020", a64_cvtf(b, true, false, false, 0, 1)); /* scvtf s0, w1 */
    ENC("9e620062", a64_cvtf(b, true, true, true, 2, 3)); /* scvtf d2, x3 */
    ENC("9e2300a4", a64_cvtf(b, false, true, false, 4, 5)); /* ucvtf s4, x5 */
    ENC("1e6300e6", a64_cvtf(b, false, false, true, 6, 7)); /* ucvtf d6, w7 */
    ENC("1e380020", a64_fcvtz(b, true, false, false, 0, 1)); /* fcvtzs w0, s1 */
    ENC("9e780062", a64_fcvtz(b, true, true, true, 2, 3)); /* fcvtzs x2, d3 */
    ENC("1e7900a4", a64_fcvtz(b, false, false, true, 4, 5)); /* fcvtzu w4, d5 */
    ENC("9e3900e6", a64_fcvtz(b, false, true, false, 6, 7)); /* fcvtzu x6, s7 */
    ENC("4ea11c20", a64_vmov(b, 0, 1)); /* mov v0.16b, v1.16b */
    ENC("4eb11e3e", a64_vmov(b, 30, 17)); /* mov v30.16b, v17.16b */
    ENC("4e181c62", a64_ins_d1(b, 2, 3)); /* mov v2.d[1], x3 */
    ENC("4e183ca4", a64_umov_d1(b, 4, 5)); /* mov x4, v5.d[1] */
    ENC("0e205820", a64_cnt8b(b, 0, 1)); /* cnt v0.8b, v1.8b */
    ENC("0e31b862", a64_addv8b(b, 2, 3)); /* addv b2, v3.8b */
    /* NEON (lanes: 0 B, 1 H, 2 S, 3 D; floats 0 4S, 1 2D) */
    ENC("4e228420", a64_v3(b, A64_V_ADD, 0, 0, 1, 2)); /* add v0.16b, v1.16b, v2.16b */
    ENC("6e628420", a64_v3(b, A64_V_SUB, 1, 0, 1, 2)); /* sub v0.8h, v1.8h, v2.8h */
    ENC("4e220c20", a64_v3(b, A64_V_SQADD, 0, 0, 1, 2)); /* sqadd v0.16b, v1.16b, v2.16b */
    ENC("6e222c20", a64_v3(b, A64_V_UQSUB, 0, 0, 1, 2)); /* uqsub v0.16b, v1.16b, v2.16b */
    ENC("6ea26420", a64_v3(b, A64_V_UMAX, 2, 0, 1, 2)); /* umax v0.4s, v1.4s, v2.4s */
    ENC("4ea26c20", a64_v3(b, A64_V_SMIN, 2, 0, 1, 2)); /* smin v0.4s, v1.4s, v2.4s */
    ENC("6e221420", a64_v3(b, A64_V_URHADD, 0, 0, 1, 2)); /* urhadd v0.16b, v1.16b, v2.16b */
    ENC("6ee28c20", a64_v3(b, A64_V_CMEQ, 3, 0, 1, 2)); /* cmeq v0.2d, v1.2d, v2.2d */
    ENC("6e223420", a64_v3(b, A64_V_CMHI, 0, 0, 1, 2)); /* cmhi v0.16b, v1.16b, v2.16b */
    ENC("4e223c20", a64_v3(b, A64_V_CMGE, 0, 0, 1, 2)); /* cmge v0.16b, v1.16b, v2.16b */
    ENC("4e629c20", a64_v3(b, A64_V_MUL, 1, 0, 1, 2)); /* mul v0.8h, v1.8h, v2.8h */
    ENC("6e62b420", a64_v3(b, A64_V_SQRDMULH, 1, 0, 1, 2)); /* sqrdmulh v0.8h, v1.8h, v2.8h */
    ENC("4ea2bc20", a64_v3(b, A64_V_ADDP, 2, 0, 1, 2)); /* addp v0.4s, v1.4s, v2.4s */
    ENC("4e621c20", a64_v3(b, A64_V_BIC, 0, 0, 1, 2)); /* bic v0.16b, v1.16b, v2.16b */
    ENC("6e621c20", a64_v3(b, A64_V_BSL, 0, 0, 1, 2)); /* bsl v0.16b, v1.16b, v2.16b */
    ENC("4ee2d420", a64_v3(b, A64_V_FSUB, 1, 0, 1, 2)); /* fsub v0.2d, v1.2d, v2.2d */
    ENC("6e22dc20", a64_v3(b, A64_V_FMUL, 0, 0, 1, 2)); /* fmul v0.4s, v1.4s, v2.4s */
    ENC("4ee2f420", a64_v3(b, A64_V_FMIN, 1, 0, 1, 2)); /* fmin v0.2d, v1.2d, v2.2d */
    ENC("6e62e420", a64_v3(b, A64_V_FCMGE, 1, 0, 1, 2)); /* fcmge v0.2d, v1.2d, v2.2d */
    ENC("6ea2e420", a64_v3(b, A64_V_FCMGT, 0, 0, 1, 2)); /* fcmgt v0.4s, v1.4s, v2.4s */
    ENC("6e205820", a64_v2(b, A64_V_NOT, 0, 0, 1)); /* mvn v0.16b, v1.16b */
    ENC("4ee0b820", a64_v2(b, A64_V_ABS, 3, 0, 1)); /* abs v0.2d, v1.2d */
    ENC("6e60b820", a64_v2(b, A64_V_NEG, 1, 0, 1)); /* neg v0.8h, v1.8h */
    ENC("6ee0f820", a64_v2(b, A64_V_FNEG, 1, 0, 1)); /* fneg v0.2d, v1.2d */
    ENC("6ea1f820", a64_v2(b, A64_V_FSQRT, 0, 0, 1)); /* fsqrt v0.4s, v1.4s */
    ENC("4e619820", a64_v2(b, A64_V_FRINTM, 1, 0, 1)); /* frintm v0.2d, v1.2d */
    ENC("4ea18820", a64_v2(b, A64_V_FRINTP, 0, 0, 1)); /* frintp v0.4s, v1.4s */
    ENC("6e21d820", a64_v2(b, A64_V_UCVTF, 0, 0, 1)); /* ucvtf v0.4s, v1.4s */
    ENC("4ea1b820", a64_v2(b, A64_V_FCVTZS, 0, 0, 1)); /* fcvtzs v0.4s, v1.4s */
    ENC("6e30a820", a64_v2(b, A64_V_UMAXV, 0, 0, 1)); /* umaxv b0, v1.16b */
    ENC("4e010c20", a64_dup_gp(b, 0, 0, 1)); /* dup v0.16b, w1 */
    ENC("4e080c20", a64_dup_gp(b, 3, 0, 1)); /* dup v0.2d, x1 */
    ENC("4e040420", a64_dup_lane(b, 2, 0, 1, 0)); /* dup v0.4s, v1.s[0] */
    ENC("5e140420", a64_mov_lane_to_fp(b, 2, 0, 1, 2)); /* mov s0, v1.s[2] */
    ENC("5e180420", a64_mov_lane_to_fp(b, 3, 0, 1, 1)); /* mov d0, v1.d[1] */
    ENC("0e072c20", a64_smov(b, 0, 0, 1, 3)); /* smov w0, v1.b[3] */
    ENC("0e162c20", a64_smov(b, 1, 0, 1, 5)); /* smov w0, v1.h[5] */
    ENC("0e1f3c20", a64_umov(b, 0, 0, 1, 15)); /* umov w0, v1.b[15] */
    ENC("0e1c3c20", a64_umov(b, 2, 0, 1, 3)); /* mov w0, v1.s[3] */
    ENC("4e183c20", a64_umov(b, 3, 0, 1, 1)); /* mov x0, v1.d[1] */
    ENC("4e131c20", a64_ins_gp(b, 0, 0, 9, 1)); /* mov v0.b[9], w1 */
    ENC("4e0e1c20", a64_ins_gp(b, 1, 0, 3, 1)); /* mov v0.h[3], w1 */
    ENC("6e1c0420", a64_ins_lane(b, 2, 0, 3, 1, 0)); /* mov v0.s[3], v1.s[0] */
    ENC("6e180420", a64_ins_lane(b, 3, 0, 1, 1, 0)); /* mov v0.d[1], v1.d[0] */
    ENC("4e020020", a64_tbl(b, 0, 1, 2)); /* tbl v0.16b, {v1.16b}, v2.16b */
    ENC("0e62c020", a64_smull(b, false, 1, 0, 1, 2)); /* smull v0.4s, v1.4h, v2.4h */
    ENC("4e62c020", a64_smull(b, true, 1, 0, 1, 2)); /* smull2 v0.4s, v1.8h, v2.8h */
    ENC("10000040", a64_adr(b, 0, 8)); /* adr x0, .+8 */
    ENC("10fffff0", a64_adr(b, 16, -4)); /* adr x16, .-4 */
    ENC("b8ab7949", a64_ldrsw_rr4(b, 9, 10, 11)); /* ldrsw x9, [x10, x11, lsl #2] */
    ENC("1e612000", a64_fcmp(b, true, 0, 1)); /* fcmp d0, d1 */
    ENC("1e232040", a64_fcmp(b, false, 2, 3)); /* fcmp s2, s3 */
    ENC("1e270020", a64_fmov_to_fp(b, false, 0, 1)); /* fmov s0, w1 */
    ENC("9e670062", a64_fmov_to_fp(b, true, 2, 3)); /* fmov d2, x3 */
    ENC("1e2600a4", a64_fmov_from_fp(b, false, 4, 5)); /* fmov w4, s5 */
    ENC("9e6600e6", a64_fmov_from_fp(b, true, 6, 7)); /* fmov x6, d7 */
}

/* The atomic forms (threads), as GNU as 2.40 assembles them with
 * -march=armv8.1-a (LSE); size: 0 B, 1 H, 2 W, 3 X. */
TEST(jit_a64_atomic_encodings) {
    ENC("88dffc20", a64_ldar(b, 2, 0, 1)); /* ldar w0, [x1] */
    ENC("c8dffc62", a64_ldar(b, 3, 2, 3)); /* ldar x2, [x3] */
    ENC("08dffca4", a64_ldar(b, 0, 4, 5)); /* ldarb w4, [x5] */
    ENC("48dffe26", a64_ldar(b, 1, 6, 17)); /* ldarh w6, [x17] */
    ENC("889ffc20", a64_stlr(b, 2, 0, 1)); /* stlr w0, [x1] */
    ENC("c89ffc62", a64_stlr(b, 3, 2, 3)); /* stlr x2, [x3] */
    ENC("089ffca4", a64_stlr(b, 0, 4, 5)); /* stlrb w4, [x5] */
    ENC("489ffe2b", a64_stlr(b, 1, 11, 17)); /* stlrh w11, [x17] */
    ENC("885ffc20", a64_ldaxr(b, 2, 0, 1)); /* ldaxr w0, [x1] */
    ENC("c85ffe2a", a64_ldaxr(b, 3, 10, 17)); /* ldaxr x10, [x17] */
    ENC("085ffe2a", a64_ldaxr(b, 0, 10, 17)); /* ldaxrb w10, [x17] */
    ENC("485ffc62", a64_ldaxr(b, 1, 2, 3)); /* ldaxrh w2, [x3] */
    ENC("8809fe30", a64_stlxr(b, 2, 9, 16, 17)); /* stlxr w9, w16, [x17] */
    ENC("c809fe30", a64_stlxr(b, 3, 9, 16, 17)); /* stlxr w9, x16, [x17] */
    ENC("0809fe2b", a64_stlxr(b, 0, 9, 11, 17)); /* stlxrb w9, w11, [x17] */
    ENC("4801fc62", a64_stlxr(b, 1, 1, 2, 3)); /* stlxrh w1, w2, [x3] */
    ENC("b8e00041", a64_lse_al(b, A64_LDADD, 2, 0, 1, 2)); /* ldaddal w0, w1, [x2] */
    ENC("f8eb022a", a64_lse_al(b, A64_LDADD, 3, 11, 10, 17)); /* ldaddal x11, x10, [x17] */
    ENC("38e300a4", a64_lse_al(b, A64_LDADD, 0, 3, 4, 5)); /* ldaddalb w3, w4, [x5] */
    ENC("78e60107", a64_lse_al(b, A64_LDADD, 1, 6, 7, 8)); /* ldaddalh w6, w7, [x8] */
    ENC("f8e01041", a64_lse_al(b, A64_LDCLR, 3, 0, 1, 2)); /* ldclral x0, x1, [x2] */
    ENC("38e310a4", a64_lse_al(b, A64_LDCLR, 0, 3, 4, 5)); /* ldclralb w3, w4, [x5] */
    ENC("b8e62227", a64_lse_al(b, A64_LDEOR, 2, 6, 7, 17)); /* ldeoral w6, w7, [x17] */
    ENC("78ea222b", a64_lse_al(b, A64_LDEOR, 1, 10, 11, 17)); /* ldeoralh w10, w11, [x17] */
    ENC("f8ec31cd", a64_lse_al(b, A64_LDSET, 3, 12, 13, 14)); /* ldsetal x12, x13, [x14] */
    ENC("38ef3230", a64_lse_al(b, A64_LDSET, 0, 15, 16, 17)); /* ldsetalb w15, w16, [x17] */
    ENC("b8e08041", a64_lse_al(b, A64_SWP, 2, 0, 1, 2)); /* swpal w0, w1, [x2] */
    ENC("f8e380a4", a64_lse_al(b, A64_SWP, 3, 3, 4, 5)); /* swpal x3, x4, [x5] */
    ENC("38e68107", a64_lse_al(b, A64_SWP, 0, 6, 7, 8)); /* swpalb w6, w7, [x8] */
    ENC("78e9816a", a64_lse_al(b, A64_SWP, 1, 9, 10, 11)); /* swpalh w9, w10, [x11] */
    ENC("88e0fc41", a64_casal(b, 2, 0, 1, 2)); /* casal w0, w1, [x2] */
    ENC("c8eafe2b", a64_casal(b, 3, 10, 11, 17)); /* casal x10, x11, [x17] */
    ENC("08e3fca4", a64_casal(b, 0, 3, 4, 5)); /* casalb w3, w4, [x5] */
    ENC("48f0fe2c", a64_casal(b, 1, 16, 12, 17)); /* casalh w16, w12, [x17] */
    ENC("d5033bbf", a64_dmb_ish(b)); /* dmb ish */
}

TEST(jit_a64_branch_patching) {
    a64_buf bb = {0}, *b = &bb;
    uint32_t j = a64_b(b, 0), c = a64_bcond(b, A64_NE, 0), z = a64_cbz(b, true, 3, 0), t = a64_tbnz(b, 4, 40, 0);
    for (int i = 0; i < 10; i++) a64_nop(b);
    CHECK(a64_patch(b, j, 14));
    CHECK(a64_patch(b, c, 0)); /* backwards */
    CHECK(a64_patch(b, z, 13));
    CHECK(a64_patch(b, t, 2));
    CHECK_EQ_INT(bb.p[j], 0x1400000e);             /* b .+56 */
    CHECK_EQ_INT(bb.p[c], 0x54ffffe1);             /* b.ne .-4 */
    CHECK_EQ_INT(bb.p[z], 0xb4000163);             /* cbz x3, .+44 */
    CHECK_EQ_INT(bb.p[t], 0xb747ffe4);             /* tbnz x4, #40, .-4 */
    /* (the words as GNU as assembles the comments at those positions) */
    /* beyond each range: refused, the word unchanged */
    CHECK(!a64_patch(b, t, t + (1u << 13)));
    CHECK(a64_patch(b, t, t + (1u << 13) - 1));
    CHECK(!a64_patch(b, c, c + (1u << 18)));
    CHECK(!a64_patch(b, z, z + (1u << 18)));
    CHECK(a64_patch(b, j, j + (1u << 18)));
    CHECK(!a64_patch(b, j, j + (1u << 25)));
    CHECK(!a64_patch(b, 5, 0)); /* a nop is no branch */
    uint32_t a = a64_adr(b, 16, 0);
    CHECK(a64_patch(b, a, a - 1));
    CHECK_EQ_INT(bb.p[a], 0x10fffff0);             /* adr x16, .-4 */
    CHECK(a64_patch(b, a, a + (1u << 18) - 1));
    CHECK(!a64_patch(b, a, a + (1u << 18)));       /* +-1 MiB */
    a64_free(&bb);
}

TEST(jit_a64_logic_imm) {
    uint32_t f;
    CHECK(!a64_logic_imm(0, true, &f));
    CHECK(!a64_logic_imm(~0ull, true, &f));
    CHECK(!a64_logic_imm(0xffffffff, false, &f));
    CHECK(!a64_logic_imm(0x1234, true, &f));
    CHECK(!a64_logic_imm(0x0000000100000002ull, true, &f));
    CHECK(a64_logic_imm(0xffffffff, true, &f)); /* 32 ones in 64 bits */
    CHECK(a64_logic_imm(0x3, false, &f));
}
