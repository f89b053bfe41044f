/*
 * regalloc.c — linear-scan register allocation over the IR's slots (see
 * jit_int.h).  Architecture-independent: it hands out register numbers
 * 0..n-1 of two classes, the code generator maps them to machine
 * registers.
 *
 * 1. Basic blocks: they start at instruction 0, at branch targets and after
 *    instructions that branch or do not fall through.
 * 2. Liveness: per block the virtual registers (slot * 3 + class) read
 *    before written (use) and written (def), then live-in/live-out to a
 *    fixpoint, backwards (bitsets).
 * 3. Intervals: the hull of every position where a virtual register is
 *    live: its reads and writes, and the whole of every block it is live
 *    in or out of (so a value live around a loop covers the loop).
 * 4. Linear scan by start; when a class runs out, the interval that ends
 *    last (the new one or an active one) goes to memory: its slot in the
 *    frame, for its whole life.
 * A function too large for the bitsets (frame slots times blocks) gets no
 * registers at all: everything stays in its slot, which is always correct.
 */
#include <string.h>

#include "jit_int.h"

#define NONE UINT32_MAX
/* Largest liveness problem solved (bits of the per-block sets, in total). */
#define ZW_RA_MAX_BITS ((uint64_t)1 << 28)

typedef uint64_t word;

static void bit_set(word *s, uint32_t v) { s[v / 64] |= (word)1 << (v % 64); }
static bool bit_get(const word *s, uint32_t v) { return s[v / 64] >> (v % 64) & 1; }

void zw_ra_free(zw_ra *ra) {
    for (int c = 0; c < ZW_RA_NCLASS; c++) {
        free(ra->reg[c]);
        free(ra->start[c]);
        free(ra->end[c]);
    }
    free(ra->across_at);
    free(ra->across);
    free(ra->entry);
    memset(ra, 0, sizeof *ra);
}

/* Extend virtual register v's interval over [a, b]. */
static void cover(uint32_t *start, uint32_t *end, uint32_t v, uint32_t a, uint32_t b) {
    if (start[v] == NONE || a < start[v]) start[v] = a;
    if (end[v] == NONE || b > end[v]) end[v] = b;
}

typedef struct {
    uint32_t v;     /* virtual register: slot * 3 + class */
    uint32_t start, end;
} ival;

static int by_start(const void *a, const void *b) {
    const ival *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start ? 1 : (x->v > y->v) - (x->v < y->v);
}

/* The register of virtual register v, or -1. */
static int vreg(const zw_ra *ra, uint32_t v) { return ra->reg[v % ZW_RA_NCLASS][v / ZW_RA_NCLASS]; }

/* Fill ra->across_at/across (walking each block backwards from its
 * live-out set) and ra->entry (the first block's live-in set). */
