/*
 * regalloc.c — register allocation over the IR's slots (see jit_int.h).
 * Architecture-independent: it hands out register numbers 0..n-1 of two
 * register files, the code generator maps them to machine registers.
 *
 * A virtual register is a (slot, class) pair: every value the function
 * keeps in that slot with that class.  It gets one register (or none: it
 * lives in its slot) for its whole life, but its life has holes, so two
 * virtual registers share a register whenever they are never live at the
 * same position.
 *
 * 1. Operands: each instruction's slot operands as virtual registers.
 * 2. Basic blocks: they start at instruction 0, at branch targets and after
 *    instructions that branch or do not fall through.
 * 3. Liveness per block (bitsets, backwards to a fixpoint).
 * 4. Live ranges: walking each block backwards from its live-out set, each
 *    virtual register's exact set of live positions, as sorted ranges.
 *    Positions: instruction i reads at 2i and writes at 2i+1.
 * 5. Allocation by priority: hottest first (uses weighted by loop depth,
 *    loops found from backward branches); each takes a register whose
 *    occupancy (a bitmap of positions) it does not meet, preferring the
 *    register of a value it is moved from or computed from (so the move
 *    disappears), else stays in memory.
 * 6. What is live across each clobbering instruction, and on entry.
 *
 * Functions too large for the bounded work (bitset and bitmap sizes, the
 * fixpoint's passes) get no registers: everything stays in its slot, which
 * is always correct.
 */
#include <string.h>

#include "jit_int.h"

/* Bounds on the work for one function (bits of per-block sets, passes of
 * the fixpoint, bits of register occupancy maps). */
#define ZW_RA_MAX_BITS ((uint64_t)1 << 26)
#define ZW_RA_MAX_PASSES 64
#define ZW_RA_MAX_MAP_BITS ((uint64_t)1 << 27)
#define ZW_RA_MAX_RANGES (1u << 22)
/* words of occupancy maps tested while choosing registers */
#define ZW_RA_MAX_SCAN ((uint64_t)1 << 26)
/* values saved and reloaded around calls and helpers, per instruction of
 * the function (beyond it, the code would grow more than registers gain) */
#define ZW_RA_MAX_ACROSS_PER_INSN 2
/* edges from throwing instructions to handlers (exceptions) */
#define ZW_RA_MAX_HANDLER_EDGES ((uint64_t)1 << 20)

typedef uint64_t word;

static void bit_set(word *s, uint32_t v) { s[v / 64] |= (word)1 << (v % 64); }
static void bit_clr(word *s, uint32_t v) { s[v / 64] &= ~((word)1 << (v % 64)); }
static bool bit_get(const word *s, uint32_t v) { return s[v / 64] >> (v % 64) & 1; }

/* Whether any bit of [a, b) is set; set them all. */
static bool map_any(const word *m, uint32_t a, uint32_t b) {
    for (uint32_t p = a; p < b;) {
        uint32_t w = p / 64, lo = p % 64, n = b - p < 64 - lo ? b - p : 64 - lo;
        word mask = (n == 64 ? ~(word)0 : (((word)1 << n) - 1)) << lo;
        if (m[w] & mask) return true;
        p += n;
    }
    return false;
}
static void map_set(word *m, uint32_t a, uint32_t b) {
    for (uint32_t p = a; p < b;) {
        uint32_t w = p / 64, lo = p % 64, n = b - p < 64 - lo ? b - p : 64 - lo;
        word mask = (n == 64 ? ~(word)0 : (((word)1 << n) - 1)) << lo;
        m[w] |= mask;
        p += n;
    }
}

void zw_ra_free(zw_ra *ra) {
    for (int c = 0; c < ZW_RA_NCLASS; c++) zw_free(ra->al, ra->reg[c]);
    zw_free(ra->al, ra->across_at);
    zw_free(ra->al, ra->across);
    zw_free(ra->al, ra->entry);
    zw_free(ra->al, ra->clean);
    zw_free(ra->al, ra->land_at);
    zw_free(ra->al, ra->land);
    memset(ra, 0, sizeof *ra);
}

typedef struct { uint32_t v, a, b; } range; /* virtual register v is live in [a, b) */

