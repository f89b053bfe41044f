/*
 * asm.c — the AArch64 assembler (see asm.h): every A64 instruction is one
 * 32-bit word, built here from its class's fixed bits and its fields.
 */
#include "asm.h"

/* ---- the buffer -------------------------------------------------------------- */
void a64_word(a64_buf *b, uint32_t w) {
    if (b->oom) return;
    if (b->len == b->cap) {
        uint32_t nc = b->cap ? b->cap * 2 : 256;
        uint32_t *p = zw_realloc_array(b->al, b->p, nc, sizeof *p);
        if (!p) {
            b->oom = true;
            return;
        }
        b->p = p;
        b->cap = nc;
    }
    b->p[b->len++] = w;
}

void a64_free(a64_buf *b) {
    const zw_alloc *al = b->al;
    zw_free(al, b->p);
    memset(b, 0, sizeof *b);
    b->al = al;
}

#define R(x) ((uint32_t)(x) & 31u)
#define SF(w64) ((w64) ? 0x80000000u : 0u)

/* ---- integer arithmetic and logic ------------------------------------------ */
void a64_arith_rr(a64_buf *b, a64_arith op, bool w64, int d, int n, int m, unsigned lsl) {
    a64_word(b, 0x0B000000u | SF(w64) | (uint32_t)op << 29 | R(m) << 16 | (lsl & 63u) << 10 | R(n) << 5 | R(d));
}

void a64_arith_ri(a64_buf *b, a64_arith op, bool w64, int d, int n, uint32_t imm12, bool shift12) {
    a64_word(b, 0x11000000u | SF(w64) | (uint32_t)op << 29 | (shift12 ? 1u << 22 : 0) | (imm12 & 0xFFFu) << 10 |
                    R(n) << 5 | R(d));
}

void a64_arith_rx(a64_buf *b, a64_arith op, int d, int n, int m, bool sign) {
    uint32_t option = sign ? 6 : 2; /* SXTW, UXTW */
    a64_word(b, 0x8B200000u | (uint32_t)op << 29 | R(m) << 16 | option << 13 | R(n) << 5 | R(d));
}

void a64_logic_rr(a64_buf *b, a64_logic op, bool w64, int d, int n, int m) {
    a64_word(b, 0x0A000000u | SF(w64) | ((uint32_t)op & 3u) << 29 | ((uint32_t)op >> 2) << 21 | R(m) << 16 |
                    R(n) << 5 | R(d));
}

bool a64_logic_imm(uint64_t v, bool w64, uint32_t *fields) {
    if (!w64) {
        v &= 0xFFFFFFFFu;
        v |= v << 32;
    }
    if (v == 0 || v == ~(uint64_t)0) return false;
    unsigned e = 64; /* the element size: the smallest whose repetition is v */
    while (e > 2) {
        unsigned h = e / 2;
        uint64_t m = ((uint64_t)1 << h) - 1;
        if ((v & m) != ((v >> h) & m)) break;
        e = h;
    }
    uint64_t mask = e == 64 ? ~(uint64_t)0 : ((uint64_t)1 << e) - 1, p = v & mask;
    unsigned k = (unsigned)__builtin_popcountll(p);
    uint64_t ones = ((uint64_t)1 << k) - 1; /* k < e */
    for (unsigned r = 0; r < e; r++) { /* p is ones rotated right by r */
        uint64_t rol = r ? ((p << r) | (p >> (e - r))) & mask : p;
        if (rol == ones) {
            uint32_t n = e == 64, imms = ((~(e - 1) << 1) | (k - 1)) & 0x3Fu;
            *fields = n << 12 | r << 6 | imms;
            return true;
        }
    }
    return false;
}

void a64_logic_ri(a64_buf *b, a64_logic op, bool w64, int d, int n, uint64_t v) {
    uint32_t f = 0;
    if (!a64_logic_imm(v, w64, &f)) { /* (the caller checks first) */
        b->oom = true;
        return;
    }
    a64_word(b, 0x12000000u | SF(w64) | ((uint32_t)op & 3u) << 29 | f << 10 | R(n) << 5 | R(d));
}

