/*
 * asm.c — x86-64 instruction encoding (see asm.h).  Every form goes through
 * enc(): [legacy prefix] [REX] opcode bytes, ModRM (+ SIB, displacement).
 */
#include "asm.h"

/* ---- the buffer ------------------------------------------------------------------ */
static bool room(x64_buf *b, uint32_t n) {
    if (b->oom) return false;
    if (b->len + n <= b->cap) return true;
    uint32_t cap = b->cap ? b->cap : 4096;
    while (cap < b->len + n) {
        if (cap > UINT32_MAX / 2) {
            b->oom = true;
            return false;
        }
        cap *= 2;
    }
    uint8_t *p = zw_realloc_array(b->al, b->p, cap, 1);
    if (!p) {
        b->oom = true;
        return false;
    }
    b->p = p;
    b->cap = cap;
    return true;
}

void x64_byte(x64_buf *b, uint8_t v) {
    if (room(b, 1)) b->p[b->len++] = v;
}
void x64_u32(x64_buf *b, uint32_t v) {
    if (!room(b, 4)) return;
    memcpy(b->p + b->len, &v, 4);
    b->len += 4;
}
void x64_u64(x64_buf *b, uint64_t v) {
    if (!room(b, 8)) return;
    memcpy(b->p + b->len, &v, 8);
    b->len += 8;
}
void x64_free(x64_buf *b) {
    const zw_alloc *al = b->al;
    zw_free(al, b->p);
    memset(b, 0, sizeof *b);
    b->al = al;
}

/* ---- encoding ------------------------------------------------------------------- */
/* The r/m operand of an instruction: a register or memory. */
typedef struct {
    bool mem;
    int reg;
    x64_mem m;
} rm_t;
static rm_t R(int r) { return (rm_t){false, r, {0, 0, 0, 0}}; }
static rm_t M(x64_mem m) { return (rm_t){true, 0, m}; }

static bool fits8(int32_t v) { return v >= -128 && v <= 127; }

/* [pfx] [REX] op[0..n) ModRM...: reg is the ModRM.reg field (a register or
 * an opcode extension); byte_regs: registers 4..7 as byte registers (needs
 * a REX prefix to mean SPL..DIL). */
static void enc(x64_buf *b, uint8_t pfx, bool w, bool byte_regs, const uint8_t *op, int n, int reg,
                rm_t rm) {
    if (pfx) x64_byte(b, pfx);
    uint8_t rex = 0x40 | (w ? 8 : 0) | ((reg & 8) ? 4 : 0);
    if (rm.mem) {
        if (rm.m.index != X64_NOREG && (rm.m.index & 8)) rex |= 2;
        if (rm.m.base != X64_NOREG && (rm.m.base & 8)) rex |= 1;
    } else if (rm.reg & 8) {
        rex |= 1;
    }
    bool force = byte_regs && ((reg >= 4 && reg <= 7) || (!rm.mem && rm.reg >= 4 && rm.reg <= 7));
    if (rex != 0x40 || force) x64_byte(b, rex);
    for (int i = 0; i < n; i++) x64_byte(b, op[i]);
    uint8_t r3 = (uint8_t)((reg & 7) << 3);
    if (!rm.mem) {
        x64_byte(b, (uint8_t)(0xC0 | r3 | (rm.reg & 7)));
        return;
    }
    x64_mem m = rm.m;
    uint8_t ss = m.scale == 8 ? 3 : m.scale == 4 ? 2 : m.scale == 2 ? 1 : 0;
    if (m.base == X64_NOREG) { /* [index*scale + disp32] or [disp32] */
        x64_byte(b, (uint8_t)(0x04 | r3));
        int idx = m.index == X64_NOREG ? 4 : (m.index & 7);
        x64_byte(b, (uint8_t)((ss << 6) | (idx << 3) | 5));
        x64_u32(b, (uint32_t)m.disp);
        return;
    }
    bool sib = m.index != X64_NOREG || (m.base & 7) == 4;
    uint8_t mod = (m.disp == 0 && (m.base & 7) != 5) ? 0 : fits8(m.disp) ? 1 : 2;
    x64_byte(b, (uint8_t)((mod << 6) | r3 | (sib ? 4 : (m.base & 7))));
    if (sib) {
        int idx = m.index == X64_NOREG ? 4 : (m.index & 7);
        x64_byte(b, (uint8_t)((ss << 6) | (idx << 3) | (m.base & 7)));
    }
    if (mod == 1) x64_byte(b, (uint8_t)(int8_t)m.disp);
    else if (mod == 2) x64_u32(b, (uint32_t)m.disp);
}
static void enc1(x64_buf *b, bool w, uint8_t op, int reg, rm_t rm) { enc(b, 0, w, false, &op, 1, reg, rm); }
static void enc2(x64_buf *b, bool w, uint8_t op0, uint8_t op1, int reg, rm_t rm) {
    uint8_t op[2] = {op0, op1};
    enc(b, 0, w, false, op, 2, reg, rm);
}

