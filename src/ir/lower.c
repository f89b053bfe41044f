/*
 * lower.c — lowering of validated Wasm function bodies (stack code) to the
 * register IR of ir.h.  Owner: IR engineer.
 *
 * One pass per function with a virtual operand stack: every stack position
 * has a fixed home slot (temp_base + slot height); an entry is either
 * materialized in its home (V_SLOT), a pending read of a local (V_LOCAL) or a
 * pending constant (V_CONST).  Instructions read their operands from wherever
 * the values are and write their result straight into the destination home;
 * local.set/tee retarget the destination of the instruction that produced
 * the value.  Integer compares fuse with br_if/if.  Control flow becomes
 * jumps with resolved relative targets; values carried by branches are moved
 * into the target label's slots first.  Integer ops on constants fold;
 * calls of small functions are inlined (straight-line leaves with aliased
 * locals, others as a whole body in a C_INLINE frame).  With m->fuel a
 * fuel check is emitted at function entry and loop heads.  See docs/ir.md.
 */
#include <string.h>

#include "ir.h"
#include "ir_sig.h"
#include "../sem/scalar.h"

#define NONE UINT32_MAX

static void free_func(const zw_alloc *al, zw_ir_func *f);
static uint32_t types_slots(const zw_valtype *t, uint32_t n);
/* Implementation limit: words of register code per byte of a body. */
#define ZW_LOWER_WORDS_PER_BYTE 16

enum { V_SLOT, V_LOCAL, V_CONST };
typedef struct vent {
    uint8_t kind;
    uint8_t nsl;       /* 1 or 2 slots */
    zw_valtype type;
    uint32_t home;     /* home slot of this stack position */
    uint32_t ref;      /* V_LOCAL: the local's slot */
    uint64_t c[2];     /* V_CONST */
    /* Pushed as a pending read of slot read_of (NONE otherwise): the entry
     * is on that slot's chain of reads, linked by prev_read (see reads_of) */
    uint32_t read_of, prev_read;
} vent;

typedef struct cond {
    uint32_t op; /* BR_NZ, BR_Z, BR_NZ64, BR_Z64, BR_<cmp>, BRK_<cmp> */
    uint32_t a, b;
    uint64_t imm;
} cond;

enum { C_FUNC, C_BLOCK, C_LOOP, C_IF, C_INLINE };
typedef struct ctl {
    uint8_t kind;
    bool unreachable, has_else, bt1;
    uint32_t height;    /* vstack entries below the block's params */
    uint32_t base_home; /* home slot of stack position `height` */
    uint32_t nparams, nresults;
    const zw_valtype *params, *results;
    zw_valtype single;  /* bt1: the single result type */
    uint32_t start;     /* loop: code offset of the loop head */
    uint32_t else_patch;
    bool head_valid;    /* loop: the body starts with a fusable br_if */
    uint32_t head_ci, head_len;
    cond head;
    ZW_VEC(uint32_t) patches; /* words holding a target to resolve at end */
    /* exceptions: a try_table (try_kind 1) or a legacy try (2) has a
     * region (the handlers of its body); a legacy try's catches are
     * collected in lcatch until its end; catches (indices into L.catches)
     * whose handler continues at this label's end wait in cpatches */
    uint8_t try_kind;
    bool in_catch;      /* legacy try: lowering a catch/catch_all handler */
    uint32_t region;
    uint32_t exn_home;  /* legacy handler: the slot of the caught exception */
    ZW_VEC(zw_ir_catch) lcatch;
    ZW_VEC(uint32_t) cpatches;
    ZW_VEC(uint32_t) pieces; /* earlier regions of this try, cut by tail calls (tail_call_regions) */
    /* C_INLINE (a callee's body lowered in place, see lower_inline_body):
     * the caller's reading position and locals, restored at its end */
    struct {
        const uint8_t *p, *end;
        uint32_t *lslot;
        zw_valtype *ltype;
        uint32_t nlocals, vfloor, floor_home;
        uint32_t func, call_off, first; /* the callee, the call's offset, its first insn */
    } caller;
} ctl;


typedef struct L {
    zw_module *m;
    uint32_t fidx;
    const zw_functype *ft;
    ZW_VEC(uint32_t) code;
    ZW_VEC(uint32_t) insn;
    ZW_VEC(uint32_t) src;      /* per instruction: its Wasm byte offset (cur_off) */
    ZW_VEC(zw_ir_inline) inls;
    uint32_t cur_off;          /* byte offset of the Wasm instruction being lowered */
    ZW_VEC(vent) vs;
    ZW_VEC(ctl) cs;
    uint32_t nlocals;
    uint32_t *lslot;
    zw_valtype *ltype;
    uint32_t temp_base, max_h;
    uint32_t last_dst; /* word index of the dst operand of the last instruction */
    bool cmp_valid;    /* last instruction is a fusable compare */
    uint32_t cmp_start, cmp_ninsn, cmp_home;
    cond cmp;
    bool oom, trace;
    bool too_big;      /* the code outgrew `budget` words */
    uint32_t budget;   /* words of code this function may lower to */
    /* entries below mat_floor are all V_SLOT (materialize_all's watermark) */
    uint32_t mat_floor;
    /* per slot: the topmost vstack entry pushed as a pending read of it
     * (NONE: none), the head of its chain of reads; and how many of the
     * chain's entries are still pending */
    struct { uint32_t head, live; } *reads;
    uint32_t nreads;
    /* the vstack entry index at which next_home() restarts, and that home
     * (0 and temp_base, except while a call is inlined) */
    uint32_t vfloor, floor_home;
    /* while inlining: the callee's locals (absolute slots) and their aliases */
    bool inlining;
    uint32_t inl_base; /* callee frame base; slots below are the caller's */
    vent *alias;       /* per callee local: V_CONST/V_LOCAL alias, or kind V_SLOT (none) */
    uint32_t in_body;  /* > 0 while a callee's body is lowered in place (C_INLINE) */
    ZW_VEC(zw_ir_region) regions; /* exception handlers (ir.h) */
    ZW_VEC(zw_ir_catch) catches;
    uint32_t inlined_bytes; /* code bytes of the bodies lowered in place so far */
} L;