/* The allocation state shared by the steps. */
typedef struct {
    const zw_module *m;
    const zw_ir_func *f;
    zw_ra *out;
    uint32_t ni, ns, nv, nw;
    int ngp;                  /* general registers (the float file's numbers follow) */
    uint32_t *opat, *opv;     /* operands of instruction i: opv[opat[i] .. opat[i+1]) = vreg | DEF */
    zw_ir_cfg g;              /* the blocks (ir_cfg.c) */
    word *use, *def, *lin, *lout;
    range *r;                 /* live ranges, sorted by (vreg, start), merged */
    uint32_t nr, capr;
    uint32_t *rat;            /* ranges of vreg v: r[rat[v] .. rat[v+1]) */
    bool too_big;             /* a bound on the work was reached: no registers */
    const zw_alloc *al;
} ra_state;

#define DEF_BIT 0x80000000u

static bool push_range(ra_state *S, uint32_t v, uint32_t a, uint32_t b) {
    if (S->nr >= ZW_RA_MAX_RANGES) { /* too many: no registers (not out of memory) */
        S->too_big = true;
        return false;
    }
    if (S->nr == S->capr) {
        uint32_t nc = S->capr ? S->capr * 2 : 256;
        range *p = zw_realloc_array(S->al, S->r, nc, sizeof *p);
        if (!p) return false;
        S->r = p;
        S->capr = nc;
    }
    S->r[S->nr++] = (range){v, a, b};
    return true;
}

/* 1. the operands of every instruction, as virtual registers */
static bool collect_operands(ra_state *S) {
    const zw_ir_func *f = S->f;
    uint32_t n = 0, cap = f->ninsn * 3 + 16;
    zw_ir_opnd ops[256];
    S->opat = zw_calloc(S->al, (size_t)S->ni + 1, sizeof *S->opat);
    S->opv = zw_malloc(S->al, (size_t)cap * sizeof *S->opv);
    if (!S->opat || !S->opv) return false;
    for (uint32_t i = 0; i < S->ni; i++) {
        uint32_t k = zw_ir_operands(S->m, f, f->insn[i], ops, 256);
        if (k > 256) { /* a call with that many values: no registers */
            S->too_big = true;
            return false;
        }
        S->opat[i] = n;
        if (n + k > cap) {
            cap = (n + k) * 2;
            uint32_t *p = zw_realloc_array(S->al, S->opv, cap, sizeof *p);
            if (!p) return false;
            S->opv = p;
        }
        for (uint32_t j = 0; j < k; j++) {
            if (ops[j].slot >= S->ns) continue;
            S->opv[n++] = ZW_RA_V(ops[j].slot, zw_ra_class(ops[j].type)) | (ops[j].def ? DEF_BIT : 0);
            if (ops[j].def)
                for (uint32_t w = 0; w < zw_slots(ops[j].type) && ops[j].slot + w < S->ns; w++)
                    S->out->clean[ops[j].slot + w] = 0;
        }
        uint32_t base = zw_ir_call_base(f, f->insn[i]);
        for (uint32_t s = base; s < f->nparam_slots; s++) S->out->clean[s] = 0;
    }
    S->opat[S->ni] = n;
    return true;
}

/* 3. liveness: false when it does not settle within the bound (no registers) */
static int liveness(ra_state *S) {
    const zw_ir_func *f = S->f;
    size_t sz = (size_t)S->g.nb * S->nw;
    S->use = zw_calloc(S->al, sz + 1, sizeof(word));
    S->def = zw_calloc(S->al, sz + 1, sizeof(word));
    S->lin = zw_calloc(S->al, sz + 1, sizeof(word));
    S->lout = zw_calloc(S->al, sz + 1, sizeof(word));
    if (!S->use || !S->def || !S->lin || !S->lout) return -1;
    for (uint32_t i = 0; i < S->ni; i++) {
        word *u = S->use + (size_t)S->g.block[i] * S->nw, *d = S->def + (size_t)S->g.block[i] * S->nw;
        for (uint32_t k = S->opat[i]; k < S->opat[i + 1]; k++)
            if (!(S->opv[k] & DEF_BIT) && !bit_get(d, S->opv[k])) bit_set(u, S->opv[k]);
        for (uint32_t k = S->opat[i]; k < S->opat[i + 1]; k++)
            if (S->opv[k] & DEF_BIT) bit_set(d, S->opv[k] & ~DEF_BIT);
    }
    return zw_ir_cfg_liveness(S->al, &S->g, f, S->nw, S->use, S->def, S->lin, S->lout, ZW_RA_MAX_PASSES,
                              UINT64_MAX);
}