/* ---- general-purpose -------------------------------------------------------- */
void x64_alu_rr(x64_buf *b, x64_alu op, bool w64, int dst, int src) {
    enc1(b, w64, (uint8_t)(op * 8 + 1), src, R(dst)); /* op r/m, r */
}
void x64_alu_rm(x64_buf *b, x64_alu op, bool w64, int dst, x64_mem m) {
    enc1(b, w64, (uint8_t)(op * 8 + 3), dst, M(m)); /* op r, r/m */
}
void x64_alu_mr(x64_buf *b, x64_alu op, bool w64, x64_mem m, int src) {
    enc1(b, w64, (uint8_t)(op * 8 + 1), src, M(m));
}
void x64_alu_ri(x64_buf *b, x64_alu op, bool w64, int dst, int32_t imm) {
    if (fits8(imm)) {
        enc1(b, w64, 0x83, op, R(dst));
        x64_byte(b, (uint8_t)(int8_t)imm);
    } else {
        enc1(b, w64, 0x81, op, R(dst));
        x64_u32(b, (uint32_t)imm);
    }
}
void x64_alu_mi(x64_buf *b, x64_alu op, bool w64, x64_mem m, int32_t imm) {
    if (fits8(imm)) {
        enc1(b, w64, 0x83, op, M(m));
        x64_byte(b, (uint8_t)(int8_t)imm);
    } else {
        enc1(b, w64, 0x81, op, M(m));
        x64_u32(b, (uint32_t)imm);
    }
}
void x64_test_rr(x64_buf *b, bool w64, int a, int c) { enc1(b, w64, 0x85, c, R(a)); }
void x64_test_ri(x64_buf *b, bool w64, int a, int32_t imm) {
    enc1(b, w64, 0xF7, 0, R(a));
    x64_u32(b, (uint32_t)imm);
}
void x64_test_mi8(x64_buf *b, x64_mem m, uint8_t imm) {
    enc1(b, false, 0xF6, 0, M(m));
    x64_byte(b, imm);
}