void a64_mov_rr(a64_buf *b, bool w64, int d, int m) { a64_logic_rr(b, A64_ORR, w64, d, A64_ZR, m); }
void a64_mov_sp(a64_buf *b, int d, int n) { a64_arith_ri(b, A64_ADD, true, d, n, 0, false); }

static void movw(a64_buf *b, uint32_t base, bool w64, int d, uint16_t imm16, unsigned hw) {
    a64_word(b, base | SF(w64) | (hw & 3u) << 21 | (uint32_t)imm16 << 5 | R(d));
}
void a64_movz(a64_buf *b, bool w64, int d, uint16_t imm16, unsigned hw) { movw(b, 0x52800000u, w64, d, imm16, hw); }
void a64_movn(a64_buf *b, bool w64, int d, uint16_t imm16, unsigned hw) { movw(b, 0x12800000u, w64, d, imm16, hw); }
void a64_movk(a64_buf *b, bool w64, int d, uint16_t imm16, unsigned hw) { movw(b, 0x72800000u, w64, d, imm16, hw); }

void a64_mov_imm(a64_buf *b, bool w64, int d, uint64_t v) {
    unsigned nh = w64 ? 4 : 2, zero = 0, ffff = 0;
    if (!w64) v &= 0xFFFFFFFFu;
    for (unsigned i = 0; i < nh; i++) {
        uint16_t h = (uint16_t)(v >> (16 * i));
        zero += h == 0;
        ffff += h == 0xFFFF;
    }
    uint32_t f;
    if (zero < nh - 1 && ffff < nh - 1 && a64_logic_imm(v, w64, &f)) {
        a64_logic_ri(b, A64_ORR, w64, d, A64_ZR, v);
        return;
    }
    bool inv = ffff > zero; /* MOVN, then MOVK the halves that are not 0xFFFF */
    uint16_t skip = inv ? 0xFFFF : 0;
    bool first = true;
    for (unsigned i = 0; i < nh; i++) {
        uint16_t h = (uint16_t)(v >> (16 * i));
        if (h == skip) continue;
        if (first) {
            if (inv) a64_movn(b, w64, d, (uint16_t)~h, i);
            else a64_movz(b, w64, d, h, i);
            first = false;
        } else {
            a64_movk(b, w64, d, h, i);
        }
    }
    if (first) { /* every half the same: 0 or all ones */
        if (inv) a64_movn(b, w64, d, 0, 0);
        else a64_movz(b, w64, d, 0, 0);
    }
}

void a64_dp2(a64_buf *b, a64_dp2_op op, bool w64, int d, int n, int m) {
    a64_word(b, 0x1AC00000u | SF(w64) | R(m) << 16 | (uint32_t)op << 10 | R(n) << 5 | R(d));
}

void a64_madd(a64_buf *b, bool w64, int d, int n, int m, int a) {
    a64_word(b, 0x1B000000u | SF(w64) | R(m) << 16 | R(a) << 10 | R(n) << 5 | R(d));
}
void a64_msub(a64_buf *b, bool w64, int d, int n, int m, int a) {
    a64_word(b, 0x1B008000u | SF(w64) | R(m) << 16 | R(a) << 10 | R(n) << 5 | R(d));
}
void a64_umulh(a64_buf *b, int d, int n, int m) { a64_word(b, 0x9BC07C00u | R(m) << 16 | R(n) << 5 | R(d)); }
void a64_smulh(a64_buf *b, int d, int n, int m) { a64_word(b, 0x9B407C00u | R(m) << 16 | R(n) << 5 | R(d)); }