/* Sort S->r by (vreg, start) in linear time: a counting sort by start
 * (starts are positions, below 2 * ni + 2), then a stable one by vreg
 * (qsort took a tenth of a small program's whole run). */
static bool sort_ranges(ra_state *S) {
    uint32_t npos = 2 * S->ni + 2, nkeys = npos > S->nv ? npos : S->nv;
    range *tmp = zw_malloc(S->al, ((size_t)S->nr + 1) * sizeof *tmp);
    uint32_t *cnt = zw_malloc(S->al, ((size_t)nkeys + 1) * sizeof *cnt);
    bool ok = tmp && cnt;
    if (ok) {
        memset(cnt, 0, ((size_t)npos + 1) * sizeof *cnt);
        for (uint32_t k = 0; k < S->nr; k++) cnt[S->r[k].a + 1]++;
        for (uint32_t p = 0; p < npos; p++) cnt[p + 1] += cnt[p];
        for (uint32_t k = 0; k < S->nr; k++) tmp[cnt[S->r[k].a]++] = S->r[k];
        memset(cnt, 0, ((size_t)S->nv + 1) * sizeof *cnt);
        for (uint32_t k = 0; k < S->nr; k++) cnt[tmp[k].v + 1]++;
        for (uint32_t v = 0; v < S->nv; v++) cnt[v + 1] += cnt[v];
        for (uint32_t k = 0; k < S->nr; k++) S->r[cnt[tmp[k].v]++] = tmp[k];
    }
    zw_free(S->al, tmp);
    zw_free(S->al, cnt);
    return ok;
}

/* 4. live ranges */
static bool live_ranges(ra_state *S) {
    word *live = zw_calloc(S->al, S->nw + 1, sizeof *live);
    uint32_t *end = zw_calloc(S->al, S->nv + 1, sizeof *end);
    bool ok = false;
    if (!live || !end) goto out;
    for (uint32_t b = 0; b < S->g.nb; b++) {
        uint32_t first = S->g.lead[b], last = zw_ir_cfg_end(&S->g, b) - 1;
        memcpy(live, S->lout + (size_t)b * S->nw, S->nw * sizeof *live);
        /* live out: up to and including the position after the block's last
         * instruction (so a value is live "after" a call that ends a block) */
        for (uint32_t w = 0; w < S->nw; w++)
            for (word x = live[w]; x; x &= x - 1) end[w * 64 + (uint32_t)__builtin_ctzll(x)] = 2 * last + 3;
        for (uint32_t i = last + 1; i-- > first;) {
            for (uint32_t k = S->opat[i]; k < S->opat[i + 1]; k++) {
                if (!(S->opv[k] & DEF_BIT)) continue;
                uint32_t v = S->opv[k] & ~DEF_BIT;
                if (bit_get(live, v)) {
                    if (!push_range(S, v, 2 * i + 1, end[v])) goto out;
                    bit_clr(live, v);
                } else if (!push_range(S, v, 2 * i + 1, 2 * i + 2)) { /* written, never read */
                    goto out;
                }
            }
            for (uint32_t k = S->opat[i]; k < S->opat[i + 1]; k++) {
                uint32_t v = S->opv[k];
                if ((v & DEF_BIT) || bit_get(live, v)) continue;
                bit_set(live, v);
                end[v] = 2 * i + 1;
            }
        }
        for (uint32_t w = 0; w < S->nw; w++)
            for (word x = live[w]; x; x &= x - 1) {
                uint32_t v = w * 64 + (uint32_t)__builtin_ctzll(x);
                if (!push_range(S, v, 2 * first, end[v])) goto out;
            }
    }
    /* sort by vreg and start, merge touching ranges, index by vreg */
    if (!sort_ranges(S)) goto out;
    uint32_t n = 0;
    for (uint32_t k = 0; k < S->nr; k++) {
        if (n && S->r[n - 1].v == S->r[k].v && S->r[k].a <= S->r[n - 1].b) {
            if (S->r[k].b > S->r[n - 1].b) S->r[n - 1].b = S->r[k].b;
        } else {
            S->r[n++] = S->r[k];
        }
    }
    S->nr = n;
    S->rat = zw_calloc(S->al, S->nv + 2, sizeof *S->rat);
    if (!S->rat) goto out;
    for (uint32_t k = 0; k < n; k++) S->rat[S->r[k].v + 1]++;
    for (uint32_t v = 0; v < S->nv; v++) S->rat[v + 1] += S->rat[v];
    ok = true;
out:
    zw_free(S->al, live);
    zw_free(S->al, end);
    return ok;
}

