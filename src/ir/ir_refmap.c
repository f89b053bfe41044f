/*
 * ir_refmap.c — which slots of a frame hold live references where the
 * collector may run: the precise stack roots of runtime/gc.c, for every
 * engine (the interpreter's frames and the JIT's are the same IR frames).
 *
 * A slot holds a live reference at a point when, on some path from there,
 * it is read as a reference before it is written: the IR is typed (every
 * read sees the type of the last write on every path: ir_verify.c), so
 * such a slot holds a reference there on every path.  Backward liveness
 * over the basic blocks (ir_cfg.c, handler edges included) restricted to
 * the slots the function ever uses as references that may point into the
 * heap (not function references, i31s or bottom types).  Compiled code
 * keeps every value live across a call or a helper in its slot (docs/jit.md),
 * so the slots are exact for both engines.
 *
 * Made when a collection first walks a frame of the function, not when
 * lowering: programs that never collect pay nothing.  Functions beyond
 * the bounded work get a map that lists every reference slot of the
 * function at every point (still only slots of reference type somewhere;
 * the collector checks each word before following it).
 */
#include "ir.h"

/* Bounds on the work for one function: bits of per-block sets, word
 * operations of the fixpoint, and entries of the per-instruction lists. */
#define ZW_REFMAP_MAX_BITS ((uint64_t)1 << 26)
#define ZW_REFMAP_MAX_WORK ((uint64_t)1 << 28)
#define ZW_REFMAP_MAX_ENTRIES (1u << 24)

struct zw_ir_refmap {
    bool all;         /* too big to analyse: rslot[0 .. nr) everywhere */
    uint32_t nr;      /* the function's reference slots */
    uint32_t *rslot;
    uint32_t *off;    /* per instruction: its live references are slots[off[i] .. off[i] + cnt[i]) */
    uint32_t *cnt;
    uint32_t *slots;
};

typedef uint64_t word;
#define OP_DEF 0x80000000u
#define OP_REF 0x40000000u
#define OP_SLOT 0x3FFFFFFFu

void zw_ir_refmap_free(const zw_alloc *al, zw_ir_refmap *rm) {
    if (!rm) return;
    zw_free(al, rm->rslot);
    zw_free(al, rm->off);
    zw_free(al, rm->cnt);
    zw_free(al, rm->slots);
    zw_free(al, rm);
}

bool zw_ir_may_collect(uint32_t op) {
    if (zw_ir_special_collects(op)) return true;
    /* calls, tail calls (a host callee runs as a call) and throws */
    switch (op) {
    case ZW_OP_CALL: case ZW_OP_CALL_INDIRECT: case ZW_OP_CALL_REF: case ZW_IR_CALL_LOCAL:
    case ZW_OP_RETURN_CALL: case ZW_OP_RETURN_CALL_INDIRECT: case ZW_OP_RETURN_CALL_REF:
    case ZW_IR_RETURN_CALL_LOCAL: case ZW_OP_THROW:
        return true;
    }
    return false;
}

/* Whether a value of type t may point into the GC heap (or be an
 * exception): references other than functions, i31s and the bottoms. */
static bool may_hold_object(const zw_module *m, zw_valtype t) {
    if (!zw_is_ref(t)) return false;
    uint32_t ht = zw_ref_heap(t);
    if (zw_heap_is_idx(ht)) {
        uint32_t x = ht - ZW_HT_IDX;
        return x >= m->ntypes || m->types[x].kind != ZW_COMP_FUNC;
    }
    switch (ht) {
    case ZW_HT_FUNC: case ZW_HT_NOFUNC: case ZW_HT_I31: case ZW_HT_NONE: case ZW_HT_NOEXTERN: case ZW_HT_NOEXN:
        return false;
    }
    return true;
}

typedef struct {
    const zw_module *m;
    const zw_ir_func *f;
    const zw_alloc *al;
    zw_ir_refmap *rm;
    uint32_t *opat, *opv;  /* instruction i's operands: opv[opat[i] .. opat[i+1]) = slot | OP_DEF | OP_REF */
    uint32_t *rid;         /* per slot: its index among the reference slots, or UINT32_MAX */
    zw_ir_cfg g;
    uint32_t nw;
    word *use, *def, *lin, *lout;
} rm_state;