void x64_mov_rr(x64_buf *b, bool w64, int dst, int src) { enc1(b, w64, 0x89, src, R(dst)); }
void x64_mov_ri(x64_buf *b, int dst, uint64_t imm) {
    if (imm == 0) {
        x64_alu_rr(b, ALU_XOR, false, dst, dst);
    } else if (imm <= UINT32_MAX) { /* mov r32, imm32 (zero-extends) */
        if (dst & 8) x64_byte(b, 0x41);
        x64_byte(b, (uint8_t)(0xB8 + (dst & 7)));
        x64_u32(b, (uint32_t)imm);
    } else if ((int64_t)imm >= INT32_MIN && (int64_t)imm <= INT32_MAX) { /* sign-extended imm32 */
        enc1(b, true, 0xC7, 0, R(dst));
        x64_u32(b, (uint32_t)imm);
    } else { /* movabs */
        x64_byte(b, (uint8_t)(0x48 | ((dst & 8) ? 1 : 0)));
        x64_byte(b, (uint8_t)(0xB8 + (dst & 7)));
        x64_u64(b, imm);
    }
}
void x64_mov_rm(x64_buf *b, bool w64, int dst, x64_mem m) { enc1(b, w64, 0x8B, dst, M(m)); }
void x64_mov_mr(x64_buf *b, bool w64, x64_mem m, int src) { enc1(b, w64, 0x89, src, M(m)); }
void x64_mov_mi(x64_buf *b, bool w64, x64_mem m, int32_t imm) {
    enc1(b, w64, 0xC7, 0, M(m));
    x64_u32(b, (uint32_t)imm);
}
void x64_movzx8_rm(x64_buf *b, int dst, x64_mem m) { enc2(b, false, 0x0F, 0xB6, dst, M(m)); }
void x64_movzx16_rm(x64_buf *b, int dst, x64_mem m) { enc2(b, false, 0x0F, 0xB7, dst, M(m)); }
void x64_movsx8_rm(x64_buf *b, bool w64, int dst, x64_mem m) { enc2(b, w64, 0x0F, 0xBE, dst, M(m)); }
void x64_movsx16_rm(x64_buf *b, bool w64, int dst, x64_mem m) { enc2(b, w64, 0x0F, 0xBF, dst, M(m)); }
void x64_movsxd_rm(x64_buf *b, int dst, x64_mem m) { enc1(b, true, 0x63, dst, M(m)); }
void x64_movsxd_rr(x64_buf *b, int dst, int src) { enc1(b, true, 0x63, dst, R(src)); }
void x64_movzx8_rr(x64_buf *b, int dst, int src) {
    uint8_t op[2] = {0x0F, 0xB6};
    enc(b, 0, false, true, op, 2, dst, R(src));
}
void x64_movzx16_rr(x64_buf *b, int dst, int src) { enc2(b, false, 0x0F, 0xB7, dst, R(src)); }
void x64_movsx8_rr(x64_buf *b, bool w64, int dst, int src) {
    uint8_t op[2] = {0x0F, 0xBE};
    enc(b, 0, w64, true, op, 2, dst, R(src));
}
void x64_movsx16_rr(x64_buf *b, bool w64, int dst, int src) { enc2(b, w64, 0x0F, 0xBF, dst, R(src)); }
void x64_mov8_mr(x64_buf *b, x64_mem m, int src) {
    uint8_t op = 0x88;
    enc(b, 0, false, true, &op, 1, src, M(m));
}
void x64_mov16_mr(x64_buf *b, x64_mem m, int src) {
    uint8_t op = 0x89;
    enc(b, 0x66, false, false, &op, 1, src, M(m));
}
void x64_lea(x64_buf *b, bool w64, int dst, x64_mem m) { enc1(b, w64, 0x8D, dst, M(m)); }
/* [66] [F0] [REX] op: the byte form is op, the others op + 1 */
static void enc_atomic(x64_buf *b, bool lock, uint32_t n, const uint8_t *op, int nop, x64_mem m, int r) {
    uint8_t o[2] = {op[0], op[1]};
    o[nop - 1] = (uint8_t)(o[nop - 1] + (n != 1));
    if (n == 2) x64_byte(b, 0x66);
    if (lock) x64_byte(b, 0xF0);
    enc(b, 0, n == 8, n == 1, o, nop, r, M(m));
}
void x64_xchg_mr(x64_buf *b, uint32_t n, x64_mem m, int r) {
    static const uint8_t op[2] = {0x86, 0};
    enc_atomic(b, false, n, op, 1, m, r);
}
void x64_lock_xadd_mr(x64_buf *b, uint32_t n, x64_mem m, int r) {
    static const uint8_t op[2] = {0x0F, 0xC0};
    enc_atomic(b, true, n, op, 2, m, r);
}
void x64_lock_cmpxchg_mr(x64_buf *b, uint32_t n, x64_mem m, int r) {
    static const uint8_t op[2] = {0x0F, 0xB0};
    enc_atomic(b, true, n, op, 2, m, r);
}
void x64_mfence(x64_buf *b) {
    x64_byte(b, 0x0F);
    x64_byte(b, 0xAE);
    x64_byte(b, 0xF0);
}