typedef struct { uint32_t v; uint64_t w; uint32_t len; } prio;
static int by_priority(const void *x, const void *y) {
    const prio *p = x, *q = y;
    if (p->w != q->w) return p->w > q->w ? -1 : 1;
    if (p->len != q->len) return p->len < q->len ? -1 : 1;
    return p->v < q->v ? -1 : p->v > q->v;
}

/* 5. allocation */
static bool allocate(ra_state *S, int ngp, int nfp) {
    const zw_ir_func *f = S->f;
    uint32_t ni = S->ni, npos = 2 * ni + 2, mw = (npos + 63) / 64;
    int nreg[2] = {ngp > 32 ? 32 : ngp, nfp > 32 ? 32 : nfp};
    bool ok = false;
    uint32_t *depth = zw_calloc(S->al, ni + 2, sizeof *depth);
    prio *pr = zw_calloc(S->al, S->nv + 1, sizeof *pr);
    uint32_t *hint = zw_calloc(S->al, S->nv + 1, sizeof *hint); /* a vreg this one is moved/computed from, + 1 */
    uint32_t *tbuf = zw_calloc(S->al, (size_t)f->len + 2, sizeof *tbuf);
    uint32_t *at = zw_calloc(S->al, (size_t)f->len + 1, sizeof *at);
    word *map = zw_calloc(S->al, (size_t)(nreg[0] + nreg[1]) * mw + 1, sizeof *map);
    if (!depth || !pr || !hint || !tbuf || !at || !map) goto out;
    /* loop depth: backward branches enclose loops */
    int32_t *diff = (int32_t *)depth;
    for (uint32_t i = 0; i < ni; i++) at[f->insn[i]] = i + 1;
    for (uint32_t i = 0; i < ni; i++) {
        uint32_t nt = zw_ir_targets(f, f->insn[i], tbuf, f->len);
        for (uint32_t k = 0; k < nt; k++)
            if (tbuf[k] < f->len && at[tbuf[k]] && at[tbuf[k]] - 1 <= i) {
                diff[at[tbuf[k]] - 1]++;
                diff[i + 1]--;
            }
    }
    for (uint32_t i = 1; i <= ni; i++) diff[i] += diff[i - 1];
    /* priorities: uses and writes, 8x per loop level */
    for (uint32_t v = 0; v < S->nv; v++) pr[v].v = v;
    for (uint32_t i = 0; i < ni; i++) {
        uint32_t d = diff[i] < 0 ? 0 : (uint32_t)diff[i];
        uint64_t w = (uint64_t)1 << (3 * (d > 7 ? 7 : d));
        uint32_t first = UINT32_MAX;
        for (uint32_t k = S->opat[i]; k < S->opat[i + 1]; k++) {
            uint32_t v = S->opv[k] & ~DEF_BIT;
            pr[v].w += w;
            if (!(S->opv[k] & DEF_BIT) && first == UINT32_MAX) first = v;
        }
        /* hint: a written value prefers the register of the first value read */
        for (uint32_t k = S->opat[i]; k < S->opat[i + 1]; k++)
            if ((S->opv[k] & DEF_BIT) && first != UINT32_MAX) {
                uint32_t v = S->opv[k] & ~DEF_BIT;
                if (v % ZW_RA_NCLASS == first % ZW_RA_NCLASS && !hint[v]) hint[v] = first + 1;
                if (v % ZW_RA_NCLASS == first % ZW_RA_NCLASS && !hint[first]) hint[first] = v + 1;
            }
    }
    uint32_t np = 0;
    for (uint32_t v = 0; v < S->nv; v++) {
        if (S->rat[v] == S->rat[v + 1]) continue;
        uint32_t len = 0;
        for (uint32_t k = S->rat[v]; k < S->rat[v + 1]; k++) len += S->r[k].b - S->r[k].a;
        pr[np++] = (prio){v, pr[v].w, len};
    }
    qsort(pr, np, sizeof *pr, by_priority);
    uint64_t scanned = 0;
    for (uint32_t k = 0; k < np && scanned < ZW_RA_MAX_SCAN; k++) { /* past the bound: the rest in memory */
        uint32_t v = pr[k].v, c = v % ZW_RA_NCLASS, s = v / ZW_RA_NCLASS, fl = ZW_RA_FILE(c);
        int chosen = -1;
        /* the hinted register first, then the lowest free one */
        int h = hint[v] ? S->out->reg[(hint[v] - 1) % ZW_RA_NCLASS][(hint[v] - 1) / ZW_RA_NCLASS] : -1;
        for (int t = -1; t < nreg[fl] && chosen < 0; t++) {
            int r = t < 0 ? h : t;
            if (r < 0) continue;
            word *m = map + (size_t)((fl ? nreg[0] : 0) + r) * mw;
            bool clash = false;
            for (uint32_t q = S->rat[v]; q < S->rat[v + 1] && !clash; q++) {
                clash = map_any(m, S->r[q].a, S->r[q].b);
                scanned += (S->r[q].b - S->r[q].a) / 64 + 1;
            }
            if (!clash) chosen = r;
        }
        if (chosen < 0) continue; /* in its slot */
        word *m = map + (size_t)((fl ? nreg[0] : 0) + chosen) * mw;
        for (uint32_t q = S->rat[v]; q < S->rat[v + 1]; q++) map_set(m, S->r[q].a, S->r[q].b);
        S->out->reg[c][s] = (int8_t)chosen;
    }
    ok = true;
out:
    zw_free(S->al, depth);
    zw_free(S->al, pr);
    zw_free(S->al, hint);
    zw_free(S->al, tbuf);
    zw_free(S->al, at);
    zw_free(S->al, map);
    return ok;
}