/* ---- compare tables ---------------------------------------------------- */
static uint32_t br_of_cmp(uint32_t op, bool k) {
    switch (op) {
#define X(id, l) case ZW_OP_##id: return k ? ZW_IR_BRK_##id : ZW_IR_BR_##id;
        ZW_IR_CMPS(X)
#undef X
    }
    return NONE;
}
static uint32_t k_of(uint32_t op) {
    switch (op) {
#define X(id, l) case ZW_OP_##id: return ZW_IR_K_##id;
        ZW_IR_KOPS(X)
#undef X
    }
    return NONE;
}
/* a OP b == b SWAP(OP) a; NONE when not swappable. */
static uint32_t swap_op(uint32_t op) {
    switch (op) {
    case ZW_OP_I32_ADD: case ZW_OP_I32_MUL: case ZW_OP_I32_AND: case ZW_OP_I32_OR:
    case ZW_OP_I32_XOR: case ZW_OP_I32_EQ: case ZW_OP_I32_NE:
    case ZW_OP_I64_ADD: case ZW_OP_I64_MUL: case ZW_OP_I64_AND: case ZW_OP_I64_OR:
    case ZW_OP_I64_XOR: case ZW_OP_I64_EQ: case ZW_OP_I64_NE: return op;
    case ZW_OP_I32_LT_S: return ZW_OP_I32_GT_S;
    case ZW_OP_I32_GT_S: return ZW_OP_I32_LT_S;
    case ZW_OP_I32_LT_U: return ZW_OP_I32_GT_U;
    case ZW_OP_I32_GT_U: return ZW_OP_I32_LT_U;
    case ZW_OP_I32_LE_S: return ZW_OP_I32_GE_S;
    case ZW_OP_I32_GE_S: return ZW_OP_I32_LE_S;
    case ZW_OP_I32_LE_U: return ZW_OP_I32_GE_U;
    case ZW_OP_I32_GE_U: return ZW_OP_I32_LE_U;
    case ZW_OP_I64_LT_S: return ZW_OP_I64_GT_S;
    case ZW_OP_I64_GT_S: return ZW_OP_I64_LT_S;
    case ZW_OP_I64_LT_U: return ZW_OP_I64_GT_U;
    case ZW_OP_I64_GT_U: return ZW_OP_I64_LT_U;
    case ZW_OP_I64_LE_S: return ZW_OP_I64_GE_S;
    case ZW_OP_I64_GE_S: return ZW_OP_I64_LE_S;
    case ZW_OP_I64_LE_U: return ZW_OP_I64_GE_U;
    case ZW_OP_I64_GE_U: return ZW_OP_I64_LE_U;
    }
    return NONE;
}
/* !(a OP b) == a NEG(OP) b for integer compares. */
static uint32_t neg_cmp(uint32_t op) {
    switch (op) {
    case ZW_OP_I32_EQ: return ZW_OP_I32_NE;
    case ZW_OP_I32_NE: return ZW_OP_I32_EQ;
    case ZW_OP_I32_LT_S: return ZW_OP_I32_GE_S;
    case ZW_OP_I32_GE_S: return ZW_OP_I32_LT_S;
    case ZW_OP_I32_LT_U: return ZW_OP_I32_GE_U;
    case ZW_OP_I32_GE_U: return ZW_OP_I32_LT_U;
    case ZW_OP_I32_GT_S: return ZW_OP_I32_LE_S;
    case ZW_OP_I32_LE_S: return ZW_OP_I32_GT_S;
    case ZW_OP_I32_GT_U: return ZW_OP_I32_LE_U;
    case ZW_OP_I32_LE_U: return ZW_OP_I32_GT_U;
    case ZW_OP_I64_EQ: return ZW_OP_I64_NE;
    case ZW_OP_I64_NE: return ZW_OP_I64_EQ;
    case ZW_OP_I64_LT_S: return ZW_OP_I64_GE_S;
    case ZW_OP_I64_GE_S: return ZW_OP_I64_LT_S;
    case ZW_OP_I64_LT_U: return ZW_OP_I64_GE_U;
    case ZW_OP_I64_GE_U: return ZW_OP_I64_LT_U;
    case ZW_OP_I64_GT_S: return ZW_OP_I64_LE_S;
    case ZW_OP_I64_LE_S: return ZW_OP_I64_GT_S;
    case ZW_OP_I64_GT_U: return ZW_OP_I64_LE_U;
    case ZW_OP_I64_LE_U: return ZW_OP_I64_GT_U;
    }
    return NONE;
}
/* The compare op of a fused branch op (and whether it is the _K form). */
static uint32_t cmp_of_br(uint32_t br, bool *k) {
#define X(id, l)                                                               \
    if (br == ZW_IR_BR_##id) { *k = false; return ZW_OP_##id; }                \
    if (br == ZW_IR_BRK_##id) { *k = true; return ZW_OP_##id; }
    ZW_IR_CMPS(X)
#undef X
    return NONE;
}
static bool is_i64_op(uint32_t op) { return zw_opinfos[op].params && zw_opinfos[op].params[0] == 'l'; }

/* ---- emission ------------------------------------------------------------ */
static void W(L *l, uint32_t w) {
    if (l->code.n >= l->budget) {
        l->too_big = true;
        return;
    }
    if (!ZW_VEC_PUSH(&l->m->al, &l->code, w)) l->oom = true;
}
static void W64(L *l, uint64_t v) {
    W(l, (uint32_t)v);
    W(l, (uint32_t)(v >> 32));
}
static uint32_t emit(L *l, uint32_t op) {
    if (l->trace) {
        if (!ZW_VEC_PUSH(&l->m->al, &l->insn, l->code.n) || !ZW_VEC_PUSH(&l->m->al, &l->src, l->cur_off)) l->oom = true;
        W(l, ZW_IR_TRACE);
    }
    uint32_t at = l->code.n;
    if (!ZW_VEC_PUSH(&l->m->al, &l->insn, at) || !ZW_VEC_PUSH(&l->m->al, &l->src, l->cur_off)) l->oom = true;
    W(l, op);
    l->last_dst = NONE;
    l->cmp_valid = false;
    return at;
}
/* A memory operand: the memory index, then the 64-bit offset (or the
 * absolute address of an _abs form). */
static void W_mem(L *l, uint32_t mem, uint64_t offset) {
    W(l, mem);
    W64(l, offset);
}
/* A branch target operand of the instruction starting at `at` pointing to
 * `target` (a known code offset). */
static void W_target(L *l, uint32_t at, uint32_t target) { W(l, target - at); }
/* A target resolved later by bind(): the word holds the instruction start. */
static void W_patch(L *l, uint32_t at, ctl *c) {
    if (!ZW_VEC_PUSH(&l->m->al, &c->patches, l->code.n)) l->oom = true;
    W(l, at);
}
static void bind_patch(L *l, uint32_t p) { l->code.v[p] = l->code.n - l->code.v[p]; }
static void bind(L *l, ctl *c) {
    for (uint32_t i = 0; i < c->patches.n; i++) bind_patch(l, c->patches.v[i]);
    c->patches.n = 0;
    for (uint32_t i = 0; i < c->cpatches.n; i++) l->catches.v[c->cpatches.v[i]].target = l->code.n;
    c->cpatches.n = 0;
    l->last_dst = NONE;
    l->cmp_valid = false;
}

static void ctl_free(L *l, ctl *c) {
    ZW_VEC_FREE(&l->m->al, &c->patches);
    ZW_VEC_FREE(&l->m->al, &c->cpatches);
    ZW_VEC_FREE(&l->m->al, &c->lcatch);
    ZW_VEC_FREE(&l->m->al, &c->pieces);
}

/* ---- virtual stack --------------------------------------------------------- */
static uint32_t next_home(L *l) {
    if (l->vs.n == l->vfloor) return l->floor_home;
    vent *t = &l->vs.v[l->vs.n - 1];
    return t->home + t->nsl;
}
static vent *push(L *l, uint8_t kind, zw_valtype t) {
    vent e = {0};
    e.kind = kind;
    e.type = t;
    e.nsl = (uint8_t)zw_slots(t);
    e.home = next_home(l);
    e.read_of = e.prev_read = NONE;
    if (e.home + e.nsl - l->temp_base > l->max_h) l->max_h = e.home + e.nsl - l->temp_base;
    if (!ZW_VEC_PUSH(&l->m->al, &l->vs, e)) { l->oom = true; return NULL; }
    return &l->vs.v[l->vs.n - 1];
}
/* Push a pending read of slot `ref` and put it on the slot's chain. */
static vent *push_read(L *l, zw_valtype t, uint32_t ref) {
    if (ref >= l->nreads) {
        uint32_t n = l->nreads ? l->nreads : 64;
        while (n <= ref) n *= 2;
        void *r = zw_realloc_array(&l->m->al, l->reads, n, sizeof *l->reads);
        if (!r) { l->oom = true; return NULL; }
        l->reads = r;
        for (uint32_t i = l->nreads; i < n; i++) {
            l->reads[i].head = NONE;
            l->reads[i].live = 0;
        }
        l->nreads = n;
    }
    vent *e = push(l, V_LOCAL, t);
    if (!e) return NULL;
    e->ref = ref;
    e->read_of = ref;
    e->prev_read = l->reads[ref].head;
    l->reads[ref].head = l->vs.n - 1;
    l->reads[ref].live++;
    return e;
}
/* An entry stops being a pending read (popped or materialized). */
static void read_done(L *l, const vent *e) {
    if (e->kind == V_LOCAL && e->read_of != NONE) l->reads[e->read_of].live--;
}
/* Push an entry like x (a value in its home, a pending read, a constant). */
static void push_like(L *l, const vent *x, zw_valtype t) {
    if (x->kind == V_LOCAL) {
        push_read(l, t, x->ref);
        return;
    }
    vent *e = push(l, x->kind, t);
    if (e) {
        e->c[0] = x->c[0];
        e->c[1] = x->c[1];
    }
}
/* Drop the top n entries (stack discipline keeps every slot's chain head
 * on the topmost read still on the stack). */
static void drop_to(L *l, uint32_t n) {
    while (l->vs.n > n) {
        vent *e = &l->vs.v[--l->vs.n];
        read_done(l, e);
        if (e->read_of != NONE) l->reads[e->read_of].head = e->prev_read;
    }
    if (l->mat_floor > n) l->mat_floor = n;
}
static vent pop(L *l) {
    if (!l->vs.n) { vent z = {0}; return z; } /* not reached for valid code */
    vent e = l->vs.v[l->vs.n - 1];
    drop_to(l, l->vs.n - 1);
    return e;
}
/* The typed constant of e (its type, its bits) into slot dst. */
static void emit_const(L *l, uint32_t dst, const vent *e) {
    switch (e->type) {
    case ZW_V128:
        emit(l, ZW_IR_CONST128);
        W(l, dst);
        W64(l, e->c[0]);
        W64(l, e->c[1]);
        return;
    case ZW_I32: case ZW_F32:
        emit(l, e->type == ZW_I32 ? ZW_IR_CONST32 : ZW_IR_CONST_F32);
        W(l, dst);
        W(l, (uint32_t)e->c[0]);
        return;
    case ZW_I64: case ZW_F64:
        /* a small i64 takes the shorter i32 form: the interpreter's
         * const.i32 writes the slot zero-extended, which is the i64 */
        if (e->type == ZW_I64 && e->c[0] <= UINT32_MAX) {
            emit(l, ZW_IR_CONST64_U32);
            W(l, dst);
            W(l, (uint32_t)e->c[0]);
            return;
        }
        emit(l, e->type == ZW_I64 ? ZW_IR_CONST64 : ZW_IR_CONST_F64);
        W(l, dst);
        W64(l, e->c[0]);
        return;
    default: /* a reference constant is ref.null */
        emit(l, ZW_IR_CONST_NULL);
        W(l, dst);
        return;
    }
}
/* The move of a value of type t. */
static uint32_t mov_op(zw_valtype t) {
    switch (t) {
    case ZW_I32: return ZW_IR_MOV_I32;
    case ZW_I64: return ZW_IR_MOV_I64;
    case ZW_F32: return ZW_IR_MOV_F32;
    case ZW_F64: return ZW_IR_MOV_F64;
    case ZW_V128: return ZW_IR_MOV128;
    default: return ZW_IR_MOV_REF;
    }
}
static void emit_mov(L *l, uint32_t dst, uint32_t src, zw_valtype t) {
    if (dst == src) return;
    emit(l, mov_op(t));
    W(l, dst);
    W(l, src);
}
static void materialize(L *l, vent *e) {
    read_done(l, e);
    if (e->kind == V_LOCAL) emit_mov(l, e->home, e->ref, e->type);
    else if (e->kind == V_CONST) emit_const(l, e->home, e);
    e->kind = V_SLOT;
}
static void materialize_all(L *l) {
    for (uint32_t i = l->mat_floor; i < l->vs.n; i++)
        if (l->vs.v[i].kind != V_SLOT) materialize(l, &l->vs.v[i]);
    l->mat_floor = l->vs.n;
}
/* Materialize every pending read of slot `slot` before it is written.  Each
 * entry is visited once: the chain is cut behind the walk. */
static void reads_of(L *l, uint32_t slot) {
    if (slot >= l->nreads) return;
    for (uint32_t i = l->reads[slot].head; i != NONE;) {
        vent *e = &l->vs.v[i];
        if (e->kind == V_LOCAL) materialize(l, e);
        e->read_of = NONE;
        i = e->prev_read;
    }
    l->reads[slot].head = NONE;
}
/* The slot an operand can be read from (constants are materialized in
 * their home; the entry is already popped so its home is free). */
static uint32_t src_of(L *l, vent *e) {
    if (e->kind == V_LOCAL) return e->ref;
    if (e->kind == V_CONST) emit_const(l, e->home, e);
    return e->home;
}
/* Push a result in its home and write the dst operand. */
static void W_dst(L *l, zw_valtype t) {
    vent *r = push(l, V_SLOT, t);
    if (!r) return;
    l->last_dst = l->code.n;
    W(l, r->home);
}
/* Pop n operands (stack order) and return their source slots. */
static void pop_srcs(L *l, uint32_t n, uint32_t *out) {
    vent e[4];
    for (uint32_t i = n; i-- > 0;) e[i] = pop(l);
    for (uint32_t i = 0; i < n; i++) out[i] = src_of(l, &e[i]);
}

/* ---- moves of carried values ------------------------------------------------ */
/* Values at the top n positions go to consecutive slots from dest.  Phase 1
 * (before any branch): pending local reads whose slot would be overwritten by
 * an earlier value's move are materialized in their homes. */
static void prep_moves(L *l, uint32_t n, uint32_t dest) {
    uint32_t d = dest;
    for (uint32_t i = l->vs.n - n; i < l->vs.n; i++) {
        vent *e = &l->vs.v[i];
        if (e->kind == V_LOCAL && e->ref >= dest && e->ref < d) materialize(l, e);
        d += e->nsl;
    }
}
/* Phase 2: the moves themselves (ascending; sources never below their
 * destination).  Does not change the virtual stack. */
static void do_moves(L *l, uint32_t n, uint32_t dest) {
    uint32_t d = dest;
    for (uint32_t i = l->vs.n - n; i < l->vs.n; i++) {
        vent *e = &l->vs.v[i];
        if (e->kind == V_SLOT) emit_mov(l, d, e->home, e->type);
        else if (e->kind == V_LOCAL) emit_mov(l, d, e->ref, e->type);
        else emit_const(l, d, e);
        d += e->nsl;
    }
}
static bool moves_needed(L *l, uint32_t n, uint32_t dest) {
    uint32_t d = dest;
    for (uint32_t i = l->vs.n - n; i < l->vs.n; i++) {
        vent *e = &l->vs.v[i];
        if (e->kind != V_SLOT || e->home != d) return true;
        d += e->nsl;
    }
    return false;
}

static const zw_valtype *ctl_results(const ctl *c) { return c->bt1 ? &c->single : c->results; }
static uint32_t label_arity(const ctl *c) { return c->kind == C_LOOP ? c->nparams : c->nresults; }
static uint32_t label_dest(const ctl *c) { return c->kind == C_FUNC ? 0 : c->base_home; }

/* Unconditional branch to the label of control frame ci (moves + jump). */
static uint32_t emit_condbr(L *l, cond c);
static cond negate(cond c);

static void branch(L *l, uint32_t ci) {
    ctl *c = &l->cs.v[ci];
    uint32_t n = label_arity(c), dest = label_dest(c);
    if (c->kind == C_FUNC && n == 1 && l->vs.v[l->vs.n - 1].nsl == 1 &&
        l->vs.v[l->vs.n - 1].kind != V_CONST) {
        vent *e = &l->vs.v[l->vs.n - 1];
        emit(l, ZW_IR_RETURN1);
        W(l, e->kind == V_LOCAL ? e->ref : e->home);
        return;
    }
    prep_moves(l, n, dest);
    do_moves(l, n, dest);
    if (c->kind == C_FUNC) { emit(l, ZW_IR_RETURN); return; }
    if (c->kind == C_LOOP && c->head_valid) {
        /* jump back over the loop's exit test: test inverted here */
        uint32_t hci = c->head_ci, start = c->start, hlen = c->head_len;
        uint32_t at = emit_condbr(l, negate(c->head));
        W_target(l, at, start + hlen);
        at = emit(l, ZW_IR_BR);
        ctl *h = &l->cs.v[hci];
        if (h->kind == C_LOOP) W_target(l, at, h->start);
        else W_patch(l, at, h);
        return;
    }
    uint32_t at = emit(l, ZW_IR_BR);
    if (c->kind == C_LOOP) W_target(l, at, c->start);
    else W_patch(l, at, &l->cs.v[ci]);
}

/* ---- conditions ---------------------------------------------------------- */
/* Pop an i32 condition; fuse with the compare that produced it when that is
 * the last instruction (the compare is removed). */
static cond take_cond(L *l) {
    vent e = pop(l);
    cond c = {0};
    if (e.kind == V_SLOT && l->cmp_valid && e.home == l->cmp_home) {
        c = l->cmp;
        l->code.n = l->cmp_start;
        l->insn.n = l->src.n = l->cmp_ninsn;
        l->cmp_valid = false;
        l->last_dst = NONE;
        return c;
    }
    c.op = ZW_IR_BR_NZ;
    c.a = src_of(l, &e);
    return c;
}
static cond negate(cond c) {
    switch (c.op) {
    case ZW_IR_BR_NZ: c.op = ZW_IR_BR_Z; return c;
    case ZW_IR_BR_Z: c.op = ZW_IR_BR_NZ; return c;
    case ZW_IR_BR_NZ64: c.op = ZW_IR_BR_Z64; return c;
    case ZW_IR_BR_Z64: c.op = ZW_IR_BR_NZ64; return c;
    case ZW_IR_BR_NONNULL: c.op = ZW_IR_BR_NULL; return c;
    case ZW_IR_BR_NULL: c.op = ZW_IR_BR_NONNULL; return c;
    }
    bool k;
    uint32_t op = cmp_of_br(c.op, &k);
    c.op = br_of_cmp(neg_cmp(op), k);
    return c;
}
/* Emit a conditional branch; returns its start (the target word is last). */
static uint32_t emit_condbr(L *l, cond c) {
    uint32_t at = emit(l, c.op);
    W(l, c.a);
    bool k;
    uint32_t op = cmp_of_br(c.op, &k);
    if (op != NONE) {
        if (!k) W(l, c.b);
        else if (is_i64_op(op)) W64(l, c.imm);
        else W(l, (uint32_t)c.imm);
    }
    return at;
}

/* ---- generic operations ---------------------------------------------------- */
static void set_cmp(L *l, uint32_t start, uint32_t ninsn, cond c) {
    l->cmp_valid = true;
    l->cmp_start = start;
    l->cmp_ninsn = ninsn;
    l->cmp = c;
    l->cmp_home = l->vs.v[l->vs.n - 1].home;
}

/* Constant folding of the binary integer ops of ZW_IR_KOPS (none traps):
 * constant OP constant, and the identities x+0 x-0 x|0 x^0 x*1 x&-1, shifts
 * and rotates by 0 (-> x), x*0 x&0 (-> 0).  True when done (nothing
 * emitted; the result is pushed as a constant or as x's entry). */
static bool fold_binop(L *l, uint32_t op) {
    const zw_opinfo *oi = &zw_opinfos[op];
    vent *a = &l->vs.v[l->vs.n - 2], *b = &l->vs.v[l->vs.n - 1];
    bool is64 = oi->params[0] == 'l';
    uint64_t mask = is64 ? ~0ull : 0xFFFFFFFFull, bits = is64 ? 63 : 31;
    zw_valtype rt = zw_sig_letter_type(oi->results[0]);
    if (a->kind == V_CONST && b->kind == V_CONST) {
        uint64_t x = a->c[0] & mask, y = b->c[0] & mask, r = 0;
        switch (op) {
#define X(id, ty) case ZW_OP_##id: r = (uint64_t)SEM_##id((FT_##ty)x, (FT_##ty)y); break;
#define FT_i uint32_t
#define FT_l uint64_t
            ZW_IR_KOPS_PURE(X)
#undef FT_i
#undef FT_l
#undef X
        default: return false;
        }
        drop_to(l, l->vs.n - 2);
        vent *e = push(l, V_CONST, rt);
        if (e) e->c[0] = r;
        return true;
    }
    vent *k = b->kind == V_CONST ? b : a->kind == V_CONST ? a : NULL;
    if (!k) return false;
    bool kb = k == b;
    uint64_t c = k->c[0] & mask;
    int res = 0; /* 1: x, 2: constant 0 */
    switch (op) {
    case ZW_OP_I32_ADD: case ZW_OP_I64_ADD: case ZW_OP_I32_OR: case ZW_OP_I64_OR:
    case ZW_OP_I32_XOR: case ZW_OP_I64_XOR:
        if (c == 0) res = 1;
        break;
    case ZW_OP_I32_SUB: case ZW_OP_I64_SUB: case ZW_OP_I32_SHL: case ZW_OP_I64_SHL:
    case ZW_OP_I32_SHR_S: case ZW_OP_I64_SHR_S: case ZW_OP_I32_SHR_U: case ZW_OP_I64_SHR_U:
    case ZW_OP_I32_ROTL: case ZW_OP_I64_ROTL: case ZW_OP_I32_ROTR: case ZW_OP_I64_ROTR:
        if (kb && (c & bits) == 0 && (op == ZW_OP_I32_SUB || op == ZW_OP_I64_SUB ? c == 0 : true)) res = 1;
        break;
    case ZW_OP_I32_MUL: case ZW_OP_I64_MUL:
        if (c == 1) res = 1;
        else if (c == 0) res = 2;
        break;
    case ZW_OP_I32_AND: case ZW_OP_I64_AND:
        if (c == mask) res = 1;
        else if (c == 0) res = 2;
        break;
    }
    if (!res) return false;
    vent x = kb ? *a : *b;
    /* x = the upper operand in a slot moves down one position: only when
     * the last instruction produced it (its destination is retargeted) */
    uint32_t home_a = a->home;
    if (res == 1 && !kb && x.kind == V_SLOT) {
        if (l->last_dst == NONE || l->code.v[l->last_dst] != x.home) return false;
        l->code.v[l->last_dst] = home_a;
        l->cmp_valid = false;
    }
    drop_to(l, l->vs.n - 2);
    if (res == 2) {
        vent *e = push(l, V_CONST, rt);
        if (e) e->c[0] = 0;
        return true;
    }
    push_like(l, &x, rt);
    return true;
}

static void lower_generic(L *l, uint32_t op) {
    const zw_opinfo *oi = &zw_opinfos[op];
    uint32_t np = (uint32_t)strlen(oi->params), nr = (uint32_t)strlen(oi->results);
    uint32_t start = l->code.n, ninsn = l->insn.n;
    if (np == 2 && k_of(op) != NONE && fold_binop(l, op)) return;
    if (np == 2 && k_of(op) != NONE) {
        vent *a = &l->vs.v[l->vs.n - 2], *b = &l->vs.v[l->vs.n - 1];
        uint32_t kop = NONE;
        vent x, kc;
        bool is_div = false;
        switch (op) {
#define X(id, ty) case ZW_OP_##id: is_div = true; break;
            ZW_IR_KDIVS(X)
#undef X
        }
        uint64_t bmask = oi->params[0] == 'l' ? ~0ull : 0xFFFFFFFFull;
        if (b->kind == V_CONST && (!is_div || (b->c[0] & bmask) != 0)) {
            kop = op;
        } else if (a->kind == V_CONST && swap_op(op) != NONE) {
            kop = swap_op(op);
        }
        if (kop != NONE) {
            if (b->kind == V_CONST) { kc = pop(l); x = pop(l); }
            else { x = pop(l); kc = pop(l); }
            uint32_t xs = src_of(l, &x);
            start = l->code.n;
            ninsn = l->insn.n;
            emit(l, k_of(kop));
            W_dst(l, zw_sig_letter_type(oi->results[0]));
            W(l, xs);
            if (oi->params[0] == 'l') W64(l, kc.c[0]);
            else W(l, (uint32_t)kc.c[0]);
            uint32_t br = br_of_cmp(kop, true);
            if (br != NONE) {
                cond c = {br, xs, 0, kc.c[0]};
                set_cmp(l, start, ninsn, c);
            }
            return;
        }
    }
    uint32_t s[4];
    pop_srcs(l, np, s);
    start = l->code.n;
    ninsn = l->insn.n;
    emit(l, op);
    for (uint32_t i = 0; i < nr; i++) W_dst(l, zw_sig_letter_type(oi->results[i])); /* two: wide arithmetic */
    for (uint32_t i = 0; i < np; i++) W(l, s[i]);
    if (op == ZW_OP_I32_EQZ) set_cmp(l, start, ninsn, (cond){ZW_IR_BR_Z, s[0], 0, 0});
    else if (op == ZW_OP_I64_EQZ) set_cmp(l, start, ninsn, (cond){ZW_IR_BR_Z64, s[0], 0, 0});
    else if (br_of_cmp(op, false) != NONE)
        set_cmp(l, start, ninsn, (cond){br_of_cmp(op, false), s[0], s[1], 0});
}

static void lower_memarg(L *l, uint32_t op, const zw_instr *in) {
    const zw_opinfo *oi = &zw_opinfos[op];
    bool load = oi->results[0] != 0;
    uint32_t aop = NONE;
    switch (op) {
#define AB_NONE(id, pfx, sig)
#define AB_MEMARG(id, pfx, sig) case ZW_OP_##id: aop = ZW_IR_A_##id; break;
#define AB_ATOMIC(id, pfx, sig)
#define AB_LANE(id, pfx, sig)
#define AB_MLANE(id, pfx, sig)
#define AB_SHUF(id, pfx, sig)
#define AB_OTHER(id, pfx, sig)
#define X(id, text, prefix, code, imm, sig, access, lanes, feature) ZW_BY_IMM(imm, AB, id, prefix, sig)
#include "../opcodes.def"
#undef X
    }
    /* absolute forms: memory 0 with 32-bit addresses only */
    bool abs_ok = in->mem == 0 && !l->m->mems[0].type.is64;
    if (load) {
        vent a = pop(l);
        if (a.kind == V_CONST && abs_ok && (uint64_t)(uint32_t)a.c[0] + in->offset <= UINT32_MAX) {
            emit(l, aop);
            W_dst(l, zw_sig_letter_type(oi->results[0]));
            W_mem(l, in->mem, (uint32_t)a.c[0] + in->offset);
            return;
        }
        uint32_t as = src_of(l, &a);
        emit(l, op);
        W_dst(l, zw_sig_letter_type(oi->results[0]));
        W(l, as);
        W_mem(l, in->mem, in->offset);
    } else {
        vent v = pop(l), a = pop(l);
        uint32_t vs = src_of(l, &v);
        if (a.kind == V_CONST && abs_ok && (uint64_t)(uint32_t)a.c[0] + in->offset <= UINT32_MAX) {
            emit(l, aop);
            W(l, vs);
            W_mem(l, in->mem, (uint32_t)a.c[0] + in->offset);
            return;
        }
        uint32_t as = src_of(l, &a);
        emit(l, op);
        W(l, as);
        W(l, vs);
        W_mem(l, in->mem, in->offset);
    }
}

/* ---- calls ------------------------------------------------------------------- */
/* Emit a hand-typed op (ZW_IR_SPECIAL) laid out [d][s...][n...]: its
 * operands popped, its result pushed, its n operands from the
 * instruction's immediates a, b in order. */
static void emit_special(L *l, uint32_t op, const zw_instr *in) {
    const char *desc = zw_ir_desc(op), *types = zw_ir_special_types(op);
    uint32_t nimm[2] = {in->a, in->b}, nsrc = 0, s[3];
    for (const char *d = desc; *d; d++) nsrc += *d == 's';
    pop_srcs(l, nsrc, s);
    emit(l, op);
    if (desc[0] == 'd') {
        zw_valtype t = types[0] == 'F' ? ZW_FUNCREF : zw_sig_letter_type(types[0]);
        if (!t) t = zw_ir_module_type(l->m, op, nimm, types[0]);
        W_dst(l, t);
    }
    for (uint32_t i = 0; i < nsrc; i++) W(l, s[i]);
    for (uint32_t k = 0; *desc; desc++)
        if (*desc == 'n') W(l, nimm[k++]);
}

/* Materialize the arguments (top np entries) and return the base slot. */
static uint32_t call_args(L *l, uint32_t np) {
    uint32_t p0 = l->vs.n - np;
    for (uint32_t i = p0; i < l->vs.n; i++) materialize(l, &l->vs.v[i]);
    uint32_t base = np ? l->vs.v[p0].home : next_home(l);
    drop_to(l, p0);
    return base;
}
static void call_results(L *l, const zw_functype *t) {
    for (uint32_t i = 0; i < t->nresults; i++) push(l, V_SLOT, t->results[i]);
    l->last_dst = NONE;
    l->cmp_valid = false;
}

/* ---- locals -------------------------------------------------------------------- */
static bool reads_pending(const L *l, uint32_t slot) {
    return slot < l->nreads && l->reads[slot].live > 0;
}
static void set_local(L *l, uint32_t idx, vent v) {
    uint32_t slot = l->lslot[idx];
    if (reads_pending(l, slot)) {
        reads_of(l, slot);
    } else if (v.kind == V_SLOT && l->last_dst != NONE && l->code.v[l->last_dst] == v.home) {
        l->code.v[l->last_dst] = slot;
        l->last_dst = NONE;
        l->cmp_valid = false;
        return;
    }
    if (v.kind == V_SLOT) emit_mov(l, slot, v.home, v.type);
    else if (v.kind == V_LOCAL) emit_mov(l, slot, v.ref, v.type);
    else emit_const(l, slot, &v);
}

/* ---- a function's locals ---------------------------------------------------------- */
/* The slots of function fidx's locals (parameters first) laid out from
 * slot base, and their types: (*slot)[i], (*type)[i] for each local, and
 * (*slot)[nlocals] the slot after them.  false on out of memory. */
static bool layout_locals(const zw_module *m, uint32_t fidx, uint32_t base, uint32_t **slot, zw_valtype **type) {
    const zw_func *fn = &m->funcs[fidx];
    const zw_functype *ft = zw_func_type(m, fidx);
    uint32_t np = ft->nparams, nloc = np + fn->nlocals;
    *slot = zw_calloc(&m->al, nloc + 1, sizeof **slot);
    *type = zw_calloc(&m->al, nloc + 1, sizeof **type);
    if (!*slot || !*type) {
        zw_free(&m->al, *slot);
        zw_free(&m->al, *type);
        *slot = NULL;
        *type = NULL;
        return false;
    }
    uint32_t top = base;
    for (uint32_t i = 0; i < nloc; i++) {
        (*type)[i] = i < np ? ft->params[i] : fn->locals[i - np];
        (*slot)[i] = top;
        top += zw_slots((*type)[i]);
    }
    (*slot)[nloc] = top;
    return true;
}

/* ---- inlining ------------------------------------------------------------------ */
/* A call of a small straight-line leaf function (no control flow, no calls:
 * locals, constants, globals, numeric ops, loads and stores) is lowered in
 * place: the callee frame is laid out exactly as for a call (params at the
 * argument homes, then its locals, then its temporaries) and the callee's
 * body is lowered into the caller.  Since there is no control flow inside,
 * each callee local can stay an alias of a constant or of another local's
 * slot until written (arguments that are constants or caller locals,
 * declared locals = 0), which removes the argument moves and the zeroing. */
#define INLINE_MAX_INSTRS 64
#define INLINE_MAX_LOCALS 32

/* The select of values of type t. */
static uint32_t select_op(zw_valtype t) {
    switch (t) {
    case ZW_I32: return ZW_OP_SELECT;
    case ZW_I64: return ZW_IR_SELECT_I64;
    case ZW_F32: return ZW_IR_SELECT_F32;
    case ZW_F64: return ZW_IR_SELECT_F64;
    case ZW_V128: return ZW_IR_SELECT128;
    default: return ZW_IR_SELECT_REF;
    }
}

/* drop, select, global.get/set and constants: lowered the same way in a
 * function body and in an inlined callee. */
static void lower_value_op(L *l, uint32_t op, const zw_instr *in) {
    switch (op) {
    case ZW_OP_DROP: pop(l); break;
    case ZW_OP_SELECT:
    case ZW_OP_SELECT_T: {
        uint32_t s[3];
        zw_valtype t = l->vs.v[l->vs.n - 2].type;
        pop_srcs(l, 3, s);
        emit(l, select_op(t));
        W_dst(l, t);
        W(l, s[0]);
        W(l, s[1]);
        W(l, s[2]);
        break;
    }
    case ZW_OP_GLOBAL_GET: {
        zw_valtype t = l->m->globals[in->a].type.type;
        emit(l, zw_slots(t) == 2 ? ZW_IR_GLOBAL_GET128 : ZW_OP_GLOBAL_GET);
        W_dst(l, t);
        W(l, in->a);
        break;
    }
    case ZW_OP_GLOBAL_SET: {
        vent v = pop(l);
        uint32_t s = src_of(l, &v);
        emit(l, v.nsl == 2 ? ZW_IR_GLOBAL_SET128 : ZW_OP_GLOBAL_SET);
        W(l, s);
        W(l, in->a);
        break;
    }
    case ZW_OP_I32_CONST: case ZW_OP_I64_CONST: case ZW_OP_F32_CONST: case ZW_OP_F64_CONST:
    case ZW_OP_V128_CONST: {
        zw_valtype t = op == ZW_OP_I32_CONST ? ZW_I32 : op == ZW_OP_I64_CONST ? ZW_I64
                     : op == ZW_OP_F32_CONST ? ZW_F32 : op == ZW_OP_F64_CONST ? ZW_F64 : ZW_V128;
        vent *e = push(l, V_CONST, t);
        if (!e) break;
        if (op == ZW_OP_I32_CONST) e->c[0] = (uint32_t)in->imm;
        else if (op == ZW_OP_I64_CONST) e->c[0] = (uint64_t)in->imm;
        else if (op == ZW_OP_F32_CONST) e->c[0] = in->v.u32[0];
        else { e->c[0] = in->v.u64[0]; e->c[1] = op == ZW_OP_V128_CONST ? in->v.u64[1] : 0; }
        break;
    }
    }
}

#define VALUE_OP_CASES                                                                  \
    case ZW_OP_DROP: case ZW_OP_SELECT: case ZW_OP_SELECT_T: case ZW_OP_GLOBAL_GET:     \
    case ZW_OP_GLOBAL_SET: case ZW_OP_I32_CONST: case ZW_OP_I64_CONST:                  \
    case ZW_OP_F32_CONST: case ZW_OP_F64_CONST: case ZW_OP_V128_CONST

/* The atomic accesses (IMM_ATOMIC): the memory-op layout, [d][addr][args][M],
 * with no absolute form (the address is checked for alignment first). */
static void lower_atomic(L *l, uint32_t op, const zw_instr *in) {
    const zw_opinfo *oi = &zw_opinfos[op];
    uint32_t np = (uint32_t)strlen(oi->params), s[3];
    pop_srcs(l, np, s);
    emit(l, op);
    if (oi->results[0]) W_dst(l, zw_sig_letter_type(oi->results[0]));
    for (uint32_t i = 0; i < np; i++) W(l, s[i]);
    W_mem(l, in->mem, in->offset);
}

static bool inline_ok_op(uint32_t op) {
    const zw_opinfo *oi = &zw_opinfos[op];
    switch (op) {
    case ZW_OP_NOP: case ZW_OP_DROP: case ZW_OP_SELECT: case ZW_OP_LOCAL_GET: case ZW_OP_LOCAL_SET:
    case ZW_OP_LOCAL_TEE: case ZW_OP_GLOBAL_GET: case ZW_OP_GLOBAL_SET: case ZW_OP_I32_CONST:
    case ZW_OP_I64_CONST: case ZW_OP_F32_CONST: case ZW_OP_F64_CONST:
        return true;
    }
    /* one result at most (the alias machinery retargets a single dst) */
    if (oi->imm == IMM_NONE) return oi->params && oi->prefix != 0xFD && strlen(oi->results) <= 1;
    if (oi->imm == IMM_MEMARG) return oi->prefix == 0;
    return false;
}

static bool inlinable_body(const zw_module *m, uint32_t fidx) {
    const zw_func *fn = &m->funcs[fidx];
    const zw_functype *ft = zw_func_type(m, fidx);
    if (ft->nresults > 1 || ft->nparams + fn->nlocals > INLINE_MAX_LOCALS) return false;
    for (uint32_t i = 0; i < ft->nparams + ft->nresults; i++)
        if (ft->params[i] == ZW_V128) return false;
    for (uint32_t i = 0; i < fn->nlocals; i++)
        if (fn->locals[i] == ZW_V128) return false;
    const uint8_t *p = fn->code, *end = fn->code + fn->code_len;
    zw_instr in;
    zwasm_error_t err;
    for (uint32_t n = 0; p < end; n++) {
        if (n > INLINE_MAX_INSTRS || zw_read_instr(m->bytes, m->features, &p, end, fidx, &in, &err) != ZWASM_OK) return false;
        if (in.op == ZW_OP_END) {
            if (p != end) return false;
            break;
        }
        if (!inline_ok_op(in.op)) return false;
    }
    return true;
}

/* A call of a small function with control flow (BODY_INLINE_MAX_BYTES of
 * code at most, up to BODY_INLINE_MAX_TOTAL bytes of such bodies per
 * caller) has the callee's whole body lowered in place, in a C_INLINE
 * control frame that plays the callee's function frame (lower_inline_body).
 * Inside it nothing more is inlined (so an inlined stretch never holds
 * another: zw_ir_locate names one callee), which is why a callee that calls
 * a function inlined as a leaf stays a call.  A function calling itself
 * (fib) gets one level of its own body: half as many calls. */
#define BODY_INLINE_MAX_BYTES 80
#define BODY_INLINE_MAX_TOTAL 640

enum { INL_UNKNOWN, INL_LEAF, INL_NO, INL_BODY };

/* Whether defined function fidx is inlined as a leaf: the cached kind when
 * known, else the leaf scan alone (never the body check, so that asking
 * about a callee cannot recurse down a chain of calls). */
static bool leaf_inlinable(L *l, uint32_t fidx) {
    uint8_t known = ZW_ATOMIC_LOAD(&l->m->inlinable[fidx - l->m->nfunc_imports]);
    return known ? known == INL_LEAF : inlinable_body(l->m, fidx);
}

static bool body_inlinable(L *l, uint32_t fidx) {
    const zw_module *m = l->m;
    const zw_func *fn = &m->funcs[fidx];
    if (fn->code_len > BODY_INLINE_MAX_BYTES || zw_func_type(m, fidx)->nparams + fn->nlocals > INLINE_MAX_LOCALS)
        return false;
    const uint8_t *p = fn->code, *end = fn->code + fn->code_len;
    zw_instr in;
    zwasm_error_t err;
    while (p < end) {
        if (zw_read_instr(m->bytes, m->features, &p, end, fidx, &in, &err) != ZWASM_OK) return false;
        if (in.op == ZW_OP_CALL && in.a != fidx && in.a >= m->nfunc_imports && leaf_inlinable(l, in.a))
            return false;
    }
    return true;
}

/* How a call of defined function fidx is lowered (INL_LEAF, INL_BODY or
 * INL_NO); the answer is cached in m->inlinable (a byte per function,
 * stored atomically: several threads may lower functions of one module,
 * and they compute the same answer). */
static uint8_t inline_kind(L *l, uint32_t fidx) {
    zw_module *m = l->m;
    uint32_t d = fidx - m->nfunc_imports;
    uint8_t known = ZW_ATOMIC_LOAD(&m->inlinable[d]);
    if (known) return known;
    known = inlinable_body(m, fidx) ? INL_LEAF : body_inlinable(l, fidx) ? INL_BODY : INL_NO;
    ZW_ATOMIC_STORE(&m->inlinable[d], known);
    return known;
}


/* local.get of a callee local: its alias, or a pending read of its slot. */
static void inl_get(L *l, uint32_t idx) {
    const vent *al = &l->alias[idx];
    if (al->kind == V_SLOT || al->kind == V_LOCAL) {
        push_read(l, l->ltype[idx], al->kind == V_SLOT ? l->lslot[idx] : al->ref);
        return;
    }
    vent *e = push(l, al->kind, l->ltype[idx]);
    if (!e) return;
    e->c[0] = al->c[0];
    e->c[1] = al->c[1];
}
/* local.set of a callee local. */
static void inl_set(L *l, uint32_t idx, vent v) {
    uint32_t sx = l->lslot[idx];
    reads_of(l, sx);
    for (uint32_t j = 0; j < l->nlocals; j++)
        if (l->alias[j].kind == V_LOCAL && l->alias[j].ref == sx) {
            emit_mov(l, l->lslot[j], sx, l->ltype[j]);
            l->alias[j].kind = V_SLOT;
        }
    if (v.kind == V_LOCAL && v.ref == sx) return; /* no alias: a no-op */
    if (v.kind != V_SLOT) {
        l->alias[idx] = v;
        return;
    }
    l->alias[idx].kind = V_SLOT;
    if (l->last_dst != NONE && l->code.v[l->last_dst] == v.home) {
        l->code.v[l->last_dst] = sx;
        l->last_dst = NONE;
        l->cmp_valid = false;
        return;
    }
    emit_mov(l, sx, v.home, v.type);
}

static void lower_inline(L *l, uint32_t fidx) {
    zw_module *m = l->m;
    const zw_func *fn = &m->funcs[fidx];
    const zw_functype *ft = zw_func_type(m, fidx);
    uint32_t np = ft->nparams, nloc = np + fn->nlocals;
    uint32_t p0 = l->vs.n - np;
    uint32_t base = np ? l->vs.v[p0].home : next_home(l);
    uint32_t *slot;
    zw_valtype *type;
    vent *alias = zw_calloc(&l->m->al, nloc + 1, sizeof *alias);
    if (!alias || !layout_locals(m, fidx, base, &slot, &type)) {
        zw_free(&l->m->al, alias);
        l->oom = true;
        return;
    }
    uint32_t top = slot[nloc];
    for (uint32_t i = 0; i < nloc; i++) {
        if (i < np) {
            alias[i] = l->vs.v[p0 + i];
        } else {
            alias[i].kind = V_CONST;
            alias[i].nsl = 1;
            alias[i].type = type[i];
        }
    }
    if (top - l->temp_base > l->max_h) l->max_h = top - l->temp_base;
    uint32_t *sv_lslot = l->lslot, sv_nlocals = l->nlocals, sv_vfloor = l->vfloor, sv_floor_home = l->floor_home;
    zw_valtype *sv_ltype = l->ltype;
    drop_to(l, p0);
    l->vfloor = p0;
    l->floor_home = top;
    l->lslot = slot;
    l->ltype = type;
    l->nlocals = nloc;
    l->alias = alias;
    l->inlining = true;
    l->inl_base = base;
    l->last_dst = NONE;
    l->cmp_valid = false;

    const uint8_t *p = fn->code, *end = fn->code + fn->code_len;
    zw_instr in;
    zwasm_error_t err;
    uint32_t call_off = l->cur_off, first = l->insn.n;
    while (p < end && !l->oom) {
        l->cur_off = (uint32_t)(p - m->bytes);
        if (zw_read_instr(m->bytes, m->features, &p, end, fidx, &in, &err) != ZWASM_OK) { l->oom = true; break; }
        uint32_t op = in.op;
        if (op == ZW_OP_END) break;
        switch (op) {
        case ZW_OP_NOP: break;
        VALUE_OP_CASES: lower_value_op(l, op, &in); break;
        case ZW_OP_LOCAL_GET: inl_get(l, in.a); break;
        case ZW_OP_LOCAL_SET: inl_set(l, in.a, pop(l)); break;
        case ZW_OP_LOCAL_TEE: inl_set(l, in.a, pop(l)); inl_get(l, in.a); break;
        default:
            if (zw_opinfos[op].imm == IMM_MEMARG) lower_memarg(l, op, &in);
            else lower_generic(l, op);
        }
    }
    /* what came from the callee's body; the rest belongs to the call */
    if (l->insn.n > first) {
        zw_ir_inline r = {first, l->insn.n, fidx, call_off};
        if (!ZW_VEC_PUSH(&l->m->al, &l->inls, r)) l->oom = true;
    }
    l->cur_off = call_off;

    /* the result goes to the callee's slot 0 (= base), unless it is a
     * constant or a caller local, which stay pending */
    vent r = {0};
    bool has_r = ft->nresults == 1 && l->vs.n > p0;
    uint32_t rdst = NONE;
    if (has_r) {
        r = pop(l);
        if (r.kind == V_CONST || (r.kind == V_LOCAL && r.ref < base)) {
            /* stays pending */
        } else if (r.kind == V_SLOT && l->last_dst != NONE && l->code.v[l->last_dst] == r.home) {
            l->code.v[l->last_dst] = base;
            rdst = l->last_dst;
            r.kind = V_SLOT;
        } else {
            uint32_t src = r.kind == V_LOCAL ? r.ref : r.home;
            emit_mov(l, base, src, r.type);
            if (src != base) rdst = l->code.n - 2;
            r.kind = V_SLOT;
        }
    }
    drop_to(l, p0);
    l->vfloor = sv_vfloor;
    l->floor_home = sv_floor_home;
    l->lslot = sv_lslot;
    l->ltype = sv_ltype;
    l->nlocals = sv_nlocals;
    l->alias = NULL;
    l->inlining = false;
    l->last_dst = NONE;
    l->cmp_valid = false;
    zw_free(&l->m->al, slot);
    zw_free(&l->m->al, type);
    zw_free(&l->m->al, alias);
    if (has_r) {
        push_like(l, &r, ft->results[0]);
        l->last_dst = rdst;
    }
}

/* ---- inlining a body with control flow -------------------------------------------- */
static void reset_stack(L *l, ctl *c, uint32_t n, const zw_valtype *t);
static void mark_unreachable(L *l);

/* Lower the callee's body in place: the arguments are materialized at the
 * call's base exactly as for a call, the callee's locals follow them and
 * its stack above; its declared locals are zeroed by moves.  Reading
 * switches to the callee's code (*pp, *pend) until end_inline_body. */
static void lower_inline_body(L *l, uint32_t fidx, const uint8_t **pp, const uint8_t **pend) {
    zw_module *m = l->m;
    const zw_func *fn = &m->funcs[fidx];
    const zw_functype *ft = zw_func_type(m, fidx);
    uint32_t np = ft->nparams, nloc = np + fn->nlocals;
    uint32_t call_off = l->cur_off;
    uint32_t base = call_args(l, np);
    uint32_t *slot;
    zw_valtype *type;
    if (!layout_locals(m, fidx, base, &slot, &type)) {
        l->oom = true;
        return;
    }
    uint32_t top = slot[nloc];
    if (top - l->temp_base > l->max_h) l->max_h = top - l->temp_base;
    ctl c;
    memset(&c, 0, sizeof c);
    c.kind = C_INLINE;
    c.else_patch = NONE;
    c.region = NONE;
    c.nresults = ft->nresults;
    c.results = ft->results;
    c.height = l->vs.n;
    c.base_home = base;
    c.caller.p = *pp;
    c.caller.end = *pend;
    c.caller.lslot = l->lslot;
    c.caller.ltype = l->ltype;
    c.caller.nlocals = l->nlocals;
    c.caller.vfloor = l->vfloor;
    c.caller.floor_home = l->floor_home;
    c.caller.func = fidx;
    c.caller.call_off = call_off;
    emit(l, ZW_IR_INLINE_ENTER); /* at the call: its stack check is the call's */
    c.caller.first = l->insn.n;
    if (!ZW_VEC_PUSH(&l->m->al, &l->cs, c)) {
        zw_free(&l->m->al, slot);
        zw_free(&l->m->al, type);
        l->oom = true;
        return;
    }
    l->vfloor = l->vs.n;
    l->floor_home = top;
    l->lslot = slot;
    l->ltype = type;
    l->nlocals = nloc;
    l->in_body++;
    l->inlined_bytes += fn->code_len;
    uint64_t budget = (uint64_t)l->budget + ZW_LOWER_WORDS_PER_BYTE * (uint64_t)fn->code_len + 64;
    l->budget = budget < UINT32_MAX ? (uint32_t)budget : UINT32_MAX;
    l->cur_off = (uint32_t)fn->code_offset;
    for (uint32_t i = np; i < nloc; i++) {
        vent z = {0};
        z.kind = V_CONST;
        z.type = type[i];
        z.nsl = (uint8_t)zw_slots(type[i]);
        emit_const(l, slot[i], &z);
    }
    if (m->fuel) emit(l, ZW_IR_FUEL); /* the callee's entry, as in a call */
    l->last_dst = NONE;
    l->cmp_valid = false;
    *pp = fn->code;
    *pend = fn->code + fn->code_len;
}

/* The end of an inlined body: its results go to the call's base, as a
 * call's would, and reading goes back to the caller. */
static void end_inline_body(L *l, const uint8_t **pp, const uint8_t **pend) {
    ctl *c = &l->cs.v[l->cs.n - 1];
    if (!c->unreachable) {
        prep_moves(l, c->nresults, c->base_home);
        do_moves(l, c->nresults, c->base_home);
    }
    bool dead_after = c->unreachable && c->patches.n == 0 && c->cpatches.n == 0;
    bind(l, c);
    if (l->insn.n > c->caller.first) {
        zw_ir_inline r = {c->caller.first, l->insn.n, c->caller.func, c->caller.call_off};
        if (!ZW_VEC_PUSH(&l->m->al, &l->inls, r)) l->oom = true;
    }
    l->cur_off = c->caller.call_off;
    if (!dead_after) emit(l, ZW_IR_INLINE_LEAVE);
    zw_free(&l->m->al, l->lslot);
    zw_free(&l->m->al, l->ltype);
    l->lslot = c->caller.lslot;
    l->ltype = c->caller.ltype;
    l->nlocals = c->caller.nlocals;
    l->vfloor = c->caller.vfloor;
    l->floor_home = c->caller.floor_home;
    l->in_body--;
    *pp = c->caller.p;
    *pend = c->caller.end;
    ctl done = *c;
    ctl_free(l, c);
    l->cs.n--;
    reset_stack(l, &done, done.nresults, done.results);
    l->last_dst = NONE;
    l->cmp_valid = false;
    if (dead_after) mark_unreachable(l);
}

/* The control frame a `return` leaves: the function's, or an inlined body's. */
static uint32_t return_target(const L *l) {
    for (uint32_t i = l->cs.n; i-- > 1;)
        if (l->cs.v[i].kind == C_INLINE) return i;
    return 0;
}

/* ---- blocks -------------------------------------------------------------------- */
static bool push_ctl(L *l, uint8_t kind, const zw_instr *in) {
    ctl c;
    memset(&c, 0, sizeof c);
    c.kind = kind;
    c.else_patch = NONE;
    if (in->bt_kind == 1) {
        c.bt1 = true;
        c.single = in->a;
        c.nresults = 1;
    } else if (in->bt_kind == 2) {
        const zw_functype *t = &l->m->types[in->a].func;
        c.nparams = t->nparams;
        c.nresults = t->nresults;
        c.params = t->params;
        c.results = t->results;
    }
    c.height = l->vs.n - c.nparams;
    c.base_home = c.height < l->vs.n ? l->vs.v[c.height].home : next_home(l);
    c.region = NONE;
    if (!ZW_VEC_PUSH(&l->m->al, &l->cs, c)) { l->oom = true; return false; }
    return true;
}
/* Reset the stack to the frame's height and push `n` values as homes. */
static void reset_stack(L *l, ctl *c, uint32_t n, const zw_valtype *t) {
    drop_to(l, c->height);
    for (uint32_t i = 0; i < n; i++) push(l, V_SLOT, t[i]);
}

/* return_call f / return_call_indirect: the arguments at the call base,
 * then the tail-call op, whose callee's frame replaces this one.  Inside a
 * body inlined in place there is no frame to replace: a call, and the
 * body's return. */
static void tail_call_regions(L *l, bool reopen);
static void lower_return_call(L *l, const zw_instr *in) {
    const zw_module *m = l->m;
    bool ind = in->op == ZW_OP_RETURN_CALL_INDIRECT, ref = in->op == ZW_OP_RETURN_CALL_REF;
    const zw_functype *t = ind || ref ? &m->types[in->a].func : zw_func_type(m, in->a);
    uint32_t is = 0;
    if (ind || ref) {
        vent e = pop(l);
        is = src_of(l, &e);
    }
    uint32_t base = call_args(l, t->nparams);
    bool tail = !l->in_body;
    if (!tail) tail_call_regions(l, false);
    if (ref) {
        emit(l, tail ? ZW_OP_RETURN_CALL_REF : ZW_OP_CALL_REF);
        W(l, in->a);
        W(l, base);
        W(l, is);
    } else if (ind) {
        emit(l, tail ? ZW_OP_RETURN_CALL_INDIRECT : ZW_OP_CALL_INDIRECT);
        W(l, in->a);
        W(l, in->b);
        W(l, base);
        W(l, is);
    } else if (in->a >= m->nfunc_imports) {
        emit(l, tail ? ZW_IR_RETURN_CALL_LOCAL : ZW_IR_CALL_LOCAL);
        W(l, in->a - m->nfunc_imports);
        W(l, base);
    } else {
        emit(l, tail ? ZW_OP_RETURN_CALL : ZW_OP_CALL);
        W(l, in->a);
        W(l, base);
    }
    if (!tail) {
        tail_call_regions(l, true);
        call_results(l, t);
        branch(l, return_target(l));
    }
    mark_unreachable(l);
}

/* br_if to control frame ci on condition c (the label's values on top of
 * the virtual stack stay there when the branch is not taken). */
static void cond_branch(L *l, uint32_t ci, cond c) {
    ctl *t = &l->cs.v[ci];
    uint32_t n = label_arity(t), dest = label_dest(t);
    if (t->kind != C_FUNC && !moves_needed(l, n, dest)) {
        uint32_t at = emit_condbr(l, c);
        if (t->kind == C_LOOP) W_target(l, at, t->start);
        else W_patch(l, at, t);
        ctl *lp = &l->cs.v[l->cs.n - 1];
        if (lp->kind == C_LOOP && lp->start == at && !l->trace && ci != l->cs.n - 1) {
            lp->head_valid = true;
            lp->head = c;
            lp->head_ci = ci;
            lp->head_len = l->code.n - at;
        }
    } else {
        prep_moves(l, n, dest);
        uint32_t at = emit_condbr(l, negate(c));
        uint32_t pw = l->code.n;
        W(l, at);
        branch(l, ci);
        bind_patch(l, pw);
        l->last_dst = NONE;
        l->cmp_valid = false;
    }
}

/* call_indirect (type, table, base, index) and call_ref (type, base,
 * reference): the callee's operand is on top, the arguments below it. */
static void lower_call_through(L *l, uint32_t op, const zw_instr *in) {
    const zw_functype *t = &l->m->types[in->a].func;
    vent e = pop(l);
    uint32_t is = src_of(l, &e);
    uint32_t base = call_args(l, t->nparams);
    emit(l, op);
    W(l, in->a);
    if (op == ZW_OP_CALL_INDIRECT) W(l, in->b);
    W(l, base);
    W(l, is);
    call_results(l, t);
}

/* A GC instruction (ZW_IR_SPECIAL's layouts): its slot operands popped
 * in stack order, a result pushed; the n operands are the instruction's
 * immediates in order; S lists a struct's fields or an array's elements. */

static void lower_gc(L *l, uint32_t op, const zw_instr *in) {
    const zw_module *m = l->m;
    const char *desc = zw_ir_desc(op), *types = zw_ir_special_types(op);
    uint32_t ns = 0, nlist = 0;
    for (const char *d = desc; *d; d++) ns += *d == 's';
    if (strchr(desc, 'S')) nlist = op == ZW_OP_STRUCT_NEW ? m->types[in->a].nfields : in->b;
    uint32_t *list = NULL, srcs[8];
    if (nlist && !(list = zw_calloc(&l->m->al, nlist, sizeof *list))) {
        l->oom = true;
        return;
    }
    /* the list is deepest on the stack, then the s operands (up to 5) */
    vent es[8];
    for (uint32_t i = ns; i-- > 0;) es[i] = pop(l);
    for (uint32_t i = 0; i < ns; i++) srcs[i] = src_of(l, &es[i]);
    if (nlist) {
        vent *e = zw_calloc(&l->m->al, nlist, sizeof *e);
        if (!e) {
            zw_free(&l->m->al, list);
            l->oom = true;
            return;
        }
        for (uint32_t i = nlist; i-- > 0;) e[i] = pop(l);
        for (uint32_t i = 0; i < nlist; i++) list[i] = src_of(l, &e[i]);
        zw_free(&l->m->al, e);
    }
    uint32_t imm[2] = {in->a, in->b};
    emit(l, op);
    uint32_t si = 0, ni = 0, ti = 0;
    for (const char *d = desc; *d; d++) {
        switch (*d) {
        case 'd': {
            zw_valtype t = types[ti] == 'i' ? ZW_I32 : ZW_IR_ANYREF;
            if (types[ti] == 'x') {
                const zw_type *ty = &m->types[in->a];
                t = zw_unpacked(ty->fields[ty->kind == ZW_COMP_STRUCT ? in->b : 0].type);
            }
            ti++;
            W_dst(l, t);
            break;
        }
        case 's': W(l, srcs[si++]); ti++; break;
        case 'n': W(l, ni < 2 ? imm[ni] : 0); ni++; break;
        case 'S':
            W(l, nlist);
            for (uint32_t i = 0; i < nlist; i++) W(l, list[i]);
            break;
        }
    }
    zw_free(&l->m->al, list);
}

/* br_on_cast / br_on_cast_fail: the test on the reference that stays on
 * top (it is the label's last value), then br_if. */
static void lower_br_on_cast(L *l, const zw_instr *in) {
    vent *r = &l->vs.v[l->vs.n - 1];
    uint32_t rs = src_of(l, r);
    if (r->kind == V_CONST) r->kind = V_SLOT;
    emit(l, in->flags & 2 ? ZW_OP_REF_TEST_NULL : ZW_OP_REF_TEST);
    W_dst(l, ZW_I32);
    W(l, rs);
    W(l, in->c);
    cond c = take_cond(l);
    cond_branch(l, l->cs.n - 1 - in->a, in->op == ZW_OP_BR_ON_CAST ? c : negate(c));
}

static void mark_unreachable(L *l) {
    ctl *c = &l->cs.v[l->cs.n - 1];
    c->unreachable = true;
    drop_to(l, c->height);
    l->last_dst = NONE;
    l->cmp_valid = false;
}

static void lower_end(L *l) {
    ctl *c = &l->cs.v[l->cs.n - 1];
    if (c->kind == C_FUNC) {
        if (!c->unreachable) branch(l, 0);
        if (c->cpatches.n) { /* handlers that leave the function: results in place */
            bind(l, c);
            emit(l, ZW_IR_RETURN);
        }
        ctl_free(l, c);
        l->cs.n--;
        return;
    }
    if (!c->unreachable) {
        prep_moves(l, c->nresults, c->base_home);
        do_moves(l, c->nresults, c->base_home);
    }
    bool dead_after = c->kind == C_LOOP ? c->unreachable
                                        : (c->unreachable && c->patches.n == 0 && c->cpatches.n == 0);
    if (c->else_patch != NONE) {
        bind_patch(l, c->else_patch);
        dead_after = false;
    }
    bind(l, c);
    ctl done = *c;
    ctl_free(l, c);
    l->cs.n--;
    reset_stack(l, &done, done.nresults, ctl_results(&done));
    if (dead_after) mark_unreachable(l);
}


/* ---- exceptions ---------------------------------------------------------------------- */
/* The innermost region active at control frame ci or outside it (a try's
 * body, not its handlers), or NONE: an exception goes to the caller. */
static uint32_t cur_region(const L *l, uint32_t ci) {
    for (uint32_t i = ci + 1; i-- > 0;)
        if (l->cs.v[i].region != NONE && !l->cs.v[i].in_catch) return l->cs.v[i].region;
    return NONE;
}
/* Whether the label of control frame ci lies inside a body inlined in place. */
static uint32_t inl_at(const L *l, uint32_t ci) {
    for (uint32_t i = 0; i <= ci; i++)
        if (l->cs.v[i].kind == C_INLINE) return 1;
    return 0;
}
static void see_slots(L *l, uint32_t end) {
    if (end > l->temp_base && end - l->temp_base > l->max_h) l->max_h = end - l->temp_base;
}
/* A new region, starting here, inside the current one. */
static uint32_t open_region(L *l, ctl *c, uint32_t first, uint32_t n) {
    zw_ir_region r = {l->code.n, l->code.n, first, n, cur_region(l, l->cs.n - 2)};
    if (!ZW_VEC_PUSH(&l->m->al, &l->regions, r)) l->oom = true;
    c->region = l->regions.n - 1;
    l->last_dst = NONE;
    l->cmp_valid = false;
    return c->region;
}
static void close_region(L *l, ctl *c) {
    if (c->region != NONE && !c->in_catch && c->region < l->regions.n) l->regions.v[c->region].end = l->code.n;
}

/* A tail call inside a body inlined in place is a call: the inlined
 * callee's frame is gone for it, so the body's own regions must not cover
 * the call.  They stop before it (reopen false) and go on after it as new
 * regions with the same handlers (reopen true). */
static void tail_call_regions(L *l, bool reopen) {
    for (uint32_t i = return_target(l) + 1; i < l->cs.n; i++) {
        ctl *c = &l->cs.v[i];
        if (c->region == NONE || c->in_catch || c->region >= l->regions.n) continue;
        if (!reopen) {
            l->regions.v[c->region].end = l->code.n;
            if (!ZW_VEC_PUSH(&l->m->al, &c->pieces, c->region)) l->oom = true;
            continue;
        }
        zw_ir_region r = l->regions.v[c->region];
        r.start = r.end = l->code.n;
        r.next = cur_region(l, i - 1);
        if (!ZW_VEC_PUSH(&l->m->al, &l->regions, r)) { l->oom = true; return; }
        c->region = l->regions.n - 1;
    }
}

/* try_table bt catch*: the clauses' labels are outside its own block. */
static void lower_try_table(L *l, const zw_instr *in, const uint8_t *end) {
    uint32_t first = l->catches.n;
    const uint8_t *tp = in->tbl;
    for (uint32_t i = 0; i < in->b; i++) {
        uint8_t kind;
        uint32_t tag, label;
        zw_read_catch(&tp, end, &kind, &tag, &label);
        uint32_t ci = l->cs.n - 1 - label;
        ctl *t = &l->cs.v[ci];
        uint32_t np = kind < ZW_CATCH_ALL ? types_slots(zw_tag_type(l->m, tag)->params, zw_tag_type(l->m, tag)->nparams) : 0;
        zw_ir_catch c = {kind < ZW_CATCH_ALL ? tag : NONE, label_dest(t), NONE, NONE, inl_at(l, ci)};
        if (kind == ZW_CATCH_REF || kind == ZW_CATCH_ALL_REF) c.exn = c.dst + np;
        see_slots(l, c.dst + np + 1);
        if (!ZW_VEC_PUSH(&l->m->al, &l->catches, c)) { l->oom = true; return; }
        if (t->kind == C_LOOP) l->catches.v[l->catches.n - 1].target = t->start;
        else if (!ZW_VEC_PUSH(&l->m->al, &t->cpatches, l->catches.n - 1)) l->oom = true;
    }
    if (!push_ctl(l, C_BLOCK, in)) return;
    ctl *c = &l->cs.v[l->cs.n - 1];
    c->try_kind = 1;
    open_region(l, c, first, in->b);
}

/* The end of an arm of block c that has another after it (if's then-part,
 * a legacy try's body or handler): its results to the block's, a jump to
 * its end, unless the arm ends unreachable. */
static void leave_arm(L *l, ctl *c) {
    if (c->unreachable) return;
    prep_moves(l, c->nresults, c->base_home);
    do_moves(l, c->nresults, c->base_home);
    uint32_t at = emit(l, ZW_IR_BR);
    W_patch(l, at, c);
}

/* catch x / catch_all of a legacy try: the body (or the previous handler)
 * ends as an if's then-part does; the handler starts with the caught
 * exception in a hidden slot at the try's height (for rethrow), then the
 * payload. */
static void lower_legacy_catch(L *l, const zw_instr *in) {
    ctl *c = &l->cs.v[l->cs.n - 1];
    close_region(l, c);
    leave_arm(l, c);
    drop_to(l, c->height);
    vent *h = push(l, V_SLOT, ZW_EXNREF);
    if (!h) return;
    c->exn_home = h->home;
    c->in_catch = true;
    c->unreachable = false;
    l->last_dst = NONE;
    l->cmp_valid = false;
    zw_ir_catch e = {NONE, c->exn_home + 1, NONE, l->code.n, inl_at(l, l->cs.n - 1)};
    if (in->op == ZW_OP_CATCH) {
        const zw_functype *tt = zw_tag_type(l->m, in->a);
        e.tag = in->a;
        for (uint32_t i = 0; i < tt->nparams; i++) push(l, V_SLOT, tt->params[i]);
    }
    if (!ZW_VEC_PUSH(&l->m->al, &c->lcatch, e)) l->oom = true;
}

/* The end (or delegate) of a legacy try: its catches join the function's. */
static void flush_legacy(L *l, ctl *c) {
    close_region(l, c);
    if (c->region == NONE || c->region >= l->regions.n) return;
    uint32_t first = l->catches.n;
    for (uint32_t i = 0; i < c->lcatch.n; i++)
        if (!ZW_VEC_PUSH(&l->m->al, &l->catches, c->lcatch.v[i])) l->oom = true;
    for (uint32_t i = 0; i <= c->pieces.n; i++) {
        zw_ir_region *r = &l->regions.v[i < c->pieces.n ? c->pieces.v[i] : c->region];
        r->first = first;
        r->n = c->lcatch.n;
    }
}

/* ---- the function body ------------------------------------------------------------ */
static zwasm_result_t lower_body(L *l, zwasm_error_t *err) {
    zw_module *m = l->m;
    const zw_func *fn = &m->funcs[l->fidx];
    const uint8_t *p = fn->code, *end = fn->code + fn->code_len;
    uint32_t dead_depth = 0;
    zw_instr in;
    {
        ctl c;
        memset(&c, 0, sizeof c);
        c.kind = C_FUNC;
        c.else_patch = NONE;
        c.region = NONE;
        c.nresults = l->ft->nresults;
        c.results = l->ft->results;
        c.base_home = 0;
        if (!ZW_VEC_PUSH(&l->m->al, &l->cs, c)) return zw_err_set(err, ZWASM_ERR_NOMEM, ZWASM_NO_OFFSET, l->fidx, "out of memory");
    }
    l->cur_off = (uint32_t)fn->code_offset;
    if (m->fuel) emit(l, ZW_IR_FUEL); /* function entry */
    while (p < end && l->cs.n > 0) {
        l->cur_off = (uint32_t)(p - m->bytes);
        zwasm_result_t r = zw_read_instr(m->bytes, m->features, &p, end, l->fidx, &in, err);
        if (r != ZWASM_OK) return r;
        if (l->oom || l->too_big) break;
        uint32_t op = in.op;
        ctl *top = &l->cs.v[l->cs.n - 1];
        if (top->unreachable) {
            if (op == ZW_OP_BLOCK || op == ZW_OP_LOOP || op == ZW_OP_IF || op == ZW_OP_TRY ||
                op == ZW_OP_TRY_TABLE) { dead_depth++; continue; }
            if (op == ZW_OP_END || op == ZW_OP_DELEGATE) {
                if (dead_depth) { dead_depth--; continue; }
            } else if (op == ZW_OP_ELSE || op == ZW_OP_CATCH || op == ZW_OP_CATCH_ALL) {
                if (dead_depth) continue;
            } else {
                continue;
            }
        }
        switch (op) {
        case ZW_OP_NOP: break;
        case ZW_OP_UNREACHABLE:
            emit(l, ZW_OP_UNREACHABLE);
            mark_unreachable(l);
            break;
        case ZW_OP_BLOCK:
            materialize_all(l);
            push_ctl(l, C_BLOCK, &in);
            break;
        case ZW_OP_LOOP:
            materialize_all(l);
            if (!push_ctl(l, C_LOOP, &in)) break;
            l->cs.v[l->cs.n - 1].start = l->code.n;
            if (m->fuel) emit(l, ZW_IR_FUEL); /* every iteration passes here */
            l->last_dst = NONE;
            l->cmp_valid = false;
            break;
        case ZW_OP_IF: {
            cond c = take_cond(l);
            materialize_all(l);
            if (!push_ctl(l, C_IF, &in)) break;
            uint32_t at = emit_condbr(l, negate(c));
            l->cs.v[l->cs.n - 1].else_patch = l->code.n;
            W(l, at);
            break;
        }
        case ZW_OP_ELSE: {
            ctl *c = top;
            leave_arm(l, c);
            bind_patch(l, c->else_patch);
            c->else_patch = NONE;
            c->has_else = true;
            c->unreachable = false;
            l->last_dst = NONE;
            l->cmp_valid = false;
            reset_stack(l, c, c->nparams, c->params);
            break;
        }
        case ZW_OP_END:
            if (top->kind == C_INLINE) {
                end_inline_body(l, &p, &end);
                break;
            }
            if (top->try_kind == 1) close_region(l, top);
            else if (top->try_kind == 2) flush_legacy(l, top);
            lower_end(l);
            break;
        case ZW_OP_TRY_TABLE:
            materialize_all(l);
            lower_try_table(l, &in, end);
            break;
        case ZW_OP_TRY:
            materialize_all(l);
            if (push_ctl(l, C_BLOCK, &in)) {
                top = &l->cs.v[l->cs.n - 1];
                top->try_kind = 2;
                open_region(l, top, 0, 0);
            }
            break;
        case ZW_OP_CATCH: case ZW_OP_CATCH_ALL:
            lower_legacy_catch(l, &in);
            break;
        case ZW_OP_DELEGATE: {
            /* the body's exceptions go to the handlers around label a
             * (counted outside the try) */
            flush_legacy(l, top);
            if (top->region != NONE && top->region < l->regions.n) {
                uint32_t to = cur_region(l, l->cs.n - 2 - in.a);
                l->regions.v[top->region].next = to;
                for (uint32_t i = 0; i < top->pieces.n; i++) l->regions.v[top->pieces.v[i]].next = to;
            }
            lower_end(l);
            break;
        }
        case ZW_OP_RETHROW: {
            ctl *t = &l->cs.v[l->cs.n - 1 - in.a];
            if (t->lcatch.n) t->lcatch.v[t->lcatch.n - 1].exn = t->exn_home;
            emit(l, ZW_OP_THROW_REF);
            W(l, t->exn_home);
            mark_unreachable(l);
            break;
        }
        case ZW_OP_THROW: {
            const zw_functype *tt = zw_tag_type(m, in.a);
            uint32_t base = call_args(l, tt->nparams);
            see_slots(l, base + types_slots(tt->params, tt->nparams));
            emit(l, ZW_OP_THROW);
            W(l, in.a);
            W(l, base);
            mark_unreachable(l);
            break;
        }
        case ZW_OP_THROW_REF: {
            uint32_t s1[1];
            pop_srcs(l, 1, s1);
            emit(l, ZW_OP_THROW_REF);
            W(l, s1[0]);
            mark_unreachable(l);
            break;
        }
        case ZW_OP_BR:
            branch(l, l->cs.n - 1 - in.a);
            mark_unreachable(l);
            break;
        case ZW_OP_BR_IF:
            cond_branch(l, l->cs.n - 1 - in.a, take_cond(l));
            break;
        case ZW_OP_BR_ON_NULL: {
            /* branch without the reference when it is null; else it stays */
            vent r = pop(l);
            uint32_t rs = src_of(l, &r);
            cond_branch(l, l->cs.n - 1 - in.a, (cond){ZW_IR_BR_NULL, rs, 0, 0});
            if (r.kind == V_LOCAL) push_read(l, r.type, r.ref);
            else push(l, V_SLOT, r.type); /* its home again: the same height */
            break;
        }
        case ZW_OP_BR_ON_NON_NULL: {
            /* branch with the reference (the label's last value) when it is
             * not null; else drop it */
            vent *r = &l->vs.v[l->vs.n - 1];
            uint32_t rs = src_of(l, r);
            if (r->kind == V_CONST) r->kind = V_SLOT; /* now in its home */
            cond_branch(l, l->cs.n - 1 - in.a, (cond){ZW_IR_BR_NONNULL, rs, 0, 0});
            pop(l);
            break;
        }
        case ZW_OP_BR_ON_CAST: case ZW_OP_BR_ON_CAST_FAIL:
            lower_br_on_cast(l, &in);
            break;
        case ZW_OP_REF_AS_NON_NULL: {
            uint32_t s[1];
            pop_srcs(l, 1, s);
            emit(l, ZW_OP_REF_AS_NON_NULL);
            W_dst(l, ZW_IR_ANYREF);
            W(l, s[0]);
            break;
        }
        case ZW_OP_CALL_REF:
            lower_call_through(l, op, &in);
            break;
        case ZW_OP_BR_TABLE: {
            vent e = pop(l);
            uint32_t is = src_of(l, &e);
            uint32_t n = in.a;
            /* Per distinct label (by depth): whether it is reached directly or
             * through a stub of moves, and where its stub is; every
             * per-label step runs once, however many targets repeat it. */
            uint32_t nl = l->cs.n;
            uint32_t *deps = zw_calloc(&l->m->al, n + 1, sizeof *deps);
            uint32_t *tw = zw_calloc(&l->m->al, n + 1, sizeof *tw);
            uint8_t *how = zw_calloc(&l->m->al, nl, 1);        /* 0 unseen, 1 direct, 2 stub */
            uint32_t *stub_at = zw_calloc(&l->m->al, nl, sizeof *stub_at);
            if (!deps || !tw || !how || !stub_at) {
                zw_free(&l->m->al, deps); zw_free(&l->m->al, tw); zw_free(&l->m->al, how); zw_free(&l->m->al, stub_at);
                l->oom = true;
                break;
            }
            const uint8_t *tp = in.tbl;
            for (uint32_t i = 0; i < n; i++) zw_read_u32(&tp, end, &deps[i]);
            deps[n] = in.b;
            /* phase 1 for every label before the dispatch */
            for (uint32_t i = 0; i <= n; i++) {
                if (how[deps[i]]) continue;
                ctl *t = &l->cs.v[nl - 1 - deps[i]];
                prep_moves(l, label_arity(t), label_dest(t));
                how[deps[i]] = t->kind != C_FUNC && !moves_needed(l, label_arity(t), t->base_home) ? 1 : 2;
            }
            uint32_t at = emit(l, ZW_IR_BR_TABLE);
            W(l, is);
            W(l, n);
            for (uint32_t i = 0; i <= n; i++) {
                ctl *t = &l->cs.v[nl - 1 - deps[i]];
                tw[i] = l->code.n;
                if (how[deps[i]] == 2) W(l, 0);
                else if (t->kind == C_LOOP) W_target(l, at, t->start);
                else W_patch(l, at, t);
            }
            /* one stub of moves per label that needs them, in first-use order */
            for (uint32_t i = 0; i <= n; i++) {
                if (how[deps[i]] != 2 || stub_at[deps[i]]) continue;
                stub_at[deps[i]] = l->code.n - at;
                branch(l, nl - 1 - deps[i]);
            }
            for (uint32_t i = 0; i <= n && !l->too_big; i++)
                if (how[deps[i]] == 2) l->code.v[tw[i]] = stub_at[deps[i]];
            zw_free(&l->m->al, stub_at);
            zw_free(&l->m->al, how);
            zw_free(&l->m->al, deps);
            zw_free(&l->m->al, tw);
            mark_unreachable(l);
            break;
        }
        case ZW_OP_RETURN:
            branch(l, return_target(l));
            mark_unreachable(l);
            break;
        case ZW_OP_CALL: {
            const zw_functype *t = zw_func_type(m, in.a);
            if (in.a >= m->nfunc_imports && !l->trace && !l->in_body) {
                uint8_t k = inline_kind(l, in.a);
                if (k == INL_LEAF) {
                    lower_inline(l, in.a);
                    break;
                }
                if (k == INL_BODY &&
                    l->inlined_bytes + m->funcs[in.a].code_len <= BODY_INLINE_MAX_TOTAL) {
                    lower_inline_body(l, in.a, &p, &end);
                    break;
                }
            }
            uint32_t base = call_args(l, t->nparams);
            if (in.a >= m->nfunc_imports) {
                emit(l, ZW_IR_CALL_LOCAL);
                W(l, in.a - m->nfunc_imports);
            } else {
                emit(l, ZW_OP_CALL);
                W(l, in.a);
            }
            W(l, base);
            call_results(l, t);
            break;
        }
        case ZW_OP_RETURN_CALL: case ZW_OP_RETURN_CALL_INDIRECT: case ZW_OP_RETURN_CALL_REF:
            lower_return_call(l, &in);
            break;
        case ZW_OP_CALL_INDIRECT:
            lower_call_through(l, op, &in);
            break;
        VALUE_OP_CASES: lower_value_op(l, op, &in); break;
        case ZW_OP_LOCAL_GET: push_read(l, l->ltype[in.a], l->lslot[in.a]); break;
        case ZW_OP_LOCAL_SET: set_local(l, in.a, pop(l)); break;
        case ZW_OP_LOCAL_TEE: {
            vent v = pop(l);
            set_local(l, in.a, v);
            if (v.kind == V_CONST) {
                vent *e = push(l, V_CONST, v.type);
                if (e) { e->c[0] = v.c[0]; e->c[1] = v.c[1]; }
            } else {
                push_read(l, l->ltype[in.a], l->lslot[in.a]);
            }
            break;
        }
        /* table, element, data and memory instructions: [d][s...][n...] */
        case ZW_OP_TABLE_GET: case ZW_OP_TABLE_SET: case ZW_OP_TABLE_SIZE: case ZW_OP_TABLE_GROW:
        case ZW_OP_TABLE_FILL: case ZW_OP_TABLE_COPY: case ZW_OP_TABLE_INIT: case ZW_OP_ELEM_DROP:
        case ZW_OP_DATA_DROP: case ZW_OP_MEMORY_SIZE: case ZW_OP_MEMORY_GROW: case ZW_OP_MEMORY_INIT:
        case ZW_OP_MEMORY_COPY: case ZW_OP_MEMORY_FILL: case ZW_OP_REF_FUNC:
            emit_special(l, op, &in);
            break;
        case ZW_OP_REF_NULL: {
            vent *e = push(l, V_CONST, zw_ref_type(in.a, true));
            if (e) e->c[0] = 0;
            break;
        }
        case ZW_OP_REF_IS_NULL: {
            uint32_t s[1];
            pop_srcs(l, 1, s);
            uint32_t start = l->code.n, ninsn = l->insn.n;
            emit(l, ZW_IR_REF_IS_NULL);
            W_dst(l, ZW_I32);
            W(l, s[0]);
            set_cmp(l, start, ninsn, (cond){ZW_IR_BR_NULL, s[0], 0, 0});
            break;
        }
        default: {
            const zw_opinfo *oi = &zw_opinfos[op];
            if (oi->prefix == 0xFB || op == ZW_OP_REF_EQ) {
                lower_gc(l, op, &in);
                break;
            }
            switch (oi->imm) {
            case IMM_NONE:
                if (oi->params) lower_generic(l, op);
                break;
            case IMM_MEMARG: lower_memarg(l, op, &in); break;
            case IMM_ATOMIC: lower_atomic(l, op, &in); break;
            case IMM_ZERO: emit(l, op); break; /* atomic.fence */
            case IMM_LANE: {
                uint32_t np = (uint32_t)strlen(oi->params), s[2];
                pop_srcs(l, np, s);
                emit(l, op);
                W_dst(l, zw_sig_letter_type(oi->results[0]));
                for (uint32_t i = 0; i < np; i++) W(l, s[i]);
                W(l, in.lane);
                break;
            }
            case IMM_MEMARG_LANE: {
                uint32_t s[2];
                pop_srcs(l, 2, s);
                emit(l, op);
                if (oi->results[0]) W_dst(l, ZW_V128);
                W(l, s[0]);
                W(l, s[1]);
                W_mem(l, in.mem, in.offset);
                W(l, in.lane);
                break;
            }
            case IMM_SHUFFLE: {
                uint32_t s[2];
                pop_srcs(l, 2, s);
                emit(l, op);
                W_dst(l, ZW_V128);
                W(l, s[0]);
                W(l, s[1]);
                for (int i = 0; i < 4; i++) W(l, in.v.u32[i]);
                break;
            }
            default:
                return zw_err_set(err, ZWASM_ERR_UNSUPPORTED, ZWASM_NO_OFFSET, l->fidx,
                                  "lowering: unsupported instruction %s", oi->text);
            }
        }
        }
    }
    if (l->oom) return zw_err_set(err, ZWASM_ERR_NOMEM, ZWASM_NO_OFFSET, l->fidx, "out of memory");
    if (l->too_big)
        return zw_err_set(err, ZWASM_ERR_UNSUPPORTED, fn->body_offset, l->fidx,
                          "function %u: its register code would exceed %u words, the "
                          "implementation limit for a body of %u bytes", l->fidx, l->budget,
                          fn->code_len);
    return ZWASM_OK;
}

/* br to br -> direct; br to return/return1 -> return1 in place (same size). */
static void thread_jumps(L *l) {
    uint32_t *c = l->code.v;
    if (l->trace) return;
    for (uint32_t i = 0; i < l->insn.n; i++) {
        uint32_t at = l->insn.v[i];
        if (c[at] != ZW_IR_BR) continue;
        uint32_t t = at + c[at + 1];
        for (int k = 0; k < 8 && c[t] == ZW_IR_BR; k++) t = t + c[t + 1];
        if (c[t] == ZW_IR_RETURN1) {
            c[at] = ZW_IR_RETURN1;
            c[at + 1] = c[t + 1];
        } else if (c[t] == ZW_IR_RETURN) {
            c[at] = ZW_IR_RETURN_PAD;
            c[at + 1] = 0;
        } else {
            c[at + 1] = t - at;
        }
    }
}

static uint32_t types_slots(const zw_valtype *t, uint32_t n) {
    uint32_t s = 0;
    for (uint32_t i = 0; i < n; i++) s += zw_slots(t[i]);
    return s;
}

static zwasm_result_t lower_func(zw_module *m, uint32_t fidx, zw_ir_func **out, zwasm_error_t *err) {
    L l;
    memset(&l, 0, sizeof l);
    l.m = m;
    l.fidx = fidx;
    l.ft = zw_func_type(m, fidx);
    l.trace = m->trace;
    l.last_dst = NONE;
    const zw_func *fn = &m->funcs[fidx];
    /* Real code lowers to at most ~4 words per byte; a hostile body (branches
     * carrying hundreds of values, say) could ask for thousands. */
    uint64_t budget = (l.trace ? 2u : 1u) * (ZW_LOWER_WORDS_PER_BYTE * (uint64_t)fn->code_len + 1024);
    l.budget = budget < UINT32_MAX ? (uint32_t)budget : UINT32_MAX;
    l.nlocals = l.ft->nparams + fn->nlocals;
    zw_ir_func *f = zw_calloc(&m->al, 1, sizeof *f);
    zwasm_result_t r = ZWASM_OK;
    if (!f || !layout_locals(m, fidx, 0, &l.lslot, &l.ltype)) {
        r = zw_err_set(err, ZWASM_ERR_NOMEM, ZWASM_NO_OFFSET, fidx, "out of memory");
        goto done;
    }
    f->nparam_slots = l.lslot[l.ft->nparams];
    uint32_t s = f->nlocal_slots = l.lslot[l.nlocals];
    l.temp_base = s;
    l.floor_home = s;
    r = lower_body(&l, err);
    if (r != ZWASM_OK) goto done;
    /* a handler continuing where no code follows (its label's end is the
     * function's unreachable end) */
    {
        uint32_t past = l.code.n;
        bool need = false;
        for (uint32_t k = 0; k < l.catches.n; k++) need |= l.catches.v[k].target >= past;
        if (need) {
            emit(&l, ZW_OP_UNREACHABLE);
            for (uint32_t k = 0; k < l.catches.n; k++)
                if (l.catches.v[k].target >= past) l.catches.v[k].target = past;
        }
    }
    if (l.oom || l.too_big) {
        r = zw_err_set(err, l.oom ? ZWASM_ERR_NOMEM : ZWASM_ERR_UNSUPPORTED, ZWASM_NO_OFFSET, fidx,
                       l.oom ? "out of memory" : "function %u: its register code is too large", fidx);
        goto done;
    }
    f->func_idx = fidx;
    f->type_idx = fn->type_idx;
    f->type = l.ft;
    f->nresult_slots = types_slots(l.ft->results, l.ft->nresults);
    f->frame_slots = l.temp_base + l.max_h;
    if (f->frame_slots < f->nresult_slots) f->frame_slots = f->nresult_slots;
    if (f->frame_slots < 1) f->frame_slots = 1;
    thread_jumps(&l);
    f->code = l.code.v;
    f->len = l.code.n;
    f->insn = l.insn.v;
    f->ninsn = l.insn.n;
    f->src = l.src.v;
    f->inlined = l.inls.v;
    f->ninlined = l.inls.n;
    f->regions = l.regions.v;
    f->nregions = l.regions.n;
    f->catches = l.catches.v;
    f->ncatches = l.catches.n;
    l.regions.v = NULL;
    l.catches.v = NULL;
    {
        bool oom;
        if (!zw_ir_index_regions(&m->al, f, &oom)) {
            r = oom ? zw_err_set(err, ZWASM_ERR_NOMEM, ZWASM_NO_OFFSET, fidx, "out of memory")
                    : zw_err_set(err, ZWASM_ERR_UNSUPPORTED, ZWASM_NO_OFFSET, fidx,
                                 "internal error: exception regions do not nest");
            f->code = NULL; /* (still owned by l: freed below) */
            f->insn = NULL;
            f->src = NULL;
            f->inlined = NULL;
            goto done;
        }
    }
    l.code.v = NULL;
    l.insn.v = NULL;
    l.src.v = NULL;
    l.inls.v = NULL;
    *out = f;
    f = NULL;
done:
    free_func(&m->al, f);
    for (uint32_t i = l.cs.n; i-- > 0;) {
        ctl_free(&l, &l.cs.v[i]);
        if (l.cs.v[i].kind == C_INLINE) { /* stopped inside an inlined body */
            zw_free(&m->al, l.lslot);
            zw_free(&m->al, l.ltype);
            l.lslot = l.cs.v[i].caller.lslot;
            l.ltype = l.cs.v[i].caller.ltype;
        }
    }
    ZW_VEC_FREE(&m->al, &l.cs);
    ZW_VEC_FREE(&m->al, &l.vs);
    ZW_VEC_FREE(&m->al, &l.code);
    ZW_VEC_FREE(&m->al, &l.insn);
    ZW_VEC_FREE(&m->al, &l.src);
    ZW_VEC_FREE(&m->al, &l.inls);
    ZW_VEC_FREE(&m->al, &l.regions);
    ZW_VEC_FREE(&m->al, &l.catches);
    zw_free(&m->al, l.lslot);
    zw_free(&m->al, l.ltype);
    zw_free(&m->al, l.reads);
    return r;
}

bool zw_ir_init_module(zw_module *m) {
    uint32_t n = m->nfuncs - m->nfunc_imports;
    if (m->ir) return true;
    m->ir = zw_calloc(&m->al, n + 1, sizeof *m->ir);
    m->inlinable = zw_calloc(&m->al, n + 1, 1);
    if (m->ir && m->inlinable) return true;
    zw_ir_free_module(m);
    return false;
}

zwasm_result_t zw_ir_get(zw_module *m, uint32_t def, const zw_ir_func **out, zwasm_error_t *err) {
    zw_ir_func *f = __atomic_load_n(&m->ir[def], __ATOMIC_ACQUIRE);
    if (!f) {
        zwasm_result_t r = lower_func(m, m->nfunc_imports + def, &f, err);
#ifdef ZW_VERIFY_IR
        /* debug and sanitizer builds check every function they lower */
        char why[300];
        zwasm_result_t v = r == ZWASM_OK ? zw_ir_verify(m, f, why, sizeof why) : ZWASM_OK;
        if (v != ZWASM_OK) {
            free_func(&m->al, f);
            r = v == ZWASM_ERR_NOMEM
                    ? zw_err_set(err, v, ZWASM_NO_OFFSET, m->nfunc_imports + def, "out of memory")
                    : zw_err_set(err, v, ZWASM_NO_OFFSET, m->nfunc_imports + def,
                                 "internal error: the IR does not verify: %s", why);
        }
#endif
        if (r != ZWASM_OK) return r;
        /* another thread may have lowered it meanwhile: keep the first */
        zw_ir_func *expected = NULL;
        if (!__atomic_compare_exchange_n(&m->ir[def], &expected, f, false, __ATOMIC_ACQ_REL,
                                         __ATOMIC_ACQUIRE)) {
            free_func(&m->al, f);
            f = expected;
        }
    }
    *out = f;
    return ZWASM_OK;
}

zwasm_result_t zw_lower_module(zw_module *m, zwasm_error_t *err) {
    if (!zw_ir_init_module(m))
        return zw_err_set(err, ZWASM_ERR_NOMEM, ZWASM_NO_OFFSET, ZWASM_NO_FUNC, "out of memory");
    for (uint32_t i = 0; i < m->nfuncs - m->nfunc_imports; i++) {
        const zw_ir_func *f;
        zwasm_result_t r = zw_ir_get(m, i, &f, err);
        if (r != ZWASM_OK) return r;
    }
    return ZWASM_OK;
}

static void free_func(const zw_alloc *al, zw_ir_func *f) {
    if (!f) return;
    zw_free(al, f->code);
    zw_free(al, f->insn);
    zw_free(al, f->src);
    zw_free(al, f->inlined);
    zw_free(al, f->regions);
    zw_free(al, f->catches);
    zw_free(al, f->insn_region);
    zw_ir_refmap_free(al, f->refmap);
    zw_free(al, f);
}

void zw_ir_free_module(zw_module *m) {
    if (m->ir)
        for (uint32_t i = 0; i < m->nfuncs - m->nfunc_imports; i++) free_func(&m->al, m->ir[i]);
    zw_free(&m->al, m->ir);
    zw_free(&m->al, m->inlinable);
    m->ir = NULL;
    m->inlinable = NULL;
}