void x64_imul_rr(x64_buf *b, bool w64, int dst, int src) { enc2(b, w64, 0x0F, 0xAF, dst, R(src)); }
void x64_imul_rri(x64_buf *b, bool w64, int dst, int src, int32_t imm) {
    if (fits8(imm)) {
        enc1(b, w64, 0x6B, dst, R(src));
        x64_byte(b, (uint8_t)(int8_t)imm);
    } else {
        enc1(b, w64, 0x69, dst, R(src));
        x64_u32(b, (uint32_t)imm);
    }
}
void x64_grp3_r(x64_buf *b, x64_grp3 op, bool w64, int r) { enc1(b, w64, 0xF7, op, R(r)); }
void x64_cdq(x64_buf *b, bool w64) {
    if (w64) x64_byte(b, 0x48);
    x64_byte(b, 0x99);
}
void x64_shift_cl(x64_buf *b, x64_shift op, bool w64, int r) { enc1(b, w64, 0xD3, op, R(r)); }
void x64_shift_ri(x64_buf *b, x64_shift op, bool w64, int r, uint8_t imm) {
    enc1(b, w64, 0xC1, op, R(r));
    x64_byte(b, imm);
}
void x64_setcc(x64_buf *b, x64_cc cc, int r8) {
    uint8_t op[2] = {0x0F, (uint8_t)(0x90 + cc)};
    enc(b, 0, false, true, op, 2, 0, R(r8));
}
void x64_cmov(x64_buf *b, x64_cc cc, bool w64, int dst, int src) {
    enc2(b, w64, 0x0F, (uint8_t)(0x40 + cc), dst, R(src));
}
void x64_bitcount(x64_buf *b, uint8_t op, bool w64, int dst, int src) {
    uint8_t ops[2] = {0x0F, op};
    enc(b, 0xF3, w64, false, ops, 2, dst, R(src));
}
void x64_bsr(x64_buf *b, bool w64, int dst, int src) { enc2(b, w64, 0x0F, 0xBD, dst, R(src)); }
void x64_bsf(x64_buf *b, bool w64, int dst, int src) { enc2(b, w64, 0x0F, 0xBC, dst, R(src)); }
void x64_push(x64_buf *b, int r) {
    if (r & 8) x64_byte(b, 0x41);
    x64_byte(b, (uint8_t)(0x50 + (r & 7)));
}
void x64_push_i8(x64_buf *b, int8_t imm) {
    x64_byte(b, 0x6A);
    x64_byte(b, (uint8_t)imm);
}
void x64_leave(x64_buf *b) { x64_byte(b, 0xC9); }
void x64_pop(x64_buf *b, int r) {
    if (r & 8) x64_byte(b, 0x41);
    x64_byte(b, (uint8_t)(0x58 + (r & 7)));
}