static void bfm(a64_buf *b, uint32_t base, bool w64, int d, int n, unsigned immr, unsigned imms) {
    a64_word(b, base | SF(w64) | (w64 ? 1u << 22 : 0) | (immr & 63u) << 16 | (imms & 63u) << 10 | R(n) << 5 | R(d));
}
void a64_ubfm(a64_buf *b, bool w64, int d, int n, unsigned immr, unsigned imms) { bfm(b, 0x53000000u, w64, d, n, immr, imms); }
void a64_sbfm(a64_buf *b, bool w64, int d, int n, unsigned immr, unsigned imms) { bfm(b, 0x13000000u, w64, d, n, immr, imms); }
void a64_extr(a64_buf *b, bool w64, int d, int n, int m, unsigned lsb) {
    a64_word(b, 0x13800000u | SF(w64) | (w64 ? 1u << 22 : 0) | R(m) << 16 | (lsb & 63u) << 10 | R(n) << 5 | R(d));
}
void a64_lsl_ri(a64_buf *b, bool w64, int d, int n, unsigned sh) {
    unsigned size = w64 ? 64 : 32;
    sh &= size - 1;
    a64_ubfm(b, w64, d, n, (size - sh) & (size - 1), size - 1 - sh);
}
void a64_lsr_ri(a64_buf *b, bool w64, int d, int n, unsigned sh) { a64_ubfm(b, w64, d, n, sh, w64 ? 63 : 31); }
void a64_asr_ri(a64_buf *b, bool w64, int d, int n, unsigned sh) { a64_sbfm(b, w64, d, n, sh, w64 ? 63 : 31); }

void a64_dp1(a64_buf *b, a64_dp1_op op, bool w64, int d, int n) {
    uint32_t opc = op == A64_REV && w64 ? 3u : (uint32_t)op;
    a64_word(b, 0x5AC00000u | SF(w64) | opc << 10 | R(n) << 5 | R(d));
}

void a64_csel(a64_buf *b, a64_csel_op op, bool w64, int d, int n, int m, a64_cc cc) {
    a64_word(b, 0x1A800000u | SF(w64) | ((uint32_t)op >> 1) << 30 | ((uint32_t)op & 1u) << 10 | R(m) << 16 |
                    (uint32_t)cc << 12 | R(n) << 5 | R(d));
}
void a64_cset(a64_buf *b, bool w64, int d, a64_cc cc) { a64_csel(b, A64_CSINC, w64, d, A64_ZR, A64_ZR, a64_cc_not(cc)); }

/* ---- loads and stores ----------------------------------------------------- */
/* The unsigned-offset form of each op, and its size as a shift. */
static const uint32_t ldst_ui[] = {
    [A64_STRB] = 0x39000000u,  [A64_LDRB] = 0x39400000u,  [A64_LDRSB_X] = 0x39800000u, [A64_LDRSB_W] = 0x39C00000u,
    [A64_STRH] = 0x79000000u,  [A64_LDRH] = 0x79400000u,  [A64_LDRSH_X] = 0x79800000u, [A64_LDRSH_W] = 0x79C00000u,
    [A64_STR_W] = 0xB9000000u, [A64_LDR_W] = 0xB9400000u, [A64_LDRSW] = 0xB9800000u,
    [A64_STR_X] = 0xF9000000u, [A64_LDR_X] = 0xF9400000u,
    [A64_STR_S] = 0xBD000000u, [A64_LDR_S] = 0xBD400000u, [A64_STR_D] = 0xFD000000u, [A64_LDR_D] = 0xFD400000u,
    [A64_STR_Q] = 0x3D800000u, [A64_LDR_Q] = 0x3DC00000u,
};
static const uint8_t ldst_shift[] = {
    [A64_STRB] = 0,  [A64_LDRB] = 0,  [A64_LDRSB_X] = 0, [A64_LDRSB_W] = 0,
    [A64_STRH] = 1,  [A64_LDRH] = 1,  [A64_LDRSH_X] = 1, [A64_LDRSH_W] = 1,
    [A64_STR_W] = 2, [A64_LDR_W] = 2, [A64_LDRSW] = 2,
    [A64_STR_X] = 3, [A64_LDR_X] = 3,
    [A64_STR_S] = 2, [A64_LDR_S] = 2, [A64_STR_D] = 3, [A64_LDR_D] = 3, [A64_STR_Q] = 4, [A64_LDR_Q] = 4,
};

unsigned a64_ldst_size(a64_ldst op) { return 1u << ldst_shift[op]; }

void a64_ldst_ui(a64_buf *b, a64_ldst op, int t, int n, uint32_t off) {
    a64_word(b, ldst_ui[op] | ((off >> ldst_shift[op]) & 0xFFFu) << 10 | R(n) << 5 | R(t));
}

void a64_ldst_u9(a64_buf *b, a64_ldst op, int t, int n, int32_t off) {
    a64_word(b, (ldst_ui[op] & ~0x01000000u) | ((uint32_t)off & 0x1FFu) << 12 | R(n) << 5 | R(t));
}

