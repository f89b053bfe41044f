/*
 * test_jit_x64.c — the x86-64 assembler of the JIT (src/jit/x64/asm.c): each
 * instruction form against the bytes objdump decodes as the instruction in
 * the comment (GNU objdump -M intel; the byte strings were checked with it
 * when the cases were written).
 */
#include "jit/x64/asm.h"
#include "test.h"

/* Emit one instruction with `stmt` (into x64_buf *b) and compare its bytes. */
#define ENC(hex, stmt)                                                          \
    do {                                                                        \
        x64_buf bb_ = {0}, *b = &bb_;                                           \
        stmt;                                                                   \
        char got_[64] = "";                                                     \
        for (uint32_t i_ = 0; i_ < bb_.len && i_ < 20; i_++)                     \
            snprintf(got_ + strlen(got_), sizeof got_ - strlen(got_), "%s%02x", i_ ? " " : "", bb_.p[i_]); \
        if (strcmp(got_, hex) != 0) {                                           \
            fprintf(stderr, "  %s:%d: %s: got %s, expected %s\n", __FILE__, __LINE__, #stmt, got_, hex); \
            (*zw_failed_)++;                                                    \
        }                                                                       \
        x64_free(&bb_);                                                         \
    } while (0)

TEST(jit_x64_encodings) {
    ENC("01 c8", x64_alu_rr(b, ALU_ADD, false, RAX, RCX)); /* add eax,ecx */
    ENC("4d 29 fc", x64_alu_rr(b, ALU_SUB, true, R12, R15)); /* sub r12,r15 */
    ENC("48 03 73 08", x64_alu_rm(b, ALU_ADD, true, RSI, x64_m(RBX, 8))); /* add rsi,QWORD PTR [rbx+0x8] */
    ENC("45 3b 4d 00", x64_alu_rm(b, ALU_CMP, false, R9, x64_m(R13, 0))); /* cmp r9d,DWORD PTR [r13+0x0] */
    ENC("33 54 24 10", x64_alu_rm(b, ALU_XOR, false, RDX, x64_m(RSP, 16))); /* xor edx,DWORD PTR [rsp+0x10] */
    ENC("4d 23 84 24 00 10 00 00", x64_alu_rm(b, ALU_AND, true, R8, x64_m(R12, 0x1000))); /* and r8,QWORD PTR [r12+0x1000] */
    ENC("48 09 7b 18", x64_alu_mr(b, ALU_OR, true, x64_m(RBX, 24), RDI)); /* or QWORD PTR [rbx+0x18],rdi */
    ENC("83 c7 05", x64_alu_ri(b, ALU_ADD, false, RDI, 5)); /* add edi,0x5 */
    ENC("49 81 fa a0 86 01 00", x64_alu_ri(b, ALU_CMP, true, R10, 100000)); /* cmp r10,0x186a0 */
    ENC("48 83 6d f8 01", x64_alu_mi(b, ALU_SUB, true, x64_m(RBP, -8), 1)); /* sub QWORD PTR [rbp-0x8],0x1 */
    ENC("83 38 00", x64_alu_mi(b, ALU_CMP, false, x64_m(RAX, 0), 0)); /* cmp DWORD PTR [rax],0x0 */
    ENC("4d 85 c9", x64_test_rr(b, true, R9, R9)); /* test r9,r9 */
    ENC("f7 c6 00 01 00 00", x64_test_ri(b, false, RSI, 0x100)); /* test esi,0x100 */
    ENC("49 89 fe", x64_mov_rr(b, true, R14, RDI)); /* mov r14,rdi */
    ENC("31 c0", x64_mov_ri(b, RAX, 0)); /* xor eax,eax */
    ENC("41 b9 78 56 34 12", x64_mov_ri(b, R9, 0x12345678)); /* mov r9d,0x12345678 */
    ENC("48 c7 c1 fb ff ff ff", x64_mov_ri(b, RCX, (uint64_t)-5)); /* mov rcx,0xfffffffffffffffb */
    ENC("49 bb bc 9a 78 56 34 12 00 00", x64_mov_ri(b, R11, 0x123456789abcull)); /* movabs r11,0x123456789abc */
    ENC("41 8b 44 37 10", x64_mov_rm(b, false, RAX, x64_mi(R15, RSI, 1, 0x10))); /* mov eax,DWORD PTR [r15+rsi*1+0x10] */
    ENC("4f 8b 04 0f", x64_mov_rm(b, true, R8, x64_mi(R15, R9, 1, 0))); /* mov r8,QWORD PTR [r15+r9*1] */
    ENC("4c 89 a3 00 04 00 00", x64_mov_mr(b, true, x64_m(RBX, 0x400), R12)); /* mov QWORD PTR [rbx+0x400],r12 */
    ENC("c7 43 04 ff ff ff ff", x64_mov_mi(b, false, x64_m(RBX, 4), -1)); /* mov DWORD PTR [rbx+0x4],0xffffffff */
    ENC("48 c7 43 08 ff ff ff 7f", x64_mov_mi(b, true, x64_m(RBX, 8), 0x7fffffff)); /* mov QWORD PTR [rbx+0x8],0x7fffffff */
    ENC("41 0f b6 44 0f 03", x64_movzx8_rm(b, RAX, x64_mi(R15, RCX, 1, 3))); /* movzx eax,BYTE PTR [r15+rcx*1+0x3] */
    ENC("41 0f b7 14 07", x64_movzx16_rm(b, RDX, x64_mi(R15, RAX, 1, 0))); /* movzx edx,WORD PTR [r15+rax*1] */
    ENC("4c 0f bf 10", x64_movsx16_rm(b, true, R10, x64_m(RAX, 0))); /* movsx r10,WORD PTR [rax] */
    ENC("41 0f be 0c 07", x64_movsx8_rm(b, false, RCX, x64_mi(R15, RAX, 1, 0))); /* movsx ecx,BYTE PTR [r15+rax*1] */
    ENC("49 63 7c 07 08", x64_movsxd_rm(b, RDI, x64_mi(R15, RAX, 1, 8))); /* movsxd rdi,DWORD PTR [r15+rax*1+0x8] */
    ENC("49 63 c3", x64_movsxd_rr(b, RAX, R11)); /* movsxd rax,r11d */
    ENC("48 63 04 81", x64_movsxd_rm(b, RAX, x64_mi(RCX, RAX, 4, 0))); /* movsxd rax,DWORD PTR [rcx+rax*4] */
    ENC("40 0f b6 f7", x64_movzx8_rr(b, RSI, RDI)); /* movzx esi,dil */
    ENC("0f b6 c9", x64_movzx8_rr(b, RCX, RCX)); /* movzx ecx,cl */
    ENC("4c 0f be c6", x64_movsx8_rr(b, true, R8, RSI)); /* movsx r8,sil */
    ENC("41 0f bf c1", x64_movsx16_rr(b, false, RAX, R9)); /* movsx eax,r9w */
    ENC("41 88 74 07 07", x64_mov8_mr(b, x64_mi(R15, RAX, 1, 7), RSI)); /* mov BYTE PTR [r15+rax*1+0x7],sil */
    ENC("66 44 89 42 02", x64_mov16_mr(b, x64_m(RDX, 2), R8)); /* mov WORD PTR [rdx+0x2],r8w */
    ENC("48 8d 9b 80 00 00 00", x64_lea(b, true, RBX, x64_m(RBX, 0x80))); /* lea rbx,[rbx+0x80] */
    ENC("48 8d 5b e0", x64_lea(b, true, RBX, x64_m(RBX, -32))); /* lea rbx,[rbx-0x20] */
    ENC("49 0f af c5", x64_imul_rr(b, true, RAX, R13)); /* imul rax,r13 */
    ENC("69 ca 2c 01 00 00", x64_imul_rri(b, false, RCX, RDX, 300)); /* imul ecx,edx,0x12c */
    ENC("4d 6b c9 03", x64_imul_rri(b, true, R9, R9, 3)); /* imul r9,r9,0x3 */
    ENC("48 f7 f9", x64_grp3_r(b, G3_IDIV, true, RCX)); /* idiv rcx */
    ENC("f7 f1", x64_grp3_r(b, G3_DIV, false, RCX)); /* div ecx */
    ENC("48 99", x64_cdq(b, true)); /* cqo */
    ENC("99", x64_cdq(b, false)); /* cdq */
    ENC("41 d3 fa", x64_shift_cl(b, SH_SAR, false, R10)); /* sar r10d,cl */
    ENC("48 c1 c0 0d", x64_shift_ri(b, SH_ROL, true, RAX, 13)); /* rol rax,0xd */
    ENC("c1 e7 02", x64_shift_ri(b, SH_SHL, false, RDI, 2)); /* shl edi,0x2 */
    ENC("40 0f 9c c6", x64_setcc(b, CC_L, RSI)); /* setl sil */
    ENC("0f 94 c0", x64_setcc(b, CC_E, RAX)); /* sete al */
    ENC("0f 9b c2", x64_setcc(b, CC_NP, RDX)); /* setnp dl */
    ENC("49 0f 45 c1", x64_cmov(b, CC_NE, true, RAX, R9)); /* cmovne rax,r9 */
    ENC("0f 47 c1", x64_cmov(b, CC_A, false, RAX, RCX)); /* cmova eax,ecx */
    ENC("f3 48 0f b8 c1", x64_bitcount(b, 0xB8, true, RAX, RCX)); /* popcnt rax,rcx */
    ENC("0f bd c6", x64_bsr(b, false, RAX, RSI)); /* bsr eax,esi */
    ENC("49 0f bc c4", x64_bsf(b, true, RAX, R12)); /* bsf rax,r12 */
    ENC("41 54", x64_push(b, R12)); /* push r12 */
    ENC("55", x64_push(b, RBP)); /* push rbp */
    ENC("5b", x64_pop(b, RBX)); /* pop rbx */
    ENC("41 5f", x64_pop(b, R15)); /* pop r15 */
    ENC("6a 00", x64_push_i8(b, 0)); /* push 0x0 */
    ENC("c9", x64_leave(b)); /* leave */
    ENC("41 ff 56 18", x64_call_m(b, x64_m(R14, 0x18))); /* call QWORD PTR [r14+0x18] */
    ENC("ff 10", x64_call_m(b, x64_m(RAX, 0))); /* call QWORD PTR [rax] */
    ENC("ff d0", x64_call_r(b, RAX)); /* call rax */
    ENC("ff e0", x64_jmp_r(b, RAX)); /* jmp rax */
    ENC("ff 20", x64_jmp_m(b, x64_m(RAX, 0))); /* jmp QWORD PTR [rax] */
    ENC("c3", x64_ret(b)); /* ret */
    ENC("0f 0b", x64_ud2(b)); /* ud2 */
    ENC("41 f6 45 20 01", x64_test_mi8(b, x64_m(R13, 0x20), 1)); /* test BYTE PTR [r13+0x20],0x1 */
    /* the atomic forms (threads): assembled by GNU as 2.40, decoded by objdump -M intel */
    ENC("41 86 54 07 07", x64_xchg_mr(b, 1, x64_mi(R15, RAX, 1, 7), RDX)); /* xchg BYTE PTR [r15+rax*1+0x7],dl */
    ENC("40 86 32", x64_xchg_mr(b, 1, x64_m(RDX, 0), RSI)); /* xchg BYTE PTR [rdx],sil */
    ENC("66 41 87 14 07", x64_xchg_mr(b, 2, x64_mi(R15, RAX, 1, 0), RDX)); /* xchg WORD PTR [r15+rax*1],dx */
    ENC("87 54 01 fc", x64_xchg_mr(b, 4, x64_mi(RCX, RAX, 1, -4), RDX)); /* xchg DWORD PTR [rcx+rax*1-0x4],edx */
    ENC("4d 87 8c 07 00 10 00 00", x64_xchg_mr(b, 8, x64_mi(R15, RAX, 1, 0x1000), R9)); /* xchg QWORD PTR [r15+rax*1+0x1000],r9 */
    ENC("f0 41 0f c0 7c 07 03", x64_lock_xadd_mr(b, 1, x64_mi(R15, RAX, 1, 3), RDI)); /* lock xadd BYTE PTR [r15+rax*1+0x3],dil */
    ENC("66 f0 44 0f c1 02", x64_lock_xadd_mr(b, 2, x64_m(RDX, 0), R8)); /* lock xadd WORD PTR [rdx],r8w */
    ENC("f0 41 0f c1 54 07 10", x64_lock_xadd_mr(b, 4, x64_mi(R15, RAX, 1, 0x10), RDX)); /* lock xadd DWORD PTR [r15+rax*1+0x10],edx */
    ENC("f0 48 0f c1 54 01 f8", x64_lock_xadd_mr(b, 8, x64_mi(RCX, RAX, 1, -8), RDX)); /* lock xadd QWORD PTR [rcx+rax*1-0x8],rdx */
    ENC("f0 0f b0 0a", x64_lock_cmpxchg_mr(b, 1, x64_m(RDX, 0), RCX)); /* lock cmpxchg BYTE PTR [rdx],cl */
    ENC("f0 44 0f b0 32", x64_lock_cmpxchg_mr(b, 1, x64_m(RDX, 0), R14)); /* lock cmpxchg BYTE PTR [rdx],r14b */
    ENC("66 f0 0f b1 32", x64_lock_cmpxchg_mr(b, 2, x64_m(RDX, 0), RSI)); /* lock cmpxchg WORD PTR [rdx],si */
    ENC("f0 44 0f b1 22", x64_lock_cmpxchg_mr(b, 4, x64_m(RDX, 0), R12)); /* lock cmpxchg DWORD PTR [rdx],r12d */
    ENC("f0 48 0f b1 0a", x64_lock_cmpxchg_mr(b, 8, x64_m(RDX, 0), RCX)); /* lock cmpxchg QWORD PTR [rdx],rcx */
    ENC("f0 4d 0f b1 9c 07 ff ff ff 7f", x64_lock_cmpxchg_mr(b, 8, x64_mi(R15, RAX, 1, 0x7fffffff), R11)); /* lock cmpxchg QWORD PTR [r15+rax*1+0x7fffffff],r11 */
    ENC("0f ae f0", x64_mfence(b)); /* mfence */
    ENC("f2 41 0f 58 c9", x64_sse_rr(b, 0xF2, 0x58, 1, 9)); /* addsd xmm1,xmm9 */
    ENC("f3 44 0f 10 63 08", x64_sse_rm(b, 0xF3, 0x10, 12, x64_m(RBX, 8))); /* movss xmm12,DWORD PTR [rbx+0x8] */
    ENC("f2 0f 11 5b 10", x64_sse_mr(b, 0xF2, 0x11, x64_m(RBX, 16), 3)); /* movsd QWORD PTR [rbx+0x10],xmm3 */
    ENC("f3 41 0f 6f 54 07 04", x64_sse_rm(b, 0xF3, 0x6F, 2, x64_mi(R15, RAX, 1, 4))); /* movdqu xmm2,XMMWORD PTR [r15+rax*1+0x4] */
    ENC("f3 44 0f 7f 53 20", x64_sse_mr(b, 0xF3, 0x7F, x64_m(RBX, 32), 10)); /* movdqu XMMWORD PTR [rbx+0x20],xmm10 */
    ENC("41 0f 28 c5", x64_sse_rr(b, 0, 0x28, 0, 13)); /* movaps xmm0,xmm13 */
    ENC("0f 57 ed", x64_sse_rr(b, 0, 0x57, 5, 5)); /* xorps xmm5,xmm5 */
    ENC("66 49 0f 6e d0", x64_sse_rr_gp(b, 0x66, 0x6E, true, 2, R8)); /* movq xmm2,r8 */
    ENC("66 0f 7e e8", x64_sse_rr_gp(b, 0x66, 0x7E, false, 5, RAX)); /* movd eax,xmm5 */
    ENC("66 4c 0f 7e df", x64_sse_rr_gp(b, 0x66, 0x7E, true, 11, RDI)); /* movq rdi,xmm11 */
    ENC("f2 48 0f 2a c0", x64_sse_rr_gp(b, 0xF2, 0x2A, true, 0, RAX)); /* cvtsi2sd xmm0,rax */
    ENC("f3 44 0f 2a f0", x64_sse_rr_gp(b, 0xF3, 0x2A, false, 14, RAX)); /* cvtsi2ss xmm14,eax */
    ENC("66 0f 2e 4b 08", x64_sse_rm(b, 0x66, 0x2E, 1, x64_m(RBX, 8))); /* ucomisd xmm1,QWORD PTR [rbx+0x8] */
    ENC("44 0f 2e f3", x64_sse_rr(b, 0, 0x2E, 14, 3)); /* ucomiss xmm14,xmm3 */
    ENC("66 0f 3a 0b ca 03", x64_sse_rri(b, 0x66, 0x3A0B, 1, 2, 3)); /* roundsd xmm1,xmm2,0x3 */
    ENC("66 45 0f 3a 0a cf 0a", x64_sse_rri(b, 0x66, 0x3A0A, 9, 15, 10)); /* roundss xmm9,xmm15,0xa */
    ENC("66 41 0f fe c7", x64_sse_rr(b, 0x66, 0xFE, 0, 15)); /* paddd xmm0,xmm15 */
    ENC("66 0f 38 00 ca", x64_sse_rr(b, 0x66, 0x3800, 1, 2)); /* pshufb xmm1,xmm2 */
    ENC("66 41 0f 6c e7", x64_sse_rr(b, 0x66, 0x6C, 4, 15)); /* punpcklqdq xmm4,xmm15 */
    ENC("f3 0f 51 dc", x64_sse_rr(b, 0xF3, 0x51, 3, 4)); /* sqrtss xmm3,xmm4 */
    ENC("f3 0f 5a c1", x64_sse_rr(b, 0xF3, 0x5A, 0, 1)); /* cvtss2sd xmm0,xmm1 */
}

TEST(jit_x64_jumps_patch) {
    x64_buf bb = {0}, *b = &bb;
    uint32_t at = x64_jcc_rel32(b, CC_E); /* 0f 84 rel32 */
    x64_ret(b);
    x64_patch_rel32(b, at, b->len);       /* to just after the ret: rel32 = 1 */
    CHECK_EQ_INT(b->len, 7);
    CHECK(b->p[0] == 0x0F && b->p[1] == 0x84 && b->p[2] == 1 && b->p[3] == 0 && b->p[6] == 0xC3);
    x64_jmp_to(b, 0);                     /* short backwards: eb f7 */
    CHECK(b->p[7] == 0xEB && b->p[8] == 0xF7);
    x64_free(&bb);
}