/* ---- control ------------------------------------------------------------------ */
uint32_t x64_jmp_rel32(x64_buf *b) {
    x64_byte(b, 0xE9);
    uint32_t at = b->len;
    x64_u32(b, 0);
    return at;
}
uint32_t x64_jcc_rel32(x64_buf *b, x64_cc cc) {
    x64_byte(b, 0x0F);
    x64_byte(b, (uint8_t)(0x80 + cc));
    uint32_t at = b->len;
    x64_u32(b, 0);
    return at;
}
uint32_t x64_call_rel32(x64_buf *b) {
    x64_byte(b, 0xE8);
    uint32_t at = b->len;
    x64_u32(b, 0);
    return at;
}
void x64_patch_rel32(x64_buf *b, uint32_t at, uint32_t target) {
    if (b->oom || at + 4 > b->len) return;
    int32_t rel = (int32_t)(target - (at + 4));
    memcpy(b->p + at, &rel, 4);
}
void x64_jmp_to(x64_buf *b, uint32_t target) {
    int32_t rel8 = (int32_t)(target - (b->len + 2));
    if (fits8(rel8)) {
        x64_byte(b, 0xEB);
        x64_byte(b, (uint8_t)(int8_t)rel8);
        return;
    }
    x64_patch_rel32(b, x64_jmp_rel32(b), target);
}
void x64_jcc_to(x64_buf *b, x64_cc cc, uint32_t target) {
    int32_t rel8 = (int32_t)(target - (b->len + 2));
    if (fits8(rel8)) {
        x64_byte(b, (uint8_t)(0x70 + cc));
        x64_byte(b, (uint8_t)(int8_t)rel8);
        return;
    }
    x64_patch_rel32(b, x64_jcc_rel32(b, cc), target);
}
void x64_call_r(x64_buf *b, int r) { enc1(b, false, 0xFF, 2, R(r)); }
void x64_call_m(x64_buf *b, x64_mem m) { enc1(b, false, 0xFF, 2, M(m)); }
void x64_jmp_r(x64_buf *b, int r) { enc1(b, false, 0xFF, 4, R(r)); }
void x64_jmp_m(x64_buf *b, x64_mem m) { enc1(b, false, 0xFF, 4, M(m)); }
void x64_ret(x64_buf *b) { x64_byte(b, 0xC3); }
void x64_ud2(x64_buf *b) {
    x64_byte(b, 0x0F);
    x64_byte(b, 0x0B);
}
void x64_int3(x64_buf *b) { x64_byte(b, 0xCC); }
uint32_t x64_lea_rip(x64_buf *b, int dst) {
    x64_byte(b, (uint8_t)(0x48 | ((dst & 8) ? 4 : 0)));
    x64_byte(b, 0x8D);
    x64_byte(b, (uint8_t)(0x05 | ((dst & 7) << 3)));
    uint32_t at = b->len;
    x64_u32(b, 0);
    return at;
}

/* ---- SSE ------------------------------------------------------------------------ */
/* The opcode bytes of an SSE op: 0F op, 0F 38 op, 0F 3A op. */
static int sse_op(uint16_t op, uint8_t *out) {
    out[0] = 0x0F;
    if ((op & 0xFF00) == 0x3800 || (op & 0xFF00) == 0x3A00) {
        out[1] = (uint8_t)(op >> 8);
        out[2] = (uint8_t)op;
        return 3;
    }
    out[1] = (uint8_t)op;
    return 2;
}
void x64_sse_rr(x64_buf *b, uint8_t prefix, uint16_t op, int dst, int src) {
    uint8_t o[3];
    int n = sse_op(op, o);
    enc(b, prefix, false, false, o, n, dst, R(src));
}
void x64_sse_rm(x64_buf *b, uint8_t prefix, uint16_t op, int dst, x64_mem m) {
    uint8_t o[3];
    int n = sse_op(op, o);
    enc(b, prefix, false, false, o, n, dst, M(m));
}
void x64_sse_rri(x64_buf *b, uint8_t prefix, uint16_t op, int dst, int src, uint8_t imm) {
    x64_sse_rr(b, prefix, op, dst, src);
    x64_byte(b, imm);
}
void x64_sse_rmi(x64_buf *b, uint8_t prefix, uint16_t op, int dst, x64_mem m, uint8_t imm) {
    x64_sse_rm(b, prefix, op, dst, m);
    x64_byte(b, imm);
}
void x64_sse_rr_gp(x64_buf *b, uint8_t prefix, uint16_t op, bool w64, int reg, int rm) {
    uint8_t o[3];
    int n = sse_op(op, o);
    enc(b, prefix, w64, false, o, n, reg, R(rm));
}
void x64_sse_mr(x64_buf *b, uint8_t prefix, uint16_t op, x64_mem m, int src) {
    uint8_t o[3];
    int n = sse_op(op, o);
    enc(b, prefix, false, false, o, n, src, M(m));
}