void a64_ldst_rr(a64_buf *b, a64_ldst op, int t, int n, int m, bool uxtw) {
    uint32_t option = uxtw ? 2 : 3; /* UXTW, LSL (no shift: S = 0) */
    a64_word(b, (ldst_ui[op] & ~0x01000000u) | 0x00200800u | R(m) << 16 | option << 13 | R(n) << 5 | R(t));
}

static void pair(a64_buf *b, bool load, a64_pair mode, int t1, int t2, int n, int32_t off) {
    a64_word(b, 0xA8000000u | (uint32_t)mode << 23 | (load ? 1u << 22 : 0) | ((uint32_t)(off / 8) & 0x7Fu) << 15 |
                    R(t2) << 10 | R(n) << 5 | R(t1));
}
void a64_stp(a64_buf *b, a64_pair mode, int t1, int t2, int n, int32_t off) { pair(b, false, mode, t1, t2, n, off); }
void a64_ldp(a64_buf *b, a64_pair mode, int t1, int t2, int n, int32_t off) { pair(b, true, mode, t1, t2, n, off); }

/* ---- atomics (threads) ------------------------------------------------------- */
#define SIZE(size) (((uint32_t)(size) & 3u) << 30)
/* the load/store exclusive and acquire/release class: Rs and Rt2 unused (31) but STLXR's Rs */
void a64_ldar(a64_buf *b, unsigned size, int t, int n) { a64_word(b, 0x08DFFC00u | SIZE(size) | R(n) << 5 | R(t)); }
void a64_stlr(a64_buf *b, unsigned size, int t, int n) { a64_word(b, 0x089FFC00u | SIZE(size) | R(n) << 5 | R(t)); }
void a64_ldaxr(a64_buf *b, unsigned size, int t, int n) { a64_word(b, 0x085FFC00u | SIZE(size) | R(n) << 5 | R(t)); }
void a64_stlxr(a64_buf *b, unsigned size, int s, int t, int n) {
    a64_word(b, 0x0800FC00u | SIZE(size) | R(s) << 16 | R(n) << 5 | R(t));
}
void a64_lse_al(a64_buf *b, a64_lse_op op, unsigned size, int s, int t, int n) {
    a64_word(b, 0x38E00000u | SIZE(size) | R(s) << 16 | ((uint32_t)op >> 3) << 15 | ((uint32_t)op & 7u) << 12 |
                    R(n) << 5 | R(t));
}
void a64_casal(a64_buf *b, unsigned size, int s, int t, int n) {
    a64_word(b, 0x08E0FC00u | SIZE(size) | R(s) << 16 | R(n) << 5 | R(t));
}
void a64_dmb_ish(a64_buf *b) { a64_word(b, 0xD5033BBFu); }
#undef SIZE

/* ---- branches ------------------------------------------------------------- */
static uint32_t emit_at(a64_buf *b, uint32_t w) {
    uint32_t at = b->len;
    a64_word(b, w);
    return at;
}
uint32_t a64_b(a64_buf *b, int32_t off) { return emit_at(b, 0x14000000u | ((uint32_t)(off >> 2) & 0x3FFFFFFu)); }
uint32_t a64_bl(a64_buf *b, int32_t off) { return emit_at(b, 0x94000000u | ((uint32_t)(off >> 2) & 0x3FFFFFFu)); }
uint32_t a64_bcond(a64_buf *b, a64_cc cc, int32_t off) {
    return emit_at(b, 0x54000000u | ((uint32_t)(off >> 2) & 0x7FFFFu) << 5 | (uint32_t)cc);
}
uint32_t a64_cbz(a64_buf *b, bool w64, int t, int32_t off) {
    return emit_at(b, 0x34000000u | SF(w64) | ((uint32_t)(off >> 2) & 0x7FFFFu) << 5 | R(t));
}
uint32_t a64_cbnz(a64_buf *b, bool w64, int t, int32_t off) {
    return emit_at(b, 0x35000000u | SF(w64) | ((uint32_t)(off >> 2) & 0x7FFFFu) << 5 | R(t));
}
static uint32_t tb(a64_buf *b, uint32_t base, int t, unsigned bit, int32_t off) {
    return emit_at(b, base | ((bit >> 5) & 1u) << 31 | (bit & 31u) << 19 | ((uint32_t)(off >> 2) & 0x3FFFu) << 5 | R(t));
}
uint32_t a64_tbz(a64_buf *b, int t, unsigned bit, int32_t off) { return tb(b, 0x36000000u, t, bit, off); }
uint32_t a64_tbnz(a64_buf *b, int t, unsigned bit, int32_t off) { return tb(b, 0x37000000u, t, bit, off); }