/* Every instruction's slot operands; the reference slots numbered. */
static bool operands(rm_state *S) {
    const zw_ir_func *f = S->f;
    uint32_t ni = f->ninsn, ns = f->frame_slots, n = 0, cap = ni * 3 + 16;
    zw_ir_opnd buf[64], *ops = buf;
    uint32_t opcap = 64;
    bool ok = false;
    S->opat = zw_calloc(S->al, (size_t)ni + 1, sizeof *S->opat);
    S->opv = zw_malloc(S->al, (size_t)cap * sizeof *S->opv);
    S->rid = zw_malloc(S->al, ((size_t)ns + 1) * sizeof *S->rid);
    if (!S->opat || !S->opv || !S->rid) goto out;
    memset(S->rid, 0xFF, ((size_t)ns + 1) * sizeof *S->rid);
    for (uint32_t i = 0; i < ni; i++) {
        uint32_t k = zw_ir_operands(S->m, f, f->insn[i], ops, opcap);
        if (k > opcap) { /* a call with many values */
            if (ops != buf) zw_free(S->al, ops);
            ops = zw_calloc(S->al, k, sizeof *ops);
            if (!ops) goto out;
            opcap = k;
            k = zw_ir_operands(S->m, f, f->insn[i], ops, opcap);
        }
        S->opat[i] = n;
        for (uint32_t j = 0; j < k; j++) {
            uint32_t w = zw_slots(ops[j].type);
            for (uint32_t s = ops[j].slot; s < ops[j].slot + w && s < ns; s++) {
                bool ref = may_hold_object(S->m, ops[j].type);
                if (!ref && !ops[j].def) continue; /* reads of numbers do not matter */
                if (n + 1 > cap) {
                    uint32_t nc = cap * 2;
                    uint32_t *p = zw_realloc_array(S->al, S->opv, nc, sizeof *p);
                    if (!p) goto out;
                    S->opv = p;
                    cap = nc;
                }
                S->opv[n++] = s | (ops[j].def ? OP_DEF : 0) | (ref ? OP_REF : 0);
                if (ref && S->rid[s] == UINT32_MAX) S->rid[s] = S->rm->nr++;
            }
        }
    }
    S->opat[ni] = n;
    S->rm->rslot = zw_calloc(S->al, (size_t)S->rm->nr + 1, sizeof *S->rm->rslot);
    if (!S->rm->rslot) goto out;
    for (uint32_t s = 0; s < ns; s++)
        if (S->rid[s] != UINT32_MAX) S->rm->rslot[S->rid[s]] = s;
    ok = true;
out:
    if (ops != buf) zw_free(S->al, ops);
    return ok;
}

static void bit_set(word *s, uint32_t v) { s[v / 64] |= (word)1 << (v % 64); }
static void bit_clr(word *s, uint32_t v) { s[v / 64] &= ~((word)1 << (v % 64)); }
static bool bit_get(const word *s, uint32_t v) { return s[v / 64] >> (v % 64) & 1; }

/* Live references at each block's end, to a fixpoint: 1, or 0 past the
 * bound on the work, or -1 on out of memory. */
static int liveness(rm_state *S) {
    const zw_ir_func *f = S->f;
    uint32_t nb = S->g.nb, nw = S->nw;
    size_t sz = (size_t)nb * nw + 1;
    S->use = zw_calloc(S->al, sz, sizeof(word));
    S->def = zw_calloc(S->al, sz, sizeof(word));
    S->lin = zw_calloc(S->al, sz, sizeof(word));
    S->lout = zw_calloc(S->al, sz, sizeof(word));
    if (!S->use || !S->def || !S->lin || !S->lout) return -1;
    for (uint32_t i = 0; i < f->ninsn; i++) {
        word *u = S->use + (size_t)S->g.block[i] * nw, *d = S->def + (size_t)S->g.block[i] * nw;
        for (uint32_t k = S->opat[i]; k < S->opat[i + 1]; k++) {
            uint32_t v = S->opv[k], r = S->rid[v & OP_SLOT];
            if (r != UINT32_MAX && !(v & OP_DEF) && !bit_get(d, r)) bit_set(u, r);
        }
        for (uint32_t k = S->opat[i]; k < S->opat[i + 1]; k++) {
            uint32_t v = S->opv[k], r = S->rid[v & OP_SLOT];
            if (r != UINT32_MAX && (v & OP_DEF)) bit_set(d, r);
        }
    }
    return zw_ir_cfg_liveness(S->al, &S->g, f, nw, S->use, S->def, S->lin, S->lout, UINT32_MAX, ZW_REFMAP_MAX_WORK);
}

/* Walk each block backwards from its live-out set, listing the live
 * references at every instruction where the collector may run: 1, 0 past
 * the bound on entries, -1 on out of memory. */