static bool live_lists(const zw_module *m, const zw_ir_func *f, zw_ra_clobbers clob, zw_ra *ra,
                       uint32_t nb, uint32_t nw, const uint32_t *lead, const word *lin,
                       const word *lout) {
    uint32_t ni = f->ninsn, ns = ra->nslots, cap = 0, n = 0;
    uint32_t *pairs = NULL; /* (instruction, vreg) */
    word *live = zw_calloc(nw ? nw : 1, sizeof *live);
    zw_ir_opnd ops[256];
    bool ok = false;
    if (!live) return false;
    for (uint32_t b = 0; b < nb; b++) {
        uint32_t first = lead[b], last = (b + 1 < nb ? lead[b + 1] : ni) - 1;
        memcpy(live, lout + (size_t)b * nw, nw * sizeof *live);
        for (uint32_t i = last + 1; i-- > first;) {
            uint32_t pc = f->insn[i], k = zw_ir_operands(m, f, pc, ops, 256);
            if (k > 256) goto out;
            if (clob && clob(f, pc))
                for (uint32_t w = 0; w < nw; w++)
                    for (word x = live[w]; x; x &= x - 1) {
                        uint32_t v = w * 64 + (uint32_t)__builtin_ctzll(x);
                        bool defd = false;
                        for (uint32_t j = 0; j < k; j++)
                            if (ops[j].def && ZW_RA_V(ops[j].slot, zw_ra_class(ops[j].type)) == v)
                                defd = true;
                        if (defd || vreg(ra, v) < 0) continue;
                        if (n + 2 > cap) {
                            uint32_t nc = cap ? cap * 2 : 64;
                            uint32_t *np = realloc(pairs, (size_t)nc * sizeof *np);
                            if (!np) goto out;
                            pairs = np;
                            cap = nc;
                        }
                        pairs[n++] = i;
                        pairs[n++] = v;
                    }
            for (uint32_t j = 0; j < k; j++)
                if (ops[j].def && ops[j].slot < ns) {
                    uint32_t v = ZW_RA_V(ops[j].slot, zw_ra_class(ops[j].type));
                    live[v / 64] &= ~((word)1 << (v % 64));
                }
            for (uint32_t j = 0; j < k; j++)
                if (!ops[j].def && ops[j].slot < ns)
                    bit_set(live, ZW_RA_V(ops[j].slot, zw_ra_class(ops[j].type)));
        }
    }
    /* counting sort of the pairs by instruction */
    ra->across = zw_calloc(n / 2 + 1, sizeof *ra->across);
    if (!ra->across) goto out;
    for (uint32_t p = 0; p < n; p += 2) ra->across_at[pairs[p] + 1]++;
    for (uint32_t i = 0; i < ni; i++) ra->across_at[i + 1] += ra->across_at[i];
    {
        uint32_t *fill = zw_calloc((size_t)ni + 1, sizeof *fill);
        if (!fill) goto out;
        for (uint32_t p = 0; p < n; p += 2)
            ra->across[ra->across_at[pairs[p]] + fill[pairs[p]]++] = pairs[p + 1];
        free(fill);
    }
    /* live on entry */
    ra->entry = zw_calloc((size_t)nw * 64 + 1, sizeof *ra->entry);
    if (!ra->entry) goto out;
    if (nb)
        for (uint32_t w = 0; w < nw; w++)
            for (word x = lin[w]; x; x &= x - 1) {
                uint32_t v = w * 64 + (uint32_t)__builtin_ctzll(x);
                if (vreg(ra, v) >= 0) ra->entry[ra->nentry++] = v;
            }
    ok = true;
out:
    free(pairs);
    free(live);
    return ok;
}