bool a64_patch(a64_buf *b, uint32_t at, uint32_t target) {
    if (b->oom || at >= b->len) return false;
    int64_t d = (int64_t)target - (int64_t)at; /* in words */
    uint32_t w = b->p[at];
    if ((w & 0x7C000000u) == 0x14000000u) { /* B, BL: imm26 */
        if (d < -(1 << 25) || d >= (1 << 25)) return false;
        b->p[at] = (w & 0xFC000000u) | ((uint32_t)d & 0x3FFFFFFu);
    } else if ((w & 0xFF000010u) == 0x54000000u || (w & 0x7E000000u) == 0x34000000u) { /* B.cond, CBZ/CBNZ: imm19 */
        if (d < -(1 << 18) || d >= (1 << 18)) return false;
        b->p[at] = (w & ~(0x7FFFFu << 5)) | ((uint32_t)d & 0x7FFFFu) << 5;
    } else if ((w & 0x7E000000u) == 0x36000000u) { /* TBZ/TBNZ: imm14 */
        if (d < -(1 << 13) || d >= (1 << 13)) return false;
        b->p[at] = (w & ~(0x3FFFu << 5)) | ((uint32_t)d & 0x3FFFu) << 5;
    } else if ((w & 0x9F000000u) == 0x10000000u) { /* ADR: imm21 in bytes */
        d *= 4;
        if (d < -(1 << 20) || d >= (1 << 20)) return false;
        b->p[at] = (w & 0x9F00001Fu) | ((uint32_t)d & 3u) << 29 | (((uint32_t)d >> 2) & 0x7FFFFu) << 5;
    } else {
        return false;
    }
    return true;
}

void a64_br(a64_buf *b, int n) { a64_word(b, 0xD61F0000u | R(n) << 5); }
void a64_blr(a64_buf *b, int n) { a64_word(b, 0xD63F0000u | R(n) << 5); }
void a64_ret(a64_buf *b) { a64_word(b, 0xD65F03C0u); }
void a64_brk(a64_buf *b, uint16_t imm) { a64_word(b, 0xD4200000u | (uint32_t)imm << 5); }
void a64_nop(a64_buf *b) { a64_word(b, 0xD503201Fu); }

/* ---- floating point (scalar) ---------------------------------------------- */
#define FTYPE(dbl) ((dbl) ? 1u << 22 : 0u)
void a64_fop2(a64_buf *b, a64_fop2_op op, bool dbl, int d, int n, int m) {
    a64_word(b, 0x1E200800u | FTYPE(dbl) | R(m) << 16 | (uint32_t)op << 12 | R(n) << 5 | R(d));
}
void a64_fop1(a64_buf *b, a64_fop1_op op, bool dbl, int d, int n) {
    a64_word(b, 0x1E204000u | FTYPE(dbl) | (uint32_t)op << 15 | R(n) << 5 | R(d));
}
void a64_fcmp(a64_buf *b, bool dbl, int n, int m) { a64_word(b, 0x1E202000u | FTYPE(dbl) | R(m) << 16 | R(n) << 5); }
void a64_fmov_to_fp(a64_buf *b, bool dbl, int d, int n) {
    a64_word(b, (dbl ? 0x9E670000u : 0x1E270000u) | R(n) << 5 | R(d));
}
void a64_fmov_from_fp(a64_buf *b, bool dbl, int d, int n) {
    a64_word(b, (dbl ? 0x9E660000u : 0x1E260000u) | R(n) << 5 | R(d));
}
void a64_cvtf(a64_buf *b, bool sgn, bool w64, bool dbl, int d, int n) {
    a64_word(b, (sgn ? 0x1E220000u : 0x1E230000u) | SF(w64) | FTYPE(dbl) | R(n) << 5 | R(d));
}
void a64_fcvtz(a64_buf *b, bool sgn, bool w64, bool dbl, int d, int n) {
    a64_word(b, (sgn ? 0x1E380000u : 0x1E390000u) | SF(w64) | FTYPE(dbl) | R(n) << 5 | R(d));
}