static int lists(rm_state *S) {
    const zw_ir_func *f = S->f;
    zw_ir_refmap *rm = S->rm;
    uint32_t nw = S->nw;
    ZW_VEC(uint32_t) out = {0};
    word *live = zw_calloc(S->al, nw + 1, sizeof *live), *at = zw_calloc(S->al, nw + 1, sizeof *at);
    rm->off = zw_calloc(S->al, (size_t)f->ninsn + 1, sizeof *rm->off);
    rm->cnt = zw_calloc(S->al, (size_t)f->ninsn + 1, sizeof *rm->cnt);
    int rc = -1;
    if (!live || !at || !rm->off || !rm->cnt) goto out;
    for (uint32_t b = 0; b < S->g.nb; b++) {
        memcpy(live, S->lout + (size_t)b * nw, nw * sizeof *live);
        for (uint32_t i = zw_ir_cfg_end(&S->g, b); i-- > S->g.lead[b];) {
            uint32_t pc = f->insn[i], op = f->code[pc];
            /* live after i, less what i writes */
            for (uint32_t k = S->opat[i]; k < S->opat[i + 1]; k++) {
                uint32_t v = S->opv[k], r = S->rid[v & OP_SLOT];
                if (r != UINT32_MAX && (v & OP_DEF)) bit_clr(live, r);
            }
            if (zw_ir_may_collect(op)) {
                /* a call's callee frame (from B up) is the callee's; a throw
                 * or an allocation still reads its operands */
                uint32_t base = zw_ir_call_base(f, pc);
                bool call = base != UINT32_MAX && op != ZW_OP_THROW;
                memcpy(at, live, nw * sizeof *at);
                if (!call)
                    for (uint32_t k = S->opat[i]; k < S->opat[i + 1]; k++) {
                        uint32_t v = S->opv[k], r = S->rid[v & OP_SLOT];
                        if (r != UINT32_MAX && !(v & OP_DEF) && (v & OP_REF)) bit_set(at, r);
                    }
                rm->off[i] = out.n;
                for (uint32_t w = 0; w < nw; w++)
                    for (word x = at[w]; x; x &= x - 1) {
                        uint32_t s = rm->rslot[w * 64 + (uint32_t)__builtin_ctzll(x)];
                        if (call && s >= base) continue;
                        if (out.n >= ZW_REFMAP_MAX_ENTRIES) {
                            rc = 0;
                            goto out;
                        }
                        if (!ZW_VEC_PUSH(S->al, &out, s)) goto out;
                    }
                rm->cnt[i] = out.n - rm->off[i];
            }
            for (uint32_t k = S->opat[i]; k < S->opat[i + 1]; k++) {
                uint32_t v = S->opv[k], r = S->rid[v & OP_SLOT];
                if (r != UINT32_MAX && !(v & OP_DEF) && (v & OP_REF)) bit_set(live, r);
            }
        }
    }
    rm->slots = out.v;
    out.v = NULL;
    rc = 1;
out:
    ZW_VEC_FREE(S->al, &out);
    zw_free(S->al, live);
    zw_free(S->al, at);
    return rc;
}

static zw_ir_refmap *build(const zw_module *m, const zw_ir_func *f) {
    rm_state S = {.m = m, .f = f, .al = &m->al};
    S.rm = zw_calloc(S.al, 1, sizeof *S.rm);
    bool ok = S.rm && operands(&S);
    if (ok && S.rm->nr) {
        S.nw = (S.rm->nr + 63) / 64;
        int r = 0;
        if (!zw_ir_cfg_build(S.al, f, &S.g)) ok = false;
        else if ((uint64_t)S.g.nb * S.nw * 64 * 4 <= ZW_REFMAP_MAX_BITS && (r = liveness(&S)) > 0) r = lists(&S);
        if (r < 0) ok = false;
        else if (r == 0) { /* past the bounds: every reference slot everywhere */
            S.rm->all = true;
            zw_free(S.al, S.rm->off);
            zw_free(S.al, S.rm->cnt);
            zw_free(S.al, S.rm->slots);
            S.rm->off = S.rm->cnt = S.rm->slots = NULL;
        }
    }
    zw_ir_cfg_free(S.al, &S.g);
    zw_free(S.al, S.opat);
    zw_free(S.al, S.opv);
    zw_free(S.al, S.rid);
    zw_free(S.al, S.use);
    zw_free(S.al, S.def);
    zw_free(S.al, S.lin);
    zw_free(S.al, S.lout);
    if (!ok) {
        zw_ir_refmap_free(S.al, S.rm);
        return NULL;
    }
    return S.rm;
}

const zw_ir_refmap *zw_ir_refmap_of(const zw_module *m, const zw_ir_func *f) {
    zw_ir_func *mf = (zw_ir_func *)f; /* the map is a cache beside the published code */
    zw_ir_refmap *rm = __atomic_load_n(&mf->refmap, __ATOMIC_ACQUIRE);
    if (rm) return rm;
    rm = build(m, f);
    if (!rm) return NULL;
    zw_ir_refmap *expected = NULL;
    if (!__atomic_compare_exchange_n(&mf->refmap, &expected, rm, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
        zw_ir_refmap_free(&m->al, rm); /* another thread made it first */
        rm = expected;
    }
    return rm;
}

const uint32_t *zw_ir_refs_at(const zw_ir_refmap *rm, const zw_ir_func *f, uint32_t pc, uint32_t *n) {
    *n = 0;
    if (!rm->nr) return NULL;
    if (rm->all) {
        *n = rm->nr;
        return rm->rslot;
    }
    if (!f->ninsn) return NULL;
    uint32_t lo = zw_ir_insn_index(f, pc);
    *n = rm->cnt[lo];
    return *n ? rm->slots + rm->off[lo] : NULL;
}