/* The register of virtual register v, or -1. */
static int vreg(const zw_ra *ra, uint32_t v) { return ra->reg[v % ZW_RA_NCLASS][v / ZW_RA_NCLASS]; }

/* 6. what is live across each clobbering instruction, and on entry: per
 * register, the ranges of the virtual registers it holds (disjoint),
 * sorted; the one holding it just after the instruction (position 2i+2)
 * is live across it unless the instruction writes it. */
typedef struct { uint32_t a, b, v; } held;
static int by_held_start(const void *x, const void *y) {
    const held *p = x, *q = y;
    return p->a < q->a ? -1 : p->a > q->a;
}
/* The virtual register whose range in h[0..n) holds position p, or NONE. */
static uint32_t holder(const held *h, uint32_t n, uint32_t p) {
    uint32_t lo = 0, hi = n;
    while (lo < hi) { /* the first range starting after p */
        uint32_t mid = (lo + hi) / 2;
        if (h[mid].a <= p) lo = mid + 1;
        else hi = mid;
    }
    return lo && h[lo - 1].b > p ? h[lo - 1].v : UINT32_MAX;
}

static int live_lists(ra_state *S, zw_ra_clobbers clob, int nregs) {
    zw_ra *ra = S->out;
    int rc = -1;
    uint32_t *cnt = zw_calloc(S->al, (size_t)nregs + 1, sizeof *cnt), *at = zw_calloc(S->al, (size_t)nregs + 2, sizeof *at);
    held *h = NULL;
    uint32_t total = 0;
    if (!cnt || !at) goto out;
    /* the registers' ranges, grouped by register (files: general 0.., then float) */
    for (uint32_t v = 0; v < S->nv; v++) {
        int r = vreg(ra, v);
        if (r < 0) continue;
        int g = ZW_RA_FILE(v % ZW_RA_NCLASS) ? S->ngp + r : r;
        cnt[g] += S->rat[v + 1] - S->rat[v];
        total += S->rat[v + 1] - S->rat[v];
    }
    for (int g = 0; g < nregs; g++) at[g + 1] = at[g] + cnt[g];
    h = zw_malloc(S->al, ((size_t)total + 1) * sizeof *h);
    if (!h) goto out;
    memset(cnt, 0, (size_t)nregs * sizeof *cnt);
    for (uint32_t v = 0; v < S->nv; v++) {
        int r = vreg(ra, v);
        if (r < 0) continue;
        int g = ZW_RA_FILE(v % ZW_RA_NCLASS) ? S->ngp + r : r;
        for (uint32_t q = S->rat[v]; q < S->rat[v + 1]; q++)
            h[at[g] + cnt[g]++] = (held){S->r[q].a, S->r[q].b, v};
    }
    for (int g = 0; g < nregs; g++)
        if (cnt[g]) qsort(h + at[g], cnt[g], sizeof *h, by_held_start);
    /* count, then fill */
    uint64_t limit = (uint64_t)S->ni * ZW_RA_MAX_ACROSS_PER_INSN + 4096, n = 0;
    for (int pass = 0; pass < 2; pass++) {
        n = 0;
        for (uint32_t i = 0; i < S->ni; i++) {
            if (pass) ra->across_at[i] = (uint32_t)n;
            if (!clob || !clob(S->m, S->f, S->f->insn[i])) continue;
            for (int g = 0; g < nregs; g++) {
                uint32_t v = holder(h + at[g], cnt[g], 2 * i + 2);
                if (v == UINT32_MAX) continue;
                bool defd = false;
                for (uint32_t k = S->opat[i]; k < S->opat[i + 1]; k++)
                    if (S->opv[k] == (v | DEF_BIT)) defd = true;
                if (defd) continue;
                if (pass) ra->across[n] = v;
                n++;
            }
        }
        if (n > limit) { /* saving would cost more code than registers gain */
            rc = 0;
            goto out;
        }
        if (!pass) {
            ra->across = zw_malloc(S->al, (size_t)(n + 1) * sizeof *ra->across);
            if (!ra->across) goto out;
        }
    }
    ra->across_at[S->ni] = (uint32_t)n;
    /* live on entry: held at position 0 */
    ra->entry = zw_calloc(S->al, (size_t)nregs + 1, sizeof *ra->entry);
    if (!ra->entry) goto out;
    for (int g = 0; g < nregs; g++) {
        uint32_t v = holder(h + at[g], cnt[g], 0);
        if (v != UINT32_MAX) ra->entry[ra->nentry++] = v;
    }
    /* live where each handler continues (its landing pad reloads them) */
    if (S->f->ncatches) {
        const zw_ir_func *f = S->f;
        ra->land_at = zw_calloc(S->al, (size_t)f->ncatches + 1, sizeof *ra->land_at);
        ra->land = zw_calloc(S->al, (size_t)f->ncatches * (size_t)nregs + 1, sizeof *ra->land);
        if (!ra->land_at || !ra->land) goto out;
        uint32_t nl = 0;
        for (uint32_t k = 0; k < f->ncatches; k++) {
            ra->land_at[k] = nl;
            uint32_t lo = zw_ir_insn_index(f, f->catches[k].target); /* its instruction */
            for (int g = 0; g < nregs; g++) {
                uint32_t v = holder(h + at[g], cnt[g], 2 * lo);
                if (v != UINT32_MAX) ra->land[nl++] = v;
            }
        }
        ra->land_at[f->ncatches] = nl;
    }
    rc = 1;
out:
    zw_free(S->al, cnt);
    zw_free(S->al, at);
    zw_free(S->al, h);
    return rc;
}