/* ---- vector (NEON) ---------------------------------------------------------- */
void a64_vmov(a64_buf *b, int d, int n) { a64_word(b, 0x4EA01C00u | R(n) << 16 | R(n) << 5 | R(d)); }
void a64_ins_d1(a64_buf *b, int d, int n) { a64_word(b, 0x4E181C00u | R(n) << 5 | R(d)); }
void a64_umov_d1(a64_buf *b, int d, int n) { a64_word(b, 0x4E183C00u | R(n) << 5 | R(d)); }
void a64_cnt8b(a64_buf *b, int d, int n) { a64_word(b, 0x0E205800u | R(n) << 5 | R(d)); }
void a64_addv8b(a64_buf *b, int d, int n) { a64_word(b, 0x0E31B800u | R(n) << 5 | R(d)); }

void a64_v3(a64_buf *b, a64_v3_op op, unsigned size, int d, int n, int m) {
    a64_word(b, (uint32_t)op | size << 22 | R(m) << 16 | R(n) << 5 | R(d));
}
void a64_v2(a64_buf *b, a64_v2_op op, unsigned size, int d, int n) {
    a64_word(b, (uint32_t)op | size << 22 | R(n) << 5 | R(d));
}
/* imm5: the lane size (its lowest set bit) and index above it */
static uint32_t imm5(unsigned size, unsigned i) { return ((i << (size + 1)) | 1u << size) << 16; }
void a64_dup_gp(a64_buf *b, unsigned size, int d, int n) { a64_word(b, 0x4E000C00u | imm5(size, 0) | R(n) << 5 | R(d)); }
void a64_dup_lane(a64_buf *b, unsigned size, int d, int n, unsigned i) {
    a64_word(b, 0x4E000400u | imm5(size, i) | R(n) << 5 | R(d));
}
void a64_mov_lane_to_fp(a64_buf *b, unsigned size, int d, int n, unsigned i) {
    a64_word(b, 0x5E000400u | imm5(size, i) | R(n) << 5 | R(d));
}
void a64_umov(a64_buf *b, unsigned size, int d, int n, unsigned i) {
    a64_word(b, (size == 3 ? 0x4E003C00u : 0x0E003C00u) | imm5(size, i) | R(n) << 5 | R(d));
}
void a64_smov(a64_buf *b, unsigned size, int d, int n, unsigned i) {
    a64_word(b, 0x0E002C00u | imm5(size, i) | R(n) << 5 | R(d));
}
void a64_ins_gp(a64_buf *b, unsigned size, int d, unsigned i, int n) {
    a64_word(b, 0x4E001C00u | imm5(size, i) | R(n) << 5 | R(d));
}
void a64_ins_lane(a64_buf *b, unsigned size, int d, unsigned i, int n, unsigned j) {
    a64_word(b, 0x6E000400u | imm5(size, i) | (j << size) << 11 | R(n) << 5 | R(d));
}
void a64_tbl(a64_buf *b, int d, int n, int m) { a64_word(b, 0x4E000000u | R(m) << 16 | R(n) << 5 | R(d)); }
void a64_smull(a64_buf *b, bool hi, unsigned size, int d, int n, int m) {
    a64_word(b, (hi ? 0x4E20C000u : 0x0E20C000u) | size << 22 | R(m) << 16 | R(n) << 5 | R(d));
}

/* ---- addresses -------------------------------------------------------------- */
uint32_t a64_adr(a64_buf *b, int d, int32_t off) {
    return emit_at(b, 0x10000000u | ((uint32_t)off & 3u) << 29 | (((uint32_t)off >> 2) & 0x7FFFFu) << 5 | R(d));
}
void a64_ldrsw_rr4(a64_buf *b, int t, int n, int m) { a64_word(b, 0xB8A07800u | R(m) << 16 | R(n) << 5 | R(t)); }