bool zw_ra_run(const zw_module *m, const zw_ir_func *f, int ngp, int nfp, zw_ra_clobbers clob,
               zw_ra *out) {
    memset(out, 0, sizeof *out);
    uint32_t ns = f->frame_slots, nv = ZW_RA_NCLASS * ns, ni = f->ninsn;
    out->nslots = ns;
    out->across_at = zw_calloc((size_t)ni + 1, sizeof(uint32_t));
    if (!out->across_at) return false;
    for (int c = 0; c < ZW_RA_NCLASS; c++) {
        out->reg[c] = malloc(ns + 1);
        out->start[c] = malloc((ns + 1) * sizeof(uint32_t));
        out->end[c] = malloc((ns + 1) * sizeof(uint32_t));
        if (!out->reg[c] || !out->start[c] || !out->end[c]) {
            zw_ra_free(out);
            return false;
        }
        memset(out->reg[c], -1, ns + 1);
        memset(out->start[c], 0xFF, (ns + 1) * sizeof(uint32_t));
        memset(out->end[c], 0xFF, (ns + 1) * sizeof(uint32_t));
    }
    if (!ni || !ns) return true;

    bool ok = false;
    uint32_t *block = NULL, *lead = NULL, *tbuf = NULL, *start = NULL, *end = NULL;
    uint8_t *mark = NULL;
    word *use = NULL, *def = NULL, *lin = NULL, *lout = NULL;
    ival *iv = NULL;
    zw_ir_opnd ops[256];

    /* 1. basic blocks */
    block = zw_calloc(ni + 1, sizeof *block);
    lead = zw_calloc(ni + 1, sizeof *lead);
    mark = zw_calloc(ni + 1, 1);
    tbuf = zw_calloc((size_t)f->len + 2, sizeof *tbuf);
    if (!block || !lead || !mark || !tbuf) goto out;
    uint32_t *at = zw_calloc((size_t)f->len + 1, sizeof *at); /* code position -> instruction + 1 */
    if (!at) goto out;
    for (uint32_t i = 0; i < ni; i++) at[f->insn[i]] = i + 1;
    mark[0] = 1;
    for (uint32_t i = 0; i < ni; i++) {
        uint32_t pc = f->insn[i], nt = zw_ir_targets(f, pc, tbuf, f->len);
        for (uint32_t k = 0; k < nt; k++)
            if (tbuf[k] < f->len && at[tbuf[k]]) mark[at[tbuf[k]] - 1] = 1;
        if ((nt || !zw_ir_falls_through(f->code[pc])) && i + 1 < ni) mark[i + 1] = 1;
    }
    uint32_t nb = 0;
    for (uint32_t i = 0; i < ni; i++) {
        if (mark[i]) lead[nb++] = i;
        block[i] = nb - 1;
    }
    uint32_t nw = (nv + 63) / 64;
    if ((uint64_t)nw * 64 * nb * 4 > ZW_RA_MAX_BITS) { /* too big: no registers */
        free(at);
        ok = true;
        goto out;
    }

    /* 2. liveness */
    use = zw_calloc((size_t)nb * nw, sizeof *use);
    def = zw_calloc((size_t)nb * nw, sizeof *def);
    lin = zw_calloc((size_t)nb * nw, sizeof *lin);
    lout = zw_calloc((size_t)nb * nw, sizeof *lout);
    start = zw_calloc(nv + 1, sizeof *start);
    end = zw_calloc(nv + 1, sizeof *end);
    if (!use || !def || !lin || !lout || !start || !end) {
        free(at);
        goto out;
    }
    memset(start, 0xFF, (nv + 1) * sizeof *start);
    memset(end, 0xFF, (nv + 1) * sizeof *end);
    for (uint32_t i = 0; i < ni; i++) {
        word *u = use + (size_t)block[i] * nw, *d = def + (size_t)block[i] * nw;
        uint32_t n = zw_ir_operands(m, f, f->insn[i], ops, 256);
        if (n > 256) { /* a call with that many values: keep it simple, no registers */
            free(at);
            ok = true;
            goto out;
        }
        for (uint32_t k = 0; k < n; k++) {
            uint32_t v = ZW_RA_V(ops[k].slot, zw_ra_class(ops[k].type));
            if (ops[k].slot >= ns) continue;
            if (!ops[k].def) {
                if (!bit_get(d, v)) bit_set(u, v);
                cover(start, end, v, ZW_RA_USE(i), ZW_RA_USE(i));
            }
        }
        for (uint32_t k = 0; k < n; k++) {
            uint32_t v = ZW_RA_V(ops[k].slot, zw_ra_class(ops[k].type));
            if (ops[k].slot >= ns || !ops[k].def) continue;
            bit_set(d, v);
            cover(start, end, v, ZW_RA_DEF(i), ZW_RA_DEF(i));
        }
    }
    /* params and declared locals are defined on entry (position 0) */
    {
        uint32_t s = 0;
        for (uint32_t i = 0; i < f->type->nparams; s += zw_slots(f->type->params[i]), i++) {
            uint32_t v = ZW_RA_V(s, zw_ra_class(f->type->params[i]));
            if (bit_get(use, v)) cover(start, end, v, 0, 0);
        }
        const zw_func *fn = &m->funcs[f->func_idx];
        for (uint32_t i = 0; i < fn->nlocals; s += zw_slots(fn->locals[i]), i++) {
            uint32_t v = ZW_RA_V(s, zw_ra_class(fn->locals[i]));
            if (bit_get(use, v)) cover(start, end, v, 0, 0);
        }
    }
    for (bool changed = true; changed;) {
        changed = false;
        for (uint32_t b = nb; b-- > 0;) {
            word *lo = lout + (size_t)b * nw, *li = lin + (size_t)b * nw;
            uint32_t last = (b + 1 < nb ? lead[b + 1] : ni) - 1, pc = f->insn[last];
            uint32_t nt = zw_ir_targets(f, pc, tbuf, f->len);
            if (zw_ir_falls_through(f->code[pc]) && last + 1 < ni) tbuf[nt++] = f->insn[last + 1];
            for (uint32_t k = 0; k < nt; k++) {
                if (tbuf[k] >= f->len || !at[tbuf[k]]) continue;
                const word *si = lin + (size_t)block[at[tbuf[k]] - 1] * nw;
                for (uint32_t w = 0; w < nw; w++) lo[w] |= si[w];
            }
            const word *u = use + (size_t)b * nw, *d = def + (size_t)b * nw;
            for (uint32_t w = 0; w < nw; w++) {
                word nin = u[w] | (lo[w] & ~d[w]);
                if (nin != li[w]) {
                    li[w] = nin;
                    changed = true;
                }
            }
        }
    }
    free(at);

    /* 3. intervals: blocks a register is live into or out of */
    for (uint32_t b = 0; b < nb; b++) {
        uint32_t first = lead[b], last = (b + 1 < nb ? lead[b + 1] : ni) - 1;
        const word *li = lin + (size_t)b * nw, *lo = lout + (size_t)b * nw;
        for (uint32_t w = 0; w < nw; w++) {
            for (word x = li[w]; x; x &= x - 1)
                cover(start, end, w * 64 + (uint32_t)__builtin_ctzll(x), ZW_RA_USE(first), ZW_RA_USE(first));
            for (word x = lo[w]; x; x &= x - 1)
                cover(start, end, w * 64 + (uint32_t)__builtin_ctzll(x), ZW_RA_USE(first), ZW_RA_DEF(last));
        }
    }
    /* a register live into a block reaches from the block's start */
    for (uint32_t b = 0; b < nb; b++) {
        uint32_t first = lead[b];
        const word *li = lin + (size_t)b * nw;
        for (uint32_t w = 0; w < nw; w++)
            for (word x = li[w]; x; x &= x - 1) {
                uint32_t v = w * 64 + (uint32_t)__builtin_ctzll(x);
                cover(start, end, v, ZW_RA_USE(first), ZW_RA_USE(first));
            }
    }

    /* 4. linear scan */
    uint32_t n = 0;
    iv = zw_calloc(nv + 1, sizeof *iv);
    if (!iv) goto out;
    for (uint32_t v = 0; v < nv; v++)
        if (start[v] != NONE) iv[n++] = (ival){v, start[v], end[v]};
    qsort(iv, n, sizeof *iv, by_start);
    int nreg[2] = {ngp, nfp};
    /* per register file (general, float/vector) and register: the interval
     * holding it (index into iv) */
    uint32_t held[2][32];
    for (int c = 0; c < 2; c++)
        for (int r = 0; r < 32; r++) held[c][r] = NONE;
    for (uint32_t k = 0; k < n; k++) {
        uint32_t c = ZW_RA_FILE(iv[k].v % ZW_RA_NCLASS);
        int free_r = -1;
        uint32_t far = NONE;
        int far_r = -1;
        for (int r = 0; r < nreg[c] && r < 32; r++) {
            uint32_t h = held[c][r];
            if (h != NONE && iv[h].end < iv[k].start) h = held[c][r] = NONE; /* expired */
            if (h == NONE) {
                if (free_r < 0) free_r = r;
            } else if (far == NONE || iv[h].end > iv[far].end) {
                far = h;
                far_r = r;
            }
        }
        if (free_r >= 0) {
            held[c][free_r] = k;
        } else if (far != NONE && iv[far].end > iv[k].end) {
            /* the active interval that lives longest gives its register up */
            held[c][far_r] = k;
            iv[far].v |= 0x80000000u; /* spilled */
        } else {
            iv[k].v |= 0x80000000u;
        }
    }
    /* the registers: replay the scan's outcome */
    for (int c = 0; c < 2; c++)
        for (int r = 0; r < 32; r++) held[c][r] = NONE;
    for (uint32_t k = 0; k < n; k++) {
        uint32_t v = iv[k].v & 0x7FFFFFFFu, c = v % ZW_RA_NCLASS, s = v / ZW_RA_NCLASS, fl = ZW_RA_FILE(c);
        out->start[c][s] = iv[k].start;
        out->end[c][s] = iv[k].end;
        if (iv[k].v & 0x80000000u) continue;
        for (int r = 0; r < nreg[fl] && r < 32; r++) {
            uint32_t h = held[fl][r];
            if (h == NONE || iv[h].end < iv[k].start) {
                held[fl][r] = k;
                out->reg[c][s] = (int8_t)r;
                break;
            }
        }
    }
    /* 5. what is live across each clobbering instruction, and on entry */
    if (!live_lists(m, f, clob, out, nb, nw, lead, lin, lout)) goto out;
    ok = true;
out:
    free(block);
    free(lead);
    free(mark);
    free(tbuf);
    free(use);
    free(def);
    free(lin);
    free(lout);
    free(start);
    free(end);
    free(iv);
    if (!ok) zw_ra_free(out);
    return ok;
}