/* Undo every assignment: the function runs with everything in memory. */
static void no_registers(zw_ra *ra) {
    for (int c = 0; c < ZW_RA_NCLASS; c++) memset(ra->reg[c], -1, ra->nslots + 1);
    zw_free(ra->al, ra->across);
    zw_free(ra->al, ra->entry);
    zw_free(ra->al, ra->land_at);
    zw_free(ra->al, ra->land);
    ra->across = ra->entry = ra->land_at = ra->land = NULL;
    ra->nentry = 0;
    if (ra->across_at) memset(ra->across_at, 0, sizeof(uint32_t));
}

bool zw_ra_run(const zw_module *m, const zw_ir_func *f, int ngp, int nfp, zw_ra_clobbers clob,
               zw_ra *out) {
    memset(out, 0, sizeof *out);
    ra_state S;
    memset(&S, 0, sizeof S);
    S.m = m;
    S.al = out->al = &m->al;
    S.f = f;
    S.out = out;
    S.ni = f->ninsn;
    S.ns = f->frame_slots;
    S.nv = ZW_RA_NCLASS * S.ns;
    S.nw = (S.nv + 63) / 64;
    out->nslots = S.ns;
    out->across_at = zw_calloc(S.al, (size_t)S.ni + 2, sizeof(uint32_t));
    bool ok = out->across_at != NULL;
    for (int c = 0; c < ZW_RA_NCLASS && ok; c++) {
        out->reg[c] = zw_malloc(S.al, S.ns + 1);
        if (out->reg[c]) memset(out->reg[c], -1, S.ns + 1);
        else ok = false;
    }
    out->clean = zw_malloc(S.al, S.ns + 1);
    if (!out->clean) ok = false;
    if (!ok) goto out;
    for (uint32_t s = 0; s <= S.ns; s++) out->clean[s] = s < f->nparam_slots;
    if (!S.ni || !S.ns || (ngp <= 0 && nfp <= 0)) goto out; /* nothing to allocate */
    if (f->ncatches > f->len) goto out; /* (bounds the handler edges of one block) */
    if (f->nregions) { /* handler edges: a hostile nest of handlers gets no registers */
        uint64_t edges = 0;
        for (uint32_t i = 0; i < S.ni && edges <= ZW_RA_MAX_HANDLER_EDGES; i++)
            if (zw_ir_may_throw(f->code[f->insn[i]])) edges += zw_ir_handler_targets(f, f->insn[i], NULL, 0);
        if (edges > ZW_RA_MAX_HANDLER_EDGES) goto out;
    }
    if (!collect_operands(&S)) {
        /* a call with too many values: no registers; else out of memory */
        ok = S.too_big;
        goto out;
    }
    if (!zw_ir_cfg_build(S.al, f, &S.g)) { /* 2. basic blocks (ir_cfg.c) */
        ok = false;
        goto out;
    }
    uint64_t npos = 2 * (uint64_t)S.ni + 2;
    if ((uint64_t)S.nw * 64 * S.g.nb * 4 > ZW_RA_MAX_BITS || npos * (uint64_t)(ngp + nfp) > ZW_RA_MAX_MAP_BITS)
        goto out; /* too big: no registers */
    int lv = liveness(&S);
    if (lv < 0) ok = false;
    if (lv <= 0) goto out;
    S.ngp = ngp > 32 ? 32 : ngp < 0 ? 0 : ngp;
    if (!live_ranges(&S)) {
        ok = S.too_big; /* past the bound: no registers */
        goto out;
    }
    if (!allocate(&S, ngp, nfp)) {
        ok = false;
        goto out;
    }
    int ll = live_lists(&S, clob, S.ngp + (nfp > 32 ? 32 : nfp < 0 ? 0 : nfp));
    if (ll < 0) ok = false;
    else if (ll == 0) no_registers(out);
out:
    zw_free(S.al, S.opat);
    zw_free(S.al, S.opv);
    zw_ir_cfg_free(S.al, &S.g);
    zw_free(S.al, S.use);
    zw_free(S.al, S.def);
    zw_free(S.al, S.lin);
    zw_free(S.al, S.lout);
    zw_free(S.al, S.r);
    zw_free(S.al, S.rat);
    if (!ok) zw_ra_free(out);
    return ok;
}
